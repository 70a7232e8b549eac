// Run detail: what was asked (spec), metrics with CIs (overall and per group), notes, and the
// per-sample table, filtered, sorted and paged on the server: the browser holds one page.
import { get } from '../api.js';
import { ci, fmt, h, link, navigate } from '../dom.js';

function metricsTable(metrics) {
  const rows = Object.entries(metrics ?? {}).flatMap(([key, results]) =>
    results.map((result) =>
      h(
        'tr',
        {},
        h('td', {}, key),
        h('td', {}, result.name),
        h('td', { class: 'num' }, ci({ value: result.value, lower: result.ci?.lower, upper: result.ci?.upper })),
        h('td', { class: 'num' }, fmt(result.stderr ?? null)),
        h('td', { class: 'num' }, fmt(result.n)),
        h('td', { class: 'num' }, fmt(result.dropped ?? 0)),
        h('td', { class: 'muted' }, result.note ?? ''),
      ),
    ),
  );
  if (rows.length === 0)
    return h('p', { class: 'muted' }, 'No metrics (the run has no summary.json yet, or nothing was scored).');
  return h(
    'table',
    { class: 'grid metrics' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Scorer key', 'Metric', 'Value [95% CI]', 'SE', 'n', 'Dropped', 'Note'].map((label) => h('th', {}, label)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

function groupsSection(groups) {
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
              h('th', {}, 'Group'),
              h('th', {}, 'Scorer key'),
              h('th', {}, 'Mean [95% CI]'),
              h('th', {}, 'n'),
            ),
          ),
          h(
            'tbody',
            {},
            Object.entries(byValue).flatMap(([value, byKey]) =>
              Object.entries(byKey).map(([key, results]) => {
                const mean =
                  results.find((result) => result.name === 'mean' || result.name.startsWith('mean')) ?? results[0];
                return h(
                  'tr',
                  {},
                  h('td', {}, value),
                  h('td', {}, key),
                  h('td', { class: 'num' }, ci({ value: mean?.value, lower: mean?.ci?.lower, upper: mean?.ci?.upper })),
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

export async function runView(params) {
  const run = params.run;
  const query = {
    run,
    page: Number(params.page ?? 0),
    pageSize: Number(params.pageSize ?? 50),
    score: params.score ?? '',
    min: params.min ?? '',
    max: params.max ?? '',
    group: params.group ?? '',
    error: params.error ?? 'all',
    q: params.q ?? '',
    sort: params.sort ?? 'row',
    desc: params.desc ?? '0',
  };
  const [info, page] = await Promise.all([get('/api/run', { run }), get('/api/samples', query)]);
  const spec = info.spec;
  const go = (changes) => navigate('run', { ...query, ...changes });

  const scoreSelect = h(
    'select',
    { name: 'score', 'aria-label': 'score key' },
    h('option', { value: '' }, 'any score'),
    info.scoreKeys.map((key) => h('option', { value: key, selected: key === query.score }, key)),
  );
  const minInput = h('input', {
    name: 'min',
    type: 'number',
    step: 'any',
    placeholder: 'min',
    value: query.min,
    size: 5,
  });
  const maxInput = h('input', {
    name: 'max',
    type: 'number',
    step: 'any',
    placeholder: 'max',
    value: query.max,
    size: 5,
  });
  const groupSelect = h(
    'select',
    { name: 'group', 'aria-label': 'group' },
    h('option', { value: '' }, 'any group'),
    Object.entries(info.groups).flatMap(([key, values]) =>
      values.map(({ value, count }) =>
        h(
          'option',
          { value: `${key}=${value}`, selected: `${key}=${value}` === query.group },
          `${key} = ${value} (${count})`,
        ),
      ),
    ),
  );
  const errorSelect = h(
    'select',
    { name: 'error', 'aria-label': 'errors' },
    [
      ['all', 'errors and successes'],
      ['only', 'errors only'],
      ['none', 'no errors'],
    ].map(([value, label]) => h('option', { value, selected: value === query.error }, label)),
  );
  const searchInput = h('input', { name: 'q', type: 'search', placeholder: 'sample id contains', value: query.q });
  const sortSelect = h(
    'select',
    { name: 'sort', 'aria-label': 'sort' },
    [
      ['row', 'file order'],
      ['id', 'id'],
      ['tokens', 'tokens'],
      ['cost', 'cost'],
      ...info.scoreKeys.map((key) => [key, `score: ${key}`]),
    ].map(([value, label]) => h('option', { value, selected: value === query.sort }, label)),
  );
  const descBox = h('input', { type: 'checkbox', name: 'desc', checked: query.desc === '1' });
  const form = h(
    'form',
    {
      class: 'toolbar',
      id: 'sample-filters',
      onsubmit: (event) => {
        event.preventDefault();
        go({
          page: 0,
          score: scoreSelect.value,
          min: minInput.value,
          max: maxInput.value,
          group: groupSelect.value,
          error: errorSelect.value,
          q: searchInput.value,
          sort: sortSelect.value,
          desc: descBox.checked ? '1' : '0',
        });
      },
    },
    scoreSelect,
    minInput,
    maxInput,
    groupSelect,
    errorSelect,
    searchInput,
    sortSelect,
    h('label', {}, descBox, ' descending'),
    h('button', { type: 'submit' }, 'Apply'),
  );

  const scoreKeys = info.scoreKeys.slice(0, 6);
  const table = h(
    'table',
    { class: 'grid samples' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Sample'),
        h('th', {}, 'Epoch'),
        scoreKeys.map((key) => h('th', {}, key)),
        h('th', {}, 'Groups'),
        h('th', {}, 'Output'),
        h('th', {}, 'Error'),
        h('th', {}, 'Tokens'),
      ),
    ),
    h(
      'tbody',
      {},
      page.items.map((item) =>
        h(
          'tr',
          { class: item.error ? 'failed' : '' },
          h('td', {}, link('sample', { run, id: item.id, epoch: item.epoch }, item.id)),
          h('td', { class: 'num' }, item.epoch),
          scoreKeys.map((key) => h('td', { class: 'num' }, fmt(item.scores[key]))),
          h(
            'td',
            {},
            Object.entries(item.groups)
              .map(([key, value]) => `${key}=${value}`)
              .join(', '),
          ),
          h('td', { class: 'output' }, item.output),
          h('td', { class: 'error' }, item.error ?? ''),
          h('td', { class: 'num' }, fmt(item.tokens)),
        ),
      ),
    ),
  );
  const pager = h(
    'div',
    { class: 'pager' },
    h(
      'button',
      { type: 'button', disabled: query.page <= 0, onclick: () => go({ page: query.page - 1 }) },
      '← previous',
    ),
    h(
      'span',
      { class: 'page-info' },
      ` page ${query.page + 1} of ${Math.max(1, page.pages)} · ${page.total} matching of ${info.samples} · ${page.ms} ms on the server `,
    ),
    h(
      'button',
      { type: 'button', disabled: query.page + 1 >= page.pages, onclick: () => go({ page: query.page + 1 }) },
      'next →',
    ),
  );

  return h(
    'section',
    { id: 'run' },
    h('h1', {}, run),
    h(
      'p',
      {},
      `${spec.benchmark} v${spec.task.version} · solver ${spec.solverName} · epochs ${spec.epochs} · seed ${spec.seed} · ${info.listing.status} · created ${spec.created}`,
    ),
    h(
      'p',
      {},
      Object.entries(spec.models).map(([role, model]) => h('span', { class: 'chip' }, `${role}: ${model}`)),
    ),
    h(
      'p',
      { class: 'muted' },
      `tokens ${fmt(info.listing.tokens)} · cost $${info.listing.cost.toFixed(4)} · ${info.samples} sample lines · ${info.errors} errors · index built in ${info.indexMs} ms`,
    ),
    info.malformed.length
      ? h(
          'p',
          { class: 'error' },
          `${info.malformed.length} malformed lines in samples.jsonl, e.g. line ${info.malformed[0].line} ${info.malformed[0].problem}`,
        )
      : null,
    (info.summary?.notes ?? []).length
      ? h(
          'ul',
          { class: 'notes' },
          info.summary.notes.map((note) => h('li', {}, note)),
        )
      : null,
    h('h2', {}, 'Metrics'),
    metricsTable(info.summary?.metrics),
    groupsSection(info.summary?.groups),
    h(
      'details',
      {},
      h('summary', {}, 'Spec (what was asked)'),
      h('pre', { class: 'json' }, JSON.stringify(spec, null, 2)),
    ),
    h('h2', {}, 'Samples'),
    form,
    pager,
    table,
  );
}
