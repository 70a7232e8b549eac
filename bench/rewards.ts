// Reward server throughput: `medkit reward serve` (the real CLI, in a child process) scoring batched POST /score
// requests from this process, against a bare Node http server in the same kind of child that parses the same
// body and answers constant rewards (the HTTP + JSON floor). Rule rewards (medsynvqa, medsynvqa-format), the
// group reward (medvr, CCA over groups of 8) and the database-backed EHR-ChatQA reward (re-runs SQL) apart.
// Reports rewards/s, request p50/p99 latency and the ratio to the floor; in-process scoreBatch alone as well.
// Usage: node --import tsx bench/rewards.ts [--seconds 5] [--batch 64] [--concurrency 8]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runEval } from '../src/eval.js';
import { rewards } from '../src/registry-loaded.js';
import { fromWire, scoreBatch, type RolloutWire } from '../src/training/batch.js';
import { rolloutsFromRun } from '../test/training/helpers.js';

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const seconds = flag('seconds', 5);
const batch = flag('batch', 64);
const concurrency = flag('concurrency', 8);
const repo = join(import.meta.dirname, '..');
const cacheDir = join(mkdtempSync(join(tmpdir(), 'bench-rewards-')), 'cache');

function startChild(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${text}`)));
  });
}

const FLOOR = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const text = JSON.stringify({ rewards: body.rollouts.map(() => 1), results: [], errors: [] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log('floor: http://127.0.0.1:' + server.address().port));`;

/** Closed-loop load: `concurrency` clients, each sending the next batch when its answer arrives. */
async function load(url: string, batches: string[], rolloutsPerBatch: number[]) {
  const latencies: number[] = [];
  let rolloutsDone = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const index = next++ % batches.length;
        const sent = performance.now();
        const response = await fetch(`${url}/score`, { method: 'POST', body: batches[index] });
        const body = (await response.json()) as { rewards?: number[] };
        if (response.status !== 200 || body.rewards?.length !== rolloutsPerBatch[index])
          throw new Error(`bad answer ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
        latencies.push(performance.now() - sent);
        rolloutsDone += rolloutsPerBatch[index]!;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: rolloutsDone / elapsed, requests: latencies.length, p50: at(0.5), p99: at(0.99) };
}

function chunk(rows: RolloutWire[], size: number): { bodies: string[]; counts: number[] } {
  const bodies: string[] = [];
  const counts: number[] = [];
  for (let start = 0; start + size <= rows.length; start += size) {
    bodies.push(JSON.stringify({ rollouts: rows.slice(start, start + size) }));
    counts.push(size);
  }
  return { bodies, counts };
}

// Rollouts: medsynvqa's from a scripted mix of answers; medvr groups of 8; EHR-ChatQA from the baseline agent.
const options = { args: {}, seed: 0, cacheDir };
const medsynTruth = { options: { A: 'nodule', B: 'mass', C: 'effusion' }, answer: 'mass', answer_label: 'B' };
const medsynRows: RolloutWire[] = Array.from({ length: batch * 32 }, (_, index) => ({
  completion: [
    `<think>step ${index}</think><answer>B</answer>`,
    `The answer is (A) nodule ${index}`,
    `<answer>mass</answer>`,
    'I cannot tell.',
  ][index % 4]!,
  ground_truth: medsynTruth,
}));
const medvrRows: RolloutWire[] = Array.from({ length: batch * 32 }, (_, index) => ({
  completion: `<think>zoom</think><tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [${10 + (index % 5)}, 10, 200, 220]}}</tool_call><answer>${index % 3 ? 'yes' : 'no'}</answer>`,
  ground_truth: { target: 'yes', width: 512, height: 512 },
  group: `p${Math.floor(index / 8)}`,
  group_size: 8,
}));
const runDir = join(cacheDir, '..', 'ehr-run');
await runEval({
  benchmark: 'ehr-chatqa',
  limit: 64,
  epochs: 1,
  outDir: runDir,
  cache: false,
  cacheDir,
  concurrency: 2,
});
const ehrReward = rewards['ehr-chatqa']!.reward;
const ehrRows = (
  await rolloutsFromRun('ehr-chatqa', options, runDir, 'reward', ehrReward, (metadata) => ({
    queries: metadata.queries ?? [],
    responses: metadata.responses ?? [],
    endReason: metadata.endReason ?? 'user-end',
  }))
).map((rollout) => rollout.row as RolloutWire);

const cases: { reward: string; rows: RolloutWire[]; size: number }[] = [
  { reward: 'medsynvqa', rows: medsynRows, size: batch },
  { reward: 'medsynvqa-format', rows: medsynRows, size: batch },
  { reward: 'medvr', rows: medvrRows, size: batch },
  { reward: 'ehr-chatqa', rows: ehrRows, size: 16 },
];

const floor = await startChild(['-e', FLOOR]);
const lines: string[] = [];
try {
  for (const { reward, rows, size } of cases) {
    const { bodies, counts } = chunk(rows, size);
    const server = await startChild([
      '--import',
      'tsx',
      'src/cli/main.ts',
      'reward',
      'serve',
      '--reward',
      reward,
      '--port',
      '0',
      '--cache-dir',
      cacheDir,
    ]);
    try {
      await load(server.url, bodies.slice(0, 4), counts.slice(0, 4)); // warm up (JIT, SQL sandbox)
      const floorResult = await load(floor.url, bodies, counts);
      const served = await load(server.url, bodies, counts);
      const inProcessStart = performance.now();
      let scored = 0;
      while (performance.now() - inProcessStart < 1000) {
        for (let start = 0; start + size <= rows.length; start += size) {
          await scoreBatch(rewards[reward]!.reward, rows.slice(start, start + size).map(fromWire), options);
          scored += size;
        }
      }
      const inProcess = scored / ((performance.now() - inProcessStart) / 1000);
      lines.push(
        `${reward.padEnd(17)} batch ${String(size).padStart(3)}: ${Math.round(served.perSecond).toLocaleString('en')} rewards/s ` +
          `(${served.requests} requests, p50 ${served.p50.toFixed(1)} ms, p99 ${served.p99.toFixed(1)} ms); ` +
          `HTTP floor ${Math.round(floorResult.perSecond).toLocaleString('en')}/s → ratio ${(served.perSecond / floorResult.perSecond).toFixed(2)}; ` +
          `in-process ${Math.round(inProcess).toLocaleString('en')}/s`,
      );
      console.log(lines.at(-1));
    } finally {
      server.child.kill('SIGTERM');
    }
  }
} finally {
  floor.child.kill('SIGTERM');
}
console.log(`\nconcurrency ${concurrency}, ${seconds} s per measurement, node ${process.version}`);
