// Judge meta-evaluation: a run directory and a human ratings file in, the agreement table out;
// unknown ids, unsure cells and bad cells are reported, never silently used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { balancedF1, cohenKappa, krippendorffAlpha, wilcoxonSignedRank } from '../../src/stats/index.js';
import { judgeAgreement, unitOf, type HumanRating } from '../../src/benchmarks/counselbench-eval/agreement.js';
import {
  judgeAgreementText,
  ratingCell,
  readRunValues,
} from '../../src/benchmarks/counselbench-eval/judge-agreement.js';

function runDir(records: { id: string; epoch?: number; value: Record<string, number | null> }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'agree-'));
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({
      logFormat: 1,
      runId: 'r',
      benchmark: 'counselbench-eval',
      task: { name: 'x', version: 1, args: {} },
      models: { judge: 'openai:judge-x' },
      solverName: 'given',
      epochs: 1,
      seed: 0,
    }),
  );
  const lines = records.map((record) =>
    JSON.stringify({
      id: record.id,
      epoch: record.epoch ?? 1,
      scores: { 'counsel-judge': { value: record.value } },
      output: '',
      transcript: { messages: [], events: [] },
      error: null,
    }),
  );
  writeFileSync(join(dir, 'samples.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

const judged = [
  { id: '1:gpt4', value: { overall: 5, medical_advice: 1 } },
  { id: '1:human', value: { overall: 4, medical_advice: 0 } },
  { id: '2:gpt4', value: { overall: 5, medical_advice: 1 } },
  { id: '2:human', value: { overall: 3, medical_advice: null } },
];

const CSV = [
  'questionID,responder,rater,overall_score,medical_advice_score,overall_reason',
  '1,gpt4,a,4,Yes,fine',
  '1,gpt4,b,3,No,meh',
  '1,human,a,4,No,',
  '1,human,b,4,I am not sure,',
  '2,gpt4,a,4,Yes,',
  '2,gpt4,b,5,Yes,',
  '2,human,a,2,No,',
  '2,human,b,3,No,',
  '9,gpt4,a,4,No,',
  '2,human,c,lots,No,',
].join('\n');

test('rating cells: numbers, Yes/No, unsure, labels', () => {
  assert.equal(ratingCell('4'), 4);
  assert.equal(ratingCell('Yes'), 1);
  assert.equal(ratingCell(false), 0);
  assert.equal(ratingCell('I am not sure'), null);
  assert.equal(ratingCell('4 - Good'), 4);
  assert.equal(ratingCell('lots'), undefined);
});

test('agreement statistics equal src/stats on the same pairs', () => {
  const judge = new Map(judged.map((item) => [unitOf(item.id, 1), item.value]));
  const humans: HumanRating[] = [
    { id: '1:gpt4', epoch: 1, rater: 'a', values: { overall: 4, medical_advice: 1 }, at: 'f:2' },
    { id: '1:gpt4', epoch: 1, rater: 'b', values: { overall: 3, medical_advice: 0 }, at: 'f:3' },
    { id: '1:human', epoch: 1, rater: 'a', values: { overall: 4, medical_advice: 0 }, at: 'f:4' },
    { id: '1:human', epoch: 1, rater: 'b', values: { overall: 4, medical_advice: null }, at: 'f:5' },
    { id: '2:gpt4', epoch: 1, rater: 'a', values: { overall: 4, medical_advice: 1 }, at: 'f:6' },
    { id: '2:gpt4', epoch: 1, rater: 'b', values: { overall: 5, medical_advice: 1 }, at: 'f:7' },
    { id: '2:human', epoch: 1, rater: 'a', values: { overall: 2, medical_advice: 0 }, at: 'f:8' },
    { id: '2:human', epoch: 1, rater: 'b', values: { overall: 3, medical_advice: 0 }, at: 'f:9' },
  ];
  const report = judgeAgreement(judge, humans);
  const overall = report.keys.find((key) => key.key === 'overall')!;
  assert.equal(overall.items, 4);
  assert.equal(overall.pairs, 8);
  assert.equal(overall.judgeMean, 4.25);
  assert.equal(overall.humanMean, (3.5 + 4 + 4.5 + 2.5) / 4);
  assert.equal(
    overall.alphaHumans,
    krippendorffAlpha(
      [
        [4, 4, 4, 2],
        [3, 4, 5, 3],
      ],
      'ordinal',
    ),
  );
  assert.equal(
    overall.kappa,
    cohenKappa([5, 5, 4, 4, 5, 5, 3, 3], [4, 3, 4, 4, 4, 5, 2, 3], { weights: 'linear', categories: [2, 3, 4, 5] }),
  );
  const expected = wilcoxonSignedRank([5, 4, 5, 3], [3.5, 4, 4.5, 2.5]);
  assert.equal(overall.wilcoxon!.pValue, expected.pValue);
  assert.equal(overall.wilcoxon!.meanDifference, (1.5 + 0 + 0.5 + 0.5) / 4);
  // Per question: question 1 and 2 each have two responses rated by a and b.
  assert.equal(overall.alphaHumansPerQuestion.questions + overall.alphaHumansPerQuestion.undefinedQuestions, 2);
  const medical = report.keys.find((key) => key.key === 'medical_advice')!;
  assert.equal(medical.binary, true);
  assert.equal(medical.level, 'nominal');
  // 2:human has no judge value (unsure): dropped and said so; 1:human b is unsure: dropped too.
  assert.equal(medical.items, 3);
  assert.deepEqual(medical.notes.slice(0, 2), [
    '1 rated items without a judge value (unsure, unparseable or missing) left out',
    '1 human ratings without a value ("I am not sure" or empty) left out',
  ]);
  assert.equal(medical.rawAgreement, 4 / 5);
  assert.equal(medical.balancedF1, balancedF1([true, true, false, true, true], [true, false, false, true, true]));
  // Human baseline: rater a vs b on 1:gpt4 (1 vs 0) and 2:gpt4 (1 vs 1); b vs a the other way round.
  const a = balancedF1([true, true], [false, true]);
  const b = balancedF1([false, true], [true, true]);
  const defined = [a, b].filter(Number.isFinite);
  assert.deepEqual(medical.humanBalancedF1, {
    mean: defined.length ? defined.reduce((x, y) => x + y, 0) / defined.length : null,
    raters: defined.length,
  });
});

test('judge-agreement on a run directory and a ratings CSV: unknown ids and bad cells are reported', () => {
  const dir = runDir(judged);
  assert.equal(readRunValues(dir).values.size, 4);
  const ratings = join(dir, 'ratings.csv');
  writeFileSync(ratings, CSV);
  const text = judgeAgreementText(dir, ratings);
  assert.match(text, /judge: openai:judge-x/);
  assert.match(text, /1 human rows name units not in the run \(left out\): 9:gpt4 \(epoch 1\) at .*ratings\.csv:10/);
  assert.match(
    text,
    /1 bad cells or rows in the ratings file \(left out\): .*ratings\.csv:11: overall_score: "lots" is not a rating/,
  );
  assert.match(text, /^overall +4 +8 /m);
  assert.match(text, /^medical_advice +3 +5 /m);
});

test('a ratings file whose ids are all unknown is a clear error', () => {
  const dir = runDir(judged);
  const ratings = join(dir, 'ratings.jsonl');
  writeFileSync(ratings, '{"id": "nope", "rater": "a", "overall": 3}\n');
  assert.throws(
    () => judgeAgreementText(dir, ratings),
    /none of its 1 rows names a unit of .*ids must match the run's sample ids/,
  );
  writeFileSync(ratings, '{"rater": "a", "overall": 3}\n');
  assert.throws(() => judgeAgreementText(dir, ratings), /no usable rating rows \(.*ratings\.jsonl:1: id: missing/);
  assert.throws(() => judgeAgreementText(join(dir, 'missing'), ratings), /no samples\.jsonl/);
});

test('α between humans reproduces Krippendorff (2011): 4 observers × 12 units, ordinal 0.815', () => {
  const table: Record<string, (number | null)[]> = {
    A: [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    B: [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    C: [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    D: [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  };
  const judge = new Map(Array.from({ length: 12 }, (_, unit) => [unitOf(`u${unit + 1}`, 1), { overall: 3 }]));
  const humans: HumanRating[] = Object.entries(table).flatMap(([rater, values]) =>
    values.flatMap((value, unit) =>
      value === null ? [] : [{ id: `u${unit + 1}`, epoch: 1, rater, values: { overall: value }, at: `t:${unit}` }],
    ),
  );
  const overall = judgeAgreement(judge, humans).keys[0]!;
  assert.equal(overall.alphaHumans!.toFixed(3), '0.815');
  assert.equal(overall.items, 12);
});
