// API keys echoed back by a server (some proxies put the key they got into their error text) are
// redacted before they reach an error message, samples.jsonl, summary.json or the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ProviderCallError, REDACTED, redactSecrets, registerSecret } from '../../src/core/index.js';
import { anthropicModel } from '../../src/models/anthropic.js';
import { openaiModel } from '../../src/models/openai.js';
import { runEval } from '../../src/eval.js';
import { startLoopbackServer } from '../support/loopback-server.js';

const ask = { messages: [{ role: 'user' as const, content: 'hi' }], config: {} };

test('redactSecrets: registered values (also JSON-escaped), key shapes; short values are not secrets', () => {
  registerSecret('plain-secret-value-1234');
  registerSecret('quote"secret\\value-99');
  registerSecret('short');
  assert.equal(redactSecrets('key plain-secret-value-1234 here'), `key ${REDACTED} here`);
  assert.equal(
    redactSecrets(JSON.stringify({ error: 'bad quote"secret\\value-99' })),
    JSON.stringify({ error: `bad ${REDACTED}` }),
  );
  assert.equal(redactSecrets('a short word'), 'a short word');
  assert.equal(redactSecrets('Incorrect key sk-proj-AbCdEf0123456789xyz given'), `Incorrect key ${REDACTED} given`);
  assert.equal(redactSecrets('Authorization: Bearer abcdefghijklmnop0123'), `Authorization: ${REDACTED}`);
  assert.equal(redactSecrets('a sk- b'), 'a sk- b');
});

test('credentials inside a base URL are registered, so spec.json never shows them', async () => {
  const { resolveApiKey } = await import('../../src/models/provider-errors.js');
  resolveApiKey({
    apiKey: 'k',
    keyVariable: 'OPENAI_API_KEY',
    baseURL: 'https://user:url-password-8c1f@gateway.example/v1?api-key=query-key-55aa1&region=eu',
  });
  assert.equal(
    redactSecrets('https://user:url-password-8c1f@gateway.example/v1?api-key=query-key-55aa1&region=eu'),
    `https://user:${REDACTED}@gateway.example/v1?api-key=${REDACTED}&region=eu`,
  );
});

test('a key echoed in an error body is redacted from the message and the cause (openai, anthropic)', async () => {
  const key = 'medkit-test-key-7f3a9c2e41d0';
  const server = await startLoopbackServer();
  try {
    for (const model of [
      openaiModel({ model: 'm', baseURL: server.baseURL, apiKey: key }),
      anthropicModel({ model: 'm', baseURL: server.url, apiKey: key }),
    ]) {
      server.setFaults([{ type: 'server-error', status: 500, echoKey: true }]);
      const error = await model.doGenerate(ask).then(
        () => assert.fail('expected an error'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof ProviderCallError, String(error));
      assert.ok(server.requests.at(-1)!.fault === 'server-error');
      assert.match(error.message, /for key \[redacted\]/);
      assert.ok(!inspect(error, { depth: 8 }).includes(key), 'the cause chain holds no key either');
    }
  } finally {
    await server.close();
  }
});

test('runEval: an echoed key reaches neither samples.jsonl, summary.json nor the returned notes', async () => {
  const key = 'medkit-run-key-51c0ffee9a7b';
  const server = await startLoopbackServer({ faults: () => ({ type: 'server-error', status: 500, echoKey: true }) });
  const out = join(mkdtempSync(join(tmpdir(), 'medkit-secrets-')), 'run');
  try {
    const summary = await runEval({
      benchmark: 'medmcq-mini',
      models: { agent: 'openai:m' },
      provider: { baseURL: server.baseURL, apiKey: key },
      limit: 3,
      concurrency: 1,
      maxRetries: 0,
      cache: false,
      outDir: out,
    });
    assert.ok(server.requests.length >= 3);
    const samples = readFileSync(join(out, 'samples.jsonl'), 'utf8');
    assert.match(samples, /for key \[redacted\]/, 'the error is recorded, without the key');
    assert.ok(!samples.includes(key));
    assert.ok(!readFileSync(join(out, 'summary.json'), 'utf8').includes(key));
    assert.ok(!JSON.stringify(summary).includes(key));
  } finally {
    await server.close();
  }
});

test('the terminal: medkit eval prints no echoed key (stdout and stderr)', async () => {
  const key = 'medkit-cli-key-0ddba11c0de5';
  const server = await startLoopbackServer({ faults: () => ({ type: 'server-error', status: 500, echoKey: true }) });
  const cacheDir = mkdtempSync(join(tmpdir(), 'medkit-secrets-cli-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENAI_API_KEY: key, OPENAI_BASE_URL: server.baseURL };
    const args = ['eval', 'medmcq-mini', '--model', 'openai:m', '--limit', '9', '--concurrency', '1'];
    args.push('--max-retries', '0', '--no-cache', '--cache-dir', cacheDir, '--out', join(cacheDir, 'run'));
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'medkit.js');
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { env });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('close', (code) => resolve({ code, output }));
    });
    assert.notEqual(result.code, 0);
    assert.match(result.output, /\[redacted\]/);
    assert.ok(!result.output.includes(key), result.output);
  } finally {
    await server.close();
  }
});
