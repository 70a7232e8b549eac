// The lean undici path and the SDK path of openaiModel side by side on the same server: the same request on
// the wire, the same reply, and for every fault the same medkit error (class, message, status, retry decision,
// Retry-After, connection code), with an echoed key redacted on both.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, ProviderCallError } from '../../src/core/errors.js';
import { userMessage } from '../../src/core/messages.js';
import type { GenerateRequest } from '../../src/core/model.js';
import { openaiModel, type OpenAITransport } from '../../src/models/openai.js';
import { startLoopbackServer, type FaultPlan, type LoopbackServer } from '../support/loopback-server.js';

const TRANSPORTS: OpenAITransport[] = ['undici', 'sdk'];
const ask: GenerateRequest = { messages: [userMessage('Which vitamin deficiency causes scurvy?')], config: {} };

let server: LoopbackServer;
before(async () => {
  server = await startLoopbackServer();
});
after(() => server.close());
beforeEach(() => {
  server.reset();
  server.setFaults(undefined);
});

/** What a caller can see of a failure. */
function shape(error: unknown) {
  if (!(error instanceof Error)) return { thrown: String(error) };
  return {
    class: error.constructor.name,
    message: error.message,
    status: (error as ProviderCallError).status,
    isRetryable: (error as ProviderCallError).isRetryable,
    retryAfterMs: (error as ProviderCallError).retryAfterMs,
    connectionCode: (error as ProviderCallError).connectionCode,
  };
}

async function outcome(transport: OpenAITransport, baseURL = server.baseURL, apiKey?: string) {
  const model = openaiModel({ model: 'm', baseURL, transport, ...(apiKey ? { apiKey } : {}) });
  return model.doGenerate(ask).then(
    (output) => ({ output }),
    (error: unknown) => ({ error: shape(error) }),
  );
}

test('a reply: the same output, and the same body, key and content type on the wire', async () => {
  const results = [];
  for (const transport of TRANSPORTS) {
    server.reset();
    results.push({
      result: await outcome(transport, server.baseURL, 'sk-test-1234567890'),
      request: server.requests[0]!,
    });
  }
  const [lean, sdk] = results;
  assert.deepEqual(lean!.result, sdk!.result);
  assert.match(String((lean!.result as { output: { text: string } }).output.text), /^echo: Which vitamin/);
  assert.deepEqual(lean!.request.body, sdk!.request.body);
  assert.equal(lean!.request.path, sdk!.request.path);
  for (const header of ['authorization', 'content-type', 'accept'])
    assert.equal(lean!.request.headers[header], sdk!.request.headers[header], header);
});

const faults: FaultPlan[] = [
  [{ type: 'rate-limit', retryAfter: '2' }],
  [{ type: 'rate-limit', retryAfterMs: 350 }],
  [{ type: 'server-error' }],
  [{ type: 'server-error', status: 503, retryAfter: '1' }],
  [{ type: 'server-error', status: 400 }],
  [{ type: 'malformed-json' }],
  [{ type: 'truncated' }],
  [{ type: 'disconnect' }],
  [{ type: 'empty-reply' }],
  [{ type: 'empty-reply', shape: 'no-message' }],
];
for (const plan of faults) {
  test(`${JSON.stringify(plan)}: the same error on both paths`, async () => {
    const errors = [];
    for (const transport of TRANSPORTS) {
      server.reset();
      server.setFaults(plan);
      const result = await outcome(transport, server.baseURL, 'sk-test-1234567890');
      assert.ok('error' in result, `${transport}: expected a failure`);
      errors.push(result.error);
    }
    assert.deepEqual(errors[0], errors[1]);
    assert.equal(errors[0]!.class, 'ProviderCallError');
    assert.ok(!String(errors[0]!.message).includes('sk-test-1234567890'), 'no key in the message');
  });
}

test('a rejected key (401) and a closed port: the same errors on both paths', async () => {
  const guarded = await startLoopbackServer({ apiKey: 'right' });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  try {
    for (const [baseURL, apiKey, expected] of [
      [guarded.baseURL, 'wrong', ConfigError.name],
      [`http://127.0.0.1:${port}/v1`, undefined, ProviderCallError.name],
    ] as const) {
      const [lean, sdk] = [await outcome('undici', baseURL, apiKey), await outcome('sdk', baseURL, apiKey)];
      assert.deepEqual(lean, sdk);
      assert.ok('error' in lean && lean.error.class === expected, JSON.stringify(lean));
    }
  } finally {
    await guarded.close();
  }
});

test('an abort ends a lean call with the signal’s reason, as on the SDK path', async () => {
  server.setFaults([{ type: 'hang' }]);
  const reason = new Error('runner timeout');
  const controller = new AbortController();
  const pending = openaiModel({ model: 'm', baseURL: server.baseURL, transport: 'undici' }).doGenerate(
    ask,
    controller.signal,
  );
  setTimeout(() => controller.abort(reason), 50);
  await assert.rejects(pending, (error) => error === reason);
});

test('MEDKIT_OPENAI_TRANSPORT other than undici or sdk is a clear error', () => {
  const saved = process.env.MEDKIT_OPENAI_TRANSPORT;
  process.env.MEDKIT_OPENAI_TRANSPORT = 'curl';
  try {
    assert.throws(
      () => openaiModel({ model: 'm', baseURL: server.baseURL }),
      /MEDKIT_OPENAI_TRANSPORT must be 'undici' or 'sdk', got 'curl'/,
    );
  } finally {
    if (saved === undefined) delete process.env.MEDKIT_OPENAI_TRANSPORT;
    else process.env.MEDKIT_OPENAI_TRANSPORT = saved;
  }
});
