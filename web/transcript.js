// The whole transcript of one sample, as text: messages (with images), model calls, tool calls with
// their arguments and results, and evidence by kind (SQL result tables, KG triplets, image regions
// with box and mask overlays, rubric items, judge rationales, simulated-user turns).
import { fmt, h, json, s } from './dom.js';

const pretty = (value) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));
const BOX_COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4'];

/** An image with SVG boxes, polygons and mask images drawn over it in image pixel coordinates. */
export function imageWithOverlay(images, path, data = {}) {
  const served = images[path];
  if (!served || !served.url)
    return h('p', { class: 'error' }, `image ${path} not shown: ${served?.refused ?? 'not recorded'}`);
  const image = h('img', { src: served.url, alt: `image ${path}`, class: 'base' });
  const figure = h('figure', { class: 'overlay' }, h('div', { class: 'stack' }, image));
  const draw = () => {
    const width = Number(data.width) || image.naturalWidth;
    const height = Number(data.height) || image.naturalHeight;
    const overlay = s('svg', { class: 'boxes', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' });
    (data.masks ?? []).forEach((mask, index) => {
      const colour = mask.color ?? BOX_COLOURS[(index + 3) % BOX_COLOURS.length];
      if (Array.isArray(mask.points))
        overlay.append(
          s(
            'polygon',
            {
              class: 'mask',
              points: mask.points.map((point) => point.join(',')).join(' '),
              fill: colour,
              'fill-opacity': 0.35,
              stroke: colour,
            },
            s('title', {}, mask.label ?? 'mask'),
          ),
        );
      const maskPath = mask.image ?? mask.path;
      if (typeof maskPath === 'string' && images[maskPath]?.url) {
        overlay.append(
          s(
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
            s('title', {}, mask.label ?? 'mask'),
          ),
        );
      }
    });
    (data.boxes ?? []).forEach((box, index) => {
      const colour = BOX_COLOURS[index % BOX_COLOURS.length];
      const x1 = Number(box.x1),
        y1 = Number(box.y1),
        x2 = Number(box.x2),
        y2 = Number(box.y2);
      overlay.append(
        s(
          'g',
          { class: 'box', 'data-label': box.label ?? '' },
          s('rect', {
            x: x1,
            y: y1,
            width: x2 - x1,
            height: y2 - y1,
            fill: 'none',
            stroke: colour,
            'stroke-width': Math.max(1, width / 200),
          }),
          s(
            'text',
            { x: x1 + 2, y: Math.max(y1 - 3, 10), fill: colour, 'font-size': Math.max(10, width / 30) },
            box.label ?? `box ${index + 1}`,
          ),
        ),
      );
    });
    figure.querySelector('.stack').append(overlay);
  };
  if (image.complete && image.naturalWidth) draw();
  else image.addEventListener('load', draw, { once: true });
  const legend = (data.boxes ?? []).map((box, index) =>
    h(
      'li',
      { style: { color: BOX_COLOURS[index % BOX_COLOURS.length] } },
      `${box.label ?? `box ${index + 1}`}: (${fmt(box.x1, 1)}, ${fmt(box.y1, 1)}) – (${fmt(box.x2, 1)}, ${fmt(box.y2, 1)})`,
    ),
  );
  return h(
    'div',
    {},
    figure,
    legend.length ? h('ul', { class: 'legend' }, legend) : null,
    h('div', { class: 'muted path' }, path),
  );
}

function content(images, value) {
  if (typeof value === 'string') return h('div', { class: 'text' }, value);
  if (!Array.isArray(value)) return json(value);
  return value.map((part) => {
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

function toolCalls(calls) {
  return (calls ?? []).map((call) =>
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

export function message(images, msg) {
  return h(
    'div',
    { class: `message ${msg.role}` },
    h('div', { class: 'who' }, msg.role, msg.source ? ` (${msg.source})` : '', msg.name ? ` · ${msg.name}` : ''),
    content(images, msg.content),
    msg.role === 'assistant' ? toolCalls(msg.toolCalls) : null,
    msg.error ? h('div', { class: 'error' }, msg.error) : null,
  );
}

function table(columns, rows) {
  const list = Array.isArray(rows) ? rows : [];
  let header = Array.isArray(columns) ? columns.map(String) : [];
  const first = list[0];
  if (header.length === 0 && first && typeof first === 'object')
    header = Array.isArray(first) ? first.map((_, index) => `col ${index + 1}`) : Object.keys(first);
  const cells = (row) =>
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
      list.slice(0, 500).map((row) =>
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

const verdictBadge = (verdict) =>
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

const EVIDENCE = {
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
  'image-region': (data, images) => imageWithOverlay(images, data.image, data),
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
};

export function event(images, ev) {
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
            ev.input.map((msg) => message(images, msg)),
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
