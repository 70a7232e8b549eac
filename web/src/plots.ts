// Charts drawn with Observable Plot (SVG; labels are text). Plot puts a <style> element in each
// chart; the viewer's CSP allows only stylesheets from its own origin, so that element is taken out
// before the chart enters the page and style.css carries the same two rules (.mk-plot).
import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'preact/hooks';
import { h } from './ui.js';

export const COLOURS = { A: '#4363d8', B: '#f58231' };
const colour = { domain: ['A', 'B'], range: [COLOURS.A, COLOURS.B] };

function PlotFigure({ make, kind, label }: { make: () => SVGSVGElement | HTMLElement; kind: string; label: string }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = make();
    chart.querySelectorAll('style').forEach((style) => style.remove());
    chart.classList.add('plot', kind);
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', label);
    holder.current?.replaceChildren(chart);
    return () => chart.remove();
  }, [make, kind, label]);
  return h('div', { class: 'plot-holder', ref: holder });
}

const figure = (kind: string, label: string, make: () => SVGSVGElement | HTMLElement, legend = true) =>
  h(
    'div',
    { class: 'plot-figure' },
    h(PlotFigure, { kind, label, make }),
    legend
      ? h(
          'div',
          { class: 'plot-legend' },
          h('span', { class: 'swatch a' }),
          ' run A ',
          h('span', { class: 'swatch b' }),
          ' run B',
        )
      : null,
  );

export interface Histogram {
  edges: number[];
  a: number[];
  b: number[];
}

/** Score distribution of A and B over the same bins (grouped bars). */
export function histogramPlot(hist: Histogram, title: string) {
  const binary = hist.edges.length === 3;
  const bins = hist.a.map((_, index) =>
    binary ? String(index) : ((hist.edges[index]! + hist.edges[index + 1]!) / 2).toFixed(2),
  );
  const data = bins.flatMap((bin, index) => [
    { bin, run: 'A', count: hist.a[index]! },
    { bin, run: 'B', count: hist.b[index]! },
  ]);
  return figure('histogram', title, () =>
    Plot.plot({
      className: 'mk-plot',
      width: 420,
      height: 200,
      marginBottom: 34,
      fx: { domain: bins, label: 'per-sample value', padding: 0.15 },
      x: { axis: null, domain: ['A', 'B'] },
      y: { grid: true, label: 'samples' },
      color: colour,
      marks: [
        Plot.barY(data, { fx: 'bin', x: 'run', y: 'count', fill: 'run', title: (d) => `${d.run}: ${d.count}` }),
        Plot.ruleY([0]),
      ],
    }),
  );
}

export interface Interval {
  value: number;
  lower: number | null;
  upper: number | null;
}

/** Mean with 95% CI per key for A and B. */
export function ciPlot(bars: Record<string, { a: Interval | null; b: Interval | null }>, title: string) {
  const keys = Object.keys(bars)
    .filter((key) => bars[key]!.a || bars[key]!.b)
    .slice(0, 12);
  const data = keys.flatMap((key) =>
    (['a', 'b'] as const)
      .filter((side) => bars[key]![side])
      .map((side) => ({ key, run: side.toUpperCase(), ...bars[key]![side]! })),
  );
  return figure('ci', title, () =>
    Plot.plot({
      className: 'mk-plot',
      width: 520,
      height: 40 + keys.length * 44,
      marginLeft: 150,
      fy: { domain: keys, label: null },
      y: { axis: null, domain: ['A', 'B'] },
      x: { grid: true, label: 'mean with 95% CI' },
      color: colour,
      marks: [
        Plot.ruleY(
          data.filter((d) => d.lower !== null && d.upper !== null),
          { fy: 'key', y: 'run', x1: 'lower', x2: 'upper', stroke: 'run', strokeWidth: 2 },
        ),
        Plot.dot(data, {
          fy: 'key',
          y: 'run',
          x: 'value',
          fill: 'run',
          r: 3.5,
          title: (d) => `${d.run} ${d.key}: ${d.value.toFixed(3)}`,
        }),
      ],
    }),
  );
}

/** pass^k against k for A and B (with CI whiskers). */
export function passKPlot(series: { a: (Interval & { k: number })[]; b: (Interval & { k: number })[] }, title: string) {
  const data = [
    ...series.a.map((point) => ({ ...point, run: 'A' })),
    ...series.b.map((point) => ({ ...point, run: 'B' })),
  ];
  return figure('passk', title, () =>
    Plot.plot({
      className: 'mk-plot',
      width: 420,
      height: 200,
      x: { label: 'k', ticks: [...new Set(data.map((d) => d.k))], tickFormat: 'd' },
      y: { domain: [0, 1], grid: true, label: 'pass^k' },
      color: colour,
      marks: [
        Plot.ruleX(
          data.filter((d) => d.lower !== null && d.upper !== null),
          { x: 'k', y1: 'lower', y2: 'upper', stroke: 'run' },
        ),
        Plot.line(data, { x: 'k', y: 'value', stroke: 'run', strokeWidth: 2 }),
        Plot.dot(data, { x: 'k', y: 'value', fill: 'run', title: (d) => `pass^${d.k} = ${d.value.toFixed(3)}` }),
      ],
    }),
  );
}

export interface RankedValue {
  run: string;
  value: number;
  lower: number | null;
  upper: number | null;
  top: boolean;
}

/** A leaderboard's headline per run with its 95% CI, best first. */
export function leaderboardPlot(rows: RankedValue[], label: string) {
  // room for the longest run name (about 8 px a character at 12 px), within reason
  const margin = Math.min(380, 24 + 8 * Math.max(...rows.map((row) => row.run.length)));
  return figure(
    'leaderboard',
    `${label} per run with 95% CI`,
    () =>
      Plot.plot({
        className: 'mk-plot',
        width: 440 + margin,
        height: 40 + rows.length * 26,
        marginLeft: margin,
        y: { domain: rows.map((row) => row.run), label: null },
        x: { grid: true, label: `${label} (95% CI)` },
        marks: [
          Plot.ruleY(
            rows.filter((row) => row.lower !== null && row.upper !== null),
            { y: 'run', x1: 'lower', x2: 'upper', stroke: COLOURS.A, strokeWidth: 2 },
          ),
          Plot.dot(rows, {
            y: 'run',
            x: 'value',
            r: 4,
            fill: (row: RankedValue) => (row.top ? COLOURS.B : COLOURS.A),
            title: (row: RankedValue) => `${row.run}: ${row.value.toFixed(3)}`,
          }),
        ],
      }),
    false,
  );
}
