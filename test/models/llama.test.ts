// The real llama provider: node-llama-cpp loads a tiny random GGUF written by test/support/gguf.ts,
// generates, follows JSON-schema grammars and embeds, all on CPU with one thread. Skipped (with the
// reason printed) only where the optional node-llama-cpp package is not installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { imageFromBytes, textPart, userMessage } from '../../src/core/messages.js';
import type { GenerateRequest } from '../../src/core/model.js';
import { llamaModel, type LlamaModelHandle } from '../../src/models/llama.js';
import { buildTinyGguf, TINY_GGUF_VOCABULARY_SIZE, writeTinyGguf } from '../support/gguf.js';

const missing = await import('node-llama-cpp').then(
  () => undefined,
  (error: Error) => `node-llama-cpp is not installed (optional dependency): ${error.message.split('\n')[0]}`,
);
if (missing) console.log(`# skipping llama provider tests: ${missing}`);

const ask = (text: string, config: GenerateRequest['config'] = {}): GenerateRequest => ({
  messages: [userMessage(text)],
  config,
});

describe('writeTinyGguf', () => {
  test('is deterministic per seed, about half a megabyte, GGUF v3', async () => {
    const first = buildTinyGguf({ seed: 3 });
    assert.deepEqual(first, buildTinyGguf({ seed: 3 }));
    assert.notDeepEqual(first, buildTinyGguf({ seed: 4 }));
    assert.equal(first.subarray(0, 4).toString('latin1'), 'GGUF');
    assert.equal(first.readUInt32LE(4), 3);
    assert.ok(first.byteLength > 400_000 && first.byteLength < 600_000, String(first.byteLength));
  });

  test('node-llama-cpp reads its metadata back', { skip: missing }, async () => {
    const folder = await mkdtemp(join(tmpdir(), 'medkit-gguf-'));
    try {
      const info = await writeTinyGguf(join(folder, 'nested', 'tiny.gguf'), { seed: 5 });
      assert.deepEqual(await readFile(info.path), buildTinyGguf({ seed: 5 }));
      const { readGgufFileInfo } = await import('node-llama-cpp');
      const parsed = await readGgufFileInfo(info.path);
      assert.equal(parsed.version, 3);
      assert.equal(parsed.metadata.general.architecture, 'llama');
      assert.equal(parsed.metadata.tokenizer.ggml.tokens.length, TINY_GGUF_VOCABULARY_SIZE);
      assert.equal(parsed.tensorInfo?.length, 3 + 2 * 9);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('llamaModel on the tiny GGUF', { skip: missing }, () => {
  let folder: string;
  let model: LlamaModelHandle;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'medkit-llama-'));
    const { path } = await writeTinyGguf(join(folder, 'tiny.gguf'), { seed: 7 });
    model = llamaModel({ modelPath: path, threads: 1, contextSize: 2048, seed: 1 });
  });
  after(async () => {
    await model?.close();
    await rm(folder, { recursive: true, force: true });
  });

  test('generates text, counts tokens, and repeats itself at temperature 0', async () => {
    const request = ask('Is the patient febrile?', { maxTokens: 12, temperature: 0 });
    const first = await model.doGenerate(request);
    assert.equal(typeof first.text, 'string');
    assert.ok(['length', 'stop'].includes(first.finishReason), first.finishReason);
    assert.ok(first.usage.inputTokens > 10, `input tokens ${first.usage.inputTokens}`);
    assert.ok(
      first.usage.outputTokens >= 1 && first.usage.outputTokens <= 12,
      `output tokens ${first.usage.outputTokens}`,
    );
    assert.deepEqual(await model.doGenerate(request), first, 'no state carries over between requests');
    assert.equal(model.provider, 'llama');
    assert.deepEqual(model.cacheIdentity, { threads: 1, contextSize: 2048, seed: 1 });
  });

  test('a JSON-schema grammar makes even random weights answer in valid JSON', async () => {
    const schema = { type: 'object', properties: { answer: { enum: ['yes', 'no'] } }, required: ['answer'] };
    const output = await model.doGenerate({
      messages: [{ role: 'system', content: 'Answer in JSON.' }, userMessage('Pneumothorax on this film?')],
      config: { maxTokens: 48, responseFormat: { type: 'json_schema', name: 'verdict', schema } },
    });
    const parsed = JSON.parse(output.text) as { answer: string };
    assert.ok(['yes', 'no'].includes(parsed.answer), output.text);
    const free = await model.doGenerate(ask('Any JSON', { maxTokens: 48, responseFormat: { type: 'json' } }));
    if (free.finishReason === 'stop') JSON.parse(free.text); // a cut-off value (length) may be incomplete
  });

  test('concurrent requests share the one sequence in turn', async () => {
    const outputs = await Promise.all(
      [1, 2, 3].map((index) => model.doGenerate(ask(`Case ${index}`, { maxTokens: 4 }))),
    );
    assert.equal(outputs.length, 3);
    for (const output of outputs) assert.ok(output.usage.inputTokens > 0);
  });

  test('a transcript with tool calls and results is accepted, and tools are offered', async () => {
    const tools = [
      {
        name: 'latest_lab',
        description: 'Latest lab value',
        parameters: { type: 'object', properties: { code: { type: 'string' } } },
      },
    ];
    const output = await model.doGenerate({
      messages: [
        userMessage('Potassium?'),
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'latest_lab', arguments: { code: 'K' } }] },
        { role: 'tool', toolCallId: 'c1', name: 'latest_lab', content: '5.9' },
      ],
      tools,
      config: { maxTokens: 8 },
    });
    assert.equal(typeof output.text, 'string');
    for (const call of output.toolCalls) assert.equal(call.name, 'latest_lab');
  });

  test('embeds: one 64-d vector per text, equal texts equal', async () => {
    const { embeddings, usage } = await model.doEmbed(['chest pain', 'fever', 'chest pain']);
    assert.equal(embeddings.length, 3);
    assert.equal(embeddings[0]!.length, 64);
    assert.deepEqual(embeddings[0], embeddings[2]);
    assert.notDeepEqual(embeddings[0], embeddings[1]);
    assert.ok(usage!.inputTokens > 0);
  });

  test('an aborted request rejects with the signal’s reason', async () => {
    const reason = new Error('runner timeout');
    const controller = new AbortController();
    controller.abort(reason);
    await assert.rejects(model.doGenerate(ask('x', { maxTokens: 4 }), controller.signal), (error) => error === reason);
  });

  test('images → ConfigError saying node-llama-cpp 3.21.1 takes none', async () => {
    await assert.rejects(
      model.doGenerate({
        messages: [userMessage([textPart('Read this'), imageFromBytes(new Uint8Array([1, 2]), 'image/png')])],
        config: {},
      }),
      (error) =>
        error instanceof ConfigError &&
        error.message.startsWith('llama provider takes no images in node-llama-cpp 3.21.1'),
    );
  });

  test('tools together with responseFormat → ConfigError', async () => {
    const tools = [{ name: 't', description: 'd', parameters: { type: 'object', properties: {} } }];
    await assert.rejects(model.doGenerate({ ...ask('x', { responseFormat: { type: 'json' } }), tools }), ConfigError);
  });

  test('close() frees the native objects; a later call loads again; the shared runtime stays while another model uses it', async () => {
    // A second model keeps the process-wide llama runtime alive, so reloading skips its slow start.
    const other = llamaModel({ modelPath: join(folder, 'tiny.gguf'), threads: 1, contextSize: 1024 });
    await other.doGenerate(ask('warm', { maxTokens: 1 }));
    await model.close();
    await model.close(); // twice is fine
    const output = await model.doGenerate(ask('again', { maxTokens: 2 }));
    assert.ok(output.usage.outputTokens <= 2);
    await other.close();
  });
});

test('a missing model file → ConfigError naming the path (no native code needed)', () => {
  assert.throws(() => llamaModel({ modelPath: '/no/such/model.gguf' }), {
    name: 'ConfigError',
    message: 'llama model file not found: /no/such/model.gguf',
  });
});
