// Two runs side by side: paired statistics per metric (B − A, paired bootstrap CI, Wilcoxon),
// score distributions, CI bars, pass^k against k, and the largest per-sample differences.
import { get } from '../api.js';
import { ci, fmt, h, link, navigate } from '../dom.js';
import { ciPlot, histogramPlot, passKPlot } from '../plots.js';

function picker(runs, params) {
  const select = (name, value) =>
    h(
      'select',
      { name, 'aria-label': `run ${name.toUpperCase()}` },
      h('option', { value: '' }, `run ${name.toUpperCase()}…`),
      runs.map((run) => h('option', { value: run.run, selected: run.run === value }, `${run.run} (${run.benchmark})`)),
    );
  const a = select('a', params.a);
  const b = select('b', params.b);
  return h(
    'form',
    {
      class: 'toolbar',
      onsubmit: (event) => {
        event.preventDefault();
        navigate('compare', { a: a.value, b: b.value });
      },
    },
    a,
    b,
    h('button', { type: 'submit' }, 'Compare'),
  );
}

export async function compareView(params) {
  const { runs } = await get('/api/runs');
  const head = [h('h1', {}, 'Compare two runs'), picker(runs, params)];
  if (!params.a || !params.b)
    return h('section', { id: 'compare' }, head, h('p', { class: 'muted' }, 'Pick run A and run B.'));
  const view = await get('/api/compare', { a: params.a, b: params.b });
  const rows = view.metrics.map((metric) =>
    h(
      'tr',
      { 'data-key': metric.key },
      h('td', {}, metric.key),
      h('td', { class: 'num' }, fmt(metric.meanA)),
      h('td', { class: 'num' }, fmt(metric.meanB)),
      h('td', { class: 'num' }, ci({ value: metric.difference, lower: metric.ci.lower, upper: metric.ci.upper })),
      h('td', { class: 'num' }, fmt(metric.pValue)),
      h('td', { class: 'num' }, fmt(metric.wilcoxonP)),
      h('td', { class: 'num' }, metric.pairs),
      h('td', { class: 'num' }, metric.aBetter),
      h('td', { class: 'num' }, metric.bBetter),
    ),
  );
  return h(
    'section',
    { id: 'compare' },
    head,
    h('p', {}, h('span', { class: 'chip a' }, `A: ${view.a}`), ' ', view.labelA),
    h('p', {}, h('span', { class: 'chip b' }, `B: ${view.b}`), ' ', view.labelB),
    view.notes.length
      ? h(
          'ul',
          { class: 'notes' },
          view.notes.map((note) => h('li', {}, note)),
        )
      : null,
    h('h2', {}, 'Paired statistics (B − A, samples both runs scored, epochs averaged)'),
    h(
      'table',
      { class: 'grid', id: 'paired' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'Metric',
            'Mean A',
            'Mean B',
            'B − A [95% paired bootstrap CI]',
            'p (bootstrap)',
            'p (Wilcoxon)',
            'Pairs',
            'A better',
            'B better',
          ].map((label) => h('th', {}, label)),
        ),
      ),
      h('tbody', {}, rows),
    ),
    h('h2', {}, 'Means with 95% CIs'),
    ciPlot(view.ciBars, 'mean with 95% CI per metric, A and B'),
    Object.keys(view.passHatK).length
      ? [
          h('h2', {}, 'pass^k against k'),
          Object.entries(view.passHatK).map(([key, series]) =>
            h('figure', {}, passKPlot(series, `pass^k for ${key}`), h('figcaption', {}, key)),
          ),
        ]
      : h('p', { class: 'muted' }, 'pass^k needs runs with several epochs and 0/1 scores.'),
    view.metrics.map((metric) =>
      h(
        'div',
        { class: 'metric-compare' },
        h('h2', {}, metric.key),
        h(
          'figure',
          {},
          histogramPlot(metric.histogram, `distribution of per-sample ${metric.key}`),
          h('figcaption', {}, `per-sample ${metric.key} (epochs averaged), A and B`),
        ),
        h('p', {}, `${metric.differing} of ${metric.pairs} samples differ; largest differences first:`),
        h(
          'table',
          { class: 'grid differences' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Sample', 'A', 'B', 'B − A'].map((label) => h('th', {}, label)),
            ),
          ),
          h(
            'tbody',
            {},
            metric.differences.map((pair) =>
              h(
                'tr',
                {},
                h(
                  'td',
                  {},
                  pair.id,
                  ' ',
                  link('sample', { run: view.a, id: pair.id, epoch: 1 }, '[A]'),
                  ' ',
                  link('sample', { run: view.b, id: pair.id, epoch: 1 }, '[B]'),
                ),
                h('td', { class: 'num' }, fmt(pair.a)),
                h('td', { class: 'num' }, fmt(pair.b)),
                h('td', { class: 'num' }, fmt(pair.b - pair.a)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
