// Runs list: every run under the folder (nested runs/<benchmark>/<time>-<id>/ too) with its
// benchmark, models, headline metric with 95% CI, errors and status; filter by text, benchmark and
// status, sort by any column; tick two runs to compare them. Only a complete run without a failed
// unit is green. Filter and sort live in the hash, so a view of the list is a link.
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { breakable, ci, fmt, h, hashOf, link, modelsText, navigate, statusClass, statusText } from '../ui.js';

type Run = any;

const headlineOf = (run: Run) => run.headline?.[0] ?? null;

/** Columns hidden below 900 px (style.css), so the list stays readable on a narrow window. */
const WIDE_ONLY = new Set(['samples', 'cost', 'created']);

const COLUMNS: [key: string, label: string, value: (run: Run) => string | number][] = [
  ['run', 'Run', (run) => run.run],
  ['status', 'Status', (run) => `${run.status}${run.errors ? ' errors' : ''}`],
  ['benchmark', 'Benchmark', (run) => `${run.benchmark} ${run.solverName}`],
  ['models', 'Models', (run) => modelsText(run.models)],
  ['headline', 'Headline (95% CI)', (run) => headlineOf(run)?.value ?? Number.NEGATIVE_INFINITY],
  ['errors', 'Errors', (run) => run.errors ?? -1],
  ['samples', 'Samples', (run) => run.counts?.samples ?? 0],
  ['cost', 'Cost (USD)', (run) => run.cost],
  ['created', 'Date', (run) => run.created],
];

interface State {
  filter: string;
  benchmark: string;
  status: string;
  sort: string;
  desc: boolean;
}

function RunsTable({ runs, root, initial }: { runs: Run[]; root: string; initial: State }) {
  const [state, setState] = useState<State>(initial);
  const [selected, setSelected] = useState<string[]>([]);
  const update = (changes: Partial<State>) => {
    const next = { ...state, ...changes };
    setState(next);
    // keep the view in the address without a new history entry or a re-render of the route
    history.replaceState(null, '', hashOf('', { ...next, desc: next.desc ? '1' : '0' }));
  };
  const benchmarks = [...new Set(runs.map((run) => run.benchmark as string))].sort();
  const needle = state.filter.toLowerCase();
  const column = COLUMNS.find(([key]) => key === state.sort) ?? COLUMNS.at(-1)!;
  const shown = runs
    .filter((run) => !state.benchmark || run.benchmark === state.benchmark)
    .filter(
      (run) =>
        !state.status ||
        (state.status === 'errors' ? Boolean(run.errors) || run.status === 'failed' : run.status === state.status),
    )
    .filter(
      (run) =>
        !needle ||
        [run.run, run.benchmark, run.solverName, ...Object.values(run.models), run.status]
          .join(' ')
          .toLowerCase()
          .includes(needle),
    )
    .sort((x, y) => {
      const a = column[2](x);
      const b = column[2](y);
      return (a < b ? -1 : a > b ? 1 : 0) * (state.desc ? -1 : 1);
    });
  const toggle = (run: string, on: boolean) =>
    setSelected(on ? [...selected.filter((name) => name !== run), run] : selected.filter((name) => name !== run));

  const row = (run: Run) => {
    const headline = headlineOf(run);
    return h(
      'tr',
      { 'data-run': run.run, key: run.run },
      h(
        'td',
        {},
        h('input', {
          type: 'checkbox',
          'aria-label': `select ${run.run}`,
          checked: selected.includes(run.run),
          onChange: (event: Event) => toggle(run.run, (event.currentTarget as HTMLInputElement).checked),
        }),
      ),
      h(
        'td',
        { class: 'run-name' },
        link('run', { run: run.run }, breakable(run.run)),
        run.problem ? h('div', { class: 'error' }, run.problem) : null,
      ),
      h(
        'td',
        {},
        h('span', { class: `status ${statusClass(run.status, run.errors)}` }, statusText(run.status, run.errors)),
      ),
      h(
        'td',
        {},
        link('leaderboard', { benchmark: run.benchmark }, run.benchmark),
        h('span', { class: 'muted' }, ` v${run.task.version}`),
        h('div', { class: 'muted' }, run.solverName),
      ),
      h(
        'td',
        { class: 'models' },
        Object.entries(run.models as Record<string, string>).map(([role, model]) =>
          h('div', {}, h('span', { class: 'role' }, role), ' ', model),
        ),
      ),
      h(
        'td',
        { class: 'headline' },
        headline
          ? [
              h('span', { class: 'key' }, headline.label),
              ' ',
              h('span', { class: 'num' }, ci(headline)),
              headline.n !== null ? h('span', { class: 'muted' }, ` n=${headline.n}`) : null,
              headline.source === 'first metric'
                ? h('span', { class: 'muted guess', title: 'no headline declared: the first metric is shown' }, ' *')
                : null,
            ]
          : h('span', { class: 'muted' }, '–'),
      ),
      h(
        'td',
        { class: `num errors${run.errors ? ' bad' : ''}` },
        run.errors === null ? '–' : String(run.errors),
        run.topErrors?.length
          ? h(
              'div',
              { class: 'top-errors' },
              (run.topErrors as { message: string; count: number }[])
                .slice(0, 2)
                .map((error) => h('div', { title: error.message }, `${error.count}× ${error.message}`)),
            )
          : null,
      ),
      h('td', { class: 'num wide-only' }, fmt(run.counts?.samples ?? null)),
      h('td', { class: 'num wide-only' }, run.cost ? run.cost.toFixed(4) : '0'),
      h('td', { class: 'date wide-only' }, run.created ? run.created.replace('T', ' ').slice(0, 16) : '–'),
    );
  };

  return h(
    'div',
    {},
    h(
      'div',
      { class: 'toolbar' },
      h('input', {
        type: 'search',
        placeholder: 'filter by run, benchmark, model, status',
        value: state.filter,
        'aria-label': 'filter runs',
        onInput: (event: Event) => update({ filter: (event.currentTarget as HTMLInputElement).value }),
      }),
      h(
        'select',
        {
          name: 'benchmark',
          'aria-label': 'benchmark',
          value: state.benchmark,
          onChange: (event: Event) => update({ benchmark: (event.currentTarget as HTMLSelectElement).value }),
        },
        h('option', { value: '' }, 'every benchmark'),
        benchmarks.map((name) => h('option', { value: name }, name)),
      ),
      h(
        'select',
        {
          name: 'status',
          'aria-label': 'status',
          value: state.status,
          onChange: (event: Event) => update({ status: (event.currentTarget as HTMLSelectElement).value }),
        },
        [
          ['', 'any status'],
          ['complete', 'complete'],
          ['errors', 'with errors or failed'],
          ['interrupted', 'interrupted'],
          ['failed', 'failed'],
          ['running', 'running'],
        ].map(([value, label]) => h('option', { value }, label)),
      ),
      h(
        'button',
        {
          type: 'button',
          disabled: selected.length !== 2,
          onClick: () => navigate('compare', { a: selected[0], b: selected[1] }),
        },
        'Compare the two ticked runs',
      ),
      h('span', { class: 'muted', id: 'runs-shown' }, `${shown.length} of ${runs.length} shown`),
    ),
    runs.length === 0
      ? h(
          'p',
          {},
          `No runs under ${root} yet: npx medkit eval medmcq-mini writes one (runs/<benchmark>/<time>-<id>/), then reload.`,
        )
      : h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { class: 'grid runs' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, ''),
                COLUMNS.map(([key, label]) =>
                  h(
                    'th',
                    {
                      'data-key': key,
                      class: WIDE_ONLY.has(key) ? 'wide-only' : undefined,
                      'aria-sort': state.sort === key ? (state.desc ? 'descending' : 'ascending') : undefined,
                    },
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'sort',
                        onClick: () => update({ sort: key, desc: state.sort === key ? !state.desc : key !== 'run' }),
                      },
                      label,
                      state.sort === key ? (state.desc ? ' ↓' : ' ↑') : '',
                    ),
                  ),
                ),
              ),
            ),
            h('tbody', {}, shown.map(row)),
          ),
        ),
  );
}

export async function runsView(params: Record<string, string>) {
  const { runs, root } = await get('/api/runs');
  const initial: State = {
    filter: params.filter ?? '',
    benchmark: params.benchmark ?? '',
    status: params.status ?? '',
    sort: params.sort ?? 'created',
    desc: params.desc !== '0',
  };
  return h(
    'section',
    { id: 'runs' },
    h('h1', {}, 'Runs'),
    h('p', { class: 'muted' }, `${runs.length} runs under ${root}`),
    h(RunsTable, { runs, root, initial }),
    runs.some((run: Run) => headlineOf(run)?.source === 'first metric')
      ? h(
          'p',
          { class: 'muted small' },
          '* no headline metric declared for this run or its benchmark: its first metric',
        )
      : null,
  );
}
