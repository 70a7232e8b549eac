// Shared by the training-bridge tests: an eval run's outputs turned into rollouts.jsonl rows.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main.js';
import type { BenchmarkOptions, Reward, RewardValue, Sample } from '../../src/core/index.js';
import { benchmarks, rewards } from '../../src/registry-loaded.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';
import { startRewardServer } from '../../src/training/server.js';
import { shimSource } from '../../src/training/shim.js';

export interface EvalRollout {
  id: string;
  evalValue: number;
  row: { id: string; completion: string; ground_truth: unknown; extra?: unknown };
}

/** Each finished unit of `runDir` as a rollout of `reward`, with the value `medkit eval` gave it. */
export async function rolloutsFromRun(
  benchmark: string,
  options: BenchmarkOptions,
  runDir: string,
  scorer: string,
  reward: Reward,
  extra?: (metadata: Record<string, unknown>) => unknown,
): Promise<EvalRollout[]> {
  const samples = new Map<string, Sample>();
  for await (const sample of await benchmarks[benchmark]!.dataset(options)) samples.set(sample.id, sample);
  return [...readSampleRecords(runDir)].map((record) => ({
    id: record.id,
    evalValue: Number(record.scores[scorer]!.value),
    row: {
      id: record.id,
      completion: record.output,
      ground_truth: reward.groundTruthOf(samples.get(record.id)!),
      ...(extra ? { extra: extra(record.metadata as Record<string, unknown>) } : {}),
    },
  }));
}

/** One rollout in the wire shape (rollouts.jsonl, POST /score). */
export interface Row {
  id: string;
  completion: string;
  ground_truth: unknown;
  group?: string;
  group_size?: number;
  extra?: unknown;
}

const postJson = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/**
 * The rewards of `rows` by every path a trainer has: `medkit reward score`, the server (/score, and OpenRLHF's
 * /get_reward for per-rollout rewards), and the verl, TRL and OpenRLHF shims run by python3, each given the
 * ground truth as the export's JSON text. Asserts each equals `expected`; returns the server's results.
 */
export async function rewardsByEveryPath(options: {
  reward: string;
  rows: Row[];
  expected: number[];
  folder: string;
  cacheDir: string;
  dataSource: string;
}): Promise<RewardValue[]> {
  const { rows, expected, folder, cacheDir } = options;
  const reward = rewards[options.reward]!.reward;
  const input = join(folder, `${options.reward}-rollouts.jsonl`);
  writeFileSync(input, rows.map((row) => JSON.stringify(row)).join('\n'));
  const output = join(folder, `${options.reward}-scored.jsonl`);
  assert.equal(
    await main(['reward', 'score', options.reward, '--in', input, '--out', output, '--cache-dir', cacheDir]),
    0,
  );
  const scored = readFileSync(output, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RewardValue & { id: string });
  assert.deepEqual(
    scored.map((line) => line.reward),
    expected,
    'medkit reward score',
  );
  assert.deepEqual(
    scored.map((line) => line.id),
    rows.map((row) => row.id),
  );
  assert.ok(
    scored.every((line) => line.error === undefined),
    JSON.stringify(scored.find((line) => line.error)),
  );

  const server = await startRewardServer({ reward, options: { args: {}, seed: 0, cacheDir }, port: 0 });
  try {
    const batch = await postJson(`${server.url}/score`, { rollouts: rows });
    assert.equal(batch.status, 200, JSON.stringify(batch.body));
    assert.deepEqual(batch.body.rewards, expected, 'POST /score');
    const labels = rows.map((row) => JSON.stringify(row.ground_truth));
    const openrlhf = await postJson(`${server.url}/get_reward`, {
      query: rows.map((row) => `<prompt>${row.completion}`),
      prompts: rows.map(() => '<prompt>'),
      labels,
    });
    if (reward.kind === 'group') assert.equal(openrlhf.status, 400, 'a group reward refuses a request without groups');
    else if (reward.kind !== 'database') assert.deepEqual(openrlhf.body.rewards, expected, 'OpenRLHF /get_reward');

    for (const target of ['verl', 'trl', 'openrlhf'] as const)
      writeFileSync(join(folder, `medkit_reward_${target}.py`), shimSource(target, server.url));
    const data = join(folder, `${options.reward}-rows.json`);
    writeFileSync(data, JSON.stringify(rows));
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(folder)})
import medkit_reward_verl, medkit_reward_trl, medkit_reward_openrlhf
rows = json.load(open(${JSON.stringify(data)}))
truths = [json.dumps(row["ground_truth"]) for row in rows]
infos = [{"group": row.get("group"), "group_size": row.get("group_size"), "medkit_extra": json.dumps(row["extra"]) if "extra" in row else None} for row in rows]
out = {}
out["verl_batch"] = medkit_reward_verl.compute_score(data_sources=[${JSON.stringify(options.dataSource)}] * len(rows), solution_strs=[r["completion"] for r in rows], ground_truths=truths, extra_infos=infos)
columns = {key: [info[key] for info in infos] for key in ("group", "group_size", "medkit_extra")}
out["trl"] = medkit_reward_trl.medkit_reward([[{"role": "user", "content": "q"}]] * len(rows), [[{"role": "assistant", "content": r["completion"]}] for r in rows], ground_truth=truths, **columns)
if ${reward.kind === 'group' ? 'False' : 'True'}:
    out["verl_single"] = [medkit_reward_verl.compute_score(${JSON.stringify(options.dataSource)}, r["completion"], t, i) for r, t, i in zip(rows, truths, infos)]
if ${reward.kind === 'rule' ? 'True' : 'False'}:
    out["openrlhf"] = list(medkit_reward_openrlhf.reward_func(["P" + r["completion"] for r in rows], ["P"] * len(rows), truths)["rewards"])
print(json.dumps(out))
`;
    // Asynchronously: the server answering python3 runs in this process.
    const { stdout } = await promisify(execFile)('python3', ['-c', script], { encoding: 'utf8' });
    for (const [name, values] of Object.entries(JSON.parse(stdout) as Record<string, number[]>))
      assert.deepEqual(values, expected, `shim ${name}`);
    return batch.body.results as RewardValue[];
  } finally {
    await server.close();
  }
}
