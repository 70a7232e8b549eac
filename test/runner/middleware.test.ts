import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProviderCallError,
  TimeoutError,
  type GenerateRequest,
  type Model,
  type ModelOutput,
} from '../../src/core/index.js';
import { composeMiddleware, RateGate, withGate, withRetry, withTimeout } from '../../src/runner/middleware.js';

const request: GenerateRequest = { messages: [{ role: 'user', content: 'hi' }], config: {} };
const ok: ModelOutput = { text: 'ok', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };

function failingModel(failures: (Error | 'hang')[]): Model & { calls: number } {
  const model = {
    specificationVersion: 'v1' as const,
    provider: 'test',
    modelId: 'm',
    calls: 0,
    async doGenerate(_request: GenerateRequest, signal?: AbortSignal) {
      const failure = failures[model.calls++];
      if (failure === 'hang') {
        return new Promise<ModelOutput>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
      }
      if (failure) throw failure;
      return ok;
    },
  };
  return model;
}

const fast = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000 };

test('429 and 5xx are retried; the 429 waits its Retry-After', async () => {
  const model = failingModel([
    new ProviderCallError('test', 429, 'slow down', { retryAfterMs: 120 }),
    new ProviderCallError('test', 503, 'busy'),
  ]);
  const delays: number[] = [];
  const step = composeMiddleware(model, [withRetry({ ...fast, onRetry: ({ delayMs }) => delays.push(delayMs) })]);
  const output = await step(request, new AbortController().signal);
  assert.equal(output.text, 'ok');
  assert.equal(model.calls, 3);
  assert.equal(delays[0], 120);
  assert.ok(delays[1]! <= 2, 'the 5xx backoff is the jittered base delay');
});

test('a 400 is not retried, and retries stop at the cap', async () => {
  const bad = failingModel([new ProviderCallError('test', 400, 'bad request')]);
  await assert.rejects(composeMiddleware(bad, [withRetry(fast)])(request, new AbortController().signal), /400/);
  assert.equal(bad.calls, 1);
  const always = failingModel(Array.from({ length: 10 }, () => new ProviderCallError('test', 500, 'down')));
  await assert.rejects(composeMiddleware(always, [withRetry(fast)])(request, new AbortController().signal), /500/);
  assert.equal(always.calls, 4, 'one call plus three retries');
});

test('a hanging call times out and is retried', async () => {
  const model = failingModel(['hang']);
  const step = composeMiddleware(model, [withRetry(fast), withTimeout(50)]);
  const output = await step(request, new AbortController().signal);
  assert.equal(output.text, 'ok');
  assert.equal(model.calls, 2);
  const never = failingModel(['hang', 'hang', 'hang', 'hang']);
  await assert.rejects(
    composeMiddleware(never, [withRetry({ ...fast, maxRetries: 1 }), withTimeout(20)])(
      request,
      new AbortController().signal,
    ),
    TimeoutError,
  );
});

test('after a 429 the gate holds other requests until Retry-After has passed', async () => {
  const gate = new RateGate(4);
  gate.pauseFor(80);
  const started = Date.now();
  await gate.wait();
  assert.ok(Date.now() - started >= 70);
});

test('the gate bounds connections', async () => {
  const gate = new RateGate(2);
  let active = 0;
  let peak = 0;
  const model: Model = {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'm',
    async doGenerate() {
      peak = Math.max(peak, ++active);
      await new Promise((resolve) => setTimeout(resolve, 10));
      active--;
      return ok;
    },
  };
  const step = composeMiddleware(model, [withGate(gate)]);
  await Promise.all(Array.from({ length: 8 }, () => step(request, new AbortController().signal)));
  assert.equal(peak, 2);
});

test('the cache: deterministic calls hit across epochs; sampled calls only when asked, keyed by the epoch', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { ResponseCache, withCache } = await import('../../src/runner/cache.js');
  const cache = new ResponseCache(join(mkdtempSync(join(tmpdir(), 'medkit-cache-')), 'responses.sqlite'));
  try {
    const model = failingModel([]);
    const deterministic = composeMiddleware(model, [withCache(cache, model)]);
    const signal = new AbortController().signal;
    await deterministic(request, signal, { sampleId: 's1', epoch: 1 });
    const again = await deterministic(request, signal, { sampleId: 's1', epoch: 2 });
    assert.equal(model.calls, 1);
    assert.equal(again.cached, true);

    const hot: GenerateRequest = { ...request, config: { temperature: 0.7 } };
    await deterministic(hot, signal, { sampleId: 's1', epoch: 1 });
    await deterministic(hot, signal, { sampleId: 's1', epoch: 1 });
    assert.equal(model.calls, 3, 'a sampled reply is one draw: not cached by default');

    const sampled = composeMiddleware(model, [withCache(cache, model, { cacheSampled: true })]);
    await sampled(hot, signal, { sampleId: 's1', epoch: 1 });
    assert.equal((await sampled(hot, signal, { sampleId: 's1', epoch: 1 })).cached, true);
    assert.equal(
      (await sampled(hot, signal, { sampleId: 's1', epoch: 2 })).cached,
      false,
      'another epoch is another draw',
    );
    assert.equal(model.calls, 5);
  } finally {
    cache.close();
  }
});

test('an empty reply is retried through the runner and never cached; only valid outputs are replayed', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { ResponseCache, withCache, cacheKey, isCacheableOutput } = await import('../../src/runner/cache.js');
  const { openaiModel } = await import('../../src/models/openai.js');
  const { startLoopbackServer } = await import('../support/loopback-server.js');
  const server = await startLoopbackServer({ script: 'the answer' });
  const cache = new ResponseCache(join(mkdtempSync(join(tmpdir(), 'medkit-cache-')), 'responses.sqlite'));
  try {
    const model = openaiModel({ model: 'm', baseURL: server.baseURL });
    const generate = composeMiddleware(model, [withCache(cache, model), withRetry(fast)]);
    const signal = new AbortController().signal;
    server.setFaults([{ type: 'empty-reply' }, { type: 'empty-reply', shape: 'no-message' }]);
    const output = await generate(request, signal, { sampleId: 's1', epoch: 1 });
    assert.equal(output.text, 'the answer');
    assert.equal(server.requests.length, 3, 'two empty replies, then the answer');
    assert.equal(cache.read(cacheKey(model, request))?.text, 'the answer');

    // What an empty `choices` list used to become must not be stored, nor replayed when an old cache holds it.
    const empty: ModelOutput = {
      text: '',
      toolCalls: [],
      finishReason: 'unknown',
      usage: { inputTokens: 0, outputTokens: 0 },
    };
    assert.equal(isCacheableOutput(empty), false);
    assert.equal(isCacheableOutput({ ...ok, finishReason: 'error' }), false);
    assert.equal(isCacheableOutput({ text: 'x' }), false);
    assert.equal(cache.write('k-empty', empty), false);
    assert.equal(cache.read('k-empty'), undefined);
    const other: GenerateRequest = { messages: [{ role: 'user', content: 'other' }], config: {} };
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(cache.path);
    raw
      .prepare('INSERT INTO responses (key, value, created) VALUES (?, ?, ?)')
      .run(cacheKey(model, other), JSON.stringify(empty), new Date().toISOString());
    raw.close();
    const fresh = await generate(other, signal, { sampleId: 's2', epoch: 1 });
    assert.equal(fresh.cached, false, 'an invalid stored entry is a miss');
    assert.equal(fresh.text, 'the answer');
  } finally {
    cache.close();
    await server.close();
  }
});
