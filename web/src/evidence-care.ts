// CARE's evidence (src/agents/care/README.md: evidence shapes): proposed entities, each mask's confidence with
// kept/dropped (shown under its image-region overlay), the evidence views with their answers, the vote, and
// CARE-Coord's plan, reviews and edits. Every string from a model is a text child (never HTML).
import type { VNode } from 'preact';
import { imageWithOverlay } from './transcript.js';
import { fmt, h } from './ui.js';

type Json = any;
type Images = Record<string, { url?: string; refused?: string }>;

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));
const badge = (kind: string, label: unknown) => h('span', { class: `badge care ${kind}` }, text(label));
const keptBadge = (kept: unknown) => badge(kept ? 'kept' : 'dropped', kept ? 'kept' : 'dropped');
const answerOf = (value: unknown) =>
  value === null || value === undefined ? h('span', { class: 'muted' }, 'no answer') : h('strong', {}, text(value));

/** Under a mask's overlay: C against τ, kept or dropped, the segmenter and its note or error. */
export function careMaskFacts(data: Json): VNode<any> | null {
  const care = data?.care;
  if (!care || typeof care !== 'object') return null;
  return h(
    'div',
    { class: 'care-mask', 'data-kept': care.kept ? 'true' : 'false' },
    keptBadge(care.kept),
    ' ',
    h('span', { class: 'key' }, text(care.entity)),
    ` · C = ${fmt(care.confidence)} ${care.kept ? '≥' : 'vs'} τ ${fmt(care.tau, 2)} · segmenter ${text(care.segmenter)}`,
    care.note ? h('div', { class: 'muted' }, text(care.note)) : null,
    care.error ? h('div', { class: 'error' }, text(care.error)) : null,
  );
}

function entities(data: Json) {
  const list: unknown[] = Array.isArray(data.entities) ? data.entities : [];
  return h(
    'div',
    { class: 'care-entity-list' },
    badge('source', data.source === 'proposer' ? 'proposer model' : 'lexicon baseline'),
    ' ',
    list.length
      ? h(
          'ul',
          { class: 'chips' },
          list.map((entity) => h('li', { class: 'chip' }, text(entity))),
        )
      : h('span', { class: 'muted' }, 'no entities'),
    data.raw ? h('details', {}, h('summary', {}, 'proposer reply'), h('pre', {}, text(data.raw))) : null,
  );
}

function view(data: Json, images: Images) {
  const box = Array.isArray(data.box) ? data.box.map((v: unknown) => fmt(v, 0)).join(', ') : '';
  return h(
    'div',
    { class: 'care-view-answer', 'data-view': text(data.view) },
    h(
      'div',
      {},
      badge('view', `${text(data.view)} view`),
      Number(data.round) > 0 ? ` round ${fmt(data.round)}` : '',
      ' → ',
      answerOf(data.answer),
      h('span', { class: 'muted' }, ` · box [${box}] original pixels${data.entity ? ` · ${text(data.entity)}` : ''}`),
    ),
    data.error ? h('div', { class: 'error' }, text(data.error)) : null,
    typeof data.image === 'string' ? imageWithOverlay(images, data.image) : null,
    data.response ? h('details', {}, h('summary', {}, 'response'), h('pre', {}, text(data.response))) : null,
  );
}

function vote(data: Json) {
  const answers: Json[] = Array.isArray(data.answers) ? data.answers : [];
  return h(
    'div',
    { class: 'care-vote-table' },
    h(
      'table',
      { class: 'grid' },
      h('thead', {}, h('tr', {}, h('th', {}, 'view'), h('th', {}, 'answer'))),
      h(
        'tbody',
        {},
        answers.map((entry) =>
          h(
            'tr',
            { class: entry.answer === data.answer && entry.answer !== null ? 'winner' : '' },
            h('td', {}, text(entry.view)),
            h('td', {}, answerOf(entry.answer)),
          ),
        ),
      ),
    ),
    h('div', {}, 'vote: ', answerOf(data.answer)),
    h(
      'div',
      { class: 'muted' },
      `tie-break: ${Array.isArray(data.tieBreak) ? data.tieBreak.map(text).join(' > ') : ''}`,
    ),
    data.note ? h('div', { class: 'muted' }, text(data.note)) : null,
  );
}

function coord(data: Json) {
  const step = text(data.step);
  const body =
    step === 'plan'
      ? [`view ${text(data.view)}`, h('div', { class: 'muted' }, text(data.note))]
      : step === 'review'
        ? [
            `round ${fmt(data.round)} `,
            h(
              'span',
              { class: `badge verdict v-${data.verdict === 'revise' ? 'revise' : 'accept'}` },
              text(data.verdict),
            ),
            data.view ? ` → ${text(data.view)} view` : '',
            data.reason ? h('div', { class: 'rationale' }, text(data.reason)) : null,
          ]
        : [
            `round ${fmt(data.round)}: `,
            answerOf(data.from),
            ' → ',
            answerOf(data.to),
            ` (${text(data.view)} view)`,
            data.reason ? h('div', { class: 'rationale' }, text(data.reason)) : null,
          ];
  return h('div', { class: `care-coord-turn step-${step}`, 'data-step': step }, badge('step', step), ' ', ...body);
}

export const CARE_EVIDENCE: Record<string, (data: Json, images: Images) => VNode<any>> = {
  'care-entities': (data) => entities(data),
  'care-view': (data, images) => view(data, images),
  'care-vote': (data) => vote(data),
  'care-coord': (data) => coord(data),
};
