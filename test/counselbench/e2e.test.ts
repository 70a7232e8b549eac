// End to end through runEval: counselbench-eval and counselbench-adv on the embedded default
// (baselines, no key), then with `judge=openai:...` (and an agent) against the scripted loopback
// OpenAI server, then judge-agreement on the run directory.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runEval } from '../../src/eval.js';
import { startLoopbackServer, type LoopbackTurn } from '../support/loopback-server.js';
import { judgeAgreementText } from '../../src/benchmarks/counselbench-eval/judge-agreement.js';

const root = mkdtempSync(join(tmpdir(), 'cb-e2e-'));
const common = { progress: 'none' as const, cache: false, cacheDir: join(root, 'cache'), concurrency: 4 };

function reply(turn: LoopbackTurn): string {
  const text = turn.lastUserText;
  if (text.includes('Rate the reply on each of these metrics')) {
    // Judge: overall by question length parity, unsure factual on every third call.
    return `- Overall: ${4 + (text.length % 2)} - Good\n- Empathy: 4\n- Specificity: 3\n- Medical Advice: ${turn.index % 2 ? 'Yes' : 'No'}\n- Factual Consistency: ${turn.index % 3 === 0 ? 'I am not sure' : '4'}\n- Toxicity: 1`;
  }
  if (text.includes('# Rubric item')) {
    // Grader: positive items met, negative items not met -> every example scores 1.
    const negative = /# Rubric item\n\[-/.test(text);
    const declined = /# Rubric item\nasks about/.test(text); // meta-eval rows graded "not met"
    return '```json\n' + JSON.stringify({ explanation: 'scripted', criteria_met: !negative && !declined }) + '\n```';
  }
  if (text.includes('Answer in JSON: {"Answer"'))
    return JSON.stringify({
      Answer: text.includes('shows this issue: medication') ? 'Yes' : 'No',
      Explanation: 'scripted',
    });
  return 'It sounds really hard. You are not alone, and talking to someone you trust can help. A counsellor can help you explore this.';
}

const server = await startLoopbackServer({ script: reply });
after(() => server.close());
const provider = { baseURL: server.baseURL, apiKey: 'test-key' };

test('counselbench-eval runs on the embedded default without a key (baselines, labelled)', async () => {
  const outDir = join(root, 'eval-baseline');
  const summary = await runEval({ benchmark: 'counselbench-eval', outDir, ...common });
  assert.equal(summary.status, 'complete');
  assert.equal(summary.counts.units, 12);
  assert.equal(summary.counts.errors, 0);
  const factual = summary.taskMetrics.find((metric) => metric.name === 'counselbench Factual Consistency')!;
  assert.equal(factual.n, 0);
  assert.equal(factual.dropped, 12); // the lexicon judge cannot judge facts
  const first = JSON.parse(readFileSync(join(outDir, 'samples.jsonl'), 'utf8').split('\n')[0]!);
  assert.match(first.scores['counsel-judge'].explanation, /NOT a valid judge/);
  assert.ok(first.transcript.events.some((event: { kind?: string }) => event.kind === 'judge'));
  assert.ok(summary.notes.some((note) => /role 'judge' has no model/.test(note)));
  const { runAggregateText } = await import('../../src/benchmarks/counselbench-eval/judge-agreement.js');
  const text = runAggregateText(outDir);
  assert.match(text, /^12 of 12 ratings come from the lexicon baseline: NOT a valid judge/);
  assert.match(text, /Factual Consistency +– +n=0 +dropped 12 of 12: 12 "I am not sure"/);
});

test('counselbench-eval with --role judge=openai:... against the loopback server, then judge-agreement', async () => {
  const outDir = join(root, 'eval-judge');
  const summary = await runEval({
    benchmark: 'counselbench-eval',
    models: { agent: 'openai:responder', judge: 'openai:judge' },
    provider,
    outDir,
    limit: 6,
    ...common,
  });
  assert.equal(summary.status, 'complete');
  assert.equal(summary.counts.errors, 0);
  const medical = summary.taskMetrics.find((metric) => metric.name === 'counselbench Medical Advice')!;
  assert.equal(medical.n, 6);
  assert.ok(medical.value >= 0 && medical.value <= 1);
  const factual = summary.taskMetrics.find((metric) => metric.name === 'counselbench Factual Consistency')!;
  assert.equal(factual.n + factual.dropped!, 6);
  assert.ok(factual.dropped! >= 1);
  const ids = readFileSync(join(outDir, 'samples.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).id as string);
  const ratings = join(root, 'ratings.csv');
  writeFileSync(
    ratings,
    [
      'id,rater,overall,medical_advice_score',
      ...ids.flatMap((id, index) => [`${id},a,${3 + (index % 3)},Yes`, `${id},b,${2 + (index % 4)},No`]),
      'not-a-sample,a,3,No',
    ].join('\n'),
  );
  const text = judgeAgreementText(outDir, ratings);
  assert.match(text, /judge: openai:judge/);
  assert.match(text, /^overall +6 +12 /m);
  assert.match(text, /1 human rows name units not in the run/);
});

test('counselbench-adv: 3 samples per question, JSON judge over loopback, per-mode trigger rates', async () => {
  const baseline = await runEval({ benchmark: 'counselbench-adv', outDir: join(root, 'adv-baseline'), ...common });
  assert.equal(baseline.counts.units, 36);
  const outDir = join(root, 'adv-judge');
  const summary = await runEval({
    benchmark: 'counselbench-adv',
    models: { agent: 'openai:responder', judge: 'openai:judge' },
    provider,
    outDir,
    ...common,
  });
  assert.equal(summary.counts.units, 36);
  assert.equal(summary.counts.errors, 0);
  const medication = summary.taskMetrics.find((metric) => metric.name === 'trigger rate medication')!;
  assert.equal(medication.value, 1);
  assert.equal(summary.taskMetrics.find((metric) => metric.name === 'trigger rate therapy')!.value, 0);
  assert.equal(summary.taskMetrics.find((metric) => metric.name === 'trigger rate all')!.value, 1 / 6);
  const spec = JSON.parse(readFileSync(join(outDir, 'spec.json'), 'utf8'));
  assert.equal(spec.epochs, 3);
});

test('healthbench demo with --role grader=openai:... over loopback: clipped mean per tag', async () => {
  const outDir = join(root, 'hb');
  const summary = await runEval({
    benchmark: 'healthbench',
    models: { agent: 'openai:responder', grader: 'openai:grader' },
    provider,
    outDir,
    ...common,
  });
  assert.equal(summary.counts.errors, 0);
  const overall = summary.taskMetrics.find((metric) => metric.name === 'clipped mean overall_score')!;
  assert.equal(overall.value, 1);
  assert.equal(overall.n, 2);
  assert.equal(overall.stderr, 0);
  assert.ok(
    summary.taskMetrics.some((metric) => metric.name === 'clipped mean axis:context_awareness' && metric.value === 1),
  );
  const lines = readFileSync(join(outDir, 'samples.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(
    lines[0].transcript.events.filter((event: { kind?: string }) => event.kind === 'rubric-item').length,
    lines[0].id === 'medkit-demo-1' ? 4 : 3,
  );
});

test('a CounselBench-Eval file rated with --solver given: judge-agreement uses the expert ratings the run carries', async () => {
  const file = join(root, 'eval.csv');
  const header =
    'questionID,questionTitle,questionText,topic,responder,response,rater,overall_score,overall_reason,empathy_score,specificity_score,medical_advice_score,medical_copy,medical_reason,factual_consistency_score,factual_copy,factual_reason,toxicity_score,toxicity_copy,toxicity_reason';
  const rows = [1, 2].flatMap((question) =>
    ['gpt4', 'human'].flatMap((responder, r) =>
      ['e1', 'e2'].map(
        (rater, e) =>
          `${question},Title ${question},Body ${question},anxiety,${responder},"Response ${question} by ${responder}",${rater},${1 + r + e + question},,4,3,${e ? 'No' : 'Yes'},,,${e ? 'I am not sure' : 3},,,1,,`,
      ),
    ),
  );
  writeFileSync(file, [header, ...rows].join('\n'));
  const outDir = join(root, 'eval-given');
  const summary = await runEval({
    benchmark: 'counselbench-eval',
    solver: 'given',
    args: { path: file },
    models: { judge: 'openai:judge' },
    provider,
    outDir,
    ...common,
  });
  assert.equal(summary.counts.units, 4);
  assert.equal(summary.counts.errors, 0);
  const text = judgeAgreementText(outDir, undefined);
  assert.match(text, /human rows: 8; run units without a human rating: 0/);
  assert.match(text, /^overall +4 +8 /m);
  assert.match(text, /^factual_consistency +\d+ +\d+ /m);
  assert.match(text, /4 human ratings without a value \("I am not sure" or empty\) left out/);
  assert.throws(
    () => judgeAgreementText(join(root, 'eval-judge'), undefined),
    /the run carries no human ratings; give a ratings file/,
  );
});

test('HealthBench meta-eval: grader vs physician labels, balanced F1 as upstream (pairwise)', async () => {
  const { balancedF1 } = await import('../../src/stats/index.js');
  const rows = [
    { rubric: 'GOOD: advises urgent care', labels: [true, true, false] },
    { rubric: 'GOOD: mentions dosage', labels: [true] },
    { rubric: 'asks about allergies', labels: [false, false] },
    { rubric: 'asks about pregnancy', labels: [true, false] },
  ];
  const file = join(root, 'meta.jsonl');
  writeFileSync(
    file,
    rows
      .map((row, index) =>
        JSON.stringify({
          prompt: [{ role: 'user', content: `question ${index}` }],
          completion: `answer ${index}`,
          rubric: row.rubric,
          binary_labels: row.labels,
          anonymized_physician_ids: row.labels.map((_, p) => `doc${p}`),
          category: 'cluster_a',
          prompt_id: `p${index}`,
          completion_id: `c${index}`,
        }),
      )
      .join('\n'),
  );
  const outDir = join(root, 'hb-meta');
  const summary = await runEval({
    benchmark: 'healthbench',
    args: { meta: file },
    models: { grader: 'openai:grader' },
    provider,
    outDir,
    ...common,
  });
  assert.equal(summary.counts.units, 4);
  assert.equal(summary.counts.errors, 0);
  const text = judgeAgreementText(outDir, undefined);
  // Grader: met for the two GOOD rubrics, not met for the two "asks about" ones.
  const grader = [true, true, false, false];
  const pairs = rows.flatMap((row, index) => row.labels.map((label) => [grader[index]!, label] as const));
  const expected = balancedF1(
    pairs.map((pair) => pair[0]),
    pairs.map((pair) => pair[1]),
  );
  const line = text.split('\n').find((item) => item.startsWith('criteria_met'))!;
  assert.equal(expected, 0.75); // TP 3, FP 1, FN 1, TN 3 over the 8 (grader, physician) pairs
  assert.ok(line.includes(expected.toFixed(3)), line);
  assert.match(line, /^criteria_met +4 +8 /);
  // Physician baseline: doc0 and doc1 each 0.5 against the others; doc2 never says "met", so undefined.
  assert.ok(line.includes('0.500 (2r)'), line);
});

test('ADV judge validation: a review template of 2 units per mode, labelled, goes back through judge-agreement', async () => {
  const { reviewTemplate } = await import('../../src/benchmarks/counselbench-eval/review.js');
  const { parseCsvText } = await import('../../src/core/csv-file.js');
  const outDir = join(root, 'adv-judge'); // written by the ADV test above
  const { csv, counts } = reviewTemplate(outDir, { groupKey: 'mode', perGroup: 2, keys: ['triggered'] });
  assert.deepEqual(Object.values(counts), [2, 2, 2, 2, 2, 2]);
  assert.equal(reviewTemplate(outDir, { groupKey: 'mode', perGroup: 2, keys: ['triggered'] }).csv, csv); // seeded
  const rows = parseCsvText(csv, 'review.csv');
  assert.deepEqual(rows[0]!.fields, ['id', 'epoch', 'mode', 'question', 'response', 'rater', 'triggered']);
  // A reviewer who agrees with the judge except on one therapy response.
  const labelled = [
    rows[0]!.fields.join(','),
    ...rows.slice(1).map((row, index) => {
      const fields = row.fields.map((field) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field));
      fields[5] = 'rev1';
      fields[6] = row.fields[2] === 'medication' || (row.fields[2] === 'therapy' && index % 2 === 0) ? 'Yes' : 'No';
      return fields.join(',');
    }),
  ].join('\n');
  const file = join(root, 'review-labelled.csv');
  writeFileSync(file, labelled);
  const text = judgeAgreementText(outDir, file, { keys: ['triggered'] });
  assert.match(text, /^triggered +12 +12 /m);
  assert.match(text, / 0\.917 /); // raw agreement 11/12
  const byMode = judgeAgreementText(outDir, file, { keys: ['triggered'], by: 'mode' });
  assert.match(byMode, /mode = therapy\n[\s\S]*?^triggered +2 +2 .* 0\.500 /m);
  assert.match(byMode, /mode = medication\n[\s\S]*?^triggered +2 +2 .* 1\.000 /m);
  assert.throws(
    () => judgeAgreementText(outDir, file, { by: 'nope' }),
    /the run has no group "nope" \(its groups: mode\)/,
  );
});
