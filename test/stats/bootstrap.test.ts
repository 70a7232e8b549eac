import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapCI, createRng, normalSf, pairedBootstrap, sampleStdDev } from '../../src/stats/index.js';

function normalSample(seed: number, size: number, centre = 0, spread = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: size }, () => centre + spread * rng.normal());
}

test('bootstrapCI: same seed gives the same interval, another seed another one', () => {
  const values = normalSample(7, 40);
  const first = bootstrapCI(values, { seed: 11 });
  assert.deepEqual(bootstrapCI(values, { seed: 11 }), first);
  const other = bootstrapCI(values, { seed: 12 });
  assert.notEqual(other.lower, first.lower);
  assert.equal(first.method, 'percentile-bootstrap');
  assert.equal(first.iterations, 1000);
  assert.equal(first.level, 0.95);
  assert.ok(first.lower < first.estimate && first.estimate < first.upper);
});

test('bootstrapCI of the mean has the width the central limit theorem predicts', () => {
  // For n = 2000 the bootstrap distribution of the mean is close to normal with sd s/√n,
  // so the 95% interval should be about 2 × 1.96 × s/√n wide.
  const values = normalSample(3, 2000, 10, 2);
  const interval = bootstrapCI(values, { iterations: 4000, seed: 5 });
  const expectedWidth = 2 * 1.959963984540054 * (sampleStdDev(values) / Math.sqrt(values.length));
  const width = interval.upper - interval.lower;
  assert.ok(Math.abs(width / expectedWidth - 1) < 0.08, `width ${width} vs ${expectedWidth}`);
  assert.ok(interval.lower < 10 && 10 < interval.upper);
});

test('bootstrapCI covers the true mean about 95% of the time', () => {
  // 300 independent samples of n = 60 from N(0, 1): the percentile interval's coverage is known to
  // be close to nominal for the mean (slightly under at small n), so expect 0.89–0.99.
  let covered = 0;
  const trials = 300;
  for (let trial = 0; trial < trials; trial++) {
    const interval = bootstrapCI(normalSample(1000 + trial, 60), { iterations: 500, seed: trial });
    if (interval.lower <= 0 && 0 <= interval.upper) covered++;
  }
  const coverage = covered / trials;
  assert.ok(coverage > 0.89 && coverage < 0.99, `coverage ${coverage}`);
});

test('bootstrapCI: constant values give a zero-width interval; a custom statistic is used', () => {
  const interval = bootstrapCI([4, 4, 4, 4]);
  assert.deepEqual([interval.estimate, interval.lower, interval.upper], [4, 4, 4]);
  const median = (values: readonly number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  const byMedian = bootstrapCI([1, 2, 3, 100, 101], { statistic: median });
  assert.equal(byMedian.estimate, 3);
  assert.ok(byMedian.lower >= 1 && byMedian.upper <= 101);
});

test('bootstrapCI: n = 1 gives the value with NaN bounds and a note; bad input throws naming the argument', () => {
  const single = bootstrapCI([0.7]);
  assert.equal(single.estimate, 0.7);
  assert.ok(Number.isNaN(single.lower) && Number.isNaN(single.upper));
  assert.match(single.note ?? '', /one value/);
  assert.throws(() => bootstrapCI([]), /bootstrapCI: values is empty/);
  assert.throws(() => bootstrapCI([1, 2], { level: 95 }), /bootstrapCI: level is 95/);
  assert.throws(() => bootstrapCI([1, 2], { iterations: 0 }), /bootstrapCI: iterations is 0/);
  assert.throws(() => bootstrapCI([1, Number.NaN]), /values\[1\] is NaN/);
});

test('pairedBootstrap: a constant shift has a zero-width interval and p = 0', () => {
  const b = normalSample(9, 30);
  const a = b.map((value) => value + 1);
  const result = pairedBootstrap(a, b);
  assert.ok(Math.abs(result.estimate - 1) < 1e-12);
  assert.ok(Math.abs(result.lower - 1) < 1e-12 && Math.abs(result.upper - 1) < 1e-12);
  assert.equal(result.pValue, 0);
  assert.equal(result.n, 30);
});

test('pairedBootstrap: swapping a and b mirrors the interval and keeps the p-value', () => {
  const a = normalSample(21, 25, 0.3);
  const b = normalSample(22, 25);
  const forward = pairedBootstrap(a, b, { seed: 4 });
  const backward = pairedBootstrap(b, a, { seed: 4 });
  assert.ok(Math.abs(forward.estimate + backward.estimate) < 1e-12);
  assert.ok(Math.abs(forward.lower + backward.upper) < 1e-12);
  assert.ok(Math.abs(forward.upper + backward.lower) < 1e-12);
  assert.equal(forward.pValue, backward.pValue);
});

test('pairedBootstrap p-value agrees with the normal-theory test on a large sample', () => {
  // 400 differences with mean ≈ 0.1 and sd ≈ 1: both the bootstrap and the z-test see
  // z ≈ mean/(sd/√n); their two-sided p-values should agree to a couple of hundredths.
  const differences = normalSample(31, 400, 0.1, 1);
  const zero = differences.map(() => 0);
  const result = pairedBootstrap(differences, zero, { iterations: 20000, seed: 2 });
  const z = result.estimate / (sampleStdDev(differences) / Math.sqrt(differences.length));
  const normalP = 2 * normalSf(Math.abs(z));
  assert.ok(Math.abs(result.pValue - normalP) < 0.02, `bootstrap p ${result.pValue} vs normal ${normalP}`);
});

test('pairedBootstrap: identical inputs give estimate 0 and p = 1; bad input throws', () => {
  const values = [0.2, 0.5, 0.9];
  const result = pairedBootstrap(values, values);
  assert.equal(result.estimate, 0);
  assert.equal(result.pValue, 1);
  assert.throws(
    () => pairedBootstrap([1, 2, 3], [1, 2]),
    /pairedBootstrap: a and b must have the same length \(got 3 and 2\)/,
  );
  assert.throws(() => pairedBootstrap([], []), /pairedBootstrap: a is empty/);
  assert.match(pairedBootstrap([1], [0]).note ?? '', /one pair/);
});
