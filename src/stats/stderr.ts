// Cluster-robust standard error of the mean, computed as inspect_ai's `stderr(cluster=...)`.
import { mean } from './descriptive.js';
import { StatsInputError, requireFiniteNumbers, requireSameLength } from './errors.js';

/**
 * Standard error of the mean when observations come in correlated clusters (the epochs of one
 * sample are not independent draws, so treating them as such understates the error).
 *
 *   SE = sqrt( C/(C−1) · Σ_c ( Σ_{i∈c} (x_i − x̄) )² ) / N
 *
 * with N observations, C clusters and x̄ the mean over all observations. Why this exact form:
 * it is inspect_ai's `stderr(cluster=...)` (src/inspect_ai/scorer/_metrics/std.py,
 * `clustered_metric`), which follows Miller, "Adding Error Bars to Evals" (arXiv 2411.00640,
 * Appendix A) plus the finite-cluster correction C/(C−1). With one observation per cluster it
 * reduces to the ordinary sd/√N (ddof = 1).
 *
 * Returns NaN when there are fewer than 2 clusters (C/(C−1) is undefined; inspect_ai would divide
 * by zero). Throws on empty input or when values and clusters differ in length.
 */
export function clusteredStdErr(values: readonly number[], clusters: readonly (string | number)[]): number {
  requireSameLength('clusteredStdErr', ['values', values], ['clusters', clusters]);
  requireFiniteNumbers('clusteredStdErr', 'values', values);
  const overallMean = mean(values);
  const residualSums = new Map<string | number, number>();
  clusters.forEach((cluster, index) => {
    if (typeof cluster !== 'string' && typeof cluster !== 'number') {
      throw new StatsInputError(
        'clusteredStdErr',
        `clusters[${index}]`,
        `is ${String(cluster)}; expected a string or number`,
      );
    }
    residualSums.set(cluster, (residualSums.get(cluster) ?? 0) + values[index]! - overallMean);
  });
  return fromResidualSums([...residualSums.values()], values.length);
}

/**
 * The same standard error for values already laid out cluster by cluster: cluster c holds
 * values[offsets[c] .. offsets[c+1]). Used by the run summary, where building a Map keyed by
 * sample id for a million units would cost more memory than the scores themselves.
 */
export function clusteredStdErrContiguous(values: ArrayLike<number>, offsets: ArrayLike<number>): number {
  const count = values.length;
  if (count === 0) throw new StatsInputError('clusteredStdErrContiguous', 'values', 'is empty');
  let total = 0;
  for (let index = 0; index < count; index++) total += values[index]!;
  const overallMean = total / count;
  const sums = new Float64Array(Math.max(0, offsets.length - 1));
  for (let cluster = 0; cluster + 1 < offsets.length; cluster++) {
    let sum = 0;
    for (let index = offsets[cluster]!; index < offsets[cluster + 1]!; index++) sum += values[index]! - overallMean;
    sums[cluster] = sum;
  }
  return fromResidualSums(sums, count);
}

function fromResidualSums(sums: ArrayLike<number>, observations: number): number {
  const clusterCount = sums.length;
  if (clusterCount < 2) return Number.NaN;
  let variance = 0;
  for (let cluster = 0; cluster < clusterCount; cluster++) variance += sums[cluster]! * sums[cluster]!;
  return Math.sqrt((variance * clusterCount) / (clusterCount - 1)) / observations;
}
