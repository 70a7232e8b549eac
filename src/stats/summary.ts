// The default metrics the runner reports for one scorer key.
import type { MetricContext, MetricResult, ScoredUnit } from '../core/metrics.js';
import { StatsInputError, requireLevel } from './errors.js';
import { flipRate, meanMetric, passAtKMetric, passHatKMetric } from './metrics.js';

export interface SummaryOptions {
  /** Epochs the task asked for. */
  epochs: number;
  level?: number;
  seed?: number;
}

/**
 * Default metrics for the units of one scorer key:
 * - `mean` with bootstrap CI and clustered stderr, always;
 * - when epochs ≥ 2: `pass@k` and `pass^k` for k = 1..epochs if every scored value is 0 or 1
 *   (for graded scores "success" would be an invented threshold), and `flip_rate`.
 */
export function summariseScores(units: readonly ScoredUnit[], { epochs, level = 0.95, seed = 0 }: SummaryOptions): MetricResult[] {
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new StatsInputError('summariseScores', 'epochs', `is ${String(epochs)}; expected a positive integer`);
  }
  requireLevel('summariseScores', level);
  const context: MetricContext = { epochs, level, seed };
  const list = [...units];
  const results: MetricResult[] = [meanMetric().compute(list, context) as MetricResult];
  if (epochs < 2) return results;
  // NaN counts as unscored too, as in the metrics (some callers mark "no value" with NaN).
  const scored = list.filter((unit) => unit.value !== null && Number.isFinite(unit.value));
  const binary = scored.length > 0 && scored.every((unit) => unit.value === 0 || unit.value === 1);
  if (binary) {
    for (let k = 1; k <= epochs; k++) results.push(passAtKMetric(k).compute(list, context) as MetricResult);
    for (let k = 1; k <= epochs; k++) results.push(passHatKMetric(k).compute(list, context) as MetricResult);
  }
  results.push(flipRate().compute(list, context) as MetricResult);
  return results;
}
