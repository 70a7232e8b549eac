// MedVR's pure functions against hand-computed values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { branchProbability, entropyShift, truncatedEntropy } from '../../src/agents/medvr/entropy.js';
import {
  ccaToolRewards,
  consensusMask,
  groupRewards,
  grpoAdvantages,
  medvrReward,
  trajectoryMask,
} from '../../src/agents/medvr/reward.js';
import { resolveZoom } from '../../src/agents/medvr/zoom.js';

const size = { width: 10, height: 10 };
const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2 });

test('consensus mask keeps pixels covered by more than half of T⁺', () => {
  const a = trajectoryMask([box(0, 0, 4, 4)], size)!;
  const b = trajectoryMask([box(2, 2, 6, 6)], size)!;
  const c = trajectoryMask([box(2, 2, 4, 4)], size)!;
  const consensus = consensusMask([a, b, c], size)!;
  // Covered twice or more of three: [2,4)×[2,4) (all three) plus nothing else with ≥ 2 votes... a∩b = [2,4)², c ⊂ it.
  assert.equal(
    consensus.data.reduce((sum, v) => sum + v, 0),
    4,
  );
  assert.equal(consensusMask([a, null], size), null, 'one of two votes is not a majority');
});

test('CCA: IoU > η earns 1.0, else 0.5; no consensus 0.5; no zoom 0', () => {
  const consensus = trajectoryMask([box(0, 0, 4, 4)], size)!;
  const same = trajectoryMask([box(0, 0, 4, 4)], size)!; // IoU 1
  const half = trajectoryMask([box(0, 0, 4, 8)], size)!; // IoU 16/32 = 0.5, not > 0.5
  assert.deepEqual(ccaToolRewards([same, half, null], consensus), [1, 0.5, 0]);
  assert.deepEqual(ccaToolRewards([same], null), [0.5]);
});

test('gated reward and group rewards: the tool reward counts only with a correct answer', () => {
  assert.equal(medvrReward(1, 1, 1), 3);
  assert.equal(medvrReward(0, 1, 1), 1);
  // Two correct rollouts zoom the same box (consensus = it), one correct without a zoom, one wrong.
  const rewards = groupRewards(
    [
      { boxes: [box(0, 0, 4, 4)], accuracy: 1, format: 1 },
      { boxes: [box(0, 0, 4, 4)], accuracy: 1, format: 1 },
      { boxes: [], accuracy: 1, format: 1 },
      { boxes: [box(5, 5, 9, 9)], accuracy: 0, format: 1 },
    ],
    size,
  );
  // T⁺ = first three; votes at [0,4)² = 2 > 3/2 → M̂ = that box. Rewards 1+1+1, 1+1+1, 1+1+0, 0+1.
  assert.deepEqual(rewards, [3, 3, 2, 1]);
  const advantages = grpoAdvantages(rewards);
  // mean 2.25, population std sqrt(((.75²)·2 + .25² + 1.25²)/4) = sqrt(0.6875)
  assert.ok(Math.abs(advantages[0]! - 0.75 / Math.sqrt(0.6875)) < 1e-5);
  assert.ok(Math.abs(advantages.reduce((a, b) => a + b, 0)) < 1e-9);
});

test('truncated entropy: top-k terms plus one tail bucket; ΔH and the clipped branch probability', () => {
  const token = {
    token: 'yes',
    logprob: Math.log(0.5),
    top: [
      { token: 'yes', logprob: Math.log(0.5) },
      { token: 'no', logprob: Math.log(0.25) },
    ],
  };
  // −.5 ln .5 − .25 ln .25 − .25 ln .25 (tail bucket of .25)
  assert.ok(Math.abs(truncatedEntropy(token) - (0.5 * Math.LN2 + 0.5 * Math.log(4))) < 1e-12);
  const sure = { token: 'a', logprob: 0, top: [{ token: 'a', logprob: 0 }] };
  const shift = entropyShift([sure, sure, { ...token, token: '<tool_call>{' }, token]);
  assert.ok(shift && Math.abs(shift.hBase) < 1e-12 && shift.delta > 0);
  assert.equal(entropyShift([sure]), null);
  assert.equal(branchProbability(2, 0.2, 0.5), 1);
  assert.equal(branchProbability(-1, 0.2, 0.5), 0);
  assert.ok(Math.abs(branchProbability(0.2, 0.2, 0.5) - 0.3) < 1e-12);
});

test('zoom boxes: a box inside a crop maps to original pixels; clamping, minimum size and bad boxes', () => {
  const frames = [
    { x1: 0, y1: 0, x2: 512, y2: 512, sentWidth: 512, sentHeight: 512 },
    // a crop of original [100, 200, 228, 328] sent at 64×64 (downscaled 2×)
    { x1: 100, y1: 200, x2: 228, y2: 328, sentWidth: 64, sentHeight: 64 },
  ];
  const inner = resolveZoom({ bbox_2d: [16, 16, 48, 48] }, frames, 16);
  assert.deepEqual(inner.original, [132, 232, 196, 296]);
  assert.equal(inner.imageIndex, 1);
  const onOriginal = resolveZoom({ bbox_2d: [500, 500, 600, 600], image_index: 0 }, frames, 16);
  assert.deepEqual(onOriginal.received, [496, 496, 512, 512]);
  assert.throws(() => resolveZoom({ bbox_2d: [50, 50, 10, 10] }, frames, 16), /needs x1 < x2 and y1 < y2/);
  assert.throws(
    () => resolveZoom({ bbox_2d: [600, 600, 700, 700], image_index: 0 }, frames, 16),
    /wholly outside image 0/,
  );
  assert.throws(() => resolveZoom({ bbox_2d: [1, 2, 3] }, frames, 16), /bbox_2d/);
  assert.throws(() => resolveZoom({ bbox_2d: [1, 2, 30, 40], image_index: 5 }, frames, 16), /image_index 5/);
});
