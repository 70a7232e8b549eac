// Queued runs against a loopback model server and broken workers: a shared rate limit (measured on the
// server) with a 429's Retry-After honoured by every worker, `medkit queue status`, a unit that fails on
// every try recorded as an error, an unreadable image, embedded data that differs, a version mismatch.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { parseRedisUrl } from '../../src/queue/connection.js';
import { keys } from '../../src/queue/protocol.js';
import { limitScope } from '../../src/queue/rate-limit.js';
import {
  duplicates,
  fixture,
  killAll,
  readLines,
  redisServerPath,
  spawnMedkit,
  startRedis,
  waitUntil,
  type RedisServer,
} from './harness.js';

const redisPath = redisServerPath();
const skip = redisPath
  ? false
  : 'redis-server is not installed (apt-get install redis-server); the queue tests need it';

test('--queue URLs are checked with a message naming the part', () => {
  assert.deepEqual(
    { ...parseRedisUrl('redis://10.0.0.5:6390/2') },
    { host: '10.0.0.5', port: 6390, db: 2, tls: false, display: 'redis://10.0.0.5:6390/2' },
  );
  assert.equal(parseRedisUrl('redis://u:secret@h').display, 'redis://h:6379/0'); // no password in messages
  assert.throws(() => parseRedisUrl('localhost:6379'), /not a redis:\/\/ or rediss:\/\/ URL/);
  assert.throws(() => parseRedisUrl('redis://h:6379/x'), /the database in 'redis:\/\/h:6379\/x' is not a number/);
});

describe('queued runs: limits, status and broken units', { skip, timeout: 240_000 }, () => {
  let redis: RedisServer;
  let dir: string;
  let server: LoopbackServer;
  before(async () => {
    redis = await startRedis(redisPath!);
    dir = mkdtempSync(join(tmpdir(), 'medkit-queue-'));
    server = await startLoopbackServer({ script: (turn) => `echo ${turn.lastUserText.length}`, latencyMs: 20 });
  });
  after(async () => {
    killAll();
    redis?.stop();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('three workers share one rate limit (never above it on the server) and a 429 pauses all of them', async () => {
    const times: number[] = [];
    let pausedAt = 0;
    server.setFaults((request) => {
      times.push(Date.now());
      if (request.index === 6) {
        pausedAt = Date.now();
        return { type: 'rate-limit', retryAfter: '2' };
      }
      return null;
    });
    const out = join(dir, 'rate');
    const queue = ['--queue', redis.url, '--queue-name', 'rate'];
    const env = { OPENAI_API_KEY: 'sk-test-queue' };
    const workers = [0, 1, 2].map(() => spawnMedkit(['worker', ...queue, '-c', '4', '--no-cache'], env));
    const coordinator = spawnMedkit(
      [
        'eval',
        fixture,
        ...queue,
        '--out',
        out,
        '--model',
        'openai:m',
        '--base-url',
        server.baseURL,
        '--arg',
        'count=24',
        '--rate-limit',
        '4',
        '--no-cache',
      ],
      env,
    );
    // The limiter's own log (admission times on Redis's clock), read while it lives: the exact check.
    const { Redis } = await import('ioredis');
    const client = new Redis({ port: parseRedisUrl(redis.url).port, host: '127.0.0.1' });
    const admitted = new Map<string, number>();
    const logKey = keys.limit(limitScope('openai:m', server.baseURL), 'requests');
    const reader = setInterval(async () => {
      const entries = await client.zrange(logKey, '0', '-1', 'WITHSCORES').catch(() => [] as string[]);
      for (let i = 0; i < entries.length; i += 2) admitted.set(entries[i]!, Number(entries[i + 1]));
    }, 150);
    await waitUntil(() => times.length >= 3 || coordinator.exitCode() !== undefined, 90_000, 'the first requests');
    const status = spawnMedkit(['queue', 'status', '--queue', redis.url, '--queue-name', 'rate', '--json']);
    assert.equal(await status.exited, 0, status.output());
    const seen = JSON.parse(status.output().slice(status.output().indexOf('{')));
    assert.equal(seen.workers.length, 3);
    assert.equal(seen.queue, 'rate');
    // On a loaded machine the run may have ended while status started; then the run is gone from the queue.
    if (coordinator.exitCode() === undefined && seen.runs.length > 0)
      assert.equal(seen.runs[0].benchmark, 'queue-fixture');
    assert.equal(await coordinator.exited, 0, coordinator.output());
    clearInterval(reader);
    client.disconnect();
    const admissions = [...admitted.values()].sort((a, b) => a - b);
    assert.equal(admissions.length, 25);
    for (let i = 4; i < admissions.length; i++)
      assert.ok(admissions[i]! - admissions[i - 4]! >= 1000, `admissions ${i - 4}..${i} within a second`);
    const lines = readLines(join(out, 'samples.jsonl'));
    assert.equal(lines.length, 24);
    assert.deepEqual(duplicates(lines), []);
    assert.equal(times.length, 25); // 24 units + the one 429
    // On the server: the limiter admits on Redis's clock just before each request (checked exactly above); the
    // server sees each one after its client's delivery delay, which 2 cores at load 40 stretch by 400 ms and more.
    // So here: the mean rate is within the limit, and no second holds twice the limit (three unshared workers at 4/s
    // each would send 12). Nothing arrives in the 2 s after the 429.
    const meanRate = (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
    assert.ok(meanRate <= 4, `mean rate ${meanRate.toFixed(2)}/s on the server`);
    for (let i = 8; i < times.length; i++)
      assert.ok(times[i]! - times[i - 8]! >= 1000, `requests ${i - 8}..${i} came within one second`);
    // Requests admitted before the 429 reached its worker may still arrive (500 ms of delivery); none after that.
    const during = times.filter((time) => time > pausedAt + 500 && time < pausedAt + 1900).map((t) => t - pausedAt);
    assert.deepEqual(during, [], 'requests (ms after the 429) while the server had asked every client to wait');
    // On the limiter's log: a gap of the Retry-After (less the 429's own round trip) in admissions.
    const gaps = admissions.slice(1).map((time, i) => time - admissions[i]!);
    assert.ok(Math.max(...gaps) >= 1700, `no pause in the admissions: gaps ${gaps.join(', ')} ms`);
    const sentKey = readFileSync(join(out, 'samples.jsonl'), 'utf8').includes('sk-test-queue');
    assert.equal(sentKey, false);
    for (const worker of workers) worker.kill9();
  });

  test('a unit that kills its worker every time, an unreadable image and differing data are recorded as errors', async () => {
    const out = join(dir, 'broken');
    const queue = ['--queue', redis.url, '--queue-name', 'broken'];
    const coordinator = spawnMedkit([
      'eval',
      fixture,
      ...queue,
      '--out',
      out,
      '--arg',
      'count=8',
      '--arg',
      'crashId=s3',
      '--arg',
      `imagePath=${join(dir, 'missing', 'scan.png')}`,
      '--no-fail-on-error',
    ]);
    // One worker at a time, started again whenever unit s3 kills it (after 2 lost workers it fails for good).
    let starts = 0;
    while (coordinator.exitCode() === undefined) {
      // Concurrency 1: only the crashing unit is lost with its worker.
      const worker = spawnMedkit(['worker', ...queue, '-c', '1', '--lock-ms', '2000', '--max-stalls', '1'], {
        QUEUE_FIXTURE_VARIANT: 'b',
      });
      starts++;
      await Promise.race([worker.exited, coordinator.exited]);
      worker.kill9();
      assert.ok(starts <= 6, `s3 was not given up after ${starts} workers:\n${coordinator.output()}`);
    }
    assert.equal(await coordinator.exited, 0, coordinator.output());
    const lines = readLines(join(out, 'samples.jsonl'));
    assert.equal(lines.length, 8);
    assert.deepEqual(duplicates(lines), []);
    const errors = Object.fromEntries(lines.filter((line) => line.error !== null).map((line) => [line.id, line.error]));
    assert.deepEqual(Object.keys(errors).sort(), ['s2', 's3', 's5']);
    assert.match(
      errors.s3!,
      /queue: the unit failed on workers \(\d+ failed tries, \d+ workers lost running it\): .*stalled/,
    );
    assert.match(errors.s5!, /cannot read .*missing\/scan\.png \(ENOENT\): user files must be at the same path/);
    assert.match(errors.s2!, /embedded sample s2 differs from the coordinator's \(content hash/);
  });

  test('a worker of another medkit version refuses the run and exits 2', async () => {
    const { Queue } = await import('bullmq');
    const { port } = parseRedisUrl(redis.url);
    const queue = new Queue('versions', { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null } });
    await queue.add('unit', {
      runId: 'r-old',
      medkit: '0.0.1-old',
      id: 's0',
      epoch: 1,
      sample: {},
      sampleHash: '',
      embedded: false,
    });
    const worker = spawnMedkit(['worker', '--queue', redis.url, '--queue-name', 'versions']);
    const code = await worker.exited;
    await queue.close();
    assert.equal(code, 2, worker.output());
    assert.match(worker.output(), /runs medkit \d+\.\d+\.\d+ but run r-old was started by medkit 0\.0\.1-old: refused/);
  });
});
