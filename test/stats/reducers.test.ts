import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeastKReducer, meanReducer, passAtKReducer, passHatKReducer } from '../../src/stats/index.js';

test('reducers turn the epochs of one sample into one value', () => {
  assert.equal(meanReducer.reduce([1, 0, 0.5]), 0.5);
  // 3 epochs, 1 success: pass@2 = 1 − C(2,2)/C(3,2) = 2/3; 2 successes: pass^2 = C(2,2)/C(3,2) = 1/3.
  assert.ok(Math.abs(passAtKReducer(2).reduce([1, 0, 0]) - 2 / 3) < 1e-15);
  assert.ok(Math.abs(passHatKReducer(2).reduce([1, 0, 1]) - 1 / 3) < 1e-15);
  assert.deepEqual(
    [meanReducer.name, passAtKReducer(2).name, passHatKReducer(3).name, atLeastKReducer(2).name],
    ['mean', 'pass_at_2', 'pass_hat_3', 'at_least_2'],
  );
});

test('success is a value within 1e−6 of 1, as tau-bench counts a reward', () => {
  assert.equal(atLeastKReducer(2).reduce([1, 0.9999995, 0]), 1);
  assert.equal(atLeastKReducer(2).reduce([1, 0.99, 0]), 0);
  assert.equal(passHatKReducer(1).reduce([0.9999995, 0.5]), 0.5);
});

test('reducers reject k < 1, fewer epochs than k and empty input', () => {
  assert.throws(() => passAtKReducer(0), /passAtKReducer: k is 0/);
  assert.throws(() => passHatKReducer(3).reduce([1, 1]), /need at least k = 3 trials/);
  assert.throws(() => meanReducer.reduce([]), /values is empty/);
  assert.throws(() => atLeastKReducer(1).reduce([]), /atLeastKReducer\(1\): values is empty/);
});
