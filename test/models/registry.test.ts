// createModel: specs → providers, and one clear ConfigError for every spec it cannot build.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { userMessage } from '../../src/core/messages.js';
import * as models from '../../src/models/index.js';
import { createModel, isBaselineSpec, parseModelSpec, providers } from '../../src/models/registry.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

let server: LoopbackServer;
let folder: string;
before(async () => {
  server = await startLoopbackServer();
  folder = await mkdtemp(join(tmpdir(), 'medkit-registry-'));
});
after(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

test('providers lists name, description and example for `medkit list`', () => {
  assert.deepEqual(
    providers.map((provider) => provider.name),
    ['openai', 'anthropic', 'llama', 'reference-vision', 'scripted'],
  );
  for (const provider of providers) {
    assert.ok(provider.description.length > 10);
    assert.equal(parseModelSpec(provider.example).provider, provider.name);
  }
});

test('openai: and anthropic: specs build working models against a base URL', async () => {
  const openai = await createModel('openai:gpt-test', { baseURL: server.baseURL });
  assert.deepEqual([openai.provider, openai.modelId], ['openai', 'gpt-test']);
  assert.equal((await openai.doGenerate({ messages: [userMessage('hi')], config: {} })).text, 'echo: hi');
  const anthropic = await createModel('anthropic:claude-test', { baseURL: server.url });
  assert.equal((await anthropic.doGenerate({ messages: [userMessage('yo')], config: {} })).text, 'echo: yo');
});

test('scripted: and llama: specs; the llama path keeps its colons', async () => {
  const script = join(folder, 'demo.json');
  await writeFile(script, JSON.stringify(['scripted answer']));
  const scripted = await createModel(`scripted:${script}`);
  assert.equal((await scripted.doGenerate({ messages: [userMessage('q')], config: {} })).text, 'scripted answer');
  assert.deepEqual(parseModelSpec('llama:C:\\models\\x.gguf'), { provider: 'llama', name: 'C:\\models\\x.gguf' });
  await assert.rejects(createModel('llama:/no/such/file.gguf'), {
    name: 'ConfigError',
    message: 'llama model file not found: /no/such/file.gguf',
  });
});

test('baseline is not a model: isBaselineSpec says so and createModel refuses it clearly', async () => {
  assert.equal(isBaselineSpec('baseline'), true);
  assert.equal(isBaselineSpec('openai:baseline'), false);
  await assert.rejects(
    createModel('baseline'),
    (error: Error) => error instanceof ConfigError && /'baseline' is not a model/.test(error.message),
  );
});

test('unknown providers, missing prefixes and missing names → ConfigError listing what is known', async () => {
  const cases: [string, RegExp][] = [
    [
      'gemini:pro',
      /^unknown model provider 'gemini' in 'gemini:pro'; known providers: openai, anthropic, llama, reference-vision, scripted$/,
    ],
    ['gpt-4o', /^model 'gpt-4o' needs a provider prefix, e\.g\. openai:gpt-4o; known providers: /],
    ['openai', /^model 'openai' needs a name after the provider, e\.g\. openai:gpt-4o-mini$/],
    ['anthropic:', /needs a name after the provider/],
  ];
  for (const [spec, message] of cases) {
    await assert.rejects(
      createModel(spec),
      (error: Error) => error instanceof ConfigError && message.test(error.message),
      spec,
    );
  }
});

test('medkit/models re-exports every provider and the registry', () => {
  for (const name of [
    'openaiModel',
    'anthropicModel',
    'llamaModel',
    'scriptedModel',
    'loadScriptedModel',
    'createModel',
    'providers',
    'isBaselineSpec',
    'computeCost',
  ]) {
    assert.ok(name in models, name);
  }
});

test('reference-vision needs no name; its options follow the colon', () => {
  assert.deepEqual(parseModelSpec('reference-vision'), { provider: 'reference-vision', name: '' });
  assert.deepEqual(parseModelSpec('reference-vision:res=96'), { provider: 'reference-vision', name: 'res=96' });
});
