// What the viewer shows first for a run: its headline metric(s) and its most common errors.
// Headline references ({scorer, metric, label?, task?}, src/core/benchmark.ts) come from the run's
// summary.json when the runner wrote them, else from the benchmark's declaration in the registry
// (older runs), else the first scorer's mean; `source` says which, so the page can say so.
import type { HeadlineMetric, MetricResult, RunSummary } from '../core/index.js';

export interface HeadlineValue {
  label: string;
  scorer: string;
  metric: string;
  task: boolean;
  value: number | null;
  lower: number | null;
  upper: number | null;
  n: number | null;
  /** 'run': summary.json named it; 'benchmark': the registry's declaration; 'first metric': a guess. */
  source: 'run' | 'benchmark' | 'first metric';
}

export interface ErrorCount {
  message: string;
  count: number;
}

const isRef = (value: unknown): value is HeadlineMetric =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as HeadlineMetric).scorer === 'string' &&
  typeof (value as HeadlineMetric).metric === 'string';

/** The headline references a summary carries (`summary.headline`), if any. */
export function summaryHeadline(summary: RunSummary | null): HeadlineMetric[] {
  const refs = (summary as { headline?: unknown } | null)?.headline;
  return Array.isArray(refs) ? refs.filter(isRef) : [];
}

function find(summary: RunSummary, ref: HeadlineMetric): MetricResult | undefined {
  const rows = ref.task ? summary.taskMetrics : summary.metrics[ref.scorer];
  const named = (rows ?? []).filter((row) => row.name === ref.metric);
  // task metrics of several scorers share names: prefer the row whose scorerKey is the referenced scorer
  return (
    named.find((row) => (row as { scorerKey?: string }).scorerKey === ref.scorer) ??
    named.find((row) => (row as { scorer?: string }).scorer === ref.scorer) ??
    named[0]
  );
}

function resolveRef(
  summary: RunSummary,
  ref: HeadlineMetric,
  source: HeadlineValue['source'],
): HeadlineValue | undefined {
  const row = find(summary, ref);
  if (!row) return undefined;
  const finite = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  return {
    label: ref.label ?? (ref.metric === 'mean' ? ref.scorer : `${ref.scorer} ${ref.metric}`),
    scorer: ref.scorer,
    metric: ref.metric,
    task: ref.task === true,
    value: finite(row.value),
    lower: finite(row.ci?.lower),
    upper: finite(row.ci?.upper),
    n: typeof row.n === 'number' ? row.n : null,
    source,
  };
}

/** Resolves the headline of a run: the summary's references, the benchmark's, then the first metric. */
export function resolveHeadline(summary: RunSummary | null, declared: readonly HeadlineMetric[] = []): HeadlineValue[] {
  if (!summary) return [];
  for (const [refs, source] of [
    [summaryHeadline(summary), 'run'],
    [declared, 'benchmark'],
  ] as const) {
    const values = refs.map((ref) => resolveRef(summary, ref, source)).filter((value) => value !== undefined);
    if (values.length) return values;
  }
  const first = Object.keys(summary.metrics ?? {})[0];
  const fallback = first ? resolveRef(summary, { scorer: first, metric: 'mean' }, 'first metric') : undefined;
  return fallback ? [fallback] : [];
}

/** The headline references to rank a benchmark's runs by: the first a run names, else the declared ones. */
export function headlineRefs(
  summaries: (RunSummary | null)[],
  declared: readonly HeadlineMetric[] = [],
): { refs: HeadlineMetric[]; source: HeadlineValue['source'] } {
  for (const summary of summaries) {
    const refs = summaryHeadline(summary);
    if (refs.length) return { refs, source: 'run' };
  }
  if (declared.length) return { refs: [...declared], source: 'benchmark' };
  const first = summaries.map((summary) => Object.keys(summary?.metrics ?? {})[0]).find(Boolean);
  return { refs: first ? [{ scorer: first, metric: 'mean' }] : [], source: 'first metric' };
}

/**
 * The most common error messages a summary records. The runner's field name and shape are read
 * leniently ([{message, count}], [[message, count]] or {message: count}) so runs from before and
 * after the field was added both show.
 */
export function summaryErrors(summary: RunSummary | null): ErrorCount[] | null {
  const record = summary as Record<string, unknown> | null;
  const raw = record?.topErrors ?? record?.errorMessages ?? record?.commonErrors;
  if (raw === undefined || raw === null) return null;
  const entries: [unknown, unknown][] = Array.isArray(raw)
    ? raw.map((item) =>
        Array.isArray(item)
          ? [item[0], item[1]]
          : [
              (item as { message?: unknown; error?: unknown })?.message ?? (item as { error?: unknown })?.error,
              (item as { count?: unknown })?.count,
            ],
      )
    : typeof raw === 'object'
      ? Object.entries(raw as Record<string, unknown>)
      : [];
  return entries
    .filter(([message, count]) => typeof message === 'string' && typeof count === 'number')
    .map(([message, count]) => ({ message: message as string, count: count as number }));
}

/** The most common messages among per-unit errors (for runs whose summary has none, or none yet). */
export function countErrors(errors: readonly (string | null)[], top = 5): ErrorCount[] {
  const counts = new Map<string, number>();
  for (const error of errors) if (error !== null) counts.set(error, (counts.get(error) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([message, count]) => ({ message, count }));
}
