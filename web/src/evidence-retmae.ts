// Evidence kind `retmae-tokens` (src/methods/retmae/benchmark.ts): one fundus image with RetMAE's high-frequency
// patch selection. Drawn as an SVG over the image in the S×S coordinates the scores were computed in (the image was
// resized to S×S before scoring, so the SVG is stretched over it): every patch shaded by its score's rank, kept
// patches outlined; then the overlay PNG the kit wrote, and the top kept patches as a table. Only numbers from the
// record reach SVG attributes; the image comes from the server's URL for a path the record names.
import type { VNode } from 'preact';
import { fmt, h } from './ui.js';

type Images = Record<string, { url?: string; refused?: string }>;
type Json = any;

const KEPT = '#3cb44b';
const finite = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function picture(images: Images, path: unknown, alt: string, svg: VNode<any> | null): VNode<any> {
  const served = typeof path === 'string' ? images[path] : undefined;
  if (!served?.url)
    return h('p', { class: 'error' }, `image ${String(path)} not shown: ${served?.refused ?? 'not recorded'}`);
  return h(
    'figure',
    { class: 'overlay' },
    h('div', { class: 'stack' }, h('img', { src: served.url, alt, class: 'base' }), svg),
  );
}

export function retmaeTokens(data: Json, images: Images): VNode<any> {
  const size = Math.max(1, finite(data.width));
  const patch = Math.max(1, finite(data.patch));
  const [rows, cols] = Array.isArray(data.grid) ? data.grid.map(finite) : [0, 0];
  const scores: number[] = Array.isArray(data.scores) ? data.scores.map(finite) : [];
  const kept: number[] = Array.isArray(data.kept) ? data.kept.map(finite) : [];
  const keptSet = new Set(kept);
  // Shade by rank, not by value: a few very high patches would otherwise wash every other cell out.
  const rank = new Map<number, number>(
    scores
      .map((score, id) => ({ score, id }))
      .sort((a, b) => a.score - b.score)
      .map((entry, index) => [entry.id, scores.length > 1 ? index / (scores.length - 1) : 1]),
  );
  const cells: VNode<any>[] = [];
  for (let id = 0; id < rows * cols; id++) {
    const [x, y] = [(id % cols) * patch, Math.floor(id / cols) * patch];
    cells.push(
      h(
        'rect',
        {
          class: keptSet.has(id) ? 'patch kept' : 'patch',
          'data-id': id,
          x,
          y,
          width: patch,
          height: patch,
          fill: keptSet.has(id) ? KEPT : '#4363d8',
          'fill-opacity': 0.45 * (rank.get(id) ?? 0) ** 2,
          stroke: keptSet.has(id) ? KEPT : 'none',
          'stroke-width': Math.max(1, size / 224),
        },
        h('title', {}, `patch ${id} (row ${Math.floor(id / cols)}, column ${id % cols}): score ${fmt(scores[id], 4)}`),
      ),
    );
  }
  const svg = h(
    'svg',
    { class: 'boxes retmae', viewBox: `0 0 ${size} ${finite(data.height) || size}`, preserveAspectRatio: 'none' },
    cells,
  );
  const share = rows * cols ? kept.length / (rows * cols) : 0;
  return h(
    'div',
    { class: 'retmae-tokens' },
    h(
      'p',
      {},
      `${kept.length} of ${rows * cols} patches kept (${fmt(100 * share, 1)}%; keep ratio ${fmt(data.keepRatio, 2)}), `,
      `patch ${patch} px on ${size}×${finite(data.height) || size}; green = kept, blue shade = score rank.`,
    ),
    picture(images, data.image, `high-frequency patches on ${String(data.image)}`, svg),
    data.overlay ? h('div', { class: 'muted' }, 'overlay written by the kit:') : null,
    data.overlay ? picture(images, data.overlay, `overlay ${String(data.overlay)}`, null) : null,
    h(
      'table',
      { class: 'grid retmae-top' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['rank', 'patch', 'row', 'column', 'score'].map((title) => h('th', {}, title)),
        ),
      ),
      h(
        'tbody',
        {},
        kept.slice(0, 10).map((id, index) =>
          h(
            'tr',
            {},
            [index + 1, id, Math.floor(id / Math.max(1, cols)), id % Math.max(1, cols), fmt(scores[id], 4)].map(
              (cell) => h('td', {}, String(cell)),
            ),
          ),
        ),
      ),
    ),
    kept.length > 10 ? h('p', { class: 'muted' }, `first 10 of ${kept.length} kept patches, best first`) : null,
    h('div', { class: 'muted path' }, String(data.image ?? '')),
  );
}
