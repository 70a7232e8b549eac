import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilcoxonSignedRank } from '../../src/stats/index.js';

// scipy.stats.wilcoxon documentation example: height differences of Darwin's cross- and
// self-fertilised corn pairs (Fisher, The Design of Experiments), as differences against 0.
const DARWIN = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
const ZEROS = DARWIN.map(() => 0);

function close(actual: number, expected: number, relative = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${actual} vs ${expected}`);
}

test("scipy's documented example: statistic 24, exact two-sided p = 0.041259765625", () => {
  const result = wilcoxonSignedRank(DARWIN, ZEROS);
  assert.equal(result.statistic, 24);
  assert.equal(result.method, 'exact');
  assert.equal(result.n, 15);
  close(result.pValue, 0.041259765625);
  // The null distribution is symmetric, so the one-sided p is half (scipy docs: 0.0206298828125);
  // one-sided tests report W+ = 120 − 24 = 96.
  const greater = wilcoxonSignedRank(DARWIN, ZEROS, { alternative: 'greater' });
  assert.equal(greater.statistic, 96);
  close(greater.pValue, 0.0206298828125);
  // scipy 1.17.1 wilcoxon(d, alternative='less'): 0.982330322265625.
  close(wilcoxonSignedRank(DARWIN, ZEROS, { alternative: 'less' }).pValue, 0.982330322265625);
});

test('normal approximation with tie correction, worked by hand (n = 20, one tie)', () => {
  // |d| = 1.5, 1.5, 3..20: the two 1.5s share rank 1.5. Negative: 3, 7, 10, so W− = 20, W+ = 190.
  // Ties with n > 13 select the normal approximation: mean n(n+1)/4 = 105,
  // variance (n(n+1)(2n+1) − Σ(t³ − t)/2)/24 = (17220 − 3)/24 = 717.375, z = 85/√717.375.
  const differences = [1.5, 1.5, -3, 4, 5, 6, -7, 8, 9, -10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const result = wilcoxonSignedRank(
    differences,
    differences.map(() => 0),
  );
  assert.equal(result.method, 'normal');
  assert.equal(result.statistic, 20);
  close(result.z, 85 / Math.sqrt(717.375));
  // scipy 1.17.1: p = 0.001505852119293462, and 0.001605611524471884 with correction=True.
  close(result.pValue, 0.001505852119293462, 1e-10);
  close(
    wilcoxonSignedRank(
      differences,
      differences.map(() => 0),
      { correction: true },
    ).pValue,
    0.001605611524471884,
    1e-10,
  );
});

test('ties with few pairs use the exact sign-flip distribution, worked by hand', () => {
  // d = 2, 3, 3, 5, −1: ranks 2, 3.5, 3.5, 5 and 1, so W+ = 14, W− = 1. Of the 2^5 sign patterns
  // only 2 give W+ ≥ 14 (those leaving out nothing or the rank 1), so the two-sided p = 2 · 2/32.
  const result = wilcoxonSignedRank([2, 3, 3, 5, -1], [0, 0, 0, 0, 0]);
  assert.equal(result.method, 'permutation');
  assert.equal(result.statistic, 1);
  assert.equal(result.pValue, 0.125);
});

test('zero differences under wilcox, pratt and zsplit (scipy 1.17.1 values)', () => {
  const a = [5, 2, 3, 3, 5, -1];
  const b = [5, 0, 0, 0, 0, 0];
  const wilcox = wilcoxonSignedRank(a, b);
  assert.deepEqual([wilcox.statistic, wilcox.n, wilcox.pValue], [1, 5, 0.125]);
  const pratt = wilcoxonSignedRank(a, b, { zeroMethod: 'pratt' });
  assert.deepEqual([pratt.statistic, pratt.n, pratt.pValue], [2, 6, 0.125]);
  const zsplit = wilcoxonSignedRank(a, b, { zeroMethod: 'zsplit' });
  assert.deepEqual([zsplit.statistic, zsplit.pValue], [2.5, 0.125]);
});

test('more than 50 pairs with zeros and ties: normal approximation as scipy 1.17.1', () => {
  const differences = Array.from({ length: 60 }, (_, index) => ((index * 7) % 11) - 3);
  const zeros = differences.map(() => 0);
  const expected = {
    wilcox: [264, 3.566293189068275e-5],
    pratt: [360, 5.800633292550526e-5],
    zsplit: [370.5, 5.850402393796536e-5],
  } as const;
  for (const zeroMethod of ['wilcox', 'pratt', 'zsplit'] as const) {
    const result = wilcoxonSignedRank(differences, zeros, { zeroMethod });
    assert.equal(result.method, 'normal');
    assert.equal(result.statistic, expected[zeroMethod][0]);
    close(result.pValue, expected[zeroMethod][1], 1e-9);
  }
});

test('swapping a and b keeps a two-sided result and flips z', () => {
  const a = [3.1, 4.5, 2.2, 5.0, 3.3, 4.8, 2.9];
  const b = [2.0, 4.1, 2.5, 3.2, 3.0, 4.0, 1.1];
  const forward = wilcoxonSignedRank(a, b);
  const backward = wilcoxonSignedRank(b, a);
  assert.equal(forward.statistic, backward.statistic);
  assert.equal(forward.pValue, backward.pValue);
  assert.ok(Math.abs(forward.z + backward.z) < 1e-12);
});

test('bad input throws naming the argument; all-zero differences give p = 1 for few pairs', () => {
  assert.throws(
    () => wilcoxonSignedRank([1, 2, 3], [1, 2]),
    /wilcoxonSignedRank: a and b must have the same length \(got 3 and 2\)/,
  );
  assert.throws(() => wilcoxonSignedRank([], []), /wilcoxonSignedRank: a is empty/);
  assert.throws(() => wilcoxonSignedRank([1, Number.NaN], [0, 0]), /a\[1\] is NaN/);
  assert.throws(() => wilcoxonSignedRank([1], [0], { zeroMethod: 'drop' as 'wilcox' }), /zeroMethod is drop/);
  const allEqual = wilcoxonSignedRank([1, 2, 3], [1, 2, 3]);
  assert.deepEqual([allEqual.statistic, allEqual.n, allEqual.pValue], [0, 0, 1]);
});
