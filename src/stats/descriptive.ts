// Small descriptive helpers shared by the rest of src/stats.
import { requireFiniteNumbers } from './errors.js';

/** Arithmetic mean. Throws on an empty list: the mean of nothing is a bug upstream, not a 0. */
export function mean(values: readonly number[]): number {
  requireFiniteNumbers('mean', 'values', values);
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation (n − 1 denominator, numpy ddof=1). 0 for a single value, as inspect_ai. */
export function sampleStdDev(values: readonly number[]): number {
  requireFiniteNumbers('sampleStdDev', 'values', values);
  if (values.length < 2) return 0;
  const centre = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - centre) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * Quantile of already sorted values by linear interpolation between order statistics
 * (Hyndman–Fan type 7, numpy's default), so intervals match numpy.percentile on the same draws.
 */
export function sortedQuantile(sorted: ArrayLike<number>, probability: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const weight = position - below;
  return sorted[below]! + weight * (sorted[above]! - sorted[below]!);
}

/** Average ranks (1-based) with ties sharing the mean of their positions, plus the tie group sizes. */
export function averageRanks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((value, index) => ({ value, index })).sort((left, right) => left.value - right.value);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    const sharedRank = (start + end) / 2 + 1;
    for (let position = start; position <= end; position++) ranks[order[position]!.index] = sharedRank;
    tieSizes.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, tieSizes };
}
