// The loopback server itself: both APIs plain and streamed through the real SDKs, recording,
// fault plans, and a burst of 64 concurrent requests (what the throughput bench does).
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

let server: LoopbackServer;
let openai: OpenAI;
let anthropic: Anthropic;
before(async () => {
  server = await startLoopbackServer();
  openai = new OpenAI({ apiKey: 'k', baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
  anthropic = new Anthropic({ apiKey: 'k', baseURL: server.url, maxRetries: 0, logLevel: 'off' });
});
after(() => server.close());
beforeEach(() => {
  server.reset();
  server.setScript(undefined);
  server.setFaults(undefined);
});

test('the Anthropic stream carries text and tool input the SDK can assemble', async () => {
  server.setScript([
    { text: 'Checking the chart now.', toolCalls: [{ id: 'tu', name: 'chart', arguments: { mrn: '12' } }] },
  ]);
  const stream = anthropic.messages.stream({
    model: 'c',
    max_tokens: 50,
    messages: [{ role: 'user', content: 'Chart?' }],
  });
  const message = await stream.finalMessage();
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual(
    message.content.map((block) => block.type),
    ['text', 'tool_use'],
  );
  assert.equal((message.content[0] as { text: string }).text, 'Checking the chart now.');
  assert.deepEqual((message.content[1] as { input: unknown }).input, { mrn: '12' });
  assert.equal(server.requests[0]!.stream, true);
});

test('a truncated Anthropic stream fails in the SDK instead of passing as a short answer', async () => {
  server.setScript(['one two three four five six seven eight']);
  server.setFaults([{ type: 'truncated' }]);
  const stream = anthropic.messages.stream({ model: 'c', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] });
  await assert.rejects(stream.finalMessage());
});

test('the OpenAI stream, and embeddings in the SDK’s default base64 encoding', async () => {
  server.setScript(['streamed reply']);
  const chunks: string[] = [];
  for await (const chunk of await openai.chat.completions.create({
    model: 'm',
    messages: [{ role: 'user', content: 'x' }],
    stream: true,
  })) {
    chunks.push(chunk.choices[0]?.delta.content ?? '');
  }
  assert.equal(chunks.join(''), 'streamed reply');
  const embedding = await openai.embeddings.create({ model: 'e', input: ['a', 'b'] });
  assert.equal(embedding.data[1]!.embedding.length, 8);
  assert.ok(Math.abs(Math.hypot(...embedding.data[1]!.embedding) - 1) < 1e-5);
});

test('a used-up list script answers 500 naming the request; unknown paths 404', async () => {
  server.setScript(['only one']);
  await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  await assert.rejects(
    openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    /no reply for chat request 1/,
  );
  const response = await fetch(`${server.url}/v1/nothing`, { method: 'POST', body: '{}' });
  assert.equal(response.status, 404);
});

test('a fault function sees each recorded request', async () => {
  server.setFaults((request) =>
    request.turn?.lastUserText.includes('fail') ? { type: 'server-error', status: 503 } : null,
  );
  await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'fine' }] });
  await assert.rejects(
    openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'please fail' }] }),
    { status: 503 },
  );
  assert.deepEqual(
    server.requests.map((request) => request.fault),
    [undefined, 'server-error'],
  );
});

test('latency delays the answer; 64 concurrent requests all answer; record: false keeps no log', async () => {
  server.setFaults([{ type: 'latency', ms: 60 }]);
  const started = Date.now();
  await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'slow' }] });
  assert.ok(Date.now() - started >= 55);
  const quiet = await startLoopbackServer({ record: false });
  try {
    const client = new OpenAI({ apiKey: 'k', baseURL: quiet.baseURL, maxRetries: 0 });
    const replies = await Promise.all(
      Array.from({ length: 64 }, (_, index) =>
        client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `n${index}` }] }),
      ),
    );
    assert.deepEqual(
      replies.map((reply) => reply.choices[0]!.message.content),
      Array.from({ length: 64 }, (_, index) => `echo: n${index}`),
    );
    assert.equal(quiet.requests.length, 0);
  } finally {
    await quiet.close();
  }
});

test('close() ends hung requests too', async () => {
  const hanging = await startLoopbackServer({ faults: [{ type: 'hang' }] });
  const client = new OpenAI({ apiKey: 'k', baseURL: hanging.baseURL, maxRetries: 0 });
  const pending = client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  await new Promise((resolve) => setTimeout(resolve, 30));
  await hanging.close();
  await assert.rejects(pending);
});
