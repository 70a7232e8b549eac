// The compare page's histogram bins: 0/1 scores, small integer scales, continuous values, and
// 200,000 values (a spread into Math.min would overflow the stack).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { histogram } from '../../src/server/compare-view.js';

describe('histogram', () => {
  it('gives 0/1 scores two bins', () => {
    assert.deepEqual(histogram([0, 1, 1], [1, 1, 1]), { edges: [-0.5, 0.5, 1.5], a: [1, 2], b: [0, 3] });
  });
  it('gives a small integer scale one bin per point', () => {
    const result = histogram([1, 2, 5], [3, 3]);
    assert.deepEqual(result.edges, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    assert.deepEqual(result.a, [1, 1, 0, 0, 1]);
    assert.deepEqual(result.b, [0, 0, 2, 0, 0]);
    assert.deepEqual(histogram([3], [3]).a, [1]);
  });
  it('splits continuous values into 10 bins, the maximum in the last', () => {
    const result = histogram([0, 0.25, 0.5, 1], []);
    assert.equal(result.edges.length, 11);
    assert.deepEqual(result.a, [1, 0, 1, 0, 0, 1, 0, 0, 0, 1]);
  });
  it('handles 200,000 values', () => {
    const values = Array.from({ length: 200_000 }, (_, index) => (index % 100) / 99);
    const result = histogram(values, values);
    assert.equal(
      result.a.reduce((sum, count) => sum + count, 0),
      200_000,
    );
    assert.equal(result.edges[0], 0);
    assert.equal(result.edges.at(-1), 1);
  });
});
