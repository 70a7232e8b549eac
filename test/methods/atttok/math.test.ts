import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finiteDifferenceGradient, maxRelativeError } from '../../../src/methods/autodiff.js';
import {
  accForward,
  accGradients,
  emaPrototype,
  type Matrix,
  multiPositiveInfoNce,
  multiPositiveInfoNceGradient,
} from '../../../src/methods/atttok/math.js';

const seeded = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
};
const randomMatrix = (rows: number, cols: number, next: () => number): Matrix =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, next));
const shape = (flat: ArrayLike<number>, rows: number, cols: number): Matrix =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => flat[i * cols + j]!));

describe('AttTok reference math', () => {
  it('prototype EMA: μ = 0.99 by default, closed form after t constant updates', () => {
    const updated = emaPrototype(
      [1, 0],
      [
        [0, 2],
        [0, 4],
      ],
    );
    assert.ok(Math.abs(updated[0]! - 0.99) < 1e-12 && Math.abs(updated[1]! - 0.03) < 1e-12);
    let prototype = [2, -1];
    for (let step = 0; step < 50; step++) prototype = emaPrototype(prototype, [[0, 1]], 0.9);
    const decay = 0.9 ** 50;
    assert.ok(Math.abs(prototype[0]! - 2 * decay) < 1e-12);
    assert.ok(Math.abs(prototype[1]! - (-1 * decay + (1 - decay))) < 1e-12);
    assert.deepEqual(emaPrototype([1, 2], []), [1, 2], 'no features: unchanged');
  });

  it('ACC forward on a hand-computed case: F + γ·softmax(QKᵀ/√k)·V·W_O', () => {
    const identity = [
      [1, 0],
      [0, 1],
    ];
    const features = [[1, 0]];
    const book = [
      [1, 0],
      [0, 1],
    ];
    const out = accForward(features, book, { wq: identity, wk: identity, wv: identity, wo: identity }, 0.1);
    // scores [1, 0] / √2 → softmax weights w1 = e^{1/√2} / (e^{1/√2} + 1), w2 = 1 − w1; V = I.
    const w1 = Math.exp(1 / Math.SQRT2) / (Math.exp(1 / Math.SQRT2) + 1);
    assert.ok(Math.abs(out[0]![0]! - (1 + 0.1 * w1)) < 1e-12);
    assert.ok(Math.abs(out[0]![1]! - 0.1 * (1 - w1)) < 1e-12);
  });

  it('ACC gradients (tfjs) equal finite differences of the float64 forward', async () => {
    const next = seeded(7);
    const [d, k] = [4, 3];
    const features = randomMatrix(3, d, next);
    const book = randomMatrix(6, d, next);
    const weights = {
      wq: randomMatrix(d, k, next),
      wk: randomMatrix(d, k, next),
      wv: randomMatrix(d, k, next),
      wo: randomMatrix(k, d, next),
    };
    const probe = randomMatrix(3, d, next);
    const gradients = await accGradients(features, book, weights, probe, 0.1);
    for (const name of ['wq', 'wk', 'wv', 'wo'] as const) {
      const [rows, cols] = [weights[name].length, weights[name][0]!.length];
      const numeric = finiteDifferenceGradient((flat) => {
        const out = accForward(features, book, { ...weights, [name]: shape(flat, rows, cols) }, 0.1);
        return out.reduce((sum, row, i) => sum + row.reduce((s, value, j) => s + value * probe[i]![j]!, 0), 0);
      }, weights[name].flat());
      assert.ok(
        maxRelativeError(gradients[name], numeric) < 2e-3,
        `${name}: ${maxRelativeError(gradients[name], numeric)}`,
      );
    }
  });

  it('multi-positive InfoNCE: hand-computed value with θ = I', () => {
    const theta = [
      [1, 0],
      [0, 1],
    ];
    const book = [
      [1, 0],
      [0, 1],
      [-1, 0],
    ];
    // anchor along x: cosines 1, 0, −1; positives are rows 0 and 1 (attribute 0).
    const loss = multiPositiveInfoNce([2, 0], book, [0, 0, 1], 0, theta, 0.5);
    const expected = -Math.log((Math.exp(2) + Math.exp(0)) / (Math.exp(2) + Math.exp(0) + Math.exp(-2)));
    assert.ok(Math.abs(loss - expected) < 1e-12);
    assert.throws(() => multiPositiveInfoNce([1, 0], book, [0, 0, 1], 3, theta, 0.5), /positive attribute 3/);
  });

  it('multi-positive InfoNCE gradients (tfjs) equal finite differences, for the anchor and θ', async () => {
    const next = seeded(11);
    const [d, e] = [5, 3];
    const anchor = Array.from({ length: d }, next);
    const book = randomMatrix(9, d, next);
    const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    const theta = randomMatrix(d, e, next);
    const result = await multiPositiveInfoNceGradient(anchor, book, labels, 1, theta, 0.2);
    assert.ok(Math.abs(result.loss - multiPositiveInfoNce(anchor, book, labels, 1, theta, 0.2)) < 1e-4);
    const numericAnchor = finiteDifferenceGradient(
      (x) => multiPositiveInfoNce([...x], book, labels, 1, theta, 0.2),
      anchor,
    );
    assert.ok(
      maxRelativeError(result.anchor, numericAnchor) < 2e-3,
      `anchor: ${maxRelativeError(result.anchor, numericAnchor)}`,
    );
    const numericTheta = finiteDifferenceGradient(
      (flat) => multiPositiveInfoNce(anchor, book, labels, 1, shape(flat, d, e), 0.2),
      theta.flat(),
    );
    assert.ok(
      maxRelativeError(result.theta, numericTheta) < 2e-3,
      `theta: ${maxRelativeError(result.theta, numericTheta)}`,
    );
  });
});
