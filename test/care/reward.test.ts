// CARE's pure functions against hand-computed values: Kuhn–Munkres matchings, the entity and EG-VQA
// rewards, the mask confidence, the vote's tie-break and the padded crop box.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { careVote } from '../../src/agents/care/flow.js';
import {
  cosine,
  egVqaReward,
  entityReward,
  hashingEmbedding,
  maxWeightMatching,
} from '../../src/agents/care/reward.js';
import { maskConfidence } from '../../src/agents/care/segment.js';
import { paddedBox } from '../../src/agents/care/views.js';

test('Kuhn–Munkres finds the maximum-weight matching where greedy does not', () => {
  // Greedy takes 0.9 at (0,0), then (1,1) = 0.1: 1.0. The optimum is (0,1) + (1,0) = 0.8 + 0.85 = 1.65.
  const { pairs, total } = maxWeightMatching([
    [0.9, 0.8],
    [0.85, 0.1],
  ]);
  assert.deepEqual(
    [...pairs].sort((a, b) => a[0] - b[0]),
    [
      [0, 1],
      [1, 0],
    ],
  );
  assert.ok(Math.abs(total - 1.65) < 1e-12);
  // Rectangular (3 predicted × 2 truth): the best two of three rows, 0.7 + 0.9 = 1.6.
  const rect = maxWeightMatching([
    [0.2, 0.3],
    [0.7, 0.1],
    [0.6, 0.9],
  ]);
  assert.ok(Math.abs(rect.total - 1.6) < 1e-12, JSON.stringify(rect));
  assert.equal(rect.pairs.length, 2);
});

test('entity reward: R_sim over the matching / min(P, Q), R_count, R_rep, R_format', () => {
  // One-hot embeddings make the cosines exact: nodule·nodule = 1, mass·tumour = 1/√2.
  const table: Record<string, number[]> = {
    nodule: [1, 0, 0],
    mass: [0, 1, 0],
    tumour: [0, 1, 1],
    effusion: [0, 0, 1],
  };
  const embed = (text: string) => table[text.toLowerCase()]!;
  const r = entityReward(
    ['nodule', 'mass', 'Nodule'],
    ['nodule', 'tumour'],
    embed,
    '<think>x</think><answer>nodule</answer>',
  );
  // P = 3, Q = 2: matching nodule→nodule (1) + mass→tumour (1/√2); R_sim = (1 + 0.7071)/2.
  assert.ok(Math.abs(r.sim - (1 + Math.SQRT1_2) / 2) < 1e-12, String(r.sim));
  assert.equal(r.count, 1);
  assert.equal(r.rep, 1 / 2, 'one repeat (Nodule) → 1/(1+1)');
  assert.equal(r.format, 1);
  assert.ok(Math.abs(r.total - (r.sim + 1 + 0.5 + 1)) < 1e-12);
  const empty = entityReward([], ['nodule'], embed);
  assert.deepEqual([empty.sim, empty.count, empty.rep, empty.format], [0, 0, 1, 0], 'R_sim = 0 when a list is empty');
  const six = entityReward(['a', 'b', 'c', 'd', 'e', 'f'], [], () => [1]);
  assert.equal(six.count, 0, 'more than 5 entities: R_count = 0');
});

test('hashing embedding: same text cosine 1, shared spelling closer than unrelated words', () => {
  assert.ok(Math.abs(cosine(hashingEmbedding('lung nodule'), hashingEmbedding('Lung  nodule')) - 1) < 1e-12);
  const near = cosine(hashingEmbedding('nodule'), hashingEmbedding('nodules'));
  const far = cosine(hashingEmbedding('nodule'), hashingEmbedding('effusion'));
  assert.ok(near > 0.5 && near > far + 0.3, `${near} vs ${far}`);
});

test('EG-VQA reward: R_acc + R_format + 0.25·min(1, words/L)', () => {
  const response = '<think>a b c</think> <answer>yes</answer>'; // 4 whitespace words
  assert.deepEqual(egVqaReward(response, true, 8), { acc: 1, format: 1, length: 0.125, total: 2.125 });
  assert.equal(egVqaReward('yes', false, 8).total, 0.25 / 8);
  assert.equal(egVqaReward('w '.repeat(100), false, 8).length, 0.25, 'capped at 0.25');
  assert.throws(() => egVqaReward('x', true, 0), /L must be > 0/);
});

test('mask confidence C = 1 − H/log 2: hard map 1, all-0.5 map 0, by hand in between', () => {
  const map = (values: number[]) => ({ width: values.length, height: 1, data: Float32Array.from(values) });
  assert.equal(maskConfidence(map([0, 1, 1, 0])), 1);
  assert.ok(Math.abs(maskConfidence(map([0.5, 0.5]))) < 1e-7);
  // p = 0.1: h = −(0.1 ln 0.1 + 0.9 ln 0.9) = 0.325083; with a hard pixel the mean is 0.1625415.
  const h = -(0.1 * Math.log(0.1) + 0.9 * Math.log(0.9));
  assert.ok(Math.abs(maskConfidence(map([0.1, 1])) - (1 - h / 2 / Math.log(2))) < 1e-6);
});

test('vote: majority; a tie goes to the zoom view, then the mask view', () => {
  assert.equal(
    careVote([
      { kind: 'zoom', answer: 'yes' },
      { kind: 'mask', answer: 'no' },
      { kind: 'global', answer: 'no' },
    ]),
    'no',
  );
  assert.equal(
    careVote([
      { kind: 'global', answer: 'no' },
      { kind: 'zoom', answer: 'yes' },
      { kind: 'mask', answer: null },
    ]),
    'yes',
  );
  assert.equal(careVote([{ kind: 'mask', answer: null }]), null);
});

test('padded crop box: pad × size on each side, at least 32 px, clamped to the image', () => {
  const mask = { width: 100, height: 100, data: new Uint8Array(100 * 100) };
  for (let y = 40; y < 50; y++) for (let x = 40; x < 50; x++) mask.data[y * 100 + x] = 1;
  // box [40, 50): 10 px + 10 each side = 30 < 32, so 32 px about the centre 45
  assert.deepEqual(paddedBox(mask, 1), { x1: 29, y1: 29, x2: 61, y2: 61 });
  assert.deepEqual(paddedBox(mask, 2), { x1: 20, y1: 20, x2: 70, y2: 70 });
  const corner = { width: 100, height: 100, data: new Uint8Array(100 * 100) };
  corner.data[0] = 1;
  assert.deepEqual(paddedBox(corner, 1), { x1: 0, y1: 0, x2: 17, y2: 17 });
  assert.equal(paddedBox({ width: 4, height: 4, data: new Uint8Array(16) }, 1), null);
});
