// The pieces the HTTP providers share: retry-after parsing, the local-server key rule, prices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/errors.js';
import { computeCost } from '../../src/models/pricing.js';
import {
  isLocalBaseURL,
  LOCAL_PLACEHOLDER_KEY,
  parseRetryAfter,
  resolveApiKey,
} from '../../src/models/provider-errors.js';

test('parseRetryAfter: retry-after-ms first, then seconds, then an HTTP date', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now), 1500);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '2' }), now), 2000);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '0.5' }), now), 500);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now), 30_000);
  assert.equal(
    parseRetryAfter(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }), now),
    0,
    'a past date means now',
  );
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(parseRetryAfter(new Headers(), now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test('isLocalBaseURL: loopback and private networks, not public hosts', () => {
  for (const url of [
    'http://localhost:8000/v1',
    'http://127.0.0.1:1234',
    'http://[::1]:8080',
    'http://10.1.2.3/v1',
    'http://192.168.0.9:11434/v1',
    'http://172.20.0.2',
    'http://gpu-box.local:8000',
  ]) {
    assert.equal(isLocalBaseURL(url), true, url);
  }
  for (const url of ['https://api.openai.com/v1', 'https://api.anthropic.com', 'http://172.32.0.1', 'not a url']) {
    assert.equal(isLocalBaseURL(url), false, url);
  }
});

test('resolveApiKey: option, then environment, then a placeholder for local servers, else ConfigError', () => {
  const variable = 'MEDKIT_TEST_KEY_VARIABLE';
  delete process.env[variable];
  assert.equal(resolveApiKey({ apiKey: 'given', keyVariable: variable, baseURL: 'https://api.example.com' }), 'given');
  process.env[variable] = 'from-env';
  assert.equal(
    resolveApiKey({ apiKey: undefined, keyVariable: variable, baseURL: 'https://api.example.com' }),
    'from-env',
  );
  process.env[variable] = '';
  assert.equal(
    resolveApiKey({ apiKey: undefined, keyVariable: variable, baseURL: 'http://localhost:8000' }),
    LOCAL_PLACEHOLDER_KEY,
  );
  assert.throws(
    () => resolveApiKey({ apiKey: undefined, keyVariable: variable, baseURL: 'https://api.example.com' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `${variable} is not set; export it (needed for https://api.example.com).`);
      return true;
    },
  );
  delete process.env[variable];
});

test('computeCost: dollars per million tokens, requested model first, undefined when unpriced', () => {
  const prices = {
    a: { inputPerMillion: 1, outputPerMillion: 4 },
    'a-2025': { inputPerMillion: 2, outputPerMillion: 8 },
  };
  assert.equal(computeCost({ inputTokens: 1_000_000, outputTokens: 500_000 }, prices, 'a', 'a-2025'), 3);
  assert.equal(computeCost({ inputTokens: 1_000_000, outputTokens: 0 }, prices, 'x', 'a-2025'), 2);
  assert.equal(computeCost({ inputTokens: 1, outputTokens: 1 }, prices, 'x'), undefined);
  assert.equal(computeCost({ inputTokens: 1, outputTokens: 1 }, undefined, 'a'), undefined);
});
