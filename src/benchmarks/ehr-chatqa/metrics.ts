// Metrics of reference §7. The runner already reports SR (mean reward with a bootstrap CI) and, when
// epochs > 1, pass@k, pass^k (k = 1..epochs) and the flip rate, overall and per `groupBy` key
// (database, taskType, category). This adds gap-k = pass@k − pass^k at k = epochs, overall and per group.
import type { Metric, MetricResult } from '../../core/index.js';
import { groupedMetrics, meanMetric, passAtKMetric, passHatKMetric } from '../../stats/index.js';

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

export function ehrMetrics(categoriesById?: Map<string, string[]>): Metric[] {
  return [
    gapMetric(),
    ...GROUP_KEYS.map((key) => groupedMetrics(gapMetric(), key)),
    ...(categoriesById ? [multiLabelCategoryMetrics(categoriesById)] : []),
  ];
}

/**
 * Per-category metrics where a task counts in **every** category it carries (the runner's `category`
 * group uses only the first tag): mean reward with its CI, pass@k, pass^k and gap at k = epochs.
 */
export function multiLabelCategoryMetrics(categoriesById: Map<string, string[]>): Metric {
  return {
    name: 'by-category-tag',
    compute(units, context): MetricResult[] {
      const categories = [...new Set([...categoriesById.values()].flat())].sort();
      const k = Math.max(1, context.epochs);
      const results: MetricResult[] = [];
      for (const category of categories) {
        const members = units.filter((unit) => categoriesById.get(unit.id)?.includes(category));
        if (members.length === 0) continue;
        const metrics: Metric[] = [meanMetric(), ...(k > 1 ? [passAtKMetric(k), passHatKMetric(k), gapMetric(k)] : [])];
        for (const metric of metrics) {
          const result = metric.compute(members, context) as MetricResult;
          results.push({ ...result, name: `${result.name}[tag=${category}]` });
        }
      }
      return results;
    },
  };
}
