// A coordinator and worker processes on 127.0.0.1 with a private redis-server: every unit exactly once in
// samples.jsonl through ≥ 10 kill -9 of workers mid-unit, a coordinator killed and resumed, and a Redis
// restart that loses the whole queue.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  duplicates,
  fixture,
  killAll,
  readLines,
  redisServerPath,
  spawnMedkit,
  startRedis,
  waitUntil,
  type MedkitProcess,
  type RedisServer,
} from './harness.js';

const redisPath = redisServerPath();
const skip = redisPath
  ? false
  : 'redis-server is not installed (apt-get install redis-server); the queue tests need it';

describe('queued runs survive faults', { skip, timeout: 240_000 }, () => {
  let redis: RedisServer;
  let dir: string;
  before(async () => {
    redis = await startRedis(redisPath!);
    dir = mkdtempSync(join(tmpdir(), 'medkit-queue-'));
  });
  after(() => {
    killAll();
    redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const worker = (queue: string, extra: string[] = [], env: Record<string, string> = {}) =>
    spawnMedkit(
      [
        'worker',
        '--queue',
        redis.url,
        '--queue-name',
        queue,
        '-c',
        '2',
        '--lock-ms',
        '3000',
        '--max-stalls',
        '50',
        ...extra,
      ],
      { MEDKIT_QUEUE_TRACE: '1', ...env },
    );

  test('≥ 10 random kill -9 of workers mid-unit: every unit exactly once, none lost, no error', async () => {
    const out = join(dir, 'kills');
    const count = 60;
    const coordinator = spawnMedkit([
      'eval',
      fixture,
      '--queue',
      redis.url,
      '--queue-name',
      'kills',
      '--out',
      out,
      '--arg',
      `count=${count}`,
      '--arg',
      'delayMs=400',
      '--no-cache',
    ]);
    const workers: MedkitProcess[] = [worker('kills'), worker('kills'), worker('kills')];
    let kills = 0;
    // Kill a worker a random moment after it started a unit (so mid-unit), then start a new one.
    while (kills < 10) {
      if (coordinator.exitCode() !== undefined) break;
      const index = workers.findIndex((w) => /unit-start/.test(w.output()));
      if (index < 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
      workers[index]!.kill9();
      await workers[index]!.exited;
      kills++;
      workers[index] = worker('kills');
    }
    const code = await coordinator.exited;
    assert.equal(kills >= 10, true, `only ${kills} kills before the run ended:\n${coordinator.output()}`);
    assert.equal(code, 0, coordinator.output());
    const lines = readLines(join(out, 'samples.jsonl'));
    assert.deepEqual(duplicates(lines), []);
    assert.equal(lines.length, count);
    assert.deepEqual(
      lines.filter((line) => line.error !== null),
      [],
    );
    for (const line of lines) assert.equal(line.output, String(Number(line.id.slice(1)) + 1));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'complete');
    assert.equal(summary.counts.units, count);
    for (const w of workers) w.kill9();
  });

  test('a killed coordinator resumes from the log, and a Redis restart (queue lost) is re-enqueued', async () => {
    const out = join(dir, 'restarts');
    const count = 40;
    const args = ['--queue', redis.url, '--queue-name', 'restarts', '--no-cache'];
    const workers = [worker('restarts'), worker('restarts')];
    const first = spawnMedkit([
      'eval',
      fixture,
      ...args,
      '--out',
      out,
      '--arg',
      `count=${count}`,
      '--arg',
      'delayMs=300',
    ]);
    const samples = join(out, 'samples.jsonl');
    await waitUntil(() => readLines(samples).length >= 8, 90_000, '8 lines before the coordinator is killed');
    first.kill9();
    await first.exited;
    const before = readLines(samples).length;
    assert.ok(before < count, 'the coordinator was killed before the run ended');
    // Workers go on while no coordinator runs; their results wait in Redis for the resumed coordinator.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const second = spawnMedkit(['eval', '--resume', out, ...args]);
    await waitUntil(
      () => readLines(samples).length >= before + 4 || second.exitCode() !== undefined,
      90_000,
      'the resumed coordinator to write lines',
    );
    const beforeRestart = readLines(samples).length;
    await redis.restart();
    const code = await second.exited;
    assert.equal(code, 0, second.output());
    const lines = readLines(samples);
    assert.deepEqual(duplicates(lines), []);
    assert.equal(lines.length, count);
    assert.deepEqual(
      lines.filter((line) => line.error !== null),
      [],
    );
    assert.ok(beforeRestart < count || second.exitCode() !== undefined);
    for (const w of workers) w.kill9();
  });
});
