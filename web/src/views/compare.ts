// Two runs side by side: paired statistics per metric (B − A, paired bootstrap CI, Wilcoxon),
// score distributions, CI bars, pass^k against k, and the largest per-sample differences.
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { ciPlot, histogramPlot, passKPlot } from '../plots.js';
import { ci, fmt, h, link, navigate } from '../ui.js';

type Json = any;

function Picker({ runs, a, b }: { runs: Json[]; a: string; b: string }) {
  const [choice, setChoice] = useState({ a, b });
  const select = (name: 'a' | 'b') =>
    h(
      'select',
      {
        name,
        'aria-label': `run ${name.toUpperCase()}`,
        value: choice[name],
        onChange: (event: Event) => setChoice({ ...choice, [name]: (event.currentTarget as HTMLSelectElement).value }),
      },
      h('option', { value: '' }, `run ${name.toUpperCase()}…`),
      runs.map((run) => h('option', { value: run.run }, `${run.run} (${run.benchmark})`)),
    );
  return h(
    'form',
    {
      class: 'toolbar',
      onSubmit: (event: Event) => {
        event.preventDefault();
        navigate('compare', choice);
      },
    },
    select('a'),
    select('b'),
    h('button', { type: 'submit' }, 'Compare'),
  );
}

export async function compareView(params: Record<string, string>) {
  const { runs } = await get('/api/runs');
  const head = [h('h1', {}, 'Compare two runs'), h(Picker, { runs, a: params.a ?? '', b: params.b ?? '' })];
  if (!params.a || !params.b)
    return h('section', { id: 'compare' }, head, h('p', { class: 'muted' }, 'Pick run A and run B.'));
  const view = await get('/api/compare', { a: params.a, b: params.b });
  const rows = (view.metrics as Json[]).map((metric) =>
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
          (view.notes as string[]).map((note) => h('li', {}, note)),
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
          Object.entries(view.passHatK as Record<string, Json>).map(([key, series]) =>
            h('figure', {}, passKPlot(series, `pass^k for ${key}`), h('figcaption', {}, key)),
          ),
        ]
      : h('p', { class: 'muted' }, 'pass^k needs runs with several epochs and 0/1 scores.'),
    (view.metrics as Json[]).map((metric) =>
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
            (metric.differences as Json[]).map((pair) =>
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
