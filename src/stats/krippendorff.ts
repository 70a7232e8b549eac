// Krippendorff's alpha for any number of raters, missing values and four levels of measurement,
// by the coincidence-matrix method of Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability".
import { StatsInputError } from './errors.js';

export type MeasurementLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';
export type RatingValue = number | string | null;

const LEVELS: readonly MeasurementLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];

function isMissing(value: RatingValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));
}

function checkData(data: readonly (readonly RatingValue[])[], level: MeasurementLevel): number {
  if (!LEVELS.includes(level)) {
    throw new StatsInputError(
      'krippendorffAlpha',
      'level',
      `is ${String(level)}; expected nominal, ordinal, interval or ratio`,
    );
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new StatsInputError('krippendorffAlpha', 'data', 'is empty; expected raters × units');
  }
  const unitCount = Array.isArray(data[0]) ? data[0].length : -1;
  data.forEach((row, rater) => {
    if (!Array.isArray(row))
      throw new StatsInputError('krippendorffAlpha', `data[${rater}]`, 'is not an array of ratings');
    if (row.length !== unitCount) {
      throw new StatsInputError(
        'krippendorffAlpha',
        `data[${rater}]`,
        `has ${row.length} ratings; expected ${unitCount} (one per unit, as data[0])`,
      );
    }
    row.forEach((value, unit) => {
      if (isMissing(value)) return;
      const numeric = typeof value === 'number' && Number.isFinite(value);
      if (level !== 'nominal' && !numeric) {
        throw new StatsInputError(
          'krippendorffAlpha',
          `data[${rater}][${unit}]`,
          `is ${JSON.stringify(value)}; ${level} alpha needs numbers (map labels to their order first)`,
        );
      }
      if (!numeric && typeof value !== 'string') {
        throw new StatsInputError(
          'krippendorffAlpha',
          `data[${rater}][${unit}]`,
          `is ${String(value)}; expected a number, string or null`,
        );
      }
      if (level === 'ratio' && (value as number) < 0) {
        throw new StatsInputError(
          'krippendorffAlpha',
          `data[${rater}][${unit}]`,
          `is ${String(value)}; ratio alpha needs values ≥ 0`,
        );
      }
    });
  });
  return unitCount;
}

/**
 * Krippendorff's alpha = 1 − D_observed / D_expected, for `data` given as raters × units
 * (`data[rater][unit]`); null, undefined and NaN mark a missing rating.
 *
 * - Units with fewer than 2 ratings are dropped: they hold no pair to compare (Krippendorff 2011, §A).
 * - 'nominal' compares labels for equality (numbers and strings; 1 and '1' are different labels).
 *   'ordinal', 'interval' and 'ratio' need numbers; 'ordinal' uses only their order and the
 *   marginal frequencies, 'ratio' needs values ≥ 0.
 * - Returns NaN when no unit has 2 ratings, or when every pairable rating is the same value
 *   (no variation: alpha is undefined, not perfect). Callers averaging alpha over many small
 *   tables (CounselBench's per-question alpha) decide what such a table means.
 * Throws when data is empty, a rater row has the wrong length, or a value fits no level.
 */
export function krippendorffAlpha(data: readonly (readonly RatingValue[])[], level: MeasurementLevel): number {
  const unitCount = checkData(data, level);

  // Distinct values, in numeric order for the non-nominal levels (ordinal needs the order).
  const valueIndex = new Map<number | string, number>();
  const values: (number | string)[] = [];
  for (const row of data) {
    for (const value of row) {
      if (!isMissing(value) && !valueIndex.has(value as number | string)) {
        valueIndex.set(value as number | string, -1);
        values.push(value as number | string);
      }
    }
  }
  if (level !== 'nominal') (values as number[]).sort((x, y) => x - y);
  values.forEach((value, index) => valueIndex.set(value, index));
  const valueCount = values.length;

  // Coincidence matrix: each unit with m ≥ 2 ratings adds 1/(m − 1) for every ordered pair of
  // ratings by different raters, so each pairable rating contributes exactly 1 in total.
  const coincidences = Array.from({ length: valueCount }, () => new Float64Array(valueCount));
  for (let unit = 0; unit < unitCount; unit++) {
    const countsInUnit = new Map<number, number>();
    let ratingsInUnit = 0;
    for (const row of data) {
      const value = row[unit];
      if (isMissing(value)) continue;
      const index = valueIndex.get(value as number | string)!;
      countsInUnit.set(index, (countsInUnit.get(index) ?? 0) + 1);
      ratingsInUnit++;
    }
    if (ratingsInUnit < 2) continue;
    for (const [first, firstCount] of countsInUnit) {
      for (const [second, secondCount] of countsInUnit) {
        const pairs = first === second ? firstCount * (firstCount - 1) : firstCount * secondCount;
        coincidences[first]![second] += pairs / (ratingsInUnit - 1);
      }
    }
  }

  const marginals = coincidences.map((row) => row.reduce((sum, value) => sum + value, 0));
  const total = marginals.reduce((sum, value) => sum + value, 0);
  if (total === 0) return Number.NaN;

  const distance = squaredDistance(level, values, marginals);
  let observed = 0;
  let expected = 0;
  for (let first = 0; first < valueCount; first++) {
    for (let second = 0; second < valueCount; second++) {
      if (first === second) continue;
      const delta = distance(first, second);
      observed += coincidences[first]![second]! * delta;
      expected += marginals[first]! * marginals[second]! * delta;
    }
  }
  if (expected === 0) return Number.NaN;
  return 1 - ((total - 1) * observed) / expected;
}

/** δ² between the values at two indices (Krippendorff 2011, the difference functions of §C). */
function squaredDistance(
  level: MeasurementLevel,
  values: readonly (number | string)[],
  marginals: readonly number[],
): (first: number, second: number) => number {
  if (level === 'nominal') return (first, second) => (first === second ? 0 : 1);
  const numbers = values as readonly number[];
  if (level === 'interval') return (first, second) => (numbers[first]! - numbers[second]!) ** 2;
  if (level === 'ratio') {
    return (first, second) => {
      const sum = numbers[first]! + numbers[second]!;
      return sum === 0 ? 0 : ((numbers[first]! - numbers[second]!) / sum) ** 2;
    };
  }
  // Ordinal: the number of pairable values "between" the two ranks, counting each end half.
  const cumulative = [0];
  for (const marginal of marginals) cumulative.push(cumulative[cumulative.length - 1]! + marginal);
  return (first, second) => {
    const low = Math.min(first, second);
    const high = Math.max(first, second);
    const between = cumulative[high + 1]! - cumulative[low]! - (marginals[low]! + marginals[high]!) / 2;
    return between ** 2;
  };
}
