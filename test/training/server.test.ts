// The reward server as a service: malformed, mistyped and oversized requests, bearer tokens off loopback,
// incomplete groups, a reward that throws (documented fallback + error entry), and 200 concurrent requests.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defineReward, type Reward } from '../../src/core/index.js';
import { rewards } from '../../src/registry-loaded.js';
import { startRewardServer } from '../../src/training/server.js';

const options = { args: {}, seed: 0, cacheDir: join(mkdtempSync(join(tmpdir(), 'reward-server-')), 'cache') };
const medsyn = rewards.medsynvqa!.reward;
const truth = { options: { A: 'nodule', B: 'mass' }, answer: 'mass', answer_label: 'B' };
const right = { completion: '<think>x</think><answer>B</answer>', ground_truth: truth };
const wrong = { completion: '<answer>A</answer>', ground_truth: truth };

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('malformed JSON, wrong types (with the JSON path), unknown routes: 4xx, and the server keeps serving', async () => {
  const server = await startRewardServer({ reward: medsyn, options, port: 0 });
  try {
    const notJson = await post(`${server.url}/score`, '{"rollouts": [');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.path, '(body)');
    assert.match(String(notJson.body.error), /not JSON/);
    const mistyped = await post(
      `${server.url}/score`,
      JSON.stringify({ rollouts: [right, { completion: 42, ground_truth: truth }] }),
    );
    assert.equal(mistyped.status, 400);
    assert.equal(mistyped.body.path, 'rollouts[1].completion');
    const extraKey = await post(`${server.url}/score`, JSON.stringify({ rollouts: [{ ...right, reward: 1 }] }));
    assert.equal(extraKey.status, 400);
    assert.match(String(extraKey.body.path), /^rollouts\[0\]/);
    const notList = await post(`${server.url}/score`, JSON.stringify({ rollouts: {} }));
    assert.deepEqual([notList.status, notList.body.path], [400, 'rollouts']);
    const openrlhf = await post(`${server.url}/get_reward`, JSON.stringify({ query: ['a', 'b'], labels: ['x'] }));
    assert.deepEqual([openrlhf.status, openrlhf.body.path], [400, 'labels']);
    const noLabels = await post(`${server.url}/get_reward`, JSON.stringify({ query: ['a'] }));
    assert.deepEqual([noLabels.status, noLabels.body.path], [400, 'labels']);
    const queryType = await post(`${server.url}/get_reward`, JSON.stringify({ query: [1], labels: ['x'] }));
    assert.deepEqual([queryType.status, queryType.body.path], [400, 'query[0]']);
    const missing = await fetch(`${server.url}/nope`, { method: 'POST', body: '{}' });
    assert.equal(missing.status, 404);
    await missing.text();
    const ok = await post(`${server.url}/score`, JSON.stringify({ rollouts: [right, wrong] }));
    assert.deepEqual(ok.body.rewards, [1, 0]);
  } finally {
    await server.close();
  }
});

/** A chunked POST without content-length, so the limit is enforced while reading. */
function postChunked(url: string, chunks: number, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error) => {
      // The server may close after answering 413 while chunks are still going out.
      if ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET')
        return;
      reject(error);
    });
    const chunk = Buffer.alloc(size, 32);
    for (let index = 0; index < chunks; index++) request.write(chunk);
    request.end();
  });
}

test('oversized bodies get 413 (declared length and streamed), normal ones still work', async () => {
  const server = await startRewardServer({ reward: medsyn, options, port: 0, maxBodyBytes: 4096 });
  try {
    const declared = await post(
      `${server.url}/score`,
      JSON.stringify({ rollouts: [{ ...right, prompt: 'x'.repeat(8000) }] }),
    );
    assert.equal(declared.status, 413);
    assert.equal(declared.body.path, '(body)');
    assert.equal(await postChunked(`${server.url}/score`, 16, 1024), 413);
    const ok = await post(`${server.url}/score`, JSON.stringify({ rollouts: [right] }));
    assert.deepEqual(ok.body.rewards, [1]);
  } finally {
    await server.close();
  }
});

test('off loopback a bearer token is required: refused to start without one; 401 without or with a wrong one', async () => {
  assert.throws(
    () => startRewardServer({ reward: medsyn, options, port: 0, host: '0.0.0.0' }),
    /--host 0.0.0.0 exposes the server beyond this machine: give --token/,
  );
  const server = await startRewardServer({ reward: medsyn, options, port: 0, host: '0.0.0.0', token: 's3cret-token' });
  const url = `http://127.0.0.1:${server.port}`;
  try {
    const body = JSON.stringify({ rollouts: [right] });
    const none = await post(`${url}/score`, body);
    assert.deepEqual([none.status, none.body.path], [401, '(header) authorization']);
    assert.ok(!JSON.stringify(none.body).includes('s3cret'), 'the token never appears in a response');
    assert.equal((await post(`${url}/score`, body, { authorization: 'Bearer s3cret-tokeN' })).status, 401);
    assert.equal((await post(`${url}/score`, body, { authorization: 's3cret-token' })).status, 401);
    const ok = await post(`${url}/score`, body, { authorization: 'Bearer s3cret-token' });
    assert.deepEqual(ok.body.rewards, [1]);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { reward: string }).reward, 'medsynvqa');
  } finally {
    await server.close();
  }
});

test('group rewards: an incomplete group, a missing id or mixed sizes is a 400 naming the rollout', async () => {
  const server = await startRewardServer({ reward: rewards.medvr!.reward, options, port: 0 });
  const gt = { target: 'yes', width: 64, height: 64 };
  const rollout = (group: string, size: number) => ({
    completion: '<think>a</think><answer>yes</answer>',
    ground_truth: gt,
    group,
    group_size: size,
  });
  try {
    const incomplete = await post(
      `${server.url}/score`,
      JSON.stringify({ rollouts: [rollout('p1', 2), rollout('p1', 2), rollout('p2', 2)] }),
    );
    assert.equal(incomplete.status, 400);
    assert.equal(incomplete.body.path, 'rollouts[2].group');
    assert.match(String(incomplete.body.error), /group 'p2' has 1 of its 2 rollouts/);
    const noId = await post(
      `${server.url}/score`,
      JSON.stringify({ rollouts: [{ completion: 'x', ground_truth: gt }] }),
    );
    assert.deepEqual([noId.status, noId.body.path], [400, 'rollouts[0].group']);
    const mixed = await post(`${server.url}/score`, JSON.stringify({ rollouts: [rollout('p', 2), rollout('p', 3)] }));
    assert.deepEqual([mixed.status, mixed.body.path], [400, 'rollouts[1].group_size']);
    const openrlhf = await post(`${server.url}/get_reward`, JSON.stringify({ query: ['a'], labels: ['{}'] }));
    assert.equal(openrlhf.status, 400);
    const whole = await post(`${server.url}/score`, JSON.stringify({ rollouts: [rollout('p', 2), rollout('p', 2)] }));
    assert.equal(whole.status, 200);
    assert.deepEqual(whole.body.rewards, [2, 2], 'both right, no zoom: R_acc 1 + R_format 1, no tool reward');
  } finally {
    await server.close();
  }
});

test('a reward that throws: that rollout gets the fallback and an error entry; a batch-level throw, all of them', async () => {
  const server = await startRewardServer({ reward: medsyn, options, port: 0 });
  try {
    const bad = { completion: 'B', ground_truth: { options: { A: 'x' } } };
    const mixed = await post(`${server.url}/score`, JSON.stringify({ rollouts: [right, bad, wrong] }));
    assert.equal(mixed.status, 200);
    assert.deepEqual(mixed.body.rewards, [1, medsyn.fallback, 0]);
    const errors = mixed.body.errors as { index: number; error: string }[];
    assert.deepEqual(
      errors.map((error) => error.index),
      [1],
    );
    assert.match(errors[0]!.error, /ground_truth\.answer/);
  } finally {
    await server.close();
  }
  const exploding: Reward = defineReward({
    name: 'exploding',
    description: 'throws, or gives NaN',
    kind: 'rule',
    fallback: -1,
    groundTruthOf: () => null,
    async score(rollouts) {
      if (rollouts.some((rollout) => rollout.completion === 'boom')) throw new Error('kaboom');
      return rollouts.map(() => ({ reward: Number.NaN }));
    },
  });
  const other = await startRewardServer({ reward: exploding, options, port: 0 });
  try {
    const thrown = await post(
      `${other.url}/score`,
      JSON.stringify({ rollouts: [{ completion: 'boom', ground_truth: 1 }] }),
    );
    assert.equal(thrown.status, 200);
    assert.deepEqual(thrown.body.rewards, [-1]);
    assert.match(String((thrown.body.errors as { error: string }[])[0]!.error), /reward 'exploding' failed: kaboom/);
    const nan = await post(`${other.url}/get_reward`, JSON.stringify({ query: ['x'], labels: ['1'] }));
    assert.deepEqual(nan.body.rewards, [-1], 'a non-finite value is never sent to a trainer');
    assert.equal((nan.body.extra_logs as { medkit_errors: number[] }).medkit_errors[0], 1);
  } finally {
    await other.close();
  }
});

test('200 concurrent requests are all answered, each with its own values', async () => {
  const server = await startRewardServer({ reward: medsyn, options, port: 0 });
  try {
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const rollouts = Array.from({ length: 1 + (index % 5) }, (_, k) => ((index + k) % 2 ? right : wrong));
        const response = await post(`${server.url}/score`, JSON.stringify({ rollouts }));
        return { index, response, expected: rollouts.map((rollout) => (rollout === right ? 1 : 0)) };
      }),
    );
    for (const { response, expected, index } of answers) {
      assert.equal(response.status, 200, `request ${index}`);
      assert.deepEqual(response.body.rewards, expected, `request ${index}`);
    }
  } finally {
    await server.close();
  }
});
