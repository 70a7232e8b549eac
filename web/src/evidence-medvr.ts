// MedVR's evidence (src/agents/medvr/README.md: evidence shapes): per trajectory its answer, entropy monitor and
// zooms (requested / received / original boxes and each crop), per zoom the crop beside its box on the original,
// and the consensus zoom mask with the agreeing trajectories. Model text is only ever a text child.
import type { VNode } from 'preact';
import { fmt, h } from './ui.js';

type Json = any;
type Images = Record<string, { url?: string; refused?: string }>;

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));
const box = (value: unknown) => (Array.isArray(value) ? `[${value.map((v) => fmt(v, 0)).join(', ')}]` : '–');

function crop(images: Images, path: unknown) {
  if (typeof path !== 'string') return null;
  const served = images[path];
  return served?.url
    ? h('img', { class: 'medvr-crop', src: served.url, alt: `zoom crop ${path}` })
    : h('span', { class: 'muted' }, `crop not shown: ${served?.refused ?? 'not recorded'}`);
}

/** Under an image-region overlay of MedVR: the zoom's boxes and crop, or the consensus facts. */
export function medvrRegionFacts(data: Json, images: Images): VNode<any> | null {
  const medvr = data?.medvr;
  if (!medvr || typeof medvr !== 'object') return null;
  if ('majority' in medvr) {
    const answers: unknown[] = Array.isArray(medvr.answers) ? medvr.answers : [];
    return h(
      'div',
      { class: 'medvr-consensus' },
      'majority ',
      h('strong', {}, text(medvr.majority ?? 'none')),
      ` · agreeing trajectories ${(Array.isArray(medvr.agreeing) ? medvr.agreeing : []).map(text).join(', ') || 'none'}`,
      ` · answers ${answers.map((a) => (a === null ? '∅' : text(a))).join(', ')}`,
      Array.isArray(data.masks) && data.masks.length ? null : h('div', { class: 'muted' }, 'no consensus mask'),
    );
  }
  return h(
    'div',
    { class: 'medvr-zoom' },
    h(
      'div',
      { class: 'muted' },
      `trajectory ${fmt(medvr.trajectory)}, step ${fmt(medvr.step)}: requested ${box(medvr.requested)} → received ${box(
        medvr.received,
      )} in image ${fmt(medvr.imageIndex)} → original ${box(medvr.original)}`,
    ),
    crop(images, medvr.crop),
  );
}

function trajectory(data: Json, images: Images) {
  const zooms: Json[] = Array.isArray(data.zooms) ? data.zooms : [];
  const entropy = data.entropy;
  return h(
    'div',
    { class: 'medvr-trajectory-body', 'data-index': text(data.index) },
    h(
      'div',
      {},
      h('span', { class: `badge medvr ${data.kind === 'branch' ? 'branch' : 'base'}` }, text(data.kind)),
      ` trajectory ${fmt(data.index)} → `,
      data.answer === null || data.answer === undefined
        ? h('span', { class: 'muted' }, 'no answer')
        : h('strong', {}, text(data.answer)),
      h(
        'span',
        { class: 'muted' },
        `${data.confidence !== null && data.confidence !== undefined ? ` · p(answer) ${fmt(data.confidence)}` : ''} · ${fmt(
          data.steps,
        )} steps · ${zooms.length} zooms · ${fmt(data.invalidCalls)} invalid calls`,
      ),
    ),
    entropy && typeof entropy === 'object'
      ? h(
          'div',
          { class: 'muted entropy' },
          `H_base ${fmt(entropy.hBase)} · H_tool ${fmt(entropy.hTool)} · ΔH ${fmt(entropy.delta)}${
            entropy.p !== null && entropy.p !== undefined ? ` · branch P ${fmt(entropy.p)}` : ''
          }`,
        )
      : null,
    data.error ? h('div', { class: 'error' }, text(data.error)) : null,
    zooms.length
      ? h(
          'table',
          { class: 'grid medvr-zooms' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['step', 'image', 'received', 'original', 'crop'].map((c) => h('th', {}, c)),
            ),
          ),
          h(
            'tbody',
            {},
            zooms.map((zoom) =>
              h(
                'tr',
                {},
                h('td', {}, fmt(zoom.step)),
                h('td', {}, fmt(zoom.imageIndex)),
                h('td', {}, box(zoom.received)),
                h('td', {}, box(zoom.original)),
                h('td', {}, crop(images, zoom.crop)),
              ),
            ),
          ),
        )
      : null,
  );
}

export const MEDVR_EVIDENCE: Record<string, (data: Json, images: Images) => VNode<any>> = {
  'medvr-trajectory': (data, images) => trajectory(data, images),
};
