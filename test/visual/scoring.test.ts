// ROUGE-L, box-set overlap and the step judge (src/scoring/{rouge,box-iou,step-judge}.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rougeL, rougeLMax, rougeTokens, lcsLength } from '../../src/scoring/rouge.js';
import {
  boxSetOverlap,
  extractBoxes,
  poolOverlaps,
  boxOverlapMicroMetric,
  overlapMetadata,
  unionArea,
} from '../../src/scoring/box-iou.js';
import { regionOverlap } from '../../src/imaging/boxes.js';
import {
  parseJudgeReply,
  parseSplitterReply,
  sentenceSteps,
  stepJudgeScorer,
  summariseVerdicts,
  StepJudgeParseError,
} from '../../src/scoring/step-judge.js';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import { fixedReplies } from './support.js';

test('ROUGE-L matches the rouge_score README example (precision 5/8, recall 5/9)', () => {
  // rouge_score README: score('The quick brown fox jumps over the lazy dog', 'The quick brown dog jumps on the log.')
  // gives rougeL precision=0.625 recall=0.5555555555555556 fmeasure=0.5882352941176471. LCS = the quick brown jumps the.
  const score = rougeL('The quick brown dog jumps on the log.', 'The quick brown fox jumps over the lazy dog');
  assert.equal(score.precision, 0.625);
  assert.ok(Math.abs(score.recall - 5 / 9) < 1e-12);
  assert.ok(Math.abs(score.f1 - 0.5882352941176471) < 1e-12);
  assert.deepEqual(rougeTokens('Left-lower LOBE, 3cm'), ['left', 'lower', 'lobe', '3cm']);
  assert.equal(lcsLength(['a', 'b', 'c', 'd'], ['b', 'd']), 2);
  assert.deepEqual(rougeL('', 'anything'), { precision: 0, recall: 0, f1: 0 });
  assert.equal(rougeLMax('right lung opacity', ['nothing here', 'opacity in the right lung']).f1 > 0, true);
});

test('box-set overlap counts overlapping predicted boxes once (hand-computed areas)', () => {
  // P = [0,0,10,10] ∪ [5,5,15,15]: 100 + 100 − 25 = 175. T = [10,10,20,20]: 100. P∩T = [10,10,15,15] = 25.
  const overlap = boxSetOverlap(
    [
      { x1: 0, y1: 0, x2: 10, y2: 10 },
      { x1: 5, y1: 5, x2: 15, y2: 15 },
    ],
    [{ x1: 10, y1: 10, x2: 20, y2: 20 }],
  );
  assert.equal(overlap.predicted, 175);
  assert.equal(overlap.target, 100);
  assert.equal(overlap.intersection, 25);
  assert.equal(overlap.union, 250);
  assert.equal(overlap.iou, 0.1);
  assert.equal(overlap.iop, 25 / 175);
  assert.equal(overlap.iot, 0.25);
  const empty = boxSetOverlap([], [{ x1: 0, y1: 0, x2: 1, y2: 1 }]);
  assert.equal(empty.iop, 0);
  assert.equal(empty.iou, 0);
  assert.equal(
    unionArea([
      { x1: 0, y1: 0, x2: 2, y2: 2 },
      { x1: 0, y1: 0, x2: 2, y2: 2 },
    ]),
    4,
  );
  // Independent check: the rasterised pixel count of src/imaging agrees for integer corners.
  const raster = regionOverlap(
    [
      { x1: 0, y1: 0, x2: 10, y2: 10 },
      { x1: 5, y1: 5, x2: 15, y2: 15 },
    ],
    [{ x1: 10, y1: 10, x2: 20, y2: 20 }],
    { width: 32, height: 32 },
  );
  assert.equal(raster.intersection, overlap.intersection);
  assert.equal(raster.union, overlap.union);
});

test('pooled overlap: micro pools pixels, hit rate counts items at the threshold', () => {
  const a = boxSetOverlap([{ x1: 0, y1: 0, x2: 10, y2: 10 }], [{ x1: 0, y1: 0, x2: 10, y2: 10 }]); // IoU 1
  const b = boxSetOverlap([{ x1: 0, y1: 0, x2: 10, y2: 10 }], [{ x1: 50, y1: 50, x2: 150, y2: 150 }]); // IoU 0
  const pooled = poolOverlaps([a, b], 0.3);
  assert.equal(pooled.micro.iou, 100 / (100 + 100 + 10000));
  assert.equal(pooled.hitRate.iou, 0.5);
  const metric = boxOverlapMicroMetric('boxes');
  const results = metric.compute(
    [
      { id: 'a', epoch: 1, value: 1, groups: {}, metadata: overlapMetadata(a) },
      { id: 'b', epoch: 1, value: 0, groups: {}, metadata: overlapMetadata(b) },
      { id: 'c', epoch: 1, value: null, groups: {} },
    ],
    { seed: 0, epochs: 1, level: 0.95 },
  );
  const iou = (results as { name: string; value: number; dropped?: number }[]).find(
    (result) => result.name === 'boxes.iou_micro',
  )!;
  assert.equal(iou.value, pooled.micro.iou);
  assert.equal(iou.dropped, 1);
});

test('extractBoxes reads JSON and bracketed number groups', () => {
  assert.deepEqual(extractBoxes('{"boxes": [[1, 2, 3, 4]]}'), [{ x1: 1, y1: 2, x2: 3, y2: 4 }]);
  assert.deepEqual(extractBoxes('The lesion is at [10.5, 20, 30, 40] and (1,2,3,4).'), [
    { x1: 10.5, y1: 20, x2: 30, y2: 40 },
    { x1: 1, y1: 2, x2: 3, y2: 4 },
  ]);
  assert.deepEqual(extractBoxes('```json\n{"box": {"x1": 1, "y1": 1, "x2": 2, "y2": 2}}\n```'), [
    { x1: 1, y1: 1, x2: 2, y2: 2 },
  ]);
  assert.deepEqual(extractBoxes('no box here'), []);
});

test('splitter: JSON, numbered lists, the 15-step cap, and unparseable replies', () => {
  assert.deepEqual(parseSplitterReply('{"steps": ["a", "b"]}'), ['a', 'b']);
  assert.deepEqual(parseSplitterReply('1. first\n2) second\n- third'), ['first', 'second', 'third']);
  const many = JSON.stringify({ steps: Array.from({ length: 20 }, (_, index) => `s${index + 1}`) });
  const capped = parseSplitterReply(many);
  assert.equal(capped.length, 15);
  assert.equal(capped[14], 's15'); // upstream keeps the first 15 and drops the rest
  assert.throws(() => parseSplitterReply('I cannot do that.'), StepJudgeParseError);
  assert.deepEqual(
    sentenceSteps('The CT shows a mass. It enhances! Lymphoma is less likely; sarcoidosis fits.\n- Final: B'),
    ['The CT shows a mass.', 'It enhances!', 'Lymphoma is less likely', 'sarcoidosis fits.', 'Final: B'],
  );
  assert.equal(sentenceSteps(Array.from({ length: 20 }, (_, index) => `Step ${index}.`).join(' ')).length, 15);
});

test('judge reply: verdicts by step number, missing verdicts are non-factual, error types normalised', () => {
  const steps = ['one', 'two', 'three'];
  const verdicts = parseJudgeReply(
    'Here you go: {"steps": [{"step": 2, "is_factual": false, "is_critical": true, "explanation": "' +
      'x'.repeat(400) +
      '", "error_types": ["image understanding error", "Bogus"]}, {"step": 1, "is_factual": "true", "is_critical": false}]}',
    steps,
  );
  assert.equal(verdicts[0]!.isFactual, true);
  assert.equal(verdicts[1]!.isFactual, false);
  assert.deepEqual(verdicts[1]!.errorTypes, ['Image Understanding Err']);
  assert.equal(verdicts[1]!.explanation.length, 300);
  assert.equal(verdicts[2]!.missing, true);
  assert.equal(verdicts[2]!.isFactual, false);
  const summary = summariseVerdicts(verdicts);
  assert.equal(summary.factualRate, 1 / 3);
  assert.equal(summary.criticalFactualRate, 0);
  assert.equal(summary.errorCounts['Image Understanding Err'], 1);
  assert.throws(() => parseJudgeReply('The steps look fine to me.', steps), /judge reply could not be parsed/);
});

const sample = {
  id: 'case1',
  input: 'q',
  target: 'B',
  metadata: { rationale: 'The chest CT shows ground glass. Anti-synthetase syndrome fits the myositis.' },
};
const scorer = stepJudgeScorer({
  rationale: (state) => String(state.sample.metadata?.rationale ?? ''),
  judgeCase: () => ({ finalDiagnosis: 'Anti-synthetase syndrome', title: 'Case 19254' }),
});

test('step judge scorer: judge role called twice, verdicts recorded as judge evidence', async () => {
  const judge = fixedReplies([
    '{"steps": ["CT shows ground glass", "Anti-synthetase fits"]}',
    '{"verdicts": [{"is_factual":true,"is_critical":true,"explanation":"ok"},{"is_factual":false,"is_critical":true,"explanation":"no","error_types":["Medical Knowledge Err"]}]}',
  ]);
  const context = createTestContext({ judge });
  const score = await scorer.score(newTaskState(sample, 1), context);
  assert.deepEqual(score.value, { factual_rate: 0.5, critical_factual_rate: 0.5, critical_ratio: 1, steps: 2 });
  assert.equal(context.events.filter((event) => event.type === 'evidence' && event.kind === 'judge').length, 2);
  assert.equal(judge.requests.length, 2);
});

test('step judge scorer: unparseable judge output counts every step non-factual and says why', async () => {
  const context = createTestContext({
    judge: fixedReplies(['{"steps": ["a", "b", "c"]}', 'Sorry, I cannot judge this.']),
  });
  const score = await scorer.score(newTaskState(sample, 1), context);
  assert.deepEqual(score.value, { factual_rate: 0, critical_factual_rate: null, critical_ratio: 0, steps: 3 });
  assert.match(score.explanation!, /judge reply unparseable/);
  assert.match(String(score.metadata!.parseError), /no JSON list of step verdicts/);
});

test('step judge scorer: no judge role gives null and says how to add one', async () => {
  const score = await scorer.score(newTaskState(sample, 1), createTestContext({}));
  assert.equal(score.value, null);
  assert.match(score.explanation!, /--role judge=/);
});

test('judge–human step agreement: agreement, MCC and kappa by hand', async () => {
  const { stepAgreement } = await import('../../src/scoring/step-judge.js');
  const verdict = (isFactual: boolean, isCritical = false) => ({
    step: 1,
    text: '',
    isFactual,
    isCritical,
    explanation: '',
    errorTypes: [],
    missing: false,
  });
  // judge T T F F, human T F F F: tp 1, fp 1, tn 2, fn 0. Agreement 3/4; MCC = (1·2 − 1·0)/√(2·1·3·2) = 2/√12.
  // kappa: p_o = .75, p_e = (2/4·1/4) + (2/4·3/4) = .5, κ = .5.
  const result = stepAgreement([
    { id: 'c1', judge: [verdict(true, true), verdict(true)], human: [verdict(true, true), verdict(false)] },
    { id: 'c2', judge: [verdict(false), verdict(false)], human: [verdict(false), verdict(false)] },
  ]);
  assert.equal(result.factualAgreement, 0.75);
  assert.ok(Math.abs(result.mcc - 2 / Math.sqrt(12)) < 1e-12);
  assert.ok(Math.abs(result.kappa - 0.5) < 1e-12);
  assert.deepEqual(result.criticalRatio, { judge: 0.25, human: 0.25 });
  assert.throws(
    () => stepAgreement([{ id: 'c3', judge: [verdict(true)], human: [] }]),
    /case c3: 1 judge verdicts but 0 human/,
  );
});
