// Expert rating, CounselBench style: assignments (questions × responses from a run), the rating
// form with the six anchored dimensions and copied offending spans, agreement, and the export.
import { get, post } from '../api.js';
import { errorBox, fmt, h, link, navigate } from '../dom.js';

export async function ratingsView() {
  const [{ assignments }, { runs }] = await Promise.all([get('/api/assignments'), get('/api/runs')]);
  const runSelect = h(
    'select',
    {
      name: 'run',
      multiple: true,
      size: Math.min(6, Math.max(2, runs.length)),
      'aria-label': 'runs to rate (several runs = their responses to the same questions)',
    },
    runs.map((run) => h('option', { value: run.run }, `${run.run} (${run.benchmark})`)),
  );
  const nameInput = h('input', { name: 'name', placeholder: 'assignment name', required: true });
  const limitInput = h('input', { name: 'limit', type: 'number', min: 1, placeholder: 'max items', size: 6 });
  const status = h('div');
  const form = h(
    'form',
    {
      class: 'toolbar',
      id: 'new-assignment',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const body = { runs: [...runSelect.selectedOptions].map((option) => option.value), name: nameInput.value };
          if (limitInput.value) body.limit = Number(limitInput.value);
          const { assignment } = await post('/api/assignments', body);
          navigate('rate', { assignment: assignment.id });
        } catch (error) {
          status.replaceChildren(errorBox(error));
        }
      },
    },
    runSelect,
    nameInput,
    limitInput,
    h('button', { type: 'submit' }, 'Create assignment'),
  );
  return h(
    'section',
    { id: 'ratings' },
    h('h1', {}, 'Expert ratings'),
    h(
      'p',
      { class: 'muted' },
      'An assignment snapshots (question, response) items from a run; raters rate each on the six CounselBench dimensions.',
    ),
    form,
    status,
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
        assignments.map((assignment) =>
          h(
            'tr',
            {},
            h('td', {}, `#${assignment.id} `, assignment.name),
            h(
              'td',
              {},
              assignment.runs.map((run) => h('div', {}, link('run', { run }, run))),
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

function dimensionField(spec, unsure, previous) {
  const options =
    spec.kind === 'yes-no'
      ? [
          ['Yes', 'Yes'],
          ['No', 'No'],
        ]
      : spec.anchors.map((anchor) => [anchor.value, `${anchor.value} · ${anchor.label}`]);
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
          checked: previous !== undefined && String(previous) === String(value),
        }),
        ' ',
        label,
      ),
    ),
  );
}

const SPAN_FIELDS = [
  ['medicalCopy', 'medicalReason', 'Medical advice'],
  ['factualCopy', 'factualReason', 'Factual inconsistency'],
  ['toxicityCopy', 'toxicityReason', 'Toxicity'],
];

export async function rateView(params) {
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
  const previous = data.ratings.find((rating) => rating.item === item.item)?.rating ?? {};
  const raterInput = h('input', {
    name: 'rater',
    value: rater,
    placeholder: 'your rater id',
    required: true,
    'aria-label': 'rater id',
    onchange: (event) => {
      localStorage.setItem('medkit-rater', event.target.value);
      navigate('rate', { assignment: assignmentId, rater: event.target.value, item: itemIndex });
    },
  });
  const response = h('div', { class: 'response text', id: 'response' }, item.response);
  const spanInputs = {};
  const spanRows = SPAN_FIELDS.map(([copyKey, reasonKey, label]) => {
    const copy = h('textarea', {
      name: copyKey,
      rows: 2,
      value: previous[copyKey] ?? '',
      placeholder: 'offending span, copied from the response (or N/A)',
    });
    const reason = h('textarea', { name: reasonKey, rows: 2, value: previous[reasonKey] ?? '', placeholder: 'reason' });
    spanInputs[copyKey] = copy;
    spanInputs[reasonKey] = reason;
    const grab = h(
      'button',
      {
        type: 'button',
        class: 'copy-span',
        'data-field': copyKey,
        onclick: () => {
          const selection = window.getSelection();
          if (selection && response.contains(selection.anchorNode)) copy.value = selection.toString();
        },
      },
      'Copy selected text',
    );
    return h('div', { class: 'span-row' }, h('label', {}, label), grab, copy, reason);
  });
  const overallReason = h('textarea', {
    name: 'overallReason',
    rows: 2,
    value: previous.overallReason ?? '',
    placeholder: 'reason for the overall score (optional)',
  });
  const status = h('div', { id: 'rating-status' });
  const form = h(
    'form',
    {
      id: 'rating-form',
      onsubmit: async (event) => {
        event.preventDefault();
        if (!raterInput.value.trim()) {
          status.replaceChildren(errorBox('rater: enter your rater id'));
          return;
        }
        localStorage.setItem('medkit-rater', raterInput.value.trim());
        const rating = {};
        for (const spec of dimensions) {
          const checked = form.querySelector(`input[name="${spec.key}"]:checked`);
          if (!checked) continue;
          rating[spec.key] = /^\d+$/.test(checked.value) ? Number(checked.value) : checked.value;
        }
        if (overallReason.value.trim()) rating.overallReason = overallReason.value.trim();
        for (const [key, input] of Object.entries(spanInputs)) if (input.value.trim()) rating[key] = input.value.trim();
        try {
          await post(`/api/assignments/${assignmentId}/ratings`, {
            item: item.item,
            rater: raterInput.value.trim(),
            rating,
          });
          status.replaceChildren(h('p', { class: 'ok', role: 'status' }, `saved item ${itemIndex + 1}`));
          if (itemIndex + 1 < items.length)
            navigate('rate', { assignment: assignmentId, rater: raterInput.value.trim(), item: itemIndex + 1 });
        } catch (error) {
          status.replaceChildren(
            errorBox(error.field ? `${error.field}: ${error.message.replace(`${error.field}: `, '')}` : error),
          );
        }
      },
    },
    dimensions.map((spec) => dimensionField(spec, unsure, previous[spec.key])),
    h('div', { class: 'reason' }, h('label', {}, 'Overall reason'), overallReason),
    h('h3', {}, 'Offending spans (select text in the response, then copy)'),
    spanRows,
    h('button', { type: 'submit', class: 'primary' }, 'Save rating'),
    status,
  );
  const nav = h(
    'div',
    { class: 'pager' },
    h(
      'button',
      {
        type: 'button',
        disabled: itemIndex === 0,
        onclick: () => navigate('rate', { assignment: assignmentId, rater: raterInput.value, item: itemIndex - 1 }),
      },
      '← previous',
    ),
    h(
      'span',
      {},
      ` item ${itemIndex + 1} of ${items.length} · ${data.ratings.length} rated by ${rater || '(no rater yet)'} `,
    ),
    h(
      'button',
      {
        type: 'button',
        disabled: itemIndex + 1 >= items.length,
        onclick: () => navigate('rate', { assignment: assignmentId, rater: raterInput.value, item: itemIndex + 1 }),
      },
      'next →',
    ),
  );
  return h(
    'section',
    { id: 'rate' },
    h('h1', {}, `Rate: ${assignment.name}`),
    h(
      'p',
      {},
      link('agreement', { assignment: assignmentId }, 'agreement'),
      ' · runs ',
      assignment.runs.map((run) => [link('run', { run }, run), ' ']),
    ),
    h('label', {}, 'Rater ', raterInput),
    nav,
    h('h2', {}, `Question ${item.questionId}`),
    h('div', { class: 'question text' }, item.question),
    h('h2', {}, `Response (${item.responder}, run ${item.run}, sample ${item.sampleId})`),
    response,
    form,
  );
}

export async function agreementView(params) {
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
        report.keys.map((key) =>
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
            h('td', { class: 'muted' }, key.notes.join('; ')),
          ),
        ),
      ),
    ),
    report.keys.length === 0
      ? h('p', { class: 'muted' }, 'No dimension has both a judge value and a rating yet.')
      : null,
  );
}
