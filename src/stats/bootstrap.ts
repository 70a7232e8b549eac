// Percentile bootstrap intervals, seeded so that the same seed gives the same interval on any machine.
import { mean, sortedQuantile } from './descriptive.js';
import {
  StatsInputError,
  requireFiniteNumbers,
  requireLevel,
  requirePositiveInteger,
  requireSameLength,
} from './errors.js';
import { createRng } from './random.js';
import { resampleMeans } from './resample.js';

export interface BootstrapOptions {
  /** Resamples drawn (default 1000, as HealthBench's bootstrap_std and inspect_ai's bootstrap_stderr). */
  iterations?: number;
  /** Two-sided coverage of the interval (default 0.95). */
  level?: number;
  /** PRNG seed (default 0). */
  seed?: number;
}

export interface BootstrapInterval {
  /** The statistic on the original values (not the mean of the resamples). */
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  method: 'percentile-bootstrap';
  iterations: number;
  /** Why the interval is NaN, when it is. */
  note?: string;
}

export interface PairedBootstrapResult extends BootstrapInterval {
  /** Two-sided p-value for "mean(a − b) = 0"; see pairedBootstrap. */
  pValue: number;
  n: number;
}

function resampleStatistics(
  values: readonly number[],
  iterations: number,
  seed: number,
  statistic: (values: readonly number[]) => number,
): Float64Array {
  // The mean needs no resample array: summing the draws in draw order gives bit-identical results
  // to mean(draw); resampleMeans runs that loop on typed arrays with the generator inlined.
  if (statistic === mean) return resampleMeans(values, iterations, seed);
  const rng = createRng(seed);
  const size = values.length;
  const results = new Float64Array(iterations);
  const draw = new Array<number>(size);
  for (let iteration = 0; iteration < iterations; iteration++) {
    for (let position = 0; position < size; position++) draw[position] = values[rng.int(size)]!;
    results[iteration] = statistic(draw);
  }
  return results;
}

/**
 * The resampled statistics in ascending order, as `sort((x, y) => x − y)` orders them. The typed
 * array's own numeric sort is faster and agrees whenever there is no NaN and no −0 (it puts −0 before
 * +0, and NaN last, where the comparator keeps their arrival order); otherwise the comparator is used.
 */
function sortedResamples(
  results: Float64Array,
): ArrayLike<number> & { filter(test: (value: number) => boolean): ArrayLike<number> } {
  for (const value of results)
    if (Number.isNaN(value) || Object.is(value, -0)) return Array.from(results).sort((x, y) => x - y);
  return results.sort();
}

/**
 * The percentile bootstrap interval of the mean of values already known to be finite and at least two
 * (the run summary's per-sample means): bootstrapCI(values) without copying or re-validating them.
 */
export function bootstrapMeanBounds(
  values: Float64Array,
  { iterations = 1000, level = 0.95, seed = 0 }: BootstrapOptions = {},
): { lower: number; upper: number } {
  checkOptions('bootstrapCI', iterations, level, seed);
  const resampled = sortedResamples(resampleMeans(values, iterations, seed));
  return { lower: sortedQuantile(resampled, (1 - level) / 2), upper: sortedQuantile(resampled, (1 + level) / 2) };
}

function checkOptions(functionName: string, iterations: number, level: number, seed: number): void {
  requirePositiveInteger(functionName, 'iterations', iterations);
  requireLevel(functionName, level);
  if (!Number.isFinite(seed)) throw new StatsInputError(functionName, 'seed', `is ${String(seed)}; expected a number`);
}

/**
 * Percentile bootstrap confidence interval of `statistic` (default: the mean).
 * - n = 0 throws: there is nothing to estimate, and a NaN row in a report hides the bug.
 * - n = 1 returns the estimate with lower = upper = NaN and a note: every resample repeats the one
 *   value, and a zero-width interval would claim a certainty one observation cannot give.
 * Bounds are the (1 − level)/2 and (1 + level)/2 quantiles of the resampled statistics
 * (linear interpolation, numpy's default).
 */
export function bootstrapCI(
  values: readonly number[],
  {
    iterations = 1000,
    level = 0.95,
    seed = 0,
    statistic = mean,
  }: BootstrapOptions & { statistic?: (values: readonly number[]) => number } = {},
): BootstrapInterval {
  requireFiniteNumbers('bootstrapCI', 'values', values);
  checkOptions('bootstrapCI', iterations, level, seed);
  const estimate = statistic(values);
  const base = { estimate, level, method: 'percentile-bootstrap' as const, iterations };
  if (values.length === 1) {
    return { ...base, lower: Number.NaN, upper: Number.NaN, note: 'one value: the bootstrap cannot estimate spread' };
  }
  const resampled = sortedResamples(resampleStatistics(values, iterations, seed, statistic));
  return {
    ...base,
    lower: sortedQuantile(resampled, (1 - level) / 2),
    upper: sortedQuantile(resampled, (1 + level) / 2),
  };
}

/**
 * Paired bootstrap of the mean difference mean(a − b): pairs are resampled together, so the
 * correlation between two systems scored on the same samples is kept (that is what makes the
 * paired test sharper than comparing two separate intervals).
 *
 * pValue: the share of resampled mean differences on the other side of 0 from the estimate
 * (0 itself counts as the other side), doubled and capped at 1; 1 when the estimate is exactly 0.
 * It cannot go below 1/iterations in resolution, so report "< 1/iterations" for a 0.
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  { iterations = 1000, level = 0.95, seed = 0 }: BootstrapOptions = {},
): PairedBootstrapResult {
  requireSameLength('pairedBootstrap', ['a', a], ['b', b]);
  requireFiniteNumbers('pairedBootstrap', 'a', a);
  requireFiniteNumbers('pairedBootstrap', 'b', b);
  checkOptions('pairedBootstrap', iterations, level, seed);
  const differences = a.map((value, index) => value - b[index]!);
  const estimate = mean(differences);
  const base = { estimate, level, method: 'percentile-bootstrap' as const, iterations, n: differences.length };
  if (differences.length === 1) {
    return {
      ...base,
      lower: Number.NaN,
      upper: Number.NaN,
      pValue: Number.NaN,
      note: 'one pair: the bootstrap cannot estimate spread',
    };
  }
  const resampled = sortedResamples(resampleStatistics(differences, iterations, seed, mean));
  let otherSide = 0;
  if (estimate > 0) otherSide = resampled.filter((value) => value <= 0).length;
  else if (estimate < 0) otherSide = resampled.filter((value) => value >= 0).length;
  const pValue = estimate === 0 ? 1 : Math.min(1, (2 * otherSide) / iterations);
  return {
    ...base,
    lower: sortedQuantile(resampled, (1 - level) / 2),
    upper: sortedQuantile(resampled, (1 + level) / 2),
    pValue,
  };
}
