// Runner behaviour behind the everyday CLI: a server that is down fails fast, identical requests in
// flight are sent once, --shuffle makes a limited MIRAGE run cover every subset, progress has an ETA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { ProviderCallError, type GenerateRequest } from '../../src/core/index.js';
import { openaiModel } from '../../src/models/openai.js';
import { systemErrorCode } from '../../src/models/provider-errors.js';
import { scriptedModel } from '../../src/models/scripted.js';
import { DEFAULT_RETRY_POLICY, withRetry } from '../../src/runner/middleware.js';
import { createProgress, progressText } from '../../src/runner/progress.js';
import { ErrorTally } from '../../src/runner/error-tally.js';
import { errorsExceedAllowance, parseFailOnError } from '../../src/cli/outcome.js';
import { runEval } from '../../src/eval.js';

const temporary = () => mkdtempSync(join(tmpdir(), 'medkit-runner-'));
const ask: GenerateRequest = { messages: [{ role: 'user', content: 'hi' }], config: {} };

async function closedPortURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

test('connection refused: the message names the URL and what to check, and the error carries its code', async () => {
  const baseURL = await closedPortURL();
  const error = await openaiModel({ model: 'm', baseURL })
    .doGenerate(ask, new AbortController().signal)
    .then(
      () => assert.fail('a closed port answered'),
      (caught: unknown) => caught,
    );
  assert.ok(error instanceof ProviderCallError);
  assert.equal(error.connectionCode, 'ECONNREFUSED');
  assert.match(
    error.message,
    new RegExp(`could not reach ${baseURL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: connection refused`),
  );
  assert.match(error.message, /Is the server running.*--base-url or OPENAI_BASE_URL/);
});

test("fetch's blocked ports (9, 25...) and DNS failures are recognised under the SDK's wrapping", () => {
  assert.equal(systemErrorCode(new TypeError('fetch failed', { cause: new Error('bad port') })), 'EBADPORT');
  const dns = Object.assign(new Error('getaddrinfo ENOTFOUND no-such-host.invalid'), { code: 'ENOTFOUND' });
  assert.equal(
    systemErrorCode(new Error('Connection error.', { cause: new TypeError('fetch failed', { cause: dns }) })),
    'ENOTFOUND',
  );
  const both = new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]);
  assert.equal(systemErrorCode(new TypeError('fetch failed', { cause: both })), 'ECONNREFUSED');
  assert.equal(systemErrorCode(new Error('something else')), undefined);
});

test('an unreachable server gets two quick retries, not the full backoff (a 503 still gets all of them)', async () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 1, unreachableDelayMs: 1 };
  let calls = 0;
  const refused = new ProviderCallError('openai', undefined, 'could not reach', { connectionCode: 'ECONNREFUSED' });
  await assert.rejects(
    withRetry(policy)(ask, new AbortController().signal, async () => {
      calls++;
      throw refused;
    }),
    /could not reach/,
  );
  assert.equal(calls, 3, 'one try and two retries');
  calls = 0;
  await assert.rejects(
    withRetry(policy)(ask, new AbortController().signal, async () => {
      calls++;
      throw new ProviderCallError('openai', 503, 'busy');
    }),
  );
  assert.equal(calls, DEFAULT_RETRY_POLICY.maxRetries + 1);
});

test('identical deterministic requests in flight at once are sent once: 42 questions × 20 epochs send 42', async () => {
  const directory = temporary();
  const model = scriptedModel(async () => {
    await delay(5); // requests overlap, as against a real server
    return 'ANSWER: A';
  });
  const summary = await runEval({
    benchmark: 'medmcq-mini',
    models: { agent: model },
    epochs: 20,
    concurrency: 8,
    cacheDir: join(directory, 'cache'),
  });
  assert.equal(summary.counts.units, 840);
  assert.equal(summary.counts.errors, 0);
  assert.equal(model.calls.length, 42);
  assert.equal(summary.usage.agent?.calls, 840);
  assert.equal(summary.usage.agent?.cachedCalls, 840 - 42);
});

const MIRAGE = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'mirage', 'benchmark.json');

test('--shuffle: --limit 200 on MIRAGE covers all five subsets, and the spec and summary record the seed', async (context) => {
  if (!existsSync(MIRAGE)) return context.skip(`${MIRAGE} is absent (shared data folder)`);
  const directory = temporary();
  const plain = await runEval({ benchmark: 'mirage', limit: 200, cache: false });
  assert.deepEqual(Object.keys(plain.groups.subset ?? {}), ['medqa']);
  const shuffled = await runEval({
    benchmark: 'mirage',
    limit: 200,
    shuffle: 7,
    outDir: join(directory, 'run'),
    cache: false,
  });
  assert.deepEqual(Object.keys(shuffled.groups.subset ?? {}).sort(), [
    'bioasq',
    'medmcqa',
    'medqa',
    'mmlu',
    'pubmedqa',
  ]);
  assert.equal(shuffled.counts.samples, 200);
  assert.equal(shuffled.shuffle, 7);
  assert.equal(JSON.parse(readFileSync(join(directory, 'run', 'spec.json'), 'utf8')).shuffle, 7);
  const again = await runEval({ benchmark: 'mirage', limit: 200, shuffle: 7, cache: false });
  assert.deepEqual(again.groups.subset, shuffled.groups.subset, 'the same seed draws the same samples');
});

test('progress: done/total, rate and ETA; plain lines off a TTY', () => {
  assert.equal(progressText(50, 100, 1, 10), '50/100 units (50%), 1 errors, 5.0/s, ETA 10 s');
  assert.equal(progressText(5, undefined, 0, 1), '5 units, 0 errors, 5.0/s');
  let clock = 0;
  const written: string[] = [];
  const stream = { isTTY: false, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  const progress = createProgress(stream, 'demo', { now: () => clock, plainEverySeconds: 10 });
  progress.start(1000);
  clock = 1000;
  progress.update(10, 0);
  clock = 2000;
  progress.update(20, 0); // within 10 s of the last line: no line
  clock = 61_000;
  progress.update(600, 2);
  assert.deepEqual(written, [
    'demo: starting, 1000 units\n',
    'demo: 10/1000 units (1%), 0 errors, 10.0/s, ETA 1 min 39 s\n',
    'demo: 600/1000 units (60%), 2 errors, 9.8/s, ETA 41 s\n',
  ]);
});

test('errors are tallied by message, most frequent first', () => {
  const tally = new ErrorTally();
  for (const message of ['b', 'a', 'b', 'c\nstack line', 'b', 'c']) tally.add(message);
  assert.deepEqual(tally.top(2), [
    { message: 'b', count: 3 },
    { message: 'c', count: 2 },
  ]);
});

test("--fail-on-error follows inspect_ai's fail_on_error shapes", () => {
  assert.equal(errorsExceedAllowance(0, 10, true), false);
  assert.equal(errorsExceedAllowance(1, 10, true), true);
  assert.equal(errorsExceedAllowance(9, 10, false), false);
  assert.equal(errorsExceedAllowance(1, 10, 0.2), false);
  assert.equal(errorsExceedAllowance(2, 10, 0.2), true);
  assert.equal(errorsExceedAllowance(4, 10, 5), false);
  assert.equal(errorsExceedAllowance(5, 10, 5), true);
  assert.equal(parseFailOnError('0.1'), 0.1);
  assert.equal(parseFailOnError('false'), false);
  assert.throws(() => parseFailOnError('-1'), /--fail-on-error expects/);
  assert.throws(() => parseFailOnError('lots'), /got 'lots'/);
});
