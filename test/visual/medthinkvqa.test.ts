// MedThinkVQA: the release row format (up to 49 images, bad input), the synthetic cases, the
// three-step solver against a fixed-reply model (images arrive as path parts), ROUGE-L of steps
// 1–2, the step judge, the prior-majority baseline and the submission export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMedthink } from '../../src/benchmarks/medthinkvqa/items.js';
import { syntheticDataset, DIAGNOSIS_PRIOR } from '../../src/benchmarks/medthinkvqa/synthetic.js';
import {
  parseFindings,
  priorFromRows,
  priorMajoritySolver,
  thinkWithImagesSolver,
} from '../../src/benchmarks/medthinkvqa/solver.js';
import { medthinkStepJudge, twiRougeScorer } from '../../src/benchmarks/medthinkvqa/scorers.js';
import { exportSubmission, submissionRecord } from '../../src/benchmarks/medthinkvqa/export.js';
import { choiceScorer } from '../../src/scoring/choice.js';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import type { ImagePart, Sample } from '../../src/core/index.js';
import { fixedReplies } from './support.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const options = {
  A: 'Sarcoidosis',
  B: 'Anti-synthetase syndrome',
  C: 'Lymphoma',
  D: 'Tuberculosis',
  E: 'Hypersensitivity pneumonitis',
};

test('loader: 49 images are read, a 50th is refused, missing files and bad options are named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medthink-'));
  mkdirSync(join(dir, 'images', 'case1'), { recursive: true });
  const images: Record<string, string> = {};
  for (let i = 1; i <= 49; i++) {
    const key = `image_${String(i).padStart(2, '0')}`;
    writeFileSync(join(dir, 'images', 'case1', `${i}.jpg`), 'x');
    Object.assign(images, {
      [`${key}_id`]: String(i),
      [`${key}_path`]: `images/case1/${i}.jpg`,
      [`${key}_caption`]: `caption ${i}`,
    });
  }
  const row = {
    title: 'Case number 1',
    CLINICAL_HISTORY: 'h',
    IMAGING_FINDINGS: 'f',
    options,
    correct_answer: 'B',
    ...images,
  };
  writeFileSync(
    join(dir, 'test.jsonl'),
    [
      JSON.stringify(row),
      JSON.stringify({ ...row, title: 'Case number 2', image_50_path: 'images/case1/1.jpg' }),
      JSON.stringify({ ...row, title: 'Case number 3', image_02_path: 'images/case1/gone.jpg' }),
      JSON.stringify({ ...row, title: 'Case number 4', options: { A: 'x', B: 'y' } }),
      JSON.stringify({ ...row, title: 'Case number 5', correct_answer: 'F' }),
    ].join('\n'),
  );
  const errors: string[] = [];
  const samples = await collect(
    loadMedthink(join(dir, 'test.jsonl'), { lenient: true, onError: (error) => errors.push(error.message) }),
  );
  assert.equal(samples.length, 1);
  assert.equal(samples[0]!.metadata!.image_count, 49);
  assert.equal(samples[0]!.id, 'case1');
  assert.deepEqual(samples[0]!.choices, Object.values(options));
  assert.match(errors[0]!, /test\.jsonl:2: image_50_path: more than 49 images/);
  assert.match(errors[1]!, /test\.jsonl:3: image_02_path: image file not found: .*gone\.jpg/);
  assert.match(errors[2]!, /test\.jsonl:4: options: needs five non-empty options/);
  assert.match(errors[3]!, /test\.jsonl:5: correct_answer: /);
  await assert.rejects(
    collect(loadMedthink(join(dir, 'test.parquet'))),
    /parquet is not read; use the release's .*test\.jsonl/,
  );
  // All 49 images reach the model, in order, as path parts labelled with their position.
  const model = fixedReplies(['{"per_image_findings": []}', 'summary', 'ANSWER: B']);
  await thinkWithImagesSolver().solve(newTaskState(samples[0]!, 1), createTestContext({ agent: model }));
  const parts = (model.requests[0]!.messages[1]!.content as ImagePart[]).filter((part) => part.type === 'image');
  assert.equal(parts.length, 49);
  assert.equal(parts[48]!.label, 'image 49: 49');
  assert.match((parts[48]!.source as { path: string }).path, /case1\/49\.jpg$/);
});

test('parseFindings: JSON list, "Image k:" lines, or the whole text', () => {
  assert.deepEqual(parseFindings('{"per_image_findings": ["a", "b"]}', 2), ['a', 'b']);
  assert.deepEqual(parseFindings('Intro\nImage 1: a\n- Image 2) b', 2), ['Image 1: a', '- Image 2) b']);
  assert.deepEqual(parseFindings('all together', 2), ['all together']);
});

test('synthetic cases through the three-step solver, ROUGE-L, step judge and export', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'medthink-cache-'));
  const samples = await collect(syntheticDataset(cache, 11, 4));
  assert.equal(samples.length, 4);
  const sample = samples.find((item) => Number(item.metadata!.image_count) > 1) ?? samples[0]!;
  const images = sample.metadata!.images as unknown as { caption: string }[];
  const correct = String(sample.target);
  const model = fixedReplies([
    JSON.stringify({ per_image_findings: images.map((image) => image.caption) }),
    String(sample.metadata!.imaging_findings),
    `The findings fit the history. The other options are less likely.\nANSWER: ${correct}`,
  ]);
  const judge = fixedReplies([
    '{"steps": ["The findings fit the history.", "The others are less likely."]}',
    '{"verdicts": [{"is_factual": true, "is_critical": true, "explanation": "ok"}, {"is_factual": false, "is_critical": false, "explanation": "vague", "error_types": ["Reasoning Err"]}]}',
  ]);
  const context = createTestContext({ agent: model, judge });
  const state = await thinkWithImagesSolver().solve(newTaskState(sample, 1), context);
  assert.equal(model.requests.length, 3);
  const first = model.requests[0]!.messages[1]!.content as (ImagePart | { type: 'text' })[];
  const sent = first.filter((part): part is ImagePart => part.type === 'image');
  assert.equal(sent.length, images.length);
  assert.ok(sent.every((part) => part.source.kind === 'path'));
  assert.ok(
    !JSON.stringify(first).includes('Expert imaging findings'),
    'the default setting hides the expert intermediates',
  );
  assert.equal((await choiceScorer().score(state, context)).value, 1);
  const rouge = (await twiRougeScorer().score(state, context)).value as Record<string, number>;
  assert.equal(rouge.step1_rouge_l, 1);
  assert.equal(rouge.step2_rouge_l, 1);
  const judged = await medthinkStepJudge().score(state, context);
  assert.deepEqual(judged.value, { factual_rate: 0.5, critical_factual_rate: 1, critical_ratio: 0.5, steps: 2 });

  // Expert setting shows findings and captions.
  const expert = fixedReplies(['{"per_image_findings": []}', 's', 'ANSWER: A']);
  await thinkWithImagesSolver('expert').solve(newTaskState(sample, 1), createTestContext({ agent: expert }));
  assert.ok(JSON.stringify(expert.requests[0]!.messages[1]!.content).includes('Expert imaging findings'));

  // Baseline: the option with the highest generator prior, no model.
  const baseline = await priorMajoritySolver({ diagnoses: DIAGNOSIS_PRIOR, source: 'test' }).solve(
    newTaskState(sample, 1),
    createTestContext({}),
  );
  const weightOf = (choice: string) => DIAGNOSIS_PRIOR[choice.toLowerCase()] ?? 0;
  const chosen = sample.choices![['A', 'B', 'C', 'D', 'E'].indexOf(String(baseline.metadata.prediction))]!;
  assert.equal(weightOf(chosen), Math.max(...sample.choices!.map(weightOf)));
  // From a held-out file: the diagnosis seen most often as the answer wins.
  const prior = await priorFromRows(syntheticDataset(cache, 11, 4), 'train');
  assert.equal(
    Object.values(prior.diagnoses).reduce((a, b) => a + b, 0),
    4,
  );
  assert.equal(
    Object.values(prior.letters!).reduce((a, b) => a + b, 0),
    4,
  );
  const fromTrain = await priorMajoritySolver(prior).solve(newTaskState(sample, 1), createTestContext({}));
  assert.equal(fromTrain.metadata.prediction, correct); // the sample itself is in this "train" file, so its diagnosis has weight ≥ 1

  // Export: original row fields kept, prediction fields added.
  const runDir = mkdtempSync(join(tmpdir(), 'medthink-run-'));
  writeFileSync(
    join(runDir, 'samples.jsonl'),
    JSON.stringify({ id: sample.id, epoch: 1, metadata: state.metadata, error: null }) +
      '\n' +
      JSON.stringify({ id: sample.id, epoch: 2, metadata: state.metadata, error: null }) +
      '\n',
  );
  const out = join(runDir, 'submission.jsonl');
  assert.deepEqual(await exportSubmission(runDir, out), { written: 1, missing: 0 });
  const [line] = readFileSync(out, 'utf8').trim().split('\n');
  const record = JSON.parse(line!);
  assert.equal(record.prediction, correct);
  assert.equal(record.correct_answer, correct);
  assert.equal(record.IMAGING_FINDINGS, sample.metadata!.imaging_findings);
  assert.deepEqual(Object.keys(record.prediction_twi), [
    'step1_per_image_findings',
    'step2_integrated_summary',
    'step3_differential_reasoning',
  ]);
  assert.deepEqual(Object.keys(submissionRecord({ a: 1 }, { prediction: 'B' })), ['a', 'prediction']);
});

test('single-call mode reads the JSON sections and the answer', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'medthink-single-'));
  const [sample] = await collect(syntheticDataset(cache, 2, 1));
  const model = fixedReplies([
    JSON.stringify({
      step1_per_image_findings: ['x'],
      step2_integrated_summary: 'y',
      step3_differential_reasoning: 'z',
      answer: String(sample!.target),
    }),
  ]);
  const context = createTestContext({ agent: model });
  const state = await thinkWithImagesSolver('default', 'single').solve(newTaskState(sample as Sample, 1), context);
  assert.equal(model.requests.length, 1);
  assert.equal(state.metadata.prediction, sample!.target);
  assert.equal((await choiceScorer().score(state, context)).value, 1);
});

test('loader: null text fields of the release (discussion, IMAGING_FINDINGS, ...) load as absent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medthink-null-'));
  writeFileSync(join(dir, '1.jpg'), 'x');
  const row = {
    title: 'Case number 7',
    CLINICAL_HISTORY: null,
    IMAGING_FINDINGS: null,
    discussion: null,
    correct_answer_text: null,
    is_longitudinal: null,
    timepoint_count: null,
    image_count: null,
    options,
    correct_answer: 'C',
    image_01_path: '1.jpg',
    image_01_caption: null,
  };
  writeFileSync(join(dir, 'test.jsonl'), `${JSON.stringify(row)}\n${JSON.stringify({ ...row, title: null })}\n`);
  const samples = await collect(loadMedthink(join(dir, 'test.jsonl')));
  assert.equal(samples.length, 2);
  const metadata = samples[0]!.metadata!;
  assert.equal('imaging_findings' in metadata, false);
  assert.equal('discussion' in metadata, false);
  assert.equal(metadata.correct_answer_text, 'Lymphoma');
  assert.equal(metadata.is_longitudinal, null);
  assert.equal(samples[0]!.input, 'Case number 7'); // no history: the title stands in, as before
  assert.equal(samples[1]!.id, 'line-2');
  // The expert setting sends no "Expert imaging findings: null" line.
  const model = fixedReplies(['{"per_image_findings": []}', 'summary', 'ANSWER: C']);
  await thinkWithImagesSolver('expert').solve(newTaskState(samples[0]!, 1), createTestContext({ agent: model }));
  assert.doesNotMatch(JSON.stringify(model.requests), /Expert imaging findings|: null/);
});
