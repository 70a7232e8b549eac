// Leaderboards: without a benchmark, the benchmarks that have runs; with one, its runs ranked by the
// headline metric with 95% CIs, each paired with the top run over the (sample id, epoch) units both
// scored (mean difference with a paired bootstrap CI, bootstrap and Wilcoxon p). Runs with other
// task args or versions are ranked but marked unpaired, with the reason.
import { get } from '../api.js';
import { leaderboardPlot } from '../plots.js';
import { breakable, ci, fmt, h, link, modelsText, statusClass, statusText } from '../ui.js';

type Json = any;

async function benchmarkList() {
  const { runs } = await get('/api/runs');
  const counts = new Map<string, number>();
  for (const run of runs as Json[]) counts.set(run.benchmark, (counts.get(run.benchmark) ?? 0) + 1);
  return h(
    'section',
    { id: 'leaderboards' },
    h('h1', {}, 'Leaderboards'),
    h('p', { class: 'muted' }, 'Each benchmark’s runs ranked by its headline metric, paired with the top run.'),
    h(
      'ul',
      {},
      [...counts]
        .sort()
        .map(([benchmark, count]) =>
          h('li', {}, link('leaderboard', { benchmark }, benchmark), ` · ${count} run${count === 1 ? '' : 's'}`),
        ),
    ),
  );
}

export async function leaderboardView(params: Record<string, string>) {
  if (!params.benchmark) return benchmarkList();
  const board = await get('/api/leaderboard', { benchmark: params.benchmark });
  const headline = board.headline;
  const label = headline ? (headline.label ?? `${headline.scorer} ${headline.metric}`) : 'headline';
  const ranked = (board.rows as Json[])
    .filter((row) => row.headline?.value !== null && row.headline?.value !== undefined)
    .map((row) => ({ run: row.run, ...row.headline, top: row.run === board.top }));
  return h(
    'section',
    { id: 'leaderboard' },
    h('h1', {}, `Leaderboard: ${board.benchmark}`),
    h(
      'p',
      {},
      'Ranked by ',
      h('strong', {}, label),
      headline?.source === 'benchmark' ? ' (as the benchmark declares it)' : '',
      headline?.source === 'first metric' ? ' (no headline declared: first metric)' : '',
      board.top ? [' · top run ', link('run', { run: board.top }, board.top)] : null,
    ),
    (board.notes as string[]).length
      ? h(
          'ul',
          { class: 'notes' },
          (board.notes as string[]).map((note) => h('li', {}, note)),
        )
      : null,
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid', id: 'leaderboard-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              '#',
              'Run',
              `${label} [95% CI]`,
              'Δ vs top [95% paired CI]',
              'p (bootstrap)',
              'p (Wilcoxon)',
              'Shared units',
              'n',
              'Status',
              'Models',
            ].map((text) => h('th', {}, text)),
          ),
        ),
        h(
          'tbody',
          {},
          (board.rows as Json[]).map((row) =>
            h(
              'tr',
              { 'data-run': row.run, class: row.run === board.top ? 'top' : '' },
              h('td', { class: 'num' }, row.rank ?? '–'),
              h(
                'td',
                {},
                link('run', { run: row.run }, breakable(row.run)),
                row.run !== board.top && board.top
                  ? h('div', {}, link('compare', { a: board.top, b: row.run }, 'compare with top'))
                  : null,
              ),
              h('td', { class: 'num' }, ci(row.headline)),
              row.paired
                ? [
                    h(
                      'td',
                      { class: 'num paired' },
                      ci({ value: row.paired.difference, lower: row.paired.lower, upper: row.paired.upper }),
                    ),
                    h('td', { class: 'num' }, fmt(row.paired.pValue)),
                    h('td', { class: 'num' }, fmt(row.paired.wilcoxonP)),
                    h('td', { class: 'num' }, row.paired.units),
                  ]
                : h(
                    'td',
                    { colSpan: 4, class: row.unpaired ? 'unpaired muted' : 'muted' },
                    row.run === board.top ? 'top run' : `unpaired: ${row.unpaired ?? 'no value'}`,
                  ),
              h('td', { class: 'num' }, fmt(row.headline?.n ?? null)),
              h(
                'td',
                {},
                h(
                  'span',
                  { class: `status ${statusClass(row.status, row.errors)}` },
                  statusText(row.status, row.errors),
                ),
              ),
              h('td', { class: 'models' }, modelsText(row.models), h('div', { class: 'muted' }, row.solverName)),
            ),
          ),
        ),
      ),
    ),
    ranked.length ? h('figure', {}, leaderboardPlot(ranked, label)) : null,
  );
}
