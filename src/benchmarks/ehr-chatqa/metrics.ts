// Metrics of reference §7. The runner already reports SR (mean reward with a bootstrap CI) and, when
// epochs > 1, pass@k, pass^k (k = 1..epochs) and the flip rate, overall and per `groupBy` key
// (database, taskType, category). This adds gap-k = pass@k − pass^k at k = epochs, overall and per group.
import type { Metric, MetricResult } from '../../core/index.js';
import { groupedMetrics, passAtKMetric, passHatKMetric } from '../../stats/index.js';

/** gap-k = pass@k − pass^k over the same samples; k = the run's epochs unless given. */
export function gapMetric(fixedK?: number): Metric {
  return {
    name: fixedK === undefined ? 'gap@k' : `gap@${fixedK}`,
    compute(units, context): MetricResult {
      const k = fixedK ?? Math.max(1, context.epochs);
      const a = passAtKMetric(k).compute(units, context) as MetricResult;
      const b = passHatKMetric(k).compute(units, context) as MetricResult;
      const result: MetricResult = { name: `gap@${k}`, value: a.value - b.value, n: a.n };
      if (a.dropped !== undefined) result.dropped = a.dropped;
      const note = a.note ?? b.note;
      if (note) result.note = note;
      return result;
    },
  };
}

export const GROUP_KEYS = ['database', 'taskType', 'category'];

export function ehrMetrics(): Metric[] {
  return [gapMetric(), ...GROUP_KEYS.map((key) => groupedMetrics(gapMetric(), key))];
}
