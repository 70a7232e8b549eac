// pass@k and pass^k from n trials with c successes (Chen et al. 2021; Yao et al. 2024, tau-bench).
import { StatsInputError } from './errors.js';

/** tau-bench counts a trial as a success when its reward is within 1e−6 of 1. */
export const SUCCESS_TOLERANCE = 1e-6;

export function isSuccess(value: number): boolean {
  return value >= 1 - SUCCESS_TOLERANCE;
}

function checkCounts(functionName: string, n: number, c: number, k: number): void {
  for (const [argument, value] of [
    ['n', n],
    ['c', c],
    ['k', k],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new StatsInputError(functionName, argument, `is ${String(value)}; expected a non-negative integer`);
    }
  }
  if (k < 1) throw new StatsInputError(functionName, 'k', `is ${k}; expected k ≥ 1`);
  if (c > n) throw new StatsInputError(functionName, 'c', `is ${c}; cannot exceed n = ${n} trials`);
  // tau2-bench's pass_hat_k raises here too: with fewer trials than k, C(n, k) = 0 and the
  // estimator does not exist, so silently returning 0 or 1 would invent a number.
  if (n < k) throw new StatsInputError(functionName, 'n', `is ${n}; need at least k = ${k} trials`);
}

/**
 * Unbiased pass@k = 1 − C(n−c, k)/C(n, k): the chance that at least one of k trials drawn without
 * replacement from the n succeeds. Computed as 1 − Π_{i=n−c+1}^{n} (1 − k/i), the product form of
 * the Codex paper (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", Fig. 3),
 * because the binomials overflow long before n = 200.
 */
export function passAtK(n: number, c: number, k: number): number {
  checkCounts('passAtK', n, c, k);
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}

/**
 * pass^k = C(c, k)/C(n, k): the chance that k trials drawn without replacement all succeed
 * (tau-bench, Yao et al. 2024). Computed as Π_{i=0}^{k−1} (c−i)/(n−i), which never overflows.
 */
export function passHatK(n: number, c: number, k: number): number {
  checkCounts('passHatK', n, c, k);
  if (c < k) return 0;
  let allSucceed = 1;
  for (let i = 0; i < k; i++) allSucceed *= (c - i) / (n - i);
  return allSucceed;
}

export interface TrialCounts {
  /** Trials of the task. */
  n: number;
  /** Successful trials. */
  c: number;
}

function meanOver(
  functionName: string,
  tasks: readonly TrialCounts[],
  estimator: (task: TrialCounts) => number,
): number {
  if (!Array.isArray(tasks) || tasks.length === 0) throw new StatsInputError(functionName, 'tasks', 'is empty');
  let sum = 0;
  for (const task of tasks) sum += estimator(task);
  return sum / tasks.length;
}

/** Mean pass^k over tasks: tau-bench's headline number (run.py display_metrics). */
export function meanPassHatK(tasks: readonly TrialCounts[], k: number): number {
  return meanOver('meanPassHatK', tasks, ({ n, c }) => passHatK(n, c, k));
}

/** Mean pass@k over tasks. */
export function meanPassAtK(tasks: readonly TrialCounts[], k: number): number {
  return meanOver('meanPassAtK', tasks, ({ n, c }) => passAtK(n, c, k));
}
