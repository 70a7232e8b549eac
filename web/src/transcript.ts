// The whole transcript of one sample, as text: messages (with images), model calls, tool calls with
// their arguments and results, and evidence by kind (SQL result tables, KG triplets, image regions
// with box and mask overlays, rubric items, judge rationales, simulated-user turns).
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { CARE_EVIDENCE, careMaskFacts } from './evidence-care.js';
import { MEDVR_EVIDENCE, medvrRegionFacts } from './evidence-medvr.js';
import { retmaeTokens } from './evidence-retmae.js';
import { fmt, h, json } from './ui.js';

const pretty = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));
const BOX_COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4'];

type Images = Record<string, { url?: string; refused?: string }>;
type Json = any;

/** An image with SVG boxes, polygons and mask images drawn over it in image pixel coordinates. */
function Overlay({ images, path, data }: { images: Images; path: string; data: Json }) {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const served = images[path];
  if (!served?.url) return h('p', { class: 'error' }, `image ${path} not shown: ${served?.refused ?? 'not recorded'}`);
  const width = Number(data.width) || size?.width || 0;
  const height = Number(data.height) || size?.height || 0;
  const masks: Json[] = Array.isArray(data.masks) ? data.masks : [];
  const boxes: Json[] = Array.isArray(data.boxes) ? data.boxes : [];
  const overlay =
    width && height
      ? h(
          'svg',
          { class: 'boxes', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' },
          masks.map((mask, index) => {
            const colour = mask.color ?? BOX_COLOURS[(index + 3) % BOX_COLOURS.length];
            const maskPath = mask.image ?? mask.path;
            return [
              Array.isArray(mask.points)
                ? h(
                    'polygon',
                    {
                      class: 'mask',
                      points: mask.points.map((point: number[]) => point.join(',')).join(' '),
                      fill: colour,
                      'fill-opacity': 0.35,
                      stroke: colour,
                    },
                    h('title', {}, mask.label ?? 'mask'),
                  )
                : null,
              typeof maskPath === 'string' && images[maskPath]?.url
                ? h(
                    'image',
                    {
                      class: 'mask',
                      href: images[maskPath].url,
                      x: 0,
                      y: 0,
                      width,
                      height,
                      opacity: 0.45,
                      preserveAspectRatio: 'none',
                    },
                    h('title', {}, mask.label ?? 'mask'),
                  )
                : null,
            ];
          }),
          boxes.map((box, index) => {
            const colour = BOX_COLOURS[index % BOX_COLOURS.length];
            const [x1, y1, x2, y2] = [box.x1, box.y1, box.x2, box.y2].map(Number) as [number, number, number, number];
            return h(
              'g',
              { class: 'box', 'data-label': box.label ?? '' },
              h('rect', {
                x: x1,
                y: y1,
                width: x2 - x1,
                height: y2 - y1,
                fill: 'none',
                stroke: colour,
                'stroke-width': Math.max(1, width / 200),
              }),
              h(
                'text',
                { x: x1 + 2, y: Math.max(y1 - 3, 10), fill: colour, 'font-size': Math.max(10, width / 30) },
                box.label ?? `box ${index + 1}`,
              ),
            );
          }),
        )
      : null;
  return h(
    'div',
    {},
    h(
      'figure',
      { class: 'overlay' },
      h(
        'div',
        { class: 'stack' },
        h('img', {
          src: served.url,
          alt: `image ${path}`,
          class: 'base',
          onLoad: (event: Event) => {
            const image = event.currentTarget as HTMLImageElement;
            setSize({ width: image.naturalWidth, height: image.naturalHeight });
          },
        }),
        overlay,
      ),
    ),
    boxes.length
      ? h(
          'ul',
          { class: 'legend' },
          boxes.map((box, index) =>
            h(
              'li',
              { style: { color: BOX_COLOURS[index % BOX_COLOURS.length] } },
              `${box.label ?? `box ${index + 1}`}: (${fmt(box.x1, 1)}, ${fmt(box.y1, 1)}) – (${fmt(box.x2, 1)}, ${fmt(box.y2, 1)})`,
            ),
          ),
        )
      : null,
    h('div', { class: 'muted path' }, path),
  );
}

export function imageWithOverlay(images: Images, path: string, data: Json = {}) {
  return h(Overlay, { images, path, data });
}

function content(images: Images, value: Json) {
  if (typeof value === 'string') return h('div', { class: 'text' }, value);
  if (!Array.isArray(value)) return json(value);
  return value.map((part: Json) => {
    if (part.type === 'text') return h('div', { class: 'text' }, part.text);
    if (part.type === 'image' && part.source?.kind === 'path')
      return h(
        'div',
        {},
        part.label ? h('div', { class: 'muted' }, part.label) : null,
        imageWithOverlay(images, part.source.path),
      );
    if (part.type === 'image')
      return h(
        'div',
        { class: 'muted' },
        `image ${part.source?.kind === 'hash' ? `sha256 ${part.source.sha256}` : ''} (bytes not kept in the log)`,
      );
    return json(part);
  });
}

function toolCalls(calls: Json) {
  return ((calls ?? []) as Json[]).map((call) =>
    h(
      'div',
      { class: 'tool-call' },
      h(
        'div',
        {},
        h('span', { class: 'badge tool' }, 'tool call'),
        ' ',
        h('code', {}, call.name),
        h('span', { class: 'muted' }, ` id ${call.id ?? ''}`),
      ),
      h('pre', { class: 'args' }, pretty(call.arguments)),
      call.parseError
        ? h('div', { class: 'error' }, `arguments did not parse: ${call.parseError}; raw: ${call.rawArguments ?? ''}`)
        : null,
    ),
  );
}

export function message(images: Images, msg: Json) {
  return h(
    'div',
    { class: `message ${msg.role}` },
    h('div', { class: 'who' }, msg.role, msg.source ? ` (${msg.source})` : '', msg.name ? ` · ${msg.name}` : ''),
    content(images, msg.content),
    msg.role === 'assistant' ? toolCalls(msg.toolCalls) : null,
    msg.error ? h('div', { class: 'error' }, msg.error) : null,
  );
}

function table(columns: Json, rows: Json) {
  const list = Array.isArray(rows) ? rows : [];
  let header: string[] = Array.isArray(columns) ? columns.map(String) : [];
  const first = list[0];
  if (header.length === 0 && first && typeof first === 'object')
    header = Array.isArray(first) ? first.map((_: unknown, index: number) => `col ${index + 1}`) : Object.keys(first);
  const cells = (row: Json): unknown[] =>
    Array.isArray(row) ? row : row && typeof row === 'object' ? header.map((column) => row[column]) : [row];
  return h(
    'table',
    { class: 'grid sql' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        header.map((column) => h('th', {}, column)),
      ),
    ),
    h(
      'tbody',
      {},
      list.slice(0, 500).map((row: Json) =>
        h(
          'tr',
          {},
          cells(row).map((cell) =>
            h(
              'td',
              {},
              cell === null || cell === undefined
                ? 'NULL'
                : typeof cell === 'object'
                  ? JSON.stringify(cell)
                  : String(cell),
            ),
          ),
        ),
      ),
    ),
  );
}

const verdictBadge = (verdict: unknown) =>
  verdict === undefined || verdict === null
    ? null
    : h(
        'span',
        {
          class: `badge verdict v-${String(verdict)
            .toLowerCase()
            .replace(/[^a-z]/g, '')}`,
        },
        String(verdict),
      );

const EVIDENCE: Partial<Record<string, (data: Json, images: Images) => VNode<any>>> = {
  'sql-result': (data) =>
    h(
      'div',
      {},
      h('pre', { class: 'sql' }, data.sql ?? ''),
      data.error ? h('div', { class: 'error' }, data.error) : null,
      table(data.columns, data.rows),
      (data.rows?.length ?? 0) > 500 ? h('p', { class: 'muted' }, `first 500 of ${data.rows.length} rows`) : null,
    ),
  'kg-triplet': (data) =>
    data.head === undefined && data.tail === undefined
      ? h('div', {}, verdictBadge(data.verdict), json(data))
      : h(
          'div',
          { class: 'triplet' },
          h('span', { class: 'entity' }, pretty(data.head)),
          ' —',
          h('span', { class: 'relation' }, pretty(data.relation)),
          '→ ',
          h('span', { class: 'entity' }, pretty(data.tail)),
          ' ',
          verdictBadge(data.verdict),
          data.evidence ? h('div', { class: 'muted' }, pretty(data.evidence)) : null,
          data.reason ? h('div', { class: 'rationale' }, pretty(data.reason)) : null,
        ),
  'image-region': (data, images) =>
    h('div', {}, imageWithOverlay(images, data.image, data), careMaskFacts(data), medvrRegionFacts(data, images)),
  'retmae-tokens': retmaeTokens,
  'rubric-item': (data) =>
    h(
      'div',
      { class: 'rubric' },
      verdictBadge(data.met === true ? 'met' : data.met === false ? 'not met' : data.met),
      ' ',
      h('span', { class: 'points' }, `${fmt(data.points)} pts`),
      ' ',
      h('span', {}, pretty(data.criterion ?? '')),
      data.explanation ? h('div', { class: 'rationale' }, pretty(data.explanation)) : null,
    ),
  judge: (data) =>
    h(
      'div',
      { class: 'judge' },
      h('span', { class: 'key' }, pretty(data.dimension ?? 'rating')),
      ': ',
      h('strong', {}, pretty(data.rating ?? '')),
      data.rationale ? h('div', { class: 'rationale' }, pretty(data.rationale)) : null,
    ),
  'user-turn': (data) =>
    h(
      'div',
      { class: 'message user simulated' },
      h('div', { class: 'who' }, 'simulated user ', verdictBadge(data.verdict)),
      h('div', { class: 'text' }, pretty(data.text ?? '')),
    ),
  ...CARE_EVIDENCE,
  ...MEDVR_EVIDENCE,
};

export function event(images: Images, ev: Json) {
  const at = h('span', { class: 'muted at' }, ev.at ?? '');
  if (ev.type === 'model') {
    const output = ev.output ?? {};
    return h(
      'div',
      { class: 'event model' },
      h(
        'div',
        {},
        h('span', { class: 'badge model' }, `model · ${ev.role}`),
        ' ',
        ev.model,
        ' ',
        at,
        h(
          'span',
          { class: 'muted' },
          output.usage ? ` · ${output.usage.inputTokens ?? 0} in / ${output.usage.outputTokens ?? 0} out tokens` : '',
          output.latencyMs !== undefined ? ` · ${output.latencyMs} ms` : '',
        ),
      ),
      ev.input
        ? h(
            'details',
            {},
            h('summary', {}, `input (${ev.input.length} messages)`),
            ev.input.map((msg: Json) => message(images, msg)),
          )
        : null,
      h('div', { class: 'text' }, output.text ?? ''),
      toolCalls(output.toolCalls),
      ev.error ? h('div', { class: 'error' }, ev.error) : null,
    );
  }
  if (ev.type === 'tool') {
    return h(
      'div',
      { class: 'event tool' },
      h(
        'div',
        {},
        h('span', { class: 'badge tool' }, 'tool'),
        ' ',
        h('code', {}, ev.name),
        ' ',
        at,
        ev.durationMs !== undefined ? h('span', { class: 'muted' }, ` · ${ev.durationMs} ms`) : null,
      ),
      h('div', { class: 'label' }, 'arguments'),
      h('pre', { class: 'args' }, pretty(ev.arguments)),
      h('div', { class: 'label' }, 'result'),
      h('pre', { class: 'result' }, pretty(ev.result ?? '')),
      ev.error ? h('div', { class: 'error' }, ev.error) : null,
    );
  }
  if (ev.type === 'evidence') {
    const render = EVIDENCE[ev.kind];
    return h(
      'div',
      { class: `event evidence ${ev.kind}`, 'data-kind': ev.kind },
      h('div', {}, h('span', { class: 'badge evidence' }, ev.kind), ' ', ev.title ?? '', ' ', at),
      render && ev.data && typeof ev.data === 'object' ? render(ev.data, images) : json(ev.data),
    );
  }
  if (ev.type === 'info')
    return h(
      'div',
      { class: 'event info' },
      h('span', { class: 'badge' }, 'info'),
      ' ',
      ev.message ?? '',
      ' ',
      at,
      ev.data !== undefined ? json(ev.data) : null,
    );
  return h('div', { class: 'event' }, json(ev));
}
