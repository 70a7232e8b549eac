// Expert rating, CounselBench style: assignments (questions × responses from a run), the rating
// form with the six anchored dimensions and copied offending spans, agreement, and the export.
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { errorBox, fmt, h, link, navigate } from '../ui.js';

type Json = any;

function NewAssignment({ runs }: { runs: Json[] }) {
  const [problem, setProblem] = useState<unknown>(null);
  return h(
    'div',
    {},
    h(
      'form',
      {
        class: 'toolbar',
        id: 'new-assignment',
        onSubmit: async (event: Event) => {
          event.preventDefault();
          const form = event.currentTarget as HTMLFormElement;
          const data = new FormData(form);
          try {
            const body: Json = { runs: data.getAll('run').map(String), name: String(data.get('name') ?? '') };
            if (data.get('limit')) body.limit = Number(data.get('limit'));
            const { assignment } = await post('/api/assignments', body);
            navigate('rate', { assignment: assignment.id });
          } catch (error) {
            setProblem(error);
          }
        },
      },
      h(
        'select',
        {
          name: 'run',
          multiple: true,
          size: Math.min(6, Math.max(2, runs.length)),
          'aria-label': 'runs to rate (several runs = their responses to the same questions)',
        },
        runs.map((run) => h('option', { value: run.run }, `${run.run} (${run.benchmark})`)),
      ),
      h('input', { name: 'name', placeholder: 'assignment name', required: true }),
      h('input', { name: 'limit', type: 'number', min: 1, placeholder: 'max items', size: 6 }),
      h('button', { type: 'submit' }, 'Create assignment'),
    ),
    problem ? errorBox(problem) : null,
  );
}

export async function ratingsView() {
  const [{ assignments }, { runs }] = await Promise.all([get('/api/assignments'), get('/api/runs')]);
  return h(
    'section',
    { id: 'ratings' },
    h('h1', {}, 'Expert ratings'),
    h(
      'p',
      { class: 'muted' },
      'An assignment snapshots (question, response) items from a run; raters rate each on the six CounselBench dimensions.',
    ),
    h(NewAssignment, { runs }),
    h(
      'table',
      { class: 'grid' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Assignment', 'Runs', 'Items', 'Ratings', 'Raters', ''].map((label) => h('th', {}, label)),
        ),
      ),
      h(
        'tbody',
        {},
        (assignments as Json[]).map((assignment) =>
          h(
            'tr',
            {},
            h('td', {}, `#${assignment.id} `, assignment.name),
            h(
              'td',
              {},
              (assignment.runs as string[]).map((run) => h('div', {}, link('run', { run }, run))),
            ),
            h('td', { class: 'num' }, assignment.items),
            h('td', { class: 'num' }, assignment.ratings),
            h('td', {}, assignment.raters.join(', ')),
            h(
              'td',
              {},
              link('rate', { assignment: assignment.id }, 'rate'),
              ' · ',
              link('agreement', { assignment: assignment.id }, 'agreement'),
              ' · ',
              h('a', { href: `/api/assignments/${Number(assignment.id)}/export`, download: '' }, 'export JSONL'),
            ),
          ),
        ),
      ),
    ),
  );
}

function dimensionField(spec: Json, unsure: string, previous: unknown) {
  const options: [unknown, string][] =
    spec.kind === 'yes-no'
      ? [
          ['Yes', 'Yes'],
          ['No', 'No'],
        ]
      : (spec.anchors as Json[]).map((anchor) => [anchor.value, `${anchor.value} · ${anchor.label}`]);
  if (spec.allowsUnsure) options.push([unsure, unsure]);
  return h(
    'fieldset',
    { class: 'dimension', 'data-key': spec.key },
    h('legend', {}, spec.label, spec.direction === 'higher-worse' ? ' (higher is worse)' : ''),
    h('p', { class: 'muted' }, spec.question),
    options.map(([value, label]) =>
      h(
        'label',
        { class: 'anchor' },
        h('input', {
          type: 'radio',
          name: spec.key,
          value: String(value),
          defaultChecked: previous !== undefined && String(previous) === String(value),
        }),
        ' ',
        label,
      ),
    ),
  );
}

const SPAN_FIELDS: [string, string, string][] = [
  ['medicalCopy', 'medicalReason', 'Medical advice'],
  ['factualCopy', 'factualReason', 'Factual inconsistency'],
  ['toxicityCopy', 'toxicityReason', 'Toxicity'],
];

function RatingForm({ assignmentId, items, itemIndex, rater, previous, dimensions, unsure, data }: Json) {
  const item = items[itemIndex];
  const [raterId, setRaterId] = useState<string>(rater);
  const [spans, setSpans] = useState<Record<string, string>>(
    Object.fromEntries(SPAN_FIELDS.map(([copyKey]) => [copyKey, previous[copyKey] ?? ''])),
  );
  const [status, setStatus] = useState<{ ok?: string; error?: unknown } | null>(null);
  const goTo = (index: number) => navigate('rate', { assignment: assignmentId, rater: raterId, item: index });
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const id = raterId.trim();
    if (!id) {
      setStatus({ error: 'rater: enter your rater id' });
      return;
    }
    localStorage.setItem('medkit-rater', id);
    const rating: Record<string, unknown> = {};
    for (const spec of dimensions as Json[]) {
      const value = form.get(spec.key);
      if (value === null) continue;
      rating[spec.key] = /^\d+$/.test(String(value)) ? Number(value) : String(value);
    }
    const overallReason = String(form.get('overallReason') ?? '').trim();
    if (overallReason) rating.overallReason = overallReason;
    for (const [copyKey, reasonKey] of SPAN_FIELDS) {
      if (spans[copyKey]!.trim()) rating[copyKey] = spans[copyKey]!.trim();
      const reason = String(form.get(reasonKey) ?? '').trim();
      if (reason) rating[reasonKey] = reason;
    }
    try {
      await post(`/api/assignments/${assignmentId}/ratings`, { item: item.item, rater: id, rating });
      setStatus({ ok: `saved item ${itemIndex + 1}` });
      if (itemIndex + 1 < items.length) goTo(itemIndex + 1);
    } catch (error) {
      const field = (error as { field?: string }).field;
      const message = error instanceof Error ? error.message : String(error);
      setStatus({ error: field ? `${field}: ${message.replace(`${field}: `, '')}` : error });
    }
  };
  const spanRows = SPAN_FIELDS.map(([copyKey, reasonKey, label]) =>
    h(
      'div',
      { class: 'span-row' },
      h('label', {}, label),
      h(
        'button',
        {
          type: 'button',
          class: 'copy-span',
          'data-field': copyKey,
          onClick: () => {
            const selection = window.getSelection();
            const response = document.getElementById('response');
            if (selection && response?.contains(selection.anchorNode))
              setSpans({ ...spans, [copyKey]: selection.toString() });
          },
        },
        'Copy selected text',
      ),
      h('textarea', {
        name: copyKey,
        rows: 2,
        value: spans[copyKey],
        placeholder: 'offending span, copied from the response (or N/A)',
        onInput: (event: Event) =>
          setSpans({ ...spans, [copyKey]: (event.currentTarget as HTMLTextAreaElement).value }),
      }),
      h('textarea', { name: reasonKey, rows: 2, defaultValue: previous[reasonKey] ?? '', placeholder: 'reason' }),
    ),
  );
  return h(
    'div',
    {},
    h(
      'label',
      {},
      'Rater ',
      h('input', {
        name: 'rater',
        value: raterId,
        placeholder: 'your rater id',
        required: true,
        'aria-label': 'rater id',
        onInput: (event: Event) => setRaterId((event.currentTarget as HTMLInputElement).value),
        onChange: (event: Event) => {
          const value = (event.currentTarget as HTMLInputElement).value;
          localStorage.setItem('medkit-rater', value);
          navigate('rate', { assignment: assignmentId, rater: value, item: itemIndex });
        },
      }),
    ),
    h(
      'div',
      { class: 'pager' },
      h('button', { type: 'button', disabled: itemIndex === 0, onClick: () => goTo(itemIndex - 1) }, '← previous'),
      h(
        'span',
        {},
        ` item ${itemIndex + 1} of ${items.length} · ${data.ratings.length} rated by ${rater || '(no rater yet)'} `,
      ),
      h(
        'button',
        { type: 'button', disabled: itemIndex + 1 >= items.length, onClick: () => goTo(itemIndex + 1) },
        'next →',
      ),
    ),
    h('h2', {}, `Question ${item.questionId}`),
    h('div', { class: 'question text' }, item.question),
    h('h2', {}, `Response (${item.responder}, run ${item.run}, sample ${item.sampleId})`),
    h('div', { class: 'response text', id: 'response' }, item.response),
    h(
      'form',
      { id: 'rating-form', onSubmit: submit },
      (dimensions as Json[]).map((spec) => dimensionField(spec, unsure, previous[spec.key])),
      h(
        'div',
        { class: 'reason' },
        h('label', {}, 'Overall reason'),
        h('textarea', {
          name: 'overallReason',
          rows: 2,
          defaultValue: previous.overallReason ?? '',
          placeholder: 'reason for the overall score (optional)',
        }),
      ),
      h('h3', {}, 'Offending spans (select text in the response, then copy)'),
      spanRows,
      h('button', { type: 'submit', class: 'primary' }, 'Save rating'),
      h(
        'div',
        { id: 'rating-status' },
        status?.ok ? h('p', { class: 'ok', role: 'status' }, status.ok) : null,
        status?.error ? errorBox(status.error) : null,
      ),
    ),
  );
}

export async function rateView(params: Record<string, string>) {
  const assignmentId = Number(params.assignment);
  const rater = params.rater ?? localStorage.getItem('medkit-rater') ?? '';
  const [{ dimensions, unsure }, data] = await Promise.all([
    get('/api/dimensions'),
    get(`/api/assignments/${assignmentId}`, { rater }),
  ]);
  const { assignment, items } = data;
  if (items.length === 0) return errorBox('this assignment has no items');
  const itemIndex = Math.min(Number(params.item ?? 0), items.length - 1);
  const item = items[itemIndex];
  const previous = (data.ratings as Json[]).find((rating) => rating.item === item.item)?.rating ?? {};
  return h(
    'section',
    { id: 'rate' },
    h('h1', {}, `Rate: ${assignment.name}`),
    h(
      'p',
      {},
      link('agreement', { assignment: assignmentId }, 'agreement'),
      ' · runs ',
      (assignment.runs as string[]).map((run) => [link('run', { run }, run), ' ']),
    ),
    h(RatingForm, { assignmentId, items, itemIndex, rater, previous, dimensions, unsure, data }),
  );
}

export async function agreementView(params: Record<string, string>) {
  const assignmentId = Number(params.assignment);
  const { assignment, report } = await get(`/api/assignments/${assignmentId}/agreement`);
  return h(
    'section',
    { id: 'agreement' },
    h('h1', {}, `Agreement: ${assignment.name}`),
    h(
      'p',
      {},
      link('rate', { assignment: assignmentId }, 'rate'),
      ' · ',
      h('a', { href: `/api/assignments/${assignmentId}/export`, download: '' }, 'export CounselBench-Eval JSONL'),
    ),
    h(
      'p',
      { id: 'agreement-counts' },
      `${report.humanRows} ratings from ${report.raters.length} raters (${report.raters.join(', ') || 'none'}) · judge: ${report.judge} · ${report.unratedUnits} run samples unrated`,
    ),
    h(
      'table',
      { class: 'grid', id: 'agreement-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'Dimension',
            'Level',
            'Items',
            'Pairs',
            'α raters',
            'α raters per question (mean, n)',
            'α raters + judge',
            'κ judge vs raters',
            'Raw agreement',
            'Judge mean',
            'Rater mean',
            'Wilcoxon p',
            'Notes',
          ].map((label) => h('th', {}, label)),
        ),
      ),
      h(
        'tbody',
        {},
        (report.keys as Json[]).map((key) =>
          h(
            'tr',
            { 'data-key': key.key },
            h('td', {}, key.key),
            h('td', {}, key.level),
            h('td', { class: 'num' }, key.items),
            h('td', { class: 'num' }, key.pairs),
            h('td', { class: 'num alpha' }, fmt(key.alphaHumans)),
            h(
              'td',
              { class: 'num' },
              `${fmt(key.alphaHumansPerQuestion.mean)} (${key.alphaHumansPerQuestion.questions})`,
            ),
            h('td', { class: 'num' }, fmt(key.alphaWithJudge)),
            h('td', { class: 'num' }, `${fmt(key.kappa)}${key.kappaWeights === 'linear' ? ' (linear)' : ''}`),
            h('td', { class: 'num' }, fmt(key.rawAgreement)),
            h('td', { class: 'num' }, fmt(key.judgeMean)),
            h('td', { class: 'num' }, fmt(key.humanMean)),
            h('td', { class: 'num' }, fmt(key.wilcoxon?.pValue ?? null)),
            h('td', { class: 'muted' }, (key.notes as string[]).join('; ')),
          ),
        ),
      ),
    ),
    report.keys.length === 0
      ? h('p', { class: 'muted' }, 'No dimension has both a judge value and a rating yet.')
      : null,
  );
}
