// The default metrics the runner reports for one scorer key.
import type { MetricContext, MetricResult, ScoredUnit } from '../core/metrics.js';
import { StatsInputError, requireLevel } from './errors.js';
import {
  collectBySample,
  flipRateOfSamples,
  meanOfSamples,
  passKOfSamples,
  type SampleValues,
  type ScoreColumn,
} from './metrics.js';

export type { SampleValues } from './metrics.js';

export interface SummaryOptions {
  /** Epochs the task asked for. */
  epochs: number;
  level?: number;
  seed?: number;
  /** false: the values are not successes (a judge's Yes rate), so no pass@k / pass^k rows. Default true. */
  passK?: boolean;
}

function checkSummaryOptions(epochs: number, level: number): void {
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new StatsInputError('summariseScores', 'epochs', `is ${String(epochs)}; expected a positive integer`);
  }
  requireLevel('summariseScores', level);
}

/**
 * Default metrics for the units of one scorer key:
 * - `mean` with bootstrap CI and clustered stderr, always;
 * - when epochs ≥ 2: `pass@k` and `pass^k` for k = 1..epochs if every scored value is 0 or 1
 *   (for graded scores "success" would be an invented threshold) and the scorer's values are
 *   successes (`passK`), and `flip_rate`.
 */
export function summariseScores(
  units: readonly ScoredUnit[] | ScoreColumn,
  { epochs, level = 0.95, seed = 0, passK = true }: SummaryOptions,
): MetricResult[] {
  checkSummaryOptions(epochs, level);
  // Grouped once for every metric below (a run summary can hold a million units).
  return summariseSampleValues(collectBySample(units), { epochs, level, seed, passK });
}

/** summariseScores on units already grouped by sample (the run summary groups a table's rows itself). */
export function summariseSampleValues(
  samples: SampleValues,
  { epochs, level = 0.95, seed = 0, passK = true }: SummaryOptions,
): MetricResult[] {
  checkSummaryOptions(epochs, level);
  const context: MetricContext = { epochs, level, seed };
  const results: MetricResult[] = [meanOfSamples(samples, context)];
  if (epochs < 2) return results;
  // NaN counts as unscored too (collectBySample drops it), as in the metrics.
  const binary = passK && samples.values.length > 0 && samples.values.every((value) => value === 0 || value === 1);
  if (binary) {
    for (let k = 1; k <= epochs; k++) results.push(passKOfSamples('pass@', k, samples, context));
    for (let k = 1; k <= epochs; k++) results.push(passKOfSamples('pass^', k, samples, context));
  }
  results.push(flipRateOfSamples(samples));
  return results;
}
