// MIMIC-Ext-CXR-QBA: grades, structured answers, the loader on files in the real layout (bad input
// included), the synthetic studies through the baseline and a fixed-reply model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectGrades, minGrade, passesGrade } from '../../src/benchmarks/cxr-qba/quality.js';
import { parseStructuredAnswer, setF1, structuredScorer, boxScorer } from '../../src/benchmarks/cxr-qba/scoring.js';
import { loadQa, loadSceneGraphs, type QbaTarget } from '../../src/benchmarks/cxr-qba/load.js';
import { syntheticDataset, ensureSyntheticStudies } from '../../src/benchmarks/cxr-qba/synthetic.js';
import { priorMajoritySolver, structuredSolver } from '../../src/benchmarks/cxr-qba/solvers.js';
import { createTestContext } from '../../src/runner/context.js';
import { encodePng } from '../../src/imaging/image.js';
import { createRaster } from '../../src/imaging/raster.js';
import { newTaskState } from '../../src/core/solvers.js';
import type { Sample } from '../../src/core/index.js';
import { fixedReplies } from './support.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

test('grades: minimum over everything found, order A++ > A+ > A > B > C > D', () => {
  assert.deepEqual(collectGrades({ a: 'A+', b: ['B', { c: 'A++' }], d: 'ALIGNED_MENTIONED' }), ['A+', 'B', 'A++']);
  assert.equal(minGrade(['A+', 'B', 'A++']), 'B');
  assert.equal(minGrade([]), null);
  assert.equal(passesGrade('A+', 'A'), true);
  assert.equal(passesGrade('B', 'A'), false);
  assert.equal(passesGrade(null, 'A'), false);
  assert.equal(passesGrade(null, undefined), true);
  assert.throws(() => passesGrade('A', 'E'), /unknown grade "E"/);
});

test('structured answers: JSON fields, prose fallback, set F1', () => {
  const parsed = parseStructuredAnswer(
    '```json\n{"answer": "Yes, left effusion", "positiveness": "yes", "findings": ["Pleural Effusion"], "laterality": "left", "regions": ["left costophrenic angle"], "boxes": [[1,2,3,4]]}\n```',
  );
  assert.equal(parsed.positiveness, 'pos');
  assert.deepEqual(parsed.findings, ['pleural effusion']);
  assert.deepEqual(parsed.boxes, { '*': [[1, 2, 3, 4]] });
  const prose = parseStructuredAnswer('No, the lungs are clear.');
  assert.equal(prose.parsed, false);
  assert.equal(prose.positiveness, 'neg');
  assert.equal(setF1(['a', 'b'], ['b', 'c']), 0.5);
  assert.equal(setF1([], ['a']), 0);
});

test('loader: bad files and questions name file, line and field; missing images are named; the rest goes on', async () => {
  const root = mkdtempSync(join(tmpdir(), 'qba-'));
  const qa = join(root, 'qa', 'p10', 'p10000001');
  mkdirSync(qa, { recursive: true });
  mkdirSync(join(root, 'img', 'files', 'p10', 'p10000001', 's50000001'), { recursive: true });
  writeFileSync(join(root, 'img', 'files', 'p10', 'p10000001', 's50000001', 'img1.jpg'), 'x');
  const good = {
    question_id: 'Q01',
    question_type: 'has_finding',
    question: 'Is there an effusion?',
    answers: [{ answer_id: 'A1', answer_type: 'main_answer', text: 'No.', positiveness: 'neg' }],
    question_quality: { entailment: 'A+' },
  };
  const badType = {
    question_id: 'Q02',
    question_type: 'has_finding',
    question: 'Is there a nodule?',
    answers: [{ answer_id: 'A1', answer_type: 'final', text: 'No.' }],
  };
  const missingImage = {
    question_id: 'Q03',
    question_type: 'where_is_finding',
    question: 'Where?',
    answers: [
      {
        answer_id: 'A1',
        answer_type: 'main_answer',
        text: 'Left.',
        localization: { img2: { bboxes: [[1, 1, 5, 5]] } },
      },
    ],
  };
  const graded = { ...good, question_id: 'Q04', question_quality: { entailment: 'B' } };
  writeFileSync(
    join(qa, 's50000001.qa.json'),
    JSON.stringify(
      { patient_id: 'p10000001', study_id: 's50000001', questions: [good, badType, missingImage, graded] },
      null,
      1,
    ),
  );
  writeFileSync(join(qa, 's50000002.qa.json'), '{"patient_id": ');
  const errors: string[] = [];
  const samples = await collect(
    loadQa(join(root, 'qa'), {
      imagesDir: join(root, 'img'),
      lenient: true,
      onError: (error) => errors.push(error.message),
    }),
  );
  assert.deepEqual(
    samples.map((sample) => sample.id),
    ['s50000001/Q01', 's50000001/Q04'],
  );
  assert.equal(samples[0]!.metadata!.grade, 'A+');
  assert.match(errors[0]!, /s50000001\.qa\.json:\d+: questions\[1\]\.answers\[0\]\.answer_type: /);
  assert.match(errors[1]!, /s50000001\.qa\.json:\d+: localization: image file not found: .*img2\.jpg/);
  assert.match(errors[2]!, /s50000002\.qa\.json:1:\d+: json: not valid JSON/);
  const filtered = await collect(
    loadQa(join(root, 'qa', 'p10', 'p10000001', 's50000001.qa.json'), { minGrade: 'A', lenient: true }),
  );
  assert.deepEqual(
    filtered.map((sample) => sample.id),
    ['s50000001/Q01'],
  );
  await assert.rejects(
    collect(loadQa(join(root, 'qa'), { imagesDir: join(root, 'nowhere') })),
    /study_id: image folder not found: .*nowhere/,
  );
});

test('synthetic studies: loader, grade filter, scene graphs, baseline and a perfect fixed-reply model', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'qba-cache-'));
  const samples = await collect(syntheticDataset(cache, 5, 4, undefined));
  assert.ok(samples.length >= 12, `expected ≥ 12 questions from 4 studies, got ${samples.length}`);
  const gradedA = await collect(syntheticDataset(cache, 5, 4, 'A'));
  assert.ok(gradedA.length < samples.length && gradedA.every((sample) => sample.metadata!.grade !== 'B'));
  const root = await ensureSyntheticStudies(cache, 5, 4);
  const observations = await collect(loadSceneGraphs(join(root, 'qa'), { imagesDir: join(root, 'images') }));
  assert.ok(observations.every((sample) => sample.metadata!.question_type === 'scene_graph_where_is'));

  const where = samples.find((sample) => sample.metadata!.question_type === 'where_is_finding')!;
  assert.ok(where, 'the phantoms plant at least one finding in 4 studies');
  const context = createTestContext({});
  const baseline = await priorMajoritySolver().solve(newTaskState(where, 1), context);
  const boxes = await boxScorer().score(baseline, context);
  const value = boxes.value as Record<string, number>;
  assert.ok(value.iou >= 0 && value.iou <= 1 && 'iou@0.3' in value);
  assert.ok(context.events.some((event) => event.type === 'evidence' && event.kind === 'image-region'));

  // A model that answers exactly the target scores 1 everywhere.
  const target = where.target as QbaTarget;
  const imageId = Object.keys(target.boxes)[0]!;
  const reply = JSON.stringify({
    answer: target.texts[0],
    positiveness: target.positiveness,
    findings: target.tags,
    laterality: target.laterality[0] ?? 'none',
    regions: target.regions,
    boxes: { [imageId]: target.boxes[imageId] },
  });
  const model = fixedReplies([reply]);
  const agent = createTestContext({ agent: model });
  const state = await structuredSolver().solve(newTaskState(where, 1), agent);
  const parts = model.requests[0]!.messages[0]!.content as {
    type: string;
    label?: string;
    source?: { path: string };
  }[];
  assert.equal(parts[0]!.type, 'image');
  assert.equal(parts[0]!.label, imageId);
  const structured = await structuredScorer().score(state, agent);
  for (const [key, score] of Object.entries(structured.value as Record<string, number | null>))
    if (score !== null) assert.equal(score, 1, key);
  const perfect = (await boxScorer().score(state, agent)).value as Record<string, number>;
  assert.equal(perfect.iou, 1);
  assert.equal(perfect['iot@0.3'], 1);
});

test('box scorer: null without target boxes; a bare list is the first image', async () => {
  const sample: Sample = {
    id: 'x',
    input: 'q',
    target: {
      texts: [],
      tags: [],
      laterality: [],
      regions: [],
      positiveness: null,
      boxes: { i1: [[0, 0, 10, 10]] },
      fallbackBoxes: {},
    },
    metadata: { images: { i1: '/a.png' } },
  };
  const state = newTaskState(sample, 1);
  state.output.text = '{"boxes": [[0, 0, 10, 20]]}';
  const score = await boxScorer().score(state, createTestContext({}));
  assert.deepEqual(
    [
      (score.value as Record<string, number>).iou,
      (score.value as Record<string, number>).iot,
      (score.value as Record<string, number>).iop,
    ],
    [0.5, 1, 0.5],
  );
  const none = await boxScorer().score(
    newTaskState({ ...sample, target: { ...(sample.target as object), boxes: {} } }, 1),
    createTestContext({}),
  );
  assert.ok(Object.values(none.value as Record<string, number | null>).every((value) => value === null));
});

test('prior-majority from a held-out split: majority positiveness and answer text per question type', async () => {
  const { priorFromQa } = await import('../../src/benchmarks/cxr-qba/solvers.js');
  const cache = mkdtempSync(join(tmpdir(), 'qba-prior-'));
  const root = await ensureSyntheticStudies(cache, 21, 6);
  const train = await collect(loadQa(join(root, 'qa')));
  const table = await priorFromQa(loadQa(join(root, 'qa')));
  const has = train
    .filter((sample) => sample.metadata!.question_type === 'has_finding')
    .map((sample) => (sample.target as QbaTarget).positiveness);
  const majority =
    has.filter((sign) => sign === 'pos').length > has.filter((sign) => sign === 'neg').length ? 'pos' : 'neg';
  assert.equal(table.has_finding!.positiveness, majority);
  assert.equal(table.is_abnormal!.positiveness, 'pos');
  const [test] = train;
  const context = createTestContext({});
  const state = await priorMajoritySolver(async () => table, 'train').solve(newTaskState(test!, 1), context);
  assert.equal(JSON.parse(state.output.text).positiveness, table[String(test!.metadata!.question_type)]!.positiveness);
});

test('loader: target boxes with swapped corners or outside the image are refused with the field path', async () => {
  const root = mkdtempSync(join(tmpdir(), 'qba-boxes-'));
  const qa = join(root, 'qa');
  const images = join(root, 'img', 'files', 'p10', 'p10000009', 's50000009');
  mkdirSync(qa, { recursive: true });
  mkdirSync(images, { recursive: true });
  writeFileSync(join(images, 'im.png'), await encodePng(createRaster(100, 80, 1, 30)));
  const where = (id: string, box: number[]) => ({
    question_id: id,
    question_type: 'where_is_finding',
    question: 'Where?',
    answers: [{ answer_id: 'A1', answer_type: 'main_answer', text: 'Left.', localization: { im: { bboxes: [box] } } }],
  });
  writeFileSync(
    join(qa, 's50000009.qa.json'),
    JSON.stringify(
      {
        patient_id: 'p10000009',
        study_id: 's50000009',
        questions: [where('Q01', [10, 10, 40, 40]), where('Q02', [40, 10, 10, 40]), where('Q03', [10, 10, 140, 40])],
      },
      null,
      1,
    ),
  );
  const errors: string[] = [];
  const samples = await collect(
    loadQa(qa, { imagesDir: join(root, 'img'), lenient: true, onError: (error) => errors.push(error.message) }),
  );
  assert.deepEqual(
    samples.map((sample) => sample.id),
    ['s50000009/Q01'],
  );
  assert.match(
    errors[0]!,
    /s50000009\.qa\.json:\d+: questions\[1\]\.answers\[0\]\.localization\.im\.bboxes\[0\]: swapped corners/,
  );
  assert.match(errors[1]!, /questions\[2\]\.answers\[0\]\.localization\.im\.bboxes\[0\]: .*outside the 100×80 image/);
});
