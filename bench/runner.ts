// bench/runner: (1) samples/s of runEval against the loopback server with zero latency at
// concurrency 64, against that server's raw capacity measured by a bare client loop in the same
// run (ratio_vs_raw; goal ≥ 0.8), and the openai SDK alone on the same server (sdk_vs_raw), so the
// share of the gap that is the SDK's and the share that is medkit's can be told apart; (2) peak RSS while streaming 1,000,000 generated samples through
// a trivial solver with a run directory (goal < 300 MB).
// The memory part runs in child processes of their own, so a peak RSS is not the throughput part's
// (the loopback server, thousands of requests of garbage). Two variants: the runner alone (what
// streams the samples), and with every benchmark module loaded first as `medkit eval` does; an
// idle child of each kind gives its floor. Heavy modules are imported only where they are used.
// Usage: node --import tsx bench/runner.ts [--units 3000] [--samples 1000000] [--memory-only]
import { execFileSync, spawnSync } from 'node:child_process';
import type OpenAI from 'openai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_FORMAT_VERSION, solverFrom, type RunSpec, type Sample, type Task } from '../src/core/index.js';
import { runTask } from '../src/runner/run-task.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const concurrency = 64;
const units = argument('units', 3000);
const sampleCount = argument('samples', 1_000_000);

// The throughput part measures the compiled dist/ (what `medkit eval` and library users run) when it is up to
// date, else the sources through tsx (slower per unit: tsx's generated code), and says which.
const repo = join(import.meta.dirname, '..');
const distIsFresh =
  existsSync(join(repo, 'dist', '.build-stamp')) &&
  !/running the sources/.test(
    spawnSync(process.execPath, [join(repo, 'bin', 'medkit.js'), '--help'], { encoding: 'utf8' }).stderr,
  );
type EvalModule = typeof import('../src/eval.js');
const importEval = (): Promise<EvalModule> =>
  distIsFresh ? import(join(repo, 'dist', 'eval.js')) : import('../src/eval.js');

/** The exact chat request medkit sends for a medmcq-mini unit, so all three loops ask the same. */
async function medkitRequestBody(): Promise<Record<string, unknown>> {
  const { startLoopbackServer } = await import('../test/support/loopback-server.js');
  const { runEval } = await importEval();
  const recorder = await startLoopbackServer();
  try {
    await runEval({
      benchmark: 'medmcq-mini',
      models: { agent: 'openai:bench' },
      provider: { baseURL: recorder.baseURL, apiKey: 'x' },
      limit: 1,
      cache: false,
      progress: 'none',
    });
    return recorder.requests[0]!.body as Record<string, unknown>;
  } finally {
    await recorder.close();
  }
}
let requestBody: Record<string, unknown> = {};

async function rawCapacity(baseURL: string, requests: number): Promise<number> {
  const body = JSON.stringify(requestBody);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) {
        const response = await fetch(`${baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
          body,
        });
        await response.json();
      }
    }),
  );
  return requests / ((performance.now() - started) / 1000);
}

/** The same server driven by the openai SDK alone (what the provider is built on), no medkit. */
async function sdkCapacity(baseURL: string, requests: number): Promise<number> {
  const { default: OpenAIClient } = await import('openai');
  const client = new OpenAIClient({ baseURL, apiKey: 'x', maxRetries: 0 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) {
        await client.chat.completions.create(requestBody as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
      }
    }),
  );
  return requests / ((performance.now() - started) / 1000);
}

async function evalThroughput(baseURL: string, count = units): Promise<number> {
  const epochs = Math.ceil(count / 42);
  const { runEval } = await importEval();
  const outDir = join(mkdtempSync(join(tmpdir(), 'medkit-bench-')), 'run');
  const summary = await runEval({
    benchmark: 'medmcq-mini',
    models: { agent: 'openai:bench' },
    provider: { baseURL, apiKey: 'x' },
    epochs,
    concurrency,
    cache: false,
    outDir,
    progress: 'none',
  });
  rmSync(outDir, { recursive: true, force: true });
  return summary.counts.units / (summary.timing.durationMs / 1000);
}

async function streamingMemory(): Promise<{ peakRssMb: number; unitsPerSecond: number }> {
  function* samples(): Generator<Sample> {
    for (let index = 0; index < sampleCount; index++)
      yield { id: `g${index}`, input: `question ${index}`, target: index % 3 === 0 ? 'a' : 'b' };
  }
  const task: Task = {
    name: 'stream',
    version: 1,
    dataset: samples,
    epochs: 1,
    args: {},
    solver: solverFrom('constant', {}, async (state) => ((state.output = { ...state.output, text: 'a' }), state)),
    scorers: [
      {
        name: 'match',
        params: {},
        async score(state) {
          return { value: state.output.text === state.sample.target ? 1 : 0 };
        },
      },
    ],
  };
  const spec: RunSpec = {
    logFormat: LOG_FORMAT_VERSION,
    runId: 'bench',
    benchmark: 'stream',
    task: { name: 'stream', version: 1, args: {} },
    plan: { solver: { name: 'constant', params: {} }, scorers: [] },
    models: {},
    solverName: 'constant',
    epochs: 1,
    seed: 0,
    generateConfig: {},
    groupBy: [],
    versions: { medkit: 'bench', node: process.version },
    created: '',
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

function inChild(mode: 'stream' | 'idle', withRegistry: boolean): string {
  const args = [
    '--import',
    'tsx',
    process.argv[1]!,
    `--child-${mode}`,
    '--samples',
    String(sampleCount),
    ...(withRegistry ? ['--with-registry'] : []),
  ];
  return execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 }).trim();
}

// The registry is lazy: load every benchmark module, as the old eager registry did (a `medkit eval` now loads one).
if (process.argv.includes('--with-registry')) await (await import('../src/registry.js')).loadBenchmarks();
if (process.argv.includes('--child-idle')) {
  // Same modules loaded as the streaming child, nothing run.
  console.log(`peak_rss_mb=${((process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(0)}`);
  process.exit(0);
}
if (process.argv.includes('--child-stream')) {
  const memory = await streamingMemory();
  console.log(`units_per_s=${memory.unitsPerSecond.toFixed(0)} peak_rss_mb=${memory.peakRssMb.toFixed(0)}`);
  process.exit(0);
}

const server = process.argv.includes('--memory-only')
  ? undefined
  : await (await import('../test/support/loopback-server.js')).startLoopbackServer({ record: false });
if (server)
  try {
    console.log(
      distIsFresh
        ? 'measuring dist/ (compiled)'
        : 'measuring src/ through tsx: dist/ is missing or older than src/ (npm run build to measure what users run)',
    );
    requestBody = await medkitRequestBody();
    // Both sides are warmed up (JIT, connection pool) and then measured in alternating rounds; the
    // medians are compared, because one round on a shared machine can be off by 30%.
    await rawCapacity(server.baseURL, 500);
    await sdkCapacity(server.baseURL, 500);
    await evalThroughput(server.baseURL, 500);
    const raws: number[] = [];
    const sdks: number[] = [];
    const evals: number[] = [];
    for (let round = 0; round < 3; round++) {
      raws.push(await rawCapacity(server.baseURL, units));
      sdks.push(await sdkCapacity(server.baseURL, units));
      evals.push(await evalThroughput(server.baseURL));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const raw = median(raws);
    const evalRate = median(evals);
    console.log(`raw_requests_per_s=${raw.toFixed(0)} (rounds: ${raws.map((value) => value.toFixed(0)).join(', ')})`);
    console.log(
      `eval_units_per_s=${evalRate.toFixed(0)} (rounds: ${evals.map((value) => value.toFixed(0)).join(', ')}; medmcq-mini, openai provider, concurrency ${concurrency}, cache off)`,
    );
    console.log(
      `sdk_requests_per_s=${median(sdks).toFixed(0)} (rounds: ${sdks.map((value) => value.toFixed(0)).join(', ')}; the openai SDK alone, no medkit)`,
    );
    console.log(
      `ratio_vs_raw=${(evalRate / raw).toFixed(2)} (goal >= 0.85); sdk_vs_raw=${(median(sdks) / raw).toFixed(2)}; eval_vs_sdk=${(evalRate / median(sdks)).toFixed(2)}`,
    );
  } finally {
    await server.close();
  }
if (sampleCount > 0) {
  for (const withRegistry of [false, true]) {
    const label = withRegistry ? 'runner + all benchmark modules' : 'runner only';
    console.log(`idle_child (${label}) ${inChild('idle', withRegistry)}`);
    console.log(`stream_samples=${sampleCount} (${label}) ${inChild('stream', withRegistry)} (goal < 300)`);
  }
}
