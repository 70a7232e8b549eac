// One sample: scores with answers and explanations, the final output, the conversation and every
// event of the transcript in order.
import { get } from '../api.js';
import { event, message } from '../transcript.js';
import { fmt, h, json, link } from '../ui.js';

type Json = any;

export async function sampleView(params: Record<string, string>) {
  const { run, id, epoch } = params;
  const { record, images, row, rows, previous, next } = await get('/api/sample', { run, id, epoch: epoch ?? 1 });
  const scores = Object.entries((record.scores ?? {}) as Record<string, Json>);
  const events: Json[] = record.transcript?.events ?? [];
  const counts: Record<string, number> = {};
  for (const ev of events)
    counts[ev.type === 'evidence' ? ev.kind : ev.type] = (counts[ev.type === 'evidence' ? ev.kind : ev.type] ?? 0) + 1;
  return h(
    'section',
    { id: 'sample' },
    h(
      'p',
      { class: 'pager' },
      link('run', { run }, `↑ ${run}`),
      ' · ',
      previous
        ? link('sample', { run, ...previous }, `← ${previous.id} (epoch ${previous.epoch})`)
        : h('span', { class: 'muted' }, 'first'),
      ' · ',
      h('span', { class: 'muted' }, `line ${row + 1} of ${rows}`),
      ' · ',
      next
        ? link('sample', { run, ...next }, `${next.id} (epoch ${next.epoch}) →`)
        : h('span', { class: 'muted' }, 'last'),
    ),
    h('h1', {}, `Sample ${record.id}`, h('span', { class: 'muted' }, ` · epoch ${record.epoch}`)),
    h(
      'p',
      { class: 'muted' },
      `tokens ${fmt(record.tokens)} · cost $${(record.cost ?? 0).toFixed(5)} · ${fmt(record.durationMs)} ms · started ${record.startedAt ?? ''}`,
      Object.entries(record.groups ?? {}).map(([key, value]) => h('span', { class: 'chip' }, `${key}: ${value}`)),
    ),
    record.error ? h('p', { class: 'error', role: 'alert' }, `failed: ${record.error}`) : null,
    h('h2', {}, 'Scores'),
    scores.length
      ? h(
          'table',
          { class: 'grid scores' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Scorer', 'Value', 'Answer', 'Explanation'].map((label) => h('th', {}, label)),
            ),
          ),
          h(
            'tbody',
            {},
            scores.map(([name, score]) =>
              h(
                'tr',
                {},
                h('td', {}, name),
                h(
                  'td',
                  {},
                  score.value !== null && typeof score.value === 'object'
                    ? Object.entries(score.value as Record<string, unknown>).map(([key, value]) =>
                        h('div', {}, `${key}: ${fmt(value)}`),
                      )
                    : fmt(score.value),
                ),
                h('td', { class: 'text' }, score.answer ?? ''),
                h('td', { class: 'text' }, score.explanation ?? ''),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'not scored'),
    h('h2', {}, 'Output'),
    h('div', { class: 'output text', id: 'final-output' }, record.output ?? ''),
    record.target !== undefined ? h('details', {}, h('summary', {}, 'Target'), json(record.target)) : null,
    h('h2', {}, 'Conversation'),
    h(
      'div',
      { class: 'messages' },
      ((record.transcript?.messages ?? []) as Json[]).map((msg) => message(images, msg)),
    ),
    h('h2', {}, `Events (${events.length})`),
    h(
      'p',
      { class: 'muted' },
      Object.entries(counts)
        .map(([kind, n]) => `${kind} × ${n}`)
        .join(' · '),
    ),
    h(
      'div',
      { class: 'events' },
      events.map((ev) => event(images, ev)),
    ),
    Object.keys(record.metadata ?? {}).length
      ? h('details', {}, h('summary', {}, 'Metadata'), json(record.metadata))
      : null,
  );
}
