// Run detail: headline metric(s) first, errors with their most common messages, task-level metrics
// (HealthBench clipped mean, EHR-ChatQA gap@k, CXR micro IoU...), every scorer's metrics with CIs
// (overall and per group), notes, the spec, and the sample table (samples-table.ts).
import { get } from '../api.js';
import { ci, fmt, h, json, modelsText, statusClass, statusText } from '../ui.js';
import { samplesSection } from './samples-table.js';

type Json = any;

const interval = (result: Json) => ({ value: result?.value, lower: result?.ci?.lower, upper: result?.ci?.upper });

function metricsTable(rows: Json[], id: string, withKey: boolean) {
  if (rows.length === 0) return null;
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid metrics', id },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [...(withKey ? ['Scorer key'] : []), 'Metric', 'Value [95% CI]', 'SE', 'n', 'Dropped', 'Note'].map((label) =>
            h('th', {}, label),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map(({ key, result }) =>
          h(
            'tr',
            { 'data-metric': result.name },
            withKey ? h('td', {}, key) : null,
            h('td', {}, result.name),
            h('td', { class: 'num' }, ci(interval(result))),
            h('td', { class: 'num' }, fmt(result.stderr ?? null)),
            h('td', { class: 'num' }, fmt(result.n)),
            h('td', { class: 'num' }, fmt(result.dropped ?? 0)),
            h('td', { class: 'muted' }, result.note ?? ''),
          ),
        ),
      ),
    ),
  );
}

function groupsSection(groups: Record<string, Record<string, Record<string, Json[]>>> | undefined) {
  const entries = Object.entries(groups ?? {});
  if (entries.length === 0) return null;
  return h(
    'details',
    { class: 'groups' },
    h('summary', {}, 'Metrics per group'),
    entries.map(([groupKey, byValue]) =>
      h(
        'div',
        {},
        h('h3', {}, groupKey),
        h(
          'table',
          { class: 'grid' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Group', 'Scorer key', 'Mean [95% CI]', 'n'].map((label) => h('th', {}, label)),
            ),
          ),
          h(
            'tbody',
            {},
            Object.entries(byValue).flatMap(([value, byKey]) =>
              Object.entries(byKey).map(([key, results]) => {
                const mean = results.find((result) => String(result.name).startsWith('mean')) ?? results[0];
                return h(
                  'tr',
                  {},
                  h('td', {}, value),
                  h('td', {}, key),
                  h('td', { class: 'num' }, ci(interval(mean))),
                  h('td', { class: 'num' }, fmt(mean?.n ?? null)),
                );
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

function headlineCards(listing: Json) {
  const headline: Json[] = listing.headline ?? [];
  if (headline.length === 0) return h('p', { class: 'muted' }, 'No headline metric yet (no summary.json).');
  return h(
    'div',
    { class: 'headline-cards', id: 'headline' },
    headline.map((metric) =>
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'card-label' }, metric.label),
        h('div', { class: 'card-value' }, fmt(metric.value)),
        h(
          'div',
          { class: 'muted' },
          metric.lower !== null ? `95% CI [${fmt(metric.lower)}, ${fmt(metric.upper)}]` : 'no CI',
          metric.n !== null ? ` · n=${metric.n}` : '',
        ),
        metric.source !== 'run'
          ? h(
              'div',
              { class: 'muted small' },
              metric.source === 'benchmark'
                ? 'headline as the benchmark declares it (this run predates the field)'
                : 'no headline declared: first metric shown',
            )
          : null,
      ),
    ),
  );
}

function errorsSection(info: Json) {
  const errors: number = info.listing.errors ?? info.errors;
  if (!errors) return null;
  const top: { message: string; count: number }[] = info.topErrors ?? [];
  return h(
    'div',
    { class: 'errors-box', id: 'run-errors', role: 'alert' },
    h('strong', {}, `${errors} unit${errors === 1 ? '' : 's'} failed`),
    top.length
      ? h(
          'ul',
          {},
          top.map((error) => h('li', {}, h('span', { class: 'count' }, `${error.count}×`), ' ', error.message)),
        )
      : null,
  );
}

export async function runView(params: Record<string, string>) {
  const run = params.run ?? '';
  const info = await get('/api/run', { run });
  const spec = info.spec;
  const summary = info.summary;
  const listing = info.listing;
  const scorerRows = Object.entries((summary?.metrics ?? {}) as Record<string, Json[]>).flatMap(([key, results]) =>
    results.map((result) => ({ key, result })),
  );
  const taskRows = ((summary?.taskMetrics ?? []) as Json[]).map((result) => ({ key: '', result }));
  return h(
    'section',
    { id: 'run' },
    h('h1', {}, run),
    h(
      'p',
      {},
      h(
        'span',
        { class: `status ${statusClass(listing.status, listing.errors)}` },
        statusText(listing.status, listing.errors),
      ),
      ` ${spec.benchmark} v${spec.task.version} · solver ${spec.solverName} · epochs ${spec.epochs} · seed ${spec.seed} · created ${spec.created}`,
    ),
    h('p', { class: 'models' }, h('span', { class: 'chip' }, modelsText(spec.models))),
    Object.keys(spec.task.args ?? {}).length
      ? h('p', { class: 'muted' }, `task args: ${JSON.stringify(spec.task.args)}`)
      : null,
    headlineCards(listing),
    errorsSection(info),
    h(
      'p',
      { class: 'muted' },
      `tokens ${fmt(listing.tokens)} · cost $${listing.cost.toFixed(4)} · ${info.samples} sample lines · ${info.errors} errors · index built in ${info.indexMs} ms`,
    ),
    info.malformed.length
      ? h(
          'p',
          { class: 'error' },
          `${info.malformed.length} malformed lines in samples.jsonl, e.g. line ${info.malformed[0].line} ${info.malformed[0].problem}`,
        )
      : null,
    (summary?.notes ?? []).length
      ? h(
          'ul',
          { class: 'notes' },
          (summary.notes as string[]).map((note) => h('li', {}, note)),
        )
      : null,
    taskRows.length ? [h('h2', {}, 'Task metrics'), metricsTable(taskRows, 'task-metrics', false)] : null,
    h('h2', {}, 'Metrics per scorer'),
    scorerRows.length
      ? metricsTable(scorerRows, 'scorer-metrics', true)
      : h('p', { class: 'muted' }, 'No metrics (the run has no summary.json yet, or nothing was scored).'),
    groupsSection(summary?.groups),
    h('details', {}, h('summary', {}, 'Spec (what was asked)'), json(spec)),
    await samplesSection(run, info, params),
  );
}
