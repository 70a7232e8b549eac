import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatsInputError, mean, normalCdf, normalSf, sampleStdDev } from '../../src/stats/index.js';

test('mean and sample standard deviation: the textbook 2,4,4,4,5,5,7,9 example', () => {
  // Source: Wikipedia, "Standard deviation", basic example: mean 5, population sd 2,
  // so the sample (n − 1) variance is 32/7.
  const values = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(values), 5);
  assert.ok(Math.abs(sampleStdDev(values) - Math.sqrt(32 / 7)) < 1e-12);
});

test('sampleStdDev of one value is 0, as inspect_ai std() for n = 1', () => {
  assert.equal(sampleStdDev([3.5]), 0);
});

test('mean rejects empty and non-finite input, naming the argument', () => {
  assert.throws(
    () => mean([]),
    (error: unknown) => error instanceof StatsInputError && /mean: values is empty/.test(error.message),
  );
  assert.throws(() => mean([1, Number.NaN]), /values\[1\] is NaN/);
  assert.throws(() => sampleStdDev([1, Infinity]), /values\[1\] is Infinity/);
});

test('standard normal tail matches published quantiles', () => {
  // 1.959963984540054 is the 97.5% quantile of N(0, 1); 0.15865525393145707 = Φ(−1)
  // (NIST/SEMATECH handbook table 0.1587; digits from Python's math.erfc).
  assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-14);
  assert.ok(Math.abs(normalCdf(-1) - 0.15865525393145707) < 1e-15);
  assert.equal(normalCdf(0), 0.5);
  // Far tails must not cancel to 0: P(Z ≥ 8) = 6.220960574271819e-16 (Python: 0.5*math.erfc(8/math.sqrt(2))).
  assert.ok(Math.abs(normalSf(8) / 6.220960574271819e-16 - 1) < 1e-12);
  assert.ok(Math.abs(normalCdf(-8) / 6.220960574271819e-16 - 1) < 1e-12);
});
