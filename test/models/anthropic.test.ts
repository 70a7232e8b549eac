// anthropicModel against the loopback server's messages API.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, ProviderCallError } from '../../src/core/errors.js';
import {
  imageFromBytes,
  imageFromPath,
  loggableMessage,
  textPart,
  userMessage,
  type ChatMessage,
} from '../../src/core/messages.js';
import type { GenerateRequest } from '../../src/core/model.js';
import { anthropicModel } from '../../src/models/anthropic.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

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

let server: LoopbackServer;
let model: ReturnType<typeof anthropicModel>;
before(async () => {
  server = await startLoopbackServer();
  model = anthropicModel({ model: 'claude-test', baseURL: server.url });
});
after(() => server.close());
beforeEach(() => {
  server.reset();
  server.setScript(undefined);
  server.setFaults(undefined);
});

describe('anthropicModel: replies', () => {
  test('text: system messages move to `system`, usage and cost come back', async () => {
    server.setScript([{ text: 'Aspirin.', usage: { inputTokens: 200, outputTokens: 10 } }]);
    const priced = anthropicModel({
      model: 'claude-test',
      baseURL: server.url,
      prices: { 'claude-test': { inputPerMillion: 3, outputPerMillion: 15 } },
    });
    const output = await priced.doGenerate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Cite nothing.' },
        userMessage('Antiplatelet for ACS?'),
      ],
      config: { maxTokens: 64, stop: ['END'], temperature: 0 },
    });
    assert.equal(output.text, 'Aspirin.');
    assert.equal(output.finishReason, 'stop');
    assert.deepEqual(output.usage, { inputTokens: 200, outputTokens: 10 });
    assert.equal(output.cost, (200 * 3 + 10 * 15) / 1e6);
    const request = server.requests[0]!;
    assert.equal(request.path, '/v1/messages');
    // SDK 1.14 sends the key as a Bearer token (older ones used x-api-key); a placeholder for a local server.
    assert.ok(request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined);
    assert.equal(request.body.system, 'Be brief.\n\nCite nothing.');
    assert.deepEqual(request.body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Antiplatelet for ACS?' }] },
    ]);
    assert.equal(request.body.max_tokens, 64);
    assert.deepEqual(request.body.stop_sequences, ['END']);
    assert.equal(request.body.temperature, undefined, 'sampling parameters are off by default');
    assert.deepEqual(model.cacheIdentity, { baseURL: server.url });
  });

  test('sendSamplingParameters puts temperature and top_p on the wire; max_tokens has a default', async () => {
    const sampling = anthropicModel({ model: 'claude-test', baseURL: server.url, sendSamplingParameters: true });
    await sampling.doGenerate(ask('hi', { temperature: 0, topP: 0.9 }));
    assert.equal(server.requests[0]!.body.temperature, 0);
    assert.equal(server.requests[0]!.body.top_p, 0.9);
    assert.equal(server.requests[0]!.body.max_tokens, 4096);
  });

  test('images arrive as base64 source blocks; the log copy holds none', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'medkit-anthropic-'));
    const path = join(folder, 'slice.png');
    await writeFile(path, PNG);
    const message = userMessage([
      imageFromPath(path, 'image/png'),
      imageFromBytes(new Uint8Array(PNG), 'image/png'),
      textPart('Compare.'),
    ]);
    await model.doGenerate({ messages: [message], config: {} });
    const turn = server.requests[0]!.turn!;
    assert.deepEqual(
      turn.images.map((image) => image.mediaType),
      ['image/png', 'image/png'],
    );
    for (const image of turn.images) assert.deepEqual(Buffer.from(image.base64, 'base64'), PNG);
    assert.equal(server.requests[0]!.body.messages[0].content[0].source.type, 'base64');
    assert.ok(!JSON.stringify(loggableMessage(message)).includes(PNG.toString('base64')));
  });

  test('tools: tool_use comes back as a ToolCall; results go back as one tool_result user turn', async () => {
    server.setScript((turn) =>
      turn.lastRole === 'tool'
        ? `Results: ${turn.messages
            .filter((message) => message.role === 'tool')
            .map((message) => message.text)
            .join(' / ')}`
        : {
            text: 'Checking.',
            toolCalls: [
              { id: 'tu_1', name: 'lab', arguments: { code: 'K' } },
              { id: 'tu_2', name: 'lab', arguments: { code: 'Na' } },
            ],
          },
    );
    const tools = [
      {
        name: 'lab',
        description: 'Latest lab',
        parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
      },
    ];
    const messages: ChatMessage[] = [userMessage('Electrolytes?')];
    const first = await model.doGenerate({ messages, tools, toolChoice: 'required', config: {} });
    assert.equal(first.finishReason, 'tool_calls');
    assert.equal(first.text, 'Checking.');
    assert.deepEqual(first.toolCalls, [
      { id: 'tu_1', name: 'lab', arguments: { code: 'K' } },
      { id: 'tu_2', name: 'lab', arguments: { code: 'Na' } },
    ]);
    messages.push({ role: 'assistant', content: first.text, toolCalls: first.toolCalls });
    messages.push({ role: 'tool', toolCallId: 'tu_1', name: 'lab', content: '5.9' });
    messages.push({ role: 'tool', toolCallId: 'tu_2', name: 'lab', content: 'unknown code', error: 'unknown code' });
    const second = await model.doGenerate({ messages, tools, toolChoice: { name: 'lab' }, config: {} });
    assert.equal(second.text, 'Results: 5.9 / unknown code');
    const [firstBody, secondBody] = server.requests.map((request) => request.body);
    assert.deepEqual(firstBody.tools, [{ name: 'lab', description: 'Latest lab', input_schema: tools[0]!.parameters }]);
    assert.deepEqual(firstBody.tool_choice, { type: 'any' });
    assert.deepEqual(secondBody.tool_choice, { type: 'tool', name: 'lab' });
    assert.deepEqual(secondBody.messages[1].content[1], {
      type: 'tool_use',
      id: 'tu_1',
      name: 'lab',
      input: { code: 'K' },
    });
    assert.equal(secondBody.messages.length, 3, 'both results share one user turn');
    assert.deepEqual(secondBody.messages[2].content, [
      { type: 'tool_result', tool_use_id: 'tu_1', content: '5.9' },
      { type: 'tool_result', tool_use_id: 'tu_2', content: 'unknown code', is_error: true },
    ]);
  });

  test('json_schema uses output_config.format; json adds an instruction to the system prompt', async () => {
    server.setScript(['{"answer":"yes"}', '{"a":1}']);
    const schema = { type: 'object', properties: { answer: { enum: ['yes', 'no'] } } };
    const output = await model.doGenerate(
      ask('Effusion?', { responseFormat: { type: 'json_schema', name: 'verdict', schema } }),
    );
    assert.deepEqual(JSON.parse(output.text), { answer: 'yes' });
    assert.deepEqual(server.requests[0]!.body.output_config, { format: { type: 'json_schema', schema } });
    await model.doGenerate(ask('JSON please', { responseFormat: { type: 'json' } }));
    assert.match(server.requests[1]!.body.system, /single JSON value/);
  });

  test('a max_tokens stop maps to finishReason length', async () => {
    server.setScript([{ text: 'The differential incl', finishReason: 'length' }]);
    assert.equal((await model.doGenerate(ask('Differential?'))).finishReason, 'length');
  });
});

describe('anthropicModel: faults and keys', () => {
  const cases = [
    { fault: { type: 'rate-limit', retryAfter: '4' }, status: 429, isRetryable: true, retryAfterMs: 4000 },
    { fault: { type: 'server-error', status: 529 }, status: 529, isRetryable: true, retryAfterMs: undefined },
    { fault: { type: 'server-error', status: 404 }, status: 404, isRetryable: false, retryAfterMs: undefined },
    { fault: { type: 'malformed-json' }, status: 200, isRetryable: true, retryAfterMs: undefined },
    { fault: { type: 'truncated' }, status: undefined, isRetryable: true, retryAfterMs: undefined },
    { fault: { type: 'disconnect' }, status: undefined, isRetryable: true, retryAfterMs: undefined },
    // A 200 with no content blocks and no stop reason carries no answer: retried, never an empty answer.
    { fault: { type: 'empty-reply' }, status: 200, isRetryable: true, retryAfterMs: undefined },
  ] as const;
  for (const expected of cases) {
    test(`${JSON.stringify(expected.fault)} → status ${expected.status}, retryable ${expected.isRetryable}`, async () => {
      server.setFaults([expected.fault]);
      const error = await rejection(model.doGenerate(ask('hello')));
      assert.ok(error instanceof ProviderCallError, String(error));
      assert.equal(error.provider, 'anthropic');
      assert.equal(error.status, expected.status);
      assert.equal(error.isRetryable, expected.isRetryable);
      assert.equal(error.retryAfterMs, expected.retryAfterMs);
    });
  }

  test('a hung server: abort rejects with the signal’s reason', async () => {
    server.setFaults([{ type: 'hang' }]);
    const controller = new AbortController();
    const reason = new Error('runner timeout');
    setTimeout(() => controller.abort(reason), 50);
    assert.equal(await rejection(model.doGenerate(ask('hello'), controller.signal)), reason);
  });

  test('no key for the real API → ConfigError; a rejected key (401) → ConfigError', async () => {
    const saved = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL };
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_BASE_URL;
    try {
      assert.throws(() => anthropicModel({ model: 'claude-x' }), {
        name: 'ConfigError',
        message: 'ANTHROPIC_API_KEY is not set; export it (needed for https://api.anthropic.com).',
      });
    } finally {
      if (saved.key !== undefined) process.env.ANTHROPIC_API_KEY = saved.key;
      if (saved.url !== undefined) process.env.ANTHROPIC_BASE_URL = saved.url;
    }
    const guarded = await startLoopbackServer({ apiKey: 'right' });
    try {
      const error = await rejection(
        anthropicModel({ model: 'm', baseURL: guarded.url, apiKey: 'wrong' }).doGenerate(ask('hi')),
      );
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /ANTHROPIC_API_KEY/);
      assert.equal(
        (await anthropicModel({ model: 'm', baseURL: guarded.url, apiKey: 'right' }).doGenerate(ask('hi'))).text,
        'echo: hi',
      );
    } finally {
      await guarded.close();
    }
  });

  test('an unreachable server (closed port) → retryable ProviderCallError with no status', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await rejection(
      anthropicModel({ model: 'm', baseURL: `http://127.0.0.1:${port}` }).doGenerate(ask('hi')),
    );
    assert.ok(error instanceof ProviderCallError);
    assert.equal(error.status, undefined);
    assert.equal(error.isRetryable, true);
  });
});
