// `medkit reward score`, the reward server (both request shapes) and each generated Python shim give
// exactly the values `medkit eval` scored for the same outputs (issue 16's "one implementation").
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { loadRewards } from '../../src/registry.js';

const rewards = await loadRewards();
import { startRewardServer } from '../../src/training/server.js';
import { shimSource } from '../../src/training/shim.js';
import { rolloutsFromRun } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'reward-eq-'));
const cacheDir = join(folder, 'cache');
const options = { args: {}, seed: 0, cacheDir };

async function postJson(url: string, body: unknown) {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A scripted policy: right, wrong, malformed and letter-only replies, by the question's length. */
const policy = scriptedModel((request) => {
  const text = JSON.stringify(request.messages);
  const key = /"answer_label"/.test(text) ? 0 : text.length % 4;
  const letter = /\\n\\nB\. /.test(text) && key % 2 ? 'B' : 'A';
  return [
    `<think>looks like ${letter}</think><answer>${letter}</answer>`,
    `The answer is ${letter}`,
    `<answer>${letter}</answer> trailing`,
    'no idea',
  ][key]!;
});

test('medsynvqa: reward score, server (/score and OpenRLHF) and the verl/TRL/OpenRLHF shims equal medkit eval', async () => {
  const runDir = join(folder, 'medsyn-run');
  await runEval({
    benchmark: 'medsynvqa',
    models: { agent: policy },
    outDir: runDir,
    cache: false,
    cacheDir,
    concurrency: 1,
  });
  const reward = rewards.medsynvqa!.reward;
  const rollouts = await rolloutsFromRun('medsynvqa', options, runDir, 'medsyn_correct', reward);
  const expected = rollouts.map((rollout) => rollout.evalValue);
  assert.equal(expected.length, 20);
  assert.ok(expected.includes(0) && expected.includes(1), `a mix of right and wrong: ${expected}`);

  const input = join(folder, 'medsyn.jsonl');
  writeFileSync(input, rollouts.map((rollout) => JSON.stringify(rollout.row)).join('\n'));
  const output = join(folder, 'medsyn-scored.jsonl');
  assert.equal(
    await main(['reward', 'score', 'medsynvqa', '--in', input, '--out', output, '--cache-dir', cacheDir]),
    0,
  );
  const scored = readFileSync(output, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    scored.map((line) => line.reward),
    expected,
  );
  assert.deepEqual(
    scored.map((line) => line.id),
    rollouts.map((rollout) => rollout.id),
  );

  const server = await startRewardServer({ reward, options, port: 0 });
  try {
    const batch = await postJson(`${server.url}/score`, { rollouts: rollouts.map((rollout) => rollout.row) });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.body.rewards, expected);
    // OpenRLHF: query = prompt + response, labels = the ground truth as JSON text (newer shape) ...
    const prompts = rollouts.map((_, index) => `<prompt ${index}>`);
    const openrlhf = await postJson(`${server.url}/get_reward`, {
      query: rollouts.map((rollout, index) => prompts[index] + rollout.row.completion),
      prompts,
      labels: rollouts.map((rollout) => JSON.stringify(rollout.row.ground_truth)),
    });
    assert.equal(openrlhf.status, 200, JSON.stringify(openrlhf.body));
    assert.deepEqual(openrlhf.body.rewards, expected);
    // ... and the older shape without prompts (the query is the response alone here).
    const older = await postJson(server.url, {
      query: rollouts.map((rollout) => rollout.row.completion),
      labels: rollouts.map((rollout) => JSON.stringify(rollout.row.ground_truth)),
    });
    assert.deepEqual(older.body.rewards, expected);

    // The generated shims, run by python3 against this server.
    const data = join(folder, 'rollouts.json');
    writeFileSync(data, JSON.stringify(rollouts.map((rollout) => rollout.row)));
    for (const target of ['verl', 'trl', 'openrlhf'] as const) {
      writeFileSync(join(folder, `medkit_reward_${target}.py`), shimSource(target, server.url));
    }
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(folder)})
import medkit_reward_verl, medkit_reward_trl, medkit_reward_openrlhf
rows = json.load(open(${JSON.stringify(data)}))
truths = [json.dumps(row["ground_truth"]) for row in rows]
single = [medkit_reward_verl.compute_score("medsynvqa", row["completion"], truth, {}) for row, truth in zip(rows, truths)]
batch = medkit_reward_verl.compute_score(data_sources=["medsynvqa"] * len(rows), solution_strs=[r["completion"] for r in rows], ground_truths=truths, extra_infos=[{}] * len(rows))
trl = medkit_reward_trl.medkit_reward([[{"role": "user", "content": "q"}]] * len(rows), [[{"role": "assistant", "content": r["completion"]}] for r in rows], ground_truth=truths)
orl = medkit_reward_openrlhf.reward_func(["P" + r["completion"] for r in rows], ["P"] * len(rows), truths)["rewards"]
print(json.dumps({"verl": single, "verl_batch": batch, "trl": trl, "openrlhf": list(orl)}))
`;
    // Asynchronously: the server answering python3 runs in this process.
    const { stdout } = await promisify(execFile)('python3', ['-c', script], { encoding: 'utf8' });
    const printed = JSON.parse(stdout);
    for (const [name, values] of Object.entries(printed)) assert.deepEqual(values, expected, name);
  } finally {
    await server.close();
  }
});

test('ehr-chatqa: reward score re-runs the rollout SQL and equals medkit eval (IncreQA and AdaptQA)', async () => {
  const runDir = join(folder, 'ehr-run');
  await runEval({ benchmark: 'ehr-chatqa', limit: 16, epochs: 1, outDir: runDir, cache: false, cacheDir });
  const reward = rewards['ehr-chatqa']!.reward;
  const rollouts = await rolloutsFromRun('ehr-chatqa', options, runDir, 'reward', reward, (metadata) => ({
    queries: metadata.queries ?? [],
    responses: metadata.responses ?? [],
    endReason: metadata.endReason ?? 'user-end',
  }));
  const expected = rollouts.map((rollout) => rollout.evalValue);
  assert.ok(expected.includes(1), `some tasks solved: ${expected}`);
  const input = join(folder, 'ehr.jsonl');
  writeFileSync(input, rollouts.map((rollout) => JSON.stringify(rollout.row)).join('\n'));
  const output = join(folder, 'ehr-scored.jsonl');
  assert.equal(
    await main(['reward', 'score', 'ehr-chatqa', '--in', input, '--out', output, '--cache-dir', cacheDir]),
    0,
  );
  const scored = readFileSync(output, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    scored.map((line) => line.reward),
    expected,
  );
  assert.ok(scored.every((line) => line.error === undefined));
  // Without the SQL the IncreQA rollouts lose their reward: the reward really re-runs the queries.
  const withoutSql = rollouts.map((rollout) => ({
    ...rollout.row,
    extra: { ...(rollout.row.extra as object), queries: [] },
  }));
  const values = await reward.score(
    withoutSql.map((row) => ({ completion: row.completion, groundTruth: row.ground_truth as never, extra: row.extra })),
    options,
  );
  const incre = rollouts.map((rollout) => (rollout.row.ground_truth as { task: { task_type: string } }).task.task_type);
  values.forEach((value, index) => {
    if (incre[index] === 'incre') assert.equal(value.reward, 0);
  });
});
