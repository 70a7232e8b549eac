import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanPassAtK, meanPassHatK, passAtK, passHatK } from '../../src/stats/index.js';

/** Exact C(n, k)/C(m, k) with BigInt, as an oracle independent of the product formulas. */
function binomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let result = 1n;
  for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}
function ratio(numerator: bigint, denominator: bigint): number {
  // 1e18-scaled integer division keeps ~18 digits before converting to a double.
  const scale = 10n ** 18n;
  return Number((numerator * scale) / denominator) / 1e18;
}

test('pass@k and pass^k on small cases worked by hand', () => {
  // n = 5 trials, c = 2 successes, k = 2: pass@2 = 1 − C(3,2)/C(5,2) = 1 − 3/10; pass^2 = C(2,2)/C(5,2) = 1/10.
  assert.ok(Math.abs(passAtK(5, 2, 2) - 0.7) < 1e-15);
  assert.ok(Math.abs(passHatK(5, 2, 2) - 0.1) < 1e-15);
  // k = 1: both are the success rate c/n.
  assert.ok(Math.abs(passAtK(10, 3, 1) - 0.3) < 1e-15);
  assert.ok(Math.abs(passHatK(10, 3, 1) - 0.3) < 1e-15);
  // No successes, all successes, and too few failures to fill k draws.
  assert.equal(passAtK(4, 0, 2), 0);
  assert.equal(passHatK(4, 4, 4), 1);
  assert.equal(passAtK(4, 3, 2), 1);
  assert.equal(passHatK(4, 1, 2), 0);
});

test('product forms match exact binomial ratios where the binomials overflow doubles', () => {
  const n = 200;
  const c = 37;
  for (let k = 1; k <= n; k += 7) {
    const exactAt = 1 - ratio(binomial(n - c, k), binomial(n, k));
    const exactHat = ratio(binomial(c, k), binomial(n, k));
    assert.ok(Math.abs(passAtK(n, c, k) - exactAt) < 1e-12, `pass@${k}`);
    assert.ok(Math.abs(passHatK(n, c, k) - exactHat) < 1e-12, `pass^${k}`);
  }
});

test('mean over tasks, as tau-bench reports pass^k', () => {
  // Three tasks with 4 trials: c = 4, 2, 0. pass^2 = (1 + C(2,2)/C(4,2) + 0)/3 = (1 + 1/6)/3.
  const tasks = [
    { n: 4, c: 4 },
    { n: 4, c: 2 },
    { n: 4, c: 0 },
  ];
  assert.ok(Math.abs(meanPassHatK(tasks, 2) - 7 / 18) < 1e-15);
  // pass@2 = (1 + (1 − C(2,2)/C(4,2)) + 0)/3 = (1 + 5/6)/3.
  assert.ok(Math.abs(meanPassAtK(tasks, 2) - 11 / 18) < 1e-15);
});

test('n < k and other bad counts throw naming the argument', () => {
  assert.throws(() => passHatK(2, 1, 3), /passHatK: n is 2; need at least k = 3 trials/);
  assert.throws(() => passAtK(2, 1, 3), /passAtK: n is 2; need at least k = 3 trials/);
  assert.throws(() => passAtK(3, 4, 1), /passAtK: c is 4; cannot exceed n = 3/);
  assert.throws(() => passAtK(3, 1, 0), /passAtK: k is 0/);
  assert.throws(() => passHatK(3.5, 1, 1), /passHatK: n is 3.5/);
  assert.throws(() => meanPassHatK([], 1), /meanPassHatK: tasks is empty/);
  assert.throws(
    () =>
      meanPassHatK(
        [
          { n: 4, c: 1 },
          { n: 1, c: 1 },
        ],
        2,
      ),
    /need at least k = 2/,
  );
});
