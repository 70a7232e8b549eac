// Runs list: task, models per role, metrics with 95% CIs, tokens, cost, date; filter and sort;
// tick two runs to compare them.
import { get } from '../api.js';
import { ci, fmt, h, link, navigate } from '../dom.js';

const COLUMNS = [
  ['run', 'Run', (run) => run.run],
  ['task', 'Task', (run) => `${run.benchmark} v${run.task.version}`],
  [
    'models',
    'Models',
    (run) =>
      Object.entries(run.models)
        .map(([role, model]) => `${role}=${model}`)
        .join(' '),
  ],
  ['metrics', 'Metrics (mean, 95% CI)', (run) => Object.values(run.metrics)[0]?.value ?? -Infinity],
  ['samples', 'Samples', (run) => run.counts?.samples ?? 0],
  ['tokens', 'Tokens', (run) => run.tokens],
  ['cost', 'Cost (USD)', (run) => run.cost],
  ['created', 'Date', (run) => run.created],
  ['status', 'Status', (run) => run.status],
];

export async function runsView(params) {
  const { runs, root } = await get('/api/runs');
  const state = { filter: params.filter ?? '', sort: params.sort ?? 'created', desc: params.desc !== '0' };
  const selected = new Set();
  const body = h('tbody');
  const compareButton = h(
    'button',
    {
      type: 'button',
      disabled: true,
      onclick: () => {
        const [a, b] = [...selected];
        navigate('compare', { a, b });
      },
    },
    'Compare the two ticked runs',
  );

  const draw = () => {
    const needle = state.filter.toLowerCase();
    const column = COLUMNS.find(([key]) => key === state.sort) ?? COLUMNS[7];
    const shown = runs
      .filter(
        (run) =>
          !needle ||
          [run.run, run.benchmark, ...Object.values(run.models), run.status].join(' ').toLowerCase().includes(needle),
      )
      .sort((x, y) => {
        const a = column[2](x);
        const b = column[2](y);
        return (a < b ? -1 : a > b ? 1 : 0) * (state.desc ? -1 : 1);
      });
    body.replaceChildren(
      ...shown.map((run) =>
        h(
          'tr',
          { 'data-run': run.run },
          h(
            'td',
            {},
            h('input', {
              type: 'checkbox',
              'aria-label': `select ${run.run}`,
              checked: selected.has(run.run),
              onchange: (event) => {
                if (event.target.checked) selected.add(run.run);
                else selected.delete(run.run);
                compareButton.disabled = selected.size !== 2;
              },
            }),
          ),
          h(
            'td',
            {},
            link('run', { run: run.run }, run.run),
            run.problem ? h('div', { class: 'error' }, run.problem) : null,
          ),
          h(
            'td',
            {},
            run.benchmark,
            h('span', { class: 'muted' }, ` v${run.task.version}`),
            h('div', { class: 'muted' }, run.solverName),
          ),
          h(
            'td',
            {},
            Object.entries(run.models).map(([role, model]) =>
              h('div', {}, h('span', { class: 'role' }, role), ' ', model),
            ),
          ),
          h(
            'td',
            {},
            Object.entries(run.metrics)
              .slice(0, 8)
              .map(([key, metric]) =>
                h(
                  'div',
                  {},
                  h('span', { class: 'key' }, key),
                  ' ',
                  ci(metric),
                  h('span', { class: 'muted' }, ` n=${metric.n}`),
                ),
              ),
            Object.keys(run.metrics).length > 8
              ? h('div', { class: 'muted' }, `+ ${Object.keys(run.metrics).length - 8} more on the run page`)
              : null,
          ),
          h('td', { class: 'num' }, fmt(run.counts?.samples ?? null)),
          h('td', { class: 'num' }, fmt(run.tokens)),
          h('td', { class: 'num' }, run.cost ? run.cost.toFixed(4) : '0'),
          h('td', {}, run.created ? run.created.replace('T', ' ').slice(0, 19) : '–'),
          h('td', {}, h('span', { class: `status ${run.status}` }, run.status)),
        ),
      ),
    );
  };

  const header = h(
    'tr',
    {},
    h('th', {}, ''),
    COLUMNS.map(([key, label]) =>
      h(
        'th',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'sort',
            onclick: () => {
              state.desc = state.sort === key ? !state.desc : false;
              state.sort = key;
              draw();
            },
          },
          label,
        ),
      ),
    ),
  );
  draw();
  return h(
    'section',
    { id: 'runs' },
    h('h1', {}, 'Runs'),
    h('p', { class: 'muted' }, `${runs.length} runs under ${root}`),
    h(
      'div',
      { class: 'toolbar' },
      h('input', {
        type: 'search',
        placeholder: 'filter by run, task, model, status',
        value: state.filter,
        'aria-label': 'filter runs',
        oninput: (event) => {
          state.filter = event.target.value;
          draw();
        },
      }),
      compareButton,
    ),
    runs.length === 0
      ? h('p', {}, 'No runs yet: npx medkit eval medmcq-mini --out runs/first')
      : h('table', { class: 'grid' }, h('thead', {}, header), body),
  );
}
