// The one Gaussian blur (reference vision model, RetMAE): kernel, edges, type kept, σ ≤ 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussianBlur, gaussianKernel } from '../../src/imaging/blur.js';

test('a unit impulse blurs into the outer product of the normalised kernel; constants and types are kept', () => {
  const kernel = gaussianKernel(1, new Float64Array(0));
  assert.equal(kernel.length, 7); // radius ⌈3σ⌉
  assert.ok(Math.abs(kernel.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(Math.abs(kernel[3]! / kernel[4]! - Math.exp(0.5)) < 1e-12);
  const impulse = new Float64Array(15 * 15);
  impulse[7 * 15 + 7] = 1;
  const out = gaussianBlur(impulse, 15, 15, 1);
  for (const [dy, dx] of [
    [0, 0],
    [1, 2],
    [-3, 3],
  ] as const)
    assert.ok(Math.abs(out[(7 + dy) * 15 + 7 + dx]! - kernel[3 + dy]! * kernel[3 + dx]!) < 1e-15);
  const flat = gaussianBlur(new Float32Array(6 * 4).fill(5), 6, 4, 2.5);
  assert.ok(flat instanceof Float32Array);
  assert.ok(
    flat.every((v) => Math.abs(v - 5) < 1e-5),
    'edge replication keeps a constant image constant',
  );
  const values = Float64Array.from([1, 2, 3, 4]);
  const copy = gaussianBlur(values, 2, 2, 0);
  assert.deepEqual(copy, values);
  assert.notEqual(copy, values);
});
