// bench/queue: units/s of a queued run (a coordinator + N workers at concurrency c each, on a private
// redis-server) against one local process at concurrency N·c, both against the loopback model server with
// 50 ms latency and a server-side cap on requests in progress (extra requests wait at the server). Goal: the
// queue reaches ≥ 0.9 of the local rate up to the cap. Then the queue's own cost per unit: Redis commands per
// unit (INFO commandstats) and units/s of zero-work units (no model, 0 ms solver) through one worker.
// Rates come from summary.json's timing (the run itself, not process start-up). Everything runs on this
// machine, so workers and the local process compete for the same cores.
// Usage: node --import tsx bench/queue.ts [--units 400] [--c 4] [--cap 10]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, redisServerPath, spawnMedkit, startRedis, waitUntil } from '../test/queue/harness.js';
import { startLoopbackServer } from '../test/support/loopback-server.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const units = argument('units', 400);
const c = argument('c', 4);
const cap = argument('cap', 10);
const latencyMs = 50;

const redisPath = redisServerPath();
if (!redisPath) {
  console.error('bench/queue: redis-server is not installed (apt-get install redis-server)');
  process.exit(1);
}
const redis = await startRedis(redisPath);
const dir = mkdtempSync(join(tmpdir(), 'medkit-bench-queue-'));
let inProgress = 0;
const waiting: (() => void)[] = [];
const server = await startLoopbackServer({
  record: false,
  // The server-side cap: at most `cap` requests are worked on at once, each for `latencyMs`.
  script: async () => {
    if (inProgress >= cap) await new Promise<void>((resolve) => waiting.push(resolve));
    inProgress++;
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    inProgress--;
    waiting.shift()?.();
    return 'ok';
  },
});
const env = { OPENAI_API_KEY: 'sk-bench' };
const model = ['--model', 'openai:m', '--base-url', server.baseURL, '--no-cache', '--arg', `count=${units}`];

function rateOf(out: string): number {
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  if (summary.status !== 'complete') throw new Error(`${out}: ${summary.status}: ${summary.notes.join('; ')}`);
  return summary.counts.units / (summary.timing.durationMs / 1000);
}

async function local(concurrency: number, name: string, extra: string[] = model): Promise<number> {
  const out = join(dir, name);
  const run = spawnMedkit(['eval', fixture, ...extra, '-c', String(concurrency), '--out', out], env);
  if ((await run.exited) !== 0) throw new Error(run.output());
  return rateOf(out);
}

async function queued(workers: number, name: string, extra: string[] = model): Promise<number> {
  const queue = ['--queue', redis.url, '--queue-name', name];
  const started = Array.from({ length: workers }, () =>
    spawnMedkit(['worker', ...queue, '-c', String(c), '--no-cache'], env),
  );
  await waitUntil(() => started.every((w) => /taking units/.test(w.output())), 120_000, 'workers to start');
  const out = join(dir, name);
  const run = spawnMedkit(['eval', fixture, ...queue, ...extra, '--out', out], env);
  const code = await run.exited;
  for (const worker of started) worker.kill9();
  if (code !== 0) throw new Error(run.output());
  return rateOf(out);
}

async function redisCommands(): Promise<number> {
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port: redis.port });
  const info = await client.info('commandstats');
  client.disconnect();
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

try {
  console.log(`bench/queue: ${units} units, ${latencyMs} ms latency, server cap ${cap} requests at once, c = ${c}`);
  const rows: string[] = [];
  for (const n of [1, 2, 3]) {
    const localRate = await local(n * c, `local-${n}`);
    const before = await redisCommands();
    const queueRate = await queued(n, `queue-${n}`);
    const perUnit = ((await redisCommands()) - before) / units;
    const ideal = Math.min(n * c, cap) * (1000 / latencyMs);
    rows.push(
      `| ${n} × c=${c} | ${n * c} | ${ideal.toFixed(0)} | ${localRate.toFixed(1)} | ${queueRate.toFixed(1)} | ` +
        `**${(queueRate / localRate).toFixed(2)}** | ${perUnit.toFixed(1)} |`,
    );
    console.log(rows.at(-1));
  }
  // The queue's own cost: zero-work units (the baseline solver, no model) through one worker.
  const before = await redisCommands();
  const bare = await queued(1, 'bare', ['--arg', `count=${units}`]);
  const perUnit = ((await redisCommands()) - before) / units;
  const bareLocal = await local(c, 'bare-local', ['--arg', `count=${units}`]);
  console.log(
    '\n| workers | local concurrency | ideal units/s | local units/s | queued units/s | ratio | Redis cmds/unit |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\nzero-work units through one worker (c=${c}): ${bare.toFixed(1)} units/s ` +
      `(${(1000 / bare).toFixed(2)} ms per unit of queue overhead at c=${c}), ${perUnit.toFixed(1)} Redis commands per unit; ` +
      `the same units in one local process at c=${c}: ${bareLocal.toFixed(1)} units/s`,
  );
} finally {
  await server.close();
  redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
