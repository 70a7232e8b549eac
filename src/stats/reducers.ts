// Epoch reducers: how the several epochs of one sample become one value (inspect_ai's reducers,
// with tau-bench's success rule).
import type { EpochReducer } from '../core/metrics.js';
import { mean } from './descriptive.js';
import { requireFiniteNumbers, requirePositiveInteger } from './errors.js';
import { isSuccess, passAtK, passHatK } from './pass-k.js';

function successCount(values: readonly number[]): number {
  return values.filter(isSuccess).length;
}

/** The mean over epochs. */
export const meanReducer: EpochReducer = {
  name: 'mean',
  reduce: (values) => mean(values),
};

/** pass@k of one sample: n = its epochs, c = epochs with value ≥ 1 − 1e−6. Throws when n < k. */
export function passAtKReducer(k: number): EpochReducer {
  requirePositiveInteger('passAtKReducer', 'k', k);
  return {
    name: `pass_at_${k}`,
    reduce(values) {
      requireFiniteNumbers(`passAtKReducer(${k})`, 'values', values);
      return passAtK(values.length, successCount(values), k);
    },
  };
}

/** pass^k of one sample: the chance that k of its epochs, drawn without replacement, all succeed. */
export function passHatKReducer(k: number): EpochReducer {
  requirePositiveInteger('passHatKReducer', 'k', k);
  return {
    name: `pass_hat_${k}`,
    reduce(values) {
      requireFiniteNumbers(`passHatKReducer(${k})`, 'values', values);
      return passHatK(values.length, successCount(values), k);
    },
  };
}

/** 1 when at least k epochs succeed (value ≥ 1 − 1e−6, as tau-bench), else 0. */
export function atLeastKReducer(k: number): EpochReducer {
  requirePositiveInteger('atLeastKReducer', 'k', k);
  return {
    name: `at_least_${k}`,
    reduce(values) {
      requireFiniteNumbers(`atLeastKReducer(${k})`, 'values', values);
      return successCount(values) >= k ? 1 : 0;
    },
  };
}
