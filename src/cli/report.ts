// Text tables for the terminal: the summary of a run and of a comparison.
import type { MetricResult, RunSummary } from '../core/index.js';

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return value.toFixed(digits);
}

export function formatMetric(metric: MetricResult): string {
  const ci = metric.ci ? ` [${formatNumber(metric.ci.lower)}, ${formatNumber(metric.ci.upper)}]` : '';
  return `${formatNumber(metric.value)}${ci}`;
}

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, index) => cell.padEnd(widths[index]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatSummary(summary: RunSummary, options: { groups?: boolean } = {}): string {
  const lines: string[] = [];
  const models = Object.entries(summary.models)
    .map(([role, name]) => `${role}=${name}`)
    .join(', ');
  lines.push(
    `${summary.benchmark} v${summary.task.version}  ${summary.status}  solver=${summary.solverName}  ${models}`,
  );
  lines.push(
    `${summary.counts.samples} samples × ${summary.epochs} epoch(s) = ${summary.counts.units} units, ${summary.counts.errors} errors` +
      (summary.counts.dataErrors ? `, ${summary.counts.dataErrors} malformed dataset lines skipped` : '') +
      `, ${(summary.timing.durationMs / 1000).toFixed(1)} s`,
  );
  const rows: string[][] = [['metric', 'value [95% CI]', 'n', 'dropped']];
  for (const [key, metrics] of Object.entries(summary.metrics)) {
    for (const metric of metrics) {
      const level = metric.ci ? Math.round(metric.ci.level * 100) : 95;
      rows.push([
        `${key} ${metric.name}`,
        formatMetric(metric) + (metric.ci && level !== 95 ? ` (${level}%)` : ''),
        String(metric.n),
        String(metric.dropped ?? 0),
      ]);
    }
  }
  for (const metric of summary.taskMetrics)
    rows.push([metric.name, formatMetric(metric), String(metric.n), String(metric.dropped ?? 0)]);
  lines.push('', table(rows));
  if (options.groups !== false) {
    for (const [groupKey, values] of Object.entries(summary.groups)) {
      const groupRows: string[][] = [[groupKey, 'scorer', 'mean [95% CI]', 'n']];
      for (const [value, perKey] of Object.entries(values)) {
        for (const [key, metrics] of Object.entries(perKey)) {
          const mean = metrics.find((metric) => metric.name === 'mean');
          if (mean) groupRows.push([value, key, formatMetric(mean), String(mean.n)]);
        }
      }
      if (groupRows.length > 1) lines.push('', table(groupRows));
    }
  }
  const usageRows: string[][] = [['role', 'calls', 'cached', 'input tokens', 'output tokens', 'cost USD']];
  for (const [role, usage] of Object.entries(summary.usage)) {
    if (!usage) continue;
    usageRows.push([
      role,
      String(usage.calls),
      String(usage.cachedCalls),
      String(usage.inputTokens),
      String(usage.outputTokens),
      usage.cost.toFixed(4),
    ]);
  }
  if (usageRows.length > 1) lines.push('', table(usageRows));
  for (const note of summary.notes) lines.push(`note: ${note}`);
  for (const error of summary.dataErrors ?? []) lines.push(`data error: ${error}`);
  return lines.join('\n');
}
