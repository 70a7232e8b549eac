// Inline SVG plots: grouped histograms, CI bars and pass^k against k. Labels are text nodes.
import { fmt, s } from './dom.js';

const A = '#4363d8';
const B = '#f58231';
const W = 360;
const H = 180;
const PAD = { left: 40, right: 10, top: 14, bottom: 30 };

function axes(svg, yMax, xLabels) {
  svg.append(s('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, stroke: '#888' }));
  svg.append(s('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, stroke: '#888' }));
  svg.append(s('text', { x: PAD.left - 4, y: PAD.top + 4, 'text-anchor': 'end', 'font-size': 10 }, fmt(yMax, 2)));
  svg.append(s('text', { x: PAD.left - 4, y: H - PAD.bottom, 'text-anchor': 'end', 'font-size': 10 }, '0'));
  const step = (W - PAD.left - PAD.right) / xLabels.length;
  xLabels.forEach((label, index) =>
    svg.append(
      s(
        'text',
        { x: PAD.left + step * (index + 0.5), y: H - PAD.bottom + 14, 'text-anchor': 'middle', 'font-size': 10 },
        label,
      ),
    ),
  );
}

function legend(svg, labelA, labelB) {
  svg.append(
    s('rect', { x: W - 120, y: 2, width: 10, height: 10, fill: A }),
    s('text', { x: W - 106, y: 11, 'font-size': 10 }, labelA),
  );
  svg.append(
    s('rect', { x: W - 60, y: 2, width: 10, height: 10, fill: B }),
    s('text', { x: W - 46, y: 11, 'font-size': 10 }, labelB),
  );
}

/** Score distribution of A and B over the same bins. */
export function histogramPlot(hist, title) {
  const svg = s(
    'svg',
    { class: 'plot histogram', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title },
    s('title', {}, title),
  );
  const counts = [...hist.a, ...hist.b];
  const yMax = Math.max(1, ...counts);
  const bins = hist.a.length;
  const labels = hist.edges
    .slice(0, -1)
    .map((edge, index) => (hist.edges.length === 3 ? String(index) : fmt((edge + hist.edges[index + 1]) / 2, 2)));
  axes(svg, yMax, labels);
  const step = (W - PAD.left - PAD.right) / bins;
  const scale = (count) => ((H - PAD.top - PAD.bottom) * count) / yMax;
  for (let index = 0; index < bins; index++) {
    const x = PAD.left + step * index;
    svg.append(
      s(
        'rect',
        {
          x: x + step * 0.1,
          y: H - PAD.bottom - scale(hist.a[index]),
          width: step * 0.4,
          height: scale(hist.a[index]),
          fill: A,
        },
        s('title', {}, `A: ${hist.a[index]}`),
      ),
    );
    svg.append(
      s(
        'rect',
        {
          x: x + step * 0.5,
          y: H - PAD.bottom - scale(hist.b[index]),
          width: step * 0.4,
          height: scale(hist.b[index]),
          fill: B,
        },
        s('title', {}, `B: ${hist.b[index]}`),
      ),
    );
  }
  legend(svg, 'A', 'B');
  return svg;
}

/** Mean with 95% CI per key for A and B. */
export function ciPlot(bars, title) {
  const keys = Object.keys(bars)
    .filter((key) => bars[key].a || bars[key].b)
    .slice(0, 12);
  const height = 40 + keys.length * 34;
  const svg = s(
    'svg',
    { class: 'plot ci', viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': title },
    s('title', {}, title),
  );
  const values = keys
    .flatMap((key) => [bars[key].a, bars[key].b])
    .filter(Boolean)
    .flatMap((bar) => [bar.lower ?? bar.value, bar.upper ?? bar.value, bar.value]);
  const low = Math.min(0, ...values);
  const high = Math.max(1, ...values);
  const left = 120;
  const x = (value) => left + ((W - left - 10) * (value - low)) / (high - low || 1);
  svg.append(
    s('text', { x: x(low), y: height - 4, 'font-size': 10, 'text-anchor': 'start' }, fmt(low, 2)),
    s('text', { x: x(high), y: height - 4, 'font-size': 10, 'text-anchor': 'end' }, fmt(high, 2)),
  );
  keys.forEach((key, index) => {
    const y = 26 + index * 34;
    svg.append(
      s(
        'text',
        { x: left - 6, y: y + 10, 'text-anchor': 'end', 'font-size': 10 },
        key.length > 20 ? `${key.slice(0, 19)}…` : key,
      ),
    );
    [
      ['a', A, 0],
      ['b', B, 12],
    ].forEach(([side, colour, dy]) => {
      const bar = bars[key][side];
      if (!bar) return;
      if (bar.lower !== null && bar.upper !== null)
        svg.append(
          s('line', {
            x1: x(bar.lower),
            x2: x(bar.upper),
            y1: y + dy + 4,
            y2: y + dy + 4,
            stroke: colour,
            'stroke-width': 2,
          }),
        );
      svg.append(
        s(
          'circle',
          { cx: x(bar.value), cy: y + dy + 4, r: 3.5, fill: colour },
          s('title', {}, `${side.toUpperCase()} ${key}: ${fmt(bar.value)} [${fmt(bar.lower)}, ${fmt(bar.upper)}]`),
        ),
      );
    });
  });
  legend(svg, 'A', 'B');
  return svg;
}

/** pass^k against k for A and B (with CI whiskers). */
export function passKPlot(series, title) {
  const svg = s(
    'svg',
    { class: 'plot passk', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title },
    s('title', {}, title),
  );
  const ks = [...new Set([...series.a, ...series.b].map((point) => point.k))].sort((p, q) => p - q);
  axes(svg, 1, ks.map(String));
  const step = (W - PAD.left - PAD.right) / Math.max(1, ks.length);
  const x = (k) => PAD.left + step * (ks.indexOf(k) + 0.5);
  const y = (value) => H - PAD.bottom - (H - PAD.top - PAD.bottom) * value;
  [
    [series.a, A],
    [series.b, B],
  ].forEach(([points, colour]) => {
    if (points.length === 0) return;
    svg.append(
      s('polyline', {
        points: points.map((point) => `${x(point.k)},${y(point.value)}`).join(' '),
        fill: 'none',
        stroke: colour,
        'stroke-width': 2,
      }),
    );
    for (const point of points) {
      if (point.lower !== null && point.upper !== null)
        svg.append(
          s('line', { x1: x(point.k), x2: x(point.k), y1: y(point.lower), y2: y(point.upper), stroke: colour }),
        );
      svg.append(
        s(
          'circle',
          { cx: x(point.k), cy: y(point.value), r: 3, fill: colour },
          s('title', {}, `pass^${point.k} = ${fmt(point.value)}`),
        ),
      );
    }
  });
  legend(svg, 'A', 'B');
  return svg;
}
