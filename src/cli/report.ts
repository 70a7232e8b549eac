// Text tables for the terminal: the summary of a run and of a comparison. By default a run prints its
// headline (the number its paper reports first) with a 95% CI, n, the errors and the headline per group;
// `--verbose` and `medkit show --verbose` print every metric. Bookkeeping keys stay in summary.json.
import type { HeadlineValue, MetricResult, RunSummary } from '../core/index.js';

/** Terminal text is laid out for 100 columns. */
export const WIDTH = 100;

/** Words wrapped to `width` columns: the first line after `prefix`, the others indented by `indent`. */
export function wrap(text: string, width: number, indent = 0, prefix = ''): string {
  const lines: string[] = [];
  let line = prefix;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/** A line cut to `width` with an ellipsis (lists stay one line per item). */
export function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return value.toFixed(digits);
}

export function formatMetric(metric: MetricResult): string {
  const ci = metric.ci ? ` [${formatNumber(metric.ci.lower)}, ${formatNumber(metric.ci.upper)}]` : '';
  const level = metric.ci ? Math.round(metric.ci.level * 100) : 95;
  return `${formatNumber(metric.value)}${ci}${metric.ci && level !== 95 ? ` (${level}%)` : ''}`;
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

/** Whether a scorer key or task metric name is bookkeeping (`prefix.*` entries match by prefix). */
export function isBookkeeping(key: string, bookkeeping: readonly string[] = []): boolean {
  return bookkeeping.some((entry) =>
    entry.endsWith('*') ? key.startsWith(entry.slice(0, -1)) : key === entry || key.startsWith(`${entry}[`),
  );
}

function header(summary: RunSummary): string[] {
  const models = Object.entries(summary.models)
    .map(([role, name]) => `${role}=${name}`)
    .join(', ');
  const sampling =
    (summary.limit !== undefined ? `, limit ${summary.limit}` : '') +
    (summary.shuffle !== undefined ? `, shuffled (seed ${summary.shuffle})` : '');
  return [
    `${summary.benchmark} v${summary.task.version}  ${summary.status}  solver=${summary.solverName}  ${models}`,
    `${summary.counts.samples} samples × ${summary.epochs} epoch(s) = ${summary.counts.units} units, ${summary.counts.errors} errors` +
      (summary.counts.dataErrors ? `, ${summary.counts.dataErrors} malformed dataset lines skipped` : '') +
      `${sampling}, ${(summary.timing.durationMs / 1000).toFixed(1)} s`,
  ];
}

function headlineTable(headline: HeadlineValue[]): string {
  const rows: string[][] = [['headline', 'value [95% CI]', 'n', 'dropped']];
  for (const value of headline) {
    rows.push(
      value.result
        ? [value.label, formatMetric(value.result), String(value.result.n), String(value.result.dropped ?? 0)]
        : [value.label, '— (no scored units)', '0', ''],
    );
  }
  return table(rows);
}

/** The headline per group: one column per headline metric when that fits 100 columns, else a row per metric. */
function headlineGroupTables(all: HeadlineValue[]): string[] {
  const groupKeys = [...new Set(all.flatMap((value) => Object.keys(value.groups)))];
  const tables: string[] = [];
  for (const groupKey of groupKeys) {
    // Only the headline metrics that exist per group (a pooled task metric may not).
    const headline = all.filter((value) => Object.keys(value.groups[groupKey] ?? {}).length > 0);
    const values = [...new Set(headline.flatMap((value) => Object.keys(value.groups[groupKey] ?? {})))].sort();
    if (values.length === 0) continue;
    const wideRows = [[groupKey, ...headline.map((value) => value.label), 'n']];
    for (const groupValue of values) {
      const cells = headline.map((value) => value.groups[groupKey]?.[groupValue]);
      const n = cells.find((cell) => cell !== undefined)?.n;
      wideRows.push([groupValue, ...cells.map((cell) => (cell ? formatMetric(cell) : '—')), String(n ?? '')]);
    }
    const wide = table(wideRows);
    if (wide.split('\n').every((line) => line.length <= 100)) {
      tables.push(wide);
      continue;
    }
    const rows = [[groupKey, 'metric', 'value [95% CI]', 'n']];
    for (const groupValue of values) {
      for (const value of headline) {
        const cell = value.groups[groupKey]?.[groupValue];
        if (cell) rows.push([groupValue, value.label, formatMetric(cell), String(cell.n)]);
      }
    }
    tables.push(table(rows));
  }
  return tables;
}

function metricsTable(summary: RunSummary): string {
  const bookkeeping = summary.bookkeeping ?? [];
  const rows: string[][] = [['metric', 'value [95% CI]', 'n', 'dropped']];
  for (const [key, metrics] of Object.entries(summary.metrics)) {
    if (isBookkeeping(key, bookkeeping)) continue;
    for (const metric of metrics)
      rows.push([`${key} ${metric.name}`, formatMetric(metric), String(metric.n), String(metric.dropped ?? 0)]);
  }
  for (const metric of summary.taskMetrics) {
    if (isBookkeeping(metric.name, bookkeeping)) continue;
    rows.push([metric.name, formatMetric(metric), String(metric.n), String(metric.dropped ?? 0)]);
  }
  return table(rows);
}

function groupTables(summary: RunSummary): string[] {
  const bookkeeping = summary.bookkeeping ?? [];
  const tables: string[] = [];
  for (const [groupKey, values] of Object.entries(summary.groups)) {
    const groupRows: string[][] = [[groupKey, 'scorer', 'mean [95% CI]', 'n']];
    for (const [value, perKey] of Object.entries(values)) {
      for (const [key, metrics] of Object.entries(perKey)) {
        if (isBookkeeping(key, bookkeeping)) continue;
        const mean = metrics.find((metric) => metric.name === 'mean');
        if (mean) groupRows.push([value, key, formatMetric(mean), String(mean.n)]);
      }
    }
    if (groupRows.length > 1) tables.push(table(groupRows));
  }
  return tables;
}

function usageTable(summary: RunSummary): string | undefined {
  const rows: string[][] = [['role', 'calls', 'cached', 'input tokens', 'output tokens', 'cost USD']];
  for (const [role, usage] of Object.entries(summary.usage)) {
    if (!usage || usage.calls === 0) continue;
    rows.push([
      role,
      String(usage.calls),
      String(usage.cachedCalls),
      String(usage.inputTokens),
      String(usage.outputTokens),
      usage.cost.toFixed(4),
    ]);
  }
  return rows.length > 1 ? table(rows) : undefined;
}

/** "12 units failed:" and the most common messages with a count each. */
export function formatErrors(summary: RunSummary, shown = 5): string[] {
  const messages = summary.errorMessages ?? [];
  if (summary.counts.errors === 0 || messages.length === 0) return [];
  const lines = [`${summary.counts.errors} unit(s) failed; most common errors:`];
  for (const { message, count } of messages.slice(0, shown)) lines.push(`  ${String(count).padStart(5)} × ${message}`);
  if (messages.length > shown) lines.push(`  ... (${messages.length - shown} more messages: medkit show DIR --errors)`);
  return lines;
}

export interface SummaryFormat {
  /** Every metric, every group, the usage table (default: the headline only, when the benchmark declares one). */
  verbose?: boolean;
}

export function formatSummary(summary: RunSummary, options: SummaryFormat = {}): string {
  const lines = header(summary);
  const headline = summary.headline ?? [];
  if (options.verbose || headline.length === 0) {
    lines.push('', metricsTable(summary));
    for (const groupTable of groupTables(summary)) lines.push('', groupTable);
  } else {
    lines.push('', headlineTable(headline));
    for (const groupTable of headlineGroupTables(headline)) lines.push('', groupTable);
  }
  const usage = usageTable(summary);
  if (usage) lines.push('', usage);
  const errors = formatErrors(summary);
  if (errors.length) lines.push('', ...errors);
  if (lines[lines.length - 1] !== '' && (summary.notes.length || summary.dataErrors?.length)) lines.push('');
  for (const note of summary.notes) lines.push(`note: ${note}`);
  const dataErrors = summary.dataErrors ?? [];
  for (const error of options.verbose ? dataErrors : dataErrors.slice(0, 3)) lines.push(`data error: ${error}`);
  if (!options.verbose && dataErrors.length > 3) lines.push(`data error: ... (${dataErrors.length - 3} more)`);
  return lines.join('\n');
}
