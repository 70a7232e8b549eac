// openaiModel against the loopback server: wire format, images, tools, structured output,
// logprobs, embeddings, streaming, and every injected fault → the right medkit error.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, MedkitError, ProviderCallError } from '../../src/core/errors.js';
import {
  imageFromBytes,
  imageFromPath,
  loggableMessage,
  textPart,
  userMessage,
  type ChatMessage,
} from '../../src/core/messages.js';
import type { GenerateRequest } from '../../src/core/model.js';
import { openaiModel } from '../../src/models/openai.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

// A 1×1 PNG: small, valid, and recognisable in base64.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const ask = (text: string, config: GenerateRequest['config'] = {}): GenerateRequest => ({
  messages: [userMessage(text)],
  config,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

async function closedPortURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

let server: LoopbackServer;
let folder: string;
before(async () => {
  server = await startLoopbackServer();
  folder = await mkdtemp(join(tmpdir(), 'medkit-openai-'));
});
after(() => server.close());
beforeEach(() => {
  server.reset();
  server.setScript(undefined);
  server.setFaults(undefined);
});

describe('openaiModel: replies', () => {
  test('text, usage, model id, cost from the price table, config on the wire', async () => {
    server.setScript([{ text: 'Metformin.', model: 'm-2024', usage: { inputTokens: 1000, outputTokens: 500 } }]);
    const model = openaiModel({
      model: 'm',
      baseURL: server.baseURL,
      prices: { 'm-2024': { inputPerMillion: 2, outputPerMillion: 8 } },
    });
    const output = await model.doGenerate(
      ask('First-line drug for type 2 diabetes?', { temperature: 0, maxTokens: 40, seed: 7, stop: ['\n'] }),
    );
    assert.equal(output.text, 'Metformin.');
    assert.equal(output.finishReason, 'stop');
    assert.deepEqual(output.usage, { inputTokens: 1000, outputTokens: 500 });
    assert.equal(output.modelId, 'm-2024');
    assert.equal(output.cost, (1000 * 2 + 500 * 8) / 1e6);
    const body = server.requests[0]!.body;
    assert.equal(body.model, 'm');
    assert.equal(body.temperature, 0);
    assert.equal(body.max_tokens, 40, 'compatible servers get max_tokens');
    assert.equal(body.seed, 7);
    assert.deepEqual(body.stop, ['\n']);
    assert.equal(model.provider, 'openai');
    assert.deepEqual(model.cacheIdentity, { baseURL: server.baseURL });
  });

  test('images: a path image and bytes images arrive as base64; messages and logs keep no base64', async () => {
    const path = join(folder, 'cxr.png');
    await writeFile(path, PNG);
    const message = userMessage([
      textPart('Describe both images.'),
      imageFromPath(path, 'image/png'),
      imageFromBytes(new Uint8Array(PNG), 'image/png'),
    ]);
    (message.content as { detail?: string }[])[1]!.detail = 'low';
    const model = openaiModel({ model: 'vision', baseURL: server.baseURL });
    await model.doGenerate({ messages: [message], config: {} });
    const turn = server.requests[0]!.turn!;
    assert.equal(turn.images.length, 2);
    for (const image of turn.images) {
      assert.equal(image.mediaType, 'image/png');
      assert.deepEqual(Buffer.from(image.base64, 'base64'), await readFile(path));
    }
    assert.equal(server.requests[0]!.body.messages[0].content[1].image_url.detail, 'low');
    const base64 = PNG.toString('base64');
    assert.ok(!JSON.stringify(message).includes(base64), 'the request messages still hold the path, not base64');
    const logged = JSON.stringify(loggableMessage(message));
    assert.ok(!logged.includes(base64) && logged.includes(path) && logged.includes('sha256'));
  });

  test('an unreadable image path fails with a MedkitError naming the path, before any request', async () => {
    const model = openaiModel({ model: 'vision', baseURL: server.baseURL });
    const error = await rejection(
      model.doGenerate({ messages: [userMessage([imageFromPath('/nowhere/x.png', 'image/png')])], config: {} }),
    );
    assert.ok(MedkitError.isInstance(error) && error.message.includes('/nowhere/x.png'));
    assert.equal(server.requests.length, 0);
  });

  test('tools: a call, its result, and the final answer round-trip', async () => {
    server.setScript((turn) =>
      turn.lastRole === 'tool'
        ? `Potassium is ${turn.lastText}.`
        : { toolCalls: [{ id: 'call_k', name: 'latest_lab', arguments: { loinc: '2823-3' } }] },
    );
    const model = openaiModel({ model: 'agent', baseURL: server.baseURL });
    const tools = [
      {
        name: 'latest_lab',
        description: 'Latest lab value',
        parameters: { type: 'object', properties: { loinc: { type: 'string' } } },
      },
    ];
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a ward assistant.' },
      userMessage('Latest potassium?'),
    ];
    const first = await model.doGenerate({ messages, tools, toolChoice: 'required', config: {} });
    assert.equal(first.finishReason, 'tool_calls');
    assert.deepEqual(first.toolCalls, [
      { id: 'call_k', name: 'latest_lab', arguments: { loinc: '2823-3' }, rawArguments: '{"loinc":"2823-3"}' },
    ]);
    messages.push({ role: 'assistant', content: '', toolCalls: first.toolCalls });
    messages.push({ role: 'tool', toolCallId: 'call_k', name: 'latest_lab', content: '5.9 mmol/L' });
    const second = await model.doGenerate({ messages, tools, toolChoice: { name: 'latest_lab' }, config: {} });
    assert.equal(second.text, 'Potassium is 5.9 mmol/L.');
    const [firstBody, secondBody] = server.requests.map((request) => request.body);
    assert.equal(firstBody.tools[0].function.name, 'latest_lab');
    assert.equal(firstBody.tool_choice, 'required');
    assert.deepEqual(secondBody.tool_choice, { type: 'function', function: { name: 'latest_lab' } });
    assert.deepEqual(secondBody.messages[2], {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_k', type: 'function', function: { name: 'latest_lab', arguments: '{"loinc":"2823-3"}' } },
      ],
    });
    assert.deepEqual(secondBody.messages[3], { role: 'tool', tool_call_id: 'call_k', content: '5.9 mmol/L' });
  });

  test('tool arguments that are not JSON are kept raw with a parse error, never thrown', async () => {
    server.setScript([
      {
        toolCalls: [
          { id: 'c1', name: 'lookup', arguments: '{"code": 12' },
          { id: 'c2', name: 'lookup', arguments: '[1]' },
        ],
      },
    ]);
    const model = openaiModel({ model: 'agent', baseURL: server.baseURL });
    const output = await model.doGenerate(ask('go'));
    const [broken, array] = output.toolCalls;
    assert.deepEqual(broken!.arguments, {});
    assert.equal(broken!.rawArguments, '{"code": 12');
    assert.match(broken!.parseError!, /not JSON/);
    assert.match(array!.parseError!, /not an object/);
  });

  test('responseFormat json_schema and json reach the wire', async () => {
    server.setScript(['{"answer":"no"}', '{}']);
    const model = openaiModel({ model: 'm', baseURL: server.baseURL });
    const schema = { type: 'object', properties: { answer: { enum: ['yes', 'no'] } }, required: ['answer'] };
    const output = await model.doGenerate(
      ask('Pneumothorax?', { responseFormat: { type: 'json_schema', name: 'verdict', schema } }),
    );
    assert.deepEqual(JSON.parse(output.text), { answer: 'no' });
    assert.deepEqual(server.requests[0]!.body.response_format, {
      type: 'json_schema',
      json_schema: { name: 'verdict', schema },
    });
    await model.doGenerate(ask('Any JSON', { responseFormat: { type: 'json' } }));
    assert.deepEqual(server.requests[1]!.body.response_format, { type: 'json_object' });
  });

  test('logprobs: topLogprobs asks for them and they map to TokenLogprob[]', async () => {
    server.setScript([
      {
        text: 'B',
        logprobs: [
          {
            token: 'B',
            logprob: -0.1,
            top: [
              { token: 'B', logprob: -0.1 },
              { token: 'C', logprob: -2.4 },
            ],
          },
        ],
      },
      'plain',
    ]);
    const model = openaiModel({ model: 'm', baseURL: server.baseURL });
    const output = await model.doGenerate(ask('A, B, C or D?', { topLogprobs: 2 }));
    assert.equal(server.requests[0]!.body.logprobs, true);
    assert.equal(server.requests[0]!.body.top_logprobs, 2);
    assert.deepEqual(output.logprobs, [
      {
        token: 'B',
        logprob: -0.1,
        top: [
          { token: 'B', logprob: -0.1 },
          { token: 'C', logprob: -2.4 },
        ],
      },
    ]);
    const plain = await model.doGenerate(ask('no logprobs'));
    assert.equal(plain.logprobs, undefined);
    assert.equal(server.requests[1]!.body.logprobs, undefined);
  });

  test('embeddings: one vector per text, in order, floats requested', async () => {
    const model = openaiModel({ model: 'embedder', baseURL: server.baseURL });
    const { embeddings, usage } = await model.doEmbed(['chest pain', 'dyspnoea on exertion', 'chest pain']);
    assert.equal(embeddings.length, 3);
    assert.equal(embeddings[0]!.length, 8);
    assert.deepEqual(embeddings[0], embeddings[2]);
    assert.notDeepEqual(embeddings[0], embeddings[1]);
    assert.equal(server.requests[0]!.body.encoding_format, 'float');
    assert.deepEqual(usage, { inputTokens: 7, outputTokens: 0 }); // the server counts words
  });

  test('stream: true assembles text, tool calls, logprobs and usage like the plain call', async () => {
    const replies = [
      { text: 'Likely sepsis.', usage: { inputTokens: 3, outputTokens: 2 } },
      { toolCalls: [{ id: 't', name: 'vitals', arguments: { bed: 4 } }] },
    ];
    server.setScript(replies);
    const streamed = openaiModel({ model: 'm', baseURL: server.baseURL, stream: true });
    const text = await streamed.doGenerate(ask('?', { topLogprobs: 0 }));
    const tool = await streamed.doGenerate(ask('?'));
    assert.equal(server.requests[0]!.stream, true);
    assert.deepEqual(server.requests[0]!.body.stream_options, { include_usage: true });
    server.setScript(replies);
    const plain = openaiModel({ model: 'm', baseURL: server.baseURL });
    assert.deepEqual(text, await plain.doGenerate(ask('?', { topLogprobs: 0 })));
    assert.deepEqual(tool, await plain.doGenerate(ask('?')));
    assert.deepEqual(tool.toolCalls[0]!.arguments, { bed: 4 });
  });
});

describe('openaiModel: faults become ProviderCallError with the retry decision', () => {
  const model = () => openaiModel({ model: 'm', baseURL: server.baseURL });
  const cases = [
    { fault: { type: 'rate-limit', retryAfter: '2' }, status: 429, isRetryable: true, retryAfterMs: 2000 },
    { fault: { type: 'rate-limit', retryAfterMs: 350 }, status: 429, isRetryable: true, retryAfterMs: 350 },
    { fault: { type: 'server-error' }, status: 500, isRetryable: true, retryAfterMs: undefined },
    {
      fault: { type: 'server-error', status: 503, retryAfter: '1' },
      status: 503,
      isRetryable: true,
      retryAfterMs: 1000,
    },
    { fault: { type: 'server-error', status: 400 }, status: 400, isRetryable: false, retryAfterMs: undefined },
    { fault: { type: 'malformed-json' }, status: 200, isRetryable: true, retryAfterMs: undefined },
    { fault: { type: 'truncated' }, status: undefined, isRetryable: true, retryAfterMs: undefined },
    { fault: { type: 'disconnect' }, status: undefined, isRetryable: true, retryAfterMs: undefined },
    // A 200 with `choices: []` or a choice without a message carries no answer: retried, never an empty answer.
    { fault: { type: 'empty-reply' }, status: 200, isRetryable: true, retryAfterMs: undefined },
    { fault: { type: 'empty-reply', shape: 'no-message' }, status: 200, isRetryable: true, retryAfterMs: undefined },
  ] as const;
  for (const expected of cases) {
    test(`${JSON.stringify(expected.fault)} → status ${expected.status}, retryable ${expected.isRetryable}`, async () => {
      server.setFaults([expected.fault]);
      const error = await rejection(model().doGenerate(ask('hello')));
      assert.ok(error instanceof ProviderCallError, String(error));
      assert.equal(error.provider, 'openai');
      assert.equal(error.status, expected.status);
      assert.equal(error.isRetryable, expected.isRetryable);
      assert.equal(error.retryAfterMs, expected.retryAfterMs);
    });
  }

  test('Retry-After as an HTTP date becomes milliseconds from now', async () => {
    server.setFaults([{ type: 'rate-limit', retryAfter: new Date(Date.now() + 30_000).toUTCString() }]);
    const error = (await rejection(model().doGenerate(ask('hello')))) as ProviderCallError;
    assert.ok(error.retryAfterMs! > 25_000 && error.retryAfterMs! <= 30_000, String(error.retryAfterMs));
  });

  for (const fault of [{ type: 'truncated' }, { type: 'malformed-json' }] as const) {
    test(`a streamed reply with ${fault.type} → retryable ProviderCallError`, async () => {
      server.setFaults([fault]);
      const error = await rejection(
        openaiModel({ model: 'm', baseURL: server.baseURL, stream: true }).doGenerate(ask('hello')),
      );
      assert.ok(error instanceof ProviderCallError && error.isRetryable, String(error));
    });
  }

  test('a hung server: the caller’s abort ends the call with the signal’s reason', async () => {
    server.setFaults([{ type: 'hang' }]);
    const reason = new Error('runner timeout');
    const error = await rejection(model().doGenerate(ask('hello'), AbortSignal.timeout(100)));
    assert.equal((error as Error).name, 'TimeoutError');
    const controller = new AbortController();
    server.setFaults([{ type: 'hang' }]);
    const pending = model().doGenerate(ask('hello'), controller.signal);
    setTimeout(() => controller.abort(reason), 50);
    assert.equal(await rejection(pending), reason);
    // An aborted request already on the wire still reaches the server; on a busy machine it can arrive after
    // the next test has set its faults and take one. Let both arrive (or give up after 2 s) before going on.
    for (let waited = 0; server.requests.length < 2 && waited < 2000; waited += 10) await sleep(10);
  });

  test('embeddings faults map the same way', async () => {
    server.setFaults([{ type: 'rate-limit', retryAfter: '3' }, { type: 'malformed-json' }]);
    const first = (await rejection(model().doEmbed(['x']))) as ProviderCallError;
    assert.equal(first.status, 429);
    assert.equal(first.retryAfterMs, 3000);
    const second = (await rejection(model().doEmbed(['x']))) as ProviderCallError;
    assert.equal(second.isRetryable, true);
  });

  test('a seeded random fault mix fails the same requests every time', async () => {
    const pattern = async () => {
      server.setFaults({ rate: 0.4, seed: 11, types: ['rate-limit', 'server-error', 'malformed-json'] });
      const results = [];
      for (let index = 0; index < 20; index++) {
        results.push(
          await model()
            .doGenerate(ask('x'))
            .then(
              () => 'ok',
              (error: ProviderCallError) => String(error.status),
            ),
        );
      }
      return results.join(',');
    };
    const first = await pattern();
    assert.equal(await pattern(), first);
    assert.match(first, /ok/);
    assert.match(first, /429|500|200/);
  });
});

describe('openaiModel: keys and reachability', () => {
  test('no key for the real API → ConfigError with one clear sentence, no request made', () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      assert.throws(
        () => openaiModel({ model: 'gpt-4o-mini' }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.message, 'OPENAI_API_KEY is not set; export it (needed for https://api.openai.com/v1).');
          return true;
        },
      );
    } finally {
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key;
      if (saved.url !== undefined) process.env.OPENAI_BASE_URL = saved.url;
    }
  });

  test('a local server needs no key; a placeholder is sent and never appears in cacheIdentity', async () => {
    const model = openaiModel({ model: 'm', baseURL: server.baseURL, apiKey: undefined });
    await model.doGenerate(ask('hi'));
    assert.match(String(server.requests[0]!.headers.authorization), /^Bearer \S+/);
    assert.ok(
      !JSON.stringify(openaiModel({ model: 'm', baseURL: server.baseURL, apiKey: 'sk-secret' }).cacheIdentity).includes(
        'sk-secret',
      ),
    );
  });

  test('a rejected key (401) → ConfigError naming the variable', async () => {
    const guarded = await startLoopbackServer({ apiKey: 'right' });
    try {
      const error = await rejection(
        openaiModel({ model: 'm', baseURL: guarded.baseURL, apiKey: 'wrong' }).doGenerate(ask('hi')),
      );
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /rejected the API key \(401\); check OPENAI_API_KEY/);
      const output = await openaiModel({ model: 'm', baseURL: guarded.baseURL, apiKey: 'right' }).doGenerate(ask('hi'));
      assert.equal(output.text, 'echo: hi');
    } finally {
      await guarded.close();
    }
  });

  test('an unreachable server (closed port) → retryable ProviderCallError with no status', async () => {
    const baseURL = await closedPortURL();
    const error = await rejection(openaiModel({ model: 'm', baseURL }).doGenerate(ask('hi')));
    assert.ok(error instanceof ProviderCallError);
    assert.equal(error.status, undefined);
    assert.equal(error.isRetryable, true);
    assert.match(error.message, /could not reach/);
  });
});
