// The headline of a run: the metric(s) a benchmark's paper reports first, looked up in the summary
// overall and per group. The terminal, `medkit show` and the viewer read the resolved rows from
// summary.json (`headline`), so no reader needs the benchmark's code.
import type { HeadlineMetric, HeadlineValue, MetricResult, RunSummary } from '../core/index.js';

/** `pass@k` / `pass^k` with a literal k name the run's own k (its epochs). */
export function headlineMetricName(metric: string, epochs: number): string {
  return metric.replace(/^(pass[@^])k$/, `$1${epochs}`).replace(/@k\b/, `@${epochs}`);
}

function labelOf(headline: HeadlineMetric, name: string): string {
  if (headline.label) return headline.label.replace(/\bk\b/, String(name.match(/[@^](\d+)$/)?.[1] ?? 'k'));
  return headline.task ? name : `${headline.scorer} ${name}`;
}

type SummaryParts = Pick<RunSummary, 'metrics' | 'groups' | 'taskMetrics' | 'epochs'>;

/** Resolves declared headline metrics against a summary's rows (missing rows give result null). */
export function resolveHeadline(summary: SummaryParts, headline: HeadlineMetric[]): HeadlineValue[] {
  return headline.map((declared) => {
    const name = headlineMetricName(declared.metric, summary.epochs);
    const groups: Record<string, Record<string, MetricResult>> = {};
    let result: MetricResult | null = null;
    if (declared.task) {
      const taskName = declared.scorer ? `${declared.scorer}.${name}`.replace(/^\./, '') : name;
      const byName = new Map(summary.taskMetrics.map((metric) => [metric.name, metric]));
      result = byName.get(taskName) ?? byName.get(name) ?? null;
      // Task metrics per group are named `name[groupKey=value]` (EHR-ChatQA's gap@k per database).
      for (const metric of summary.taskMetrics) {
        const match = metric.name.match(/^(.*)\[([^=\]]+)=([^\]]+)\]$/);
        if (!match || (match[1] !== taskName && match[1] !== name)) continue;
        (groups[match[2]!] ??= {})[match[3]!] = metric;
      }
    } else {
      result = summary.metrics[declared.scorer]?.find((metric) => metric.name === name) ?? null;
      for (const [groupKey, values] of Object.entries(summary.groups)) {
        for (const [value, perScorer] of Object.entries(values)) {
          const metric = perScorer[declared.scorer]?.find((row) => row.name === name);
          if (metric) (groups[groupKey] ??= {})[value] = metric;
        }
      }
    }
    return {
      label: labelOf(declared, name),
      scorer: declared.scorer,
      metric: name,
      task: declared.task ?? false,
      result,
      groups,
    };
  });
}
