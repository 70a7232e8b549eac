// A judge reward through the registry: HealthBench's rubric grader (role `grader`) gives the reward the same
// overall_score `medkit eval healthbench` reports for the same outputs, via scoreBatch and the server; the CLI
// refuses a judge reward without its model and a role a reward does not use.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { Sample } from '../../src/core/index.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { benchmarks, rewards } from '../../src/registry-loaded.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';
import { scoreBatch } from '../../src/training/batch.js';
import { judgeModels } from '../../src/training/judge-models.js';
import { startRewardServer } from '../../src/training/server.js';

const folder = mkdtempSync(join(tmpdir(), 'judge-reward-'));
const cacheDir = join(folder, 'cache');
const options = { args: {}, seed: 0, cacheDir };

// The grader marks an item met by the parity of its prompt's length: deterministic, a mix of met and unmet.
const grader = () =>
  scriptedModel((request) => {
    const text = JSON.stringify(request.messages);
    return `{"explanation": "scripted", "criteria_met": ${text.length % 2 === 0}}`;
  });

test('healthbench: the rubric reward (grader role) equals medkit eval overall_score, in-process and served', async () => {
  const runDir = join(folder, 'hb-run');
  await runEval({
    benchmark: 'healthbench',
    models: {
      agent: scriptedModel((request) => `Advice #${request.messages.length}: see a doctor soon.`),
      grader: grader(),
    },
    outDir: runDir,
    cache: false,
    cacheDir,
  });
  const samples = new Map<string, Sample>();
  for await (const sample of await benchmarks.healthbench!.dataset(options)) samples.set(sample.id, sample);
  const reward = rewards.healthbench!.reward;
  const records = [...readSampleRecords(runDir)];
  const expected = records.map((record) => (record.scores.rubric!.value as Record<string, number>).overall_score!);
  assert.ok(expected.length >= 2 && expected.every(Number.isFinite), `graded: ${expected}`);
  const rollouts = records.map((record) => ({
    completion: record.output,
    groundTruth: reward.groundTruthOf(samples.get(record.id)!),
  }));
  const judge = (await judgeModels(reward, { grader: grader() }, { seed: 0, cacheDir, cache: false }))!;
  try {
    const values = await scoreBatch(reward, rollouts, options, judge.context);
    assert.deepEqual(
      values.map((value) => value.reward),
      expected,
    );
    const server = await startRewardServer({ reward, options, port: 0, context: judge.context });
    try {
      const response = await fetch(`${server.url}/score`, {
        method: 'POST',
        body: JSON.stringify({
          rollouts: rollouts.map((rollout) => ({ completion: rollout.completion, ground_truth: rollout.groundTruth })),
        }),
      });
      assert.deepEqual(((await response.json()) as { rewards: number[] }).rewards, expected);
    } finally {
      await server.close();
    }
  } finally {
    await judge.close();
  }
  // Without a grader the scorer has nothing to grade with: each rollout gets the fallback and says why.
  const ungraded = await scoreBatch(reward, rollouts.slice(0, 1), options);
  assert.equal(ungraded[0]!.reward, reward.fallback);
  assert.match(ungraded[0]!.error!, /not graded: rubric grading needs a grader model/);
});

test('reward CLI: a judge reward without its model, or a role a reward does not use, is a usage error', async () => {
  const input = join(folder, 'r.jsonl');
  writeFileSync(input, `${JSON.stringify({ completion: 'x', ground_truth: { conversation: [], rubrics: [] } })}\n`);
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    assert.equal(await main(['reward', 'score', 'healthbench', '--in', input]), 2);
    assert.match(stderr, /reward 'healthbench' calls a grader model: give --role grader=<provider:model>/);
    assert.equal(await main(['reward', 'score', 'medsynvqa', '--in', input, '--role', 'grader=openai:x']), 2);
    assert.match(stderr, /reward 'medsynvqa' uses no grader role/);
  } finally {
    process.stderr.write = write;
  }
});

test('counselbench-judge: the overall rating equals medkit eval counsel-judge.overall; no judge, no reward', async () => {
  // The judge rates by the answer's length: a mix of 2..5.
  const judge = () =>
    scriptedModel((request) => {
      const rating = 2 + (JSON.stringify(request.messages).length % 4);
      return `- Overall: ${rating}\n- Empathy: 4\n- Specificity: 3\n- Medical Advice: No\n- Factual Consistency: 4\n- Toxicity: 1`;
    });
  const runDir = join(folder, 'cb-run');
  await runEval({
    benchmark: 'counselbench-eval',
    models: {
      agent: scriptedModel((request) => `I hear you (${request.messages.length}). Talk to someone you trust.`),
      judge: judge(),
    },
    outDir: runDir,
    limit: 4,
    cache: false,
    cacheDir,
  });
  const samples = new Map<string, Sample>();
  for await (const sample of await benchmarks['counselbench-eval']!.dataset(options)) samples.set(sample.id, sample);
  const reward = rewards['counselbench-judge']!.reward;
  const records = [...readSampleRecords(runDir)];
  const expected = records.map((record) => (record.scores['counsel-judge']!.value as Record<string, number>).overall!);
  assert.ok(
    expected.every((value) => value >= 1 && value <= 5),
    `rated: ${expected}`,
  );
  const rollouts = records.map((record) => ({
    completion: record.output,
    groundTruth: reward.groundTruthOf(samples.get(record.id)!),
  }));
  const models = (await judgeModels(reward, { judge: judge() }, { seed: 0, cacheDir, cache: false }))!;
  try {
    const values = await scoreBatch(reward, rollouts, options, models.context);
    assert.deepEqual(
      values.map((value) => value.reward),
      expected,
    );
  } finally {
    await models.close();
  }
  const lexicon = await scoreBatch(reward, rollouts.slice(0, 1), options);
  assert.equal(lexicon[0]!.reward, reward.fallback);
  assert.match(lexicon[0]!.error!, /lexicon baseline is not a valid judge/);
});
