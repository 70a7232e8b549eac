// bench/runner: (1) samples/s of runEval against the loopback server with zero latency at
// concurrency 64, against that server's raw capacity measured by a bare client loop in the same
// run (ratio_vs_raw; goal ≥ 0.8); (2) peak RSS while streaming 1,000,000 generated samples through
// a trivial solver with a run directory (goal < 300 MB).
// Usage: node --import tsx bench/runner.ts [--units 3000] [--samples 1000000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_FORMAT_VERSION, solverFrom, type RunSpec, type Sample, type Task } from '../src/core/index.js';
import { runEval } from '../src/eval.js';
import { runTask } from '../src/runner/run-task.js';
import { startLoopbackServer } from '../test/support/loopback-server.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const concurrency = 64;
const units = argument('units', 3000);
const sampleCount = argument('samples', 1_000_000);

async function rawCapacity(baseURL: string, requests: number): Promise<number> {
  const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Which vitamin deficiency causes scurvy?' }] });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) {
        const response = await fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body });
        await response.json();
      }
    }),
  );
  return requests / ((performance.now() - started) / 1000);
}

async function evalThroughput(baseURL: string): Promise<number> {
  const epochs = Math.ceil(units / 42);
  const outDir = join(mkdtempSync(join(tmpdir(), 'medkit-bench-')), 'run');
  const summary = await runEval({
    benchmark: 'medmcq-mini', models: { agent: 'openai:bench' }, provider: { baseURL, apiKey: 'x' },
    epochs, concurrency, cache: false, outDir, progress: 'none',
  });
  rmSync(outDir, { recursive: true, force: true });
  return summary.counts.units / (summary.timing.durationMs / 1000);
}

async function streamingMemory(): Promise<{ peakRssMb: number; unitsPerSecond: number }> {
  function* samples(): Generator<Sample> {
    for (let index = 0; index < sampleCount; index++) yield { id: `g${index}`, input: `question ${index}`, target: index % 3 === 0 ? 'a' : 'b' };
  }
  const task: Task = {
    name: 'stream', version: 1, dataset: samples, epochs: 1, args: {},
    solver: solverFrom('constant', {}, async (state) => ((state.output = { ...state.output, text: 'a' }), state)),
    scorers: [{ name: 'match', params: {}, async score(state) { return { value: state.output.text === state.sample.target ? 1 : 0 }; } }],
  };
  const spec: RunSpec = {
    logFormat: LOG_FORMAT_VERSION, runId: 'bench', benchmark: 'stream', task: { name: 'stream', version: 1, args: {} },
    plan: { solver: { name: 'constant', params: {} }, scorers: [] }, models: {}, solverName: 'constant', epochs: 1, seed: 0,
    generateConfig: {}, groupBy: [], versions: { medkit: 'bench', node: process.version }, created: '',
  };
  const directory = mkdtempSync(join(tmpdir(), 'medkit-bench-'));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const summary = await runTask(task, { roles: {}, spec, concurrency: 64, outDir: join(directory, 'run') });
  clearInterval(sampler);
  rmSync(directory, { recursive: true, force: true });
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  return { peakRssMb: peak / 2 ** 20, unitsPerSecond: summary.timing.unitsPerSecond };
}

const server = await startLoopbackServer({ record: false });
try {
  await rawCapacity(server.baseURL, 500); // warm up both sides
  const raw = await rawCapacity(server.baseURL, units);
  const evalRate = await evalThroughput(server.baseURL);
  console.log(`raw_requests_per_s=${raw.toFixed(0)}`);
  console.log(`eval_units_per_s=${evalRate.toFixed(0)} (medmcq-mini, openai provider, concurrency ${concurrency}, cache off)`);
  console.log(`ratio_vs_raw=${(evalRate / raw).toFixed(2)} (goal >= 0.8)`);
} finally {
  await server.close();
}
if (sampleCount > 0) {
  const memory = await streamingMemory();
  console.log(`stream_samples=${sampleCount} units_per_s=${memory.unitsPerSecond.toFixed(0)} peak_rss_mb=${memory.peakRssMb.toFixed(0)} (goal < 300)`);
}
