import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusteredStdErr, sampleStdDev } from '../../src/stats/index.js';
import { clusteredStdErrContiguous } from '../../src/stats/stderr.js';

test('one observation per cluster gives the ordinary standard error sd/√n', () => {
  // values 1..4: sample variance 5/3, so SE = √(5/3)/2 = 0.6454972243679028 (by hand).
  assert.ok(Math.abs(clusteredStdErr([1, 2, 3, 4], ['a', 'b', 'c', 'd']) - Math.sqrt(5 / 3) / 2) < 1e-15);
});

test('inspect_ai clustered stderr, worked by hand', () => {
  // Scores 1,1,1,0,0,0 with clusters 0,1,1,1,0,0 (the fixture of an R port of inspect_ai's
  // stderr(cluster=...)). Mean 0.5; residual sums: cluster 0 = 0.5 − 0.5 − 0.5 = −0.5,
  // cluster 1 = 0.5 + 0.5 − 0.5 = 0.5. SE = √(2/1 · (0.25 + 0.25)) / 6 = 1/6.
  const scores = [1, 1, 1, 0, 0, 0];
  const clustered = clusteredStdErr(scores, [0, 1, 1, 1, 0, 0]);
  assert.ok(Math.abs(clustered - 1 / 6) < 1e-15);
  // ...and it differs from the unclustered value √0.3/√6.
  assert.ok(Math.abs(clusteredStdErr(scores, [0, 1, 2, 3, 4, 5]) - Math.sqrt(0.3) / Math.sqrt(6)) < 1e-15);
});

test('repeating every sample e times does not shrink the clustered error', () => {
  // With identical epochs the clusters carry no more information than the sample means:
  // the clustered SE equals sd(means)/√(samples), whatever the number of epochs.
  const sampleMeans = [0.2, 0.9, 0.4, 0.7, 0.1];
  const epochs = 4;
  const values = sampleMeans.flatMap((value) => Array(epochs).fill(value) as number[]);
  const clusters = sampleMeans.flatMap((_, index) => Array(epochs).fill(`s${index}`) as string[]);
  const expected = sampleStdDev(sampleMeans) / Math.sqrt(sampleMeans.length);
  assert.ok(Math.abs(clusteredStdErr(values, clusters) - expected) < 1e-14);
});

test('fewer than two clusters is NaN; mismatched or empty input throws', () => {
  assert.ok(Number.isNaN(clusteredStdErr([1, 0, 1], ['x', 'x', 'x'])));
  assert.throws(
    () => clusteredStdErr([1, 2], ['a']),
    /clusteredStdErr: values and clusters must have the same length \(got 2 and 1\)/,
  );
  assert.throws(() => clusteredStdErr([], []), /clusteredStdErr: values is empty/);
});

test('the contiguous form (used by run summaries) equals the keyed form', () => {
  // Clusters 0: [1, 0, 1], 1: [0], 2: [1, 1]; keyed form sees them interleaved.
  const keyed = clusteredStdErr([1, 0, 1, 0, 1, 1], ['a', 'b', 'a', 'c', 'a', 'c']);
  const contiguous = clusteredStdErrContiguous([1, 1, 1, 0, 0, 1], [0, 3, 4, 6]);
  assert.ok(Number.isFinite(keyed));
  assert.ok(Math.abs(keyed - contiguous) < 1e-15);
  assert.ok(Number.isNaN(clusteredStdErrContiguous([1, 0], [0, 2])), 'one cluster has no standard error');
  assert.throws(() => clusteredStdErrContiguous([], [0]), /values/);
});
