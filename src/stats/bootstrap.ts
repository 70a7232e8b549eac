// Percentile bootstrap intervals, seeded so that the same seed gives the same interval on any machine.
import { mean, sortedQuantile } from './descriptive.js';
import {
  StatsInputError,
  requireFiniteNumbers,
  requireLevel,
  requirePositiveInteger,
  requireSameLength,
} from './errors.js';
import { createRng, type Rng } from './random.js';

export interface BootstrapOptions {
  /** Resamples drawn (default 1000, as HealthBench's bootstrap_std and inspect_ai's bootstrap_stderr). */
  iterations?: number;
  /** Two-sided coverage of the interval (default 0.95). */
  level?: number;
  /** PRNG seed (default 0). */
  seed?: number;
}

export interface BootstrapInterval {
  /** The statistic on the original values (not the mean of the resamples). */
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  method: 'percentile-bootstrap';
  iterations: number;
  /** Why the interval is NaN, when it is. */
  note?: string;
}

export interface PairedBootstrapResult extends BootstrapInterval {
  /** Two-sided p-value for "mean(a − b) = 0"; see pairedBootstrap. */
  pValue: number;
  n: number;
}

function resampleStatistics(
  values: readonly number[],
  iterations: number,
  rng: Rng,
  statistic: (values: readonly number[]) => number,
): number[] {
  const size = values.length;
  const results = new Array<number>(iterations);
  if (statistic === mean) {
    // The mean needs no resample array: summing the draws in draw order gives bit-identical
    // results to mean(draw) and skips a copy and a validation pass per iteration. Random reads
    // dominate for large n, so when there are few distinct values (0/1 scores, rubric points) the
    // draws read one-byte codes (a million fit in cache) instead of 8-byte values.
    const levels = [...new Set(values)];
    const read = levels.length <= 256 ? codesOf(values, levels) : Float64Array.from(values);
    const lookup = read instanceof Uint8Array ? Float64Array.from(levels) : undefined;
    for (let iteration = 0; iteration < iterations; iteration++) {
      let sum = 0;
      if (lookup) for (let position = 0; position < size; position++) sum += lookup[read[rng.int(size)]!]!;
      else for (let position = 0; position < size; position++) sum += read[rng.int(size)]!;
      results[iteration] = sum / size;
    }
    return results;
  }
  const draw = new Array<number>(size);
  for (let iteration = 0; iteration < iterations; iteration++) {
    for (let position = 0; position < size; position++) draw[position] = values[rng.int(size)]!;
    results[iteration] = statistic(draw);
  }
  return results;
}

function codesOf(values: readonly number[], levels: readonly number[]): Uint8Array {
  const codeOf = new Map(levels.map((level, code) => [level, code]));
  const codes = new Uint8Array(values.length);
  for (let index = 0; index < values.length; index++) codes[index] = codeOf.get(values[index]!)!;
  return codes;
}

function checkOptions(functionName: string, iterations: number, level: number, seed: number): void {
  requirePositiveInteger(functionName, 'iterations', iterations);
  requireLevel(functionName, level);
  if (!Number.isFinite(seed)) throw new StatsInputError(functionName, 'seed', `is ${String(seed)}; expected a number`);
}

/**
 * Percentile bootstrap confidence interval of `statistic` (default: the mean).
 * - n = 0 throws: there is nothing to estimate, and a NaN row in a report hides the bug.
 * - n = 1 returns the estimate with lower = upper = NaN and a note: every resample repeats the one
 *   value, and a zero-width interval would claim a certainty one observation cannot give.
 * Bounds are the (1 − level)/2 and (1 + level)/2 quantiles of the resampled statistics
 * (linear interpolation, numpy's default).
 */
export function bootstrapCI(
  values: readonly number[],
  {
    iterations = 1000,
    level = 0.95,
    seed = 0,
    statistic = mean,
  }: BootstrapOptions & { statistic?: (values: readonly number[]) => number } = {},
): BootstrapInterval {
  requireFiniteNumbers('bootstrapCI', 'values', values);
  checkOptions('bootstrapCI', iterations, level, seed);
  const estimate = statistic(values);
  const base = { estimate, level, method: 'percentile-bootstrap' as const, iterations };
  if (values.length === 1) {
    return { ...base, lower: Number.NaN, upper: Number.NaN, note: 'one value: the bootstrap cannot estimate spread' };
  }
  const resampled = resampleStatistics(values, iterations, createRng(seed), statistic).sort((x, y) => x - y);
  return {
    ...base,
    lower: sortedQuantile(resampled, (1 - level) / 2),
    upper: sortedQuantile(resampled, (1 + level) / 2),
  };
}

/**
 * Paired bootstrap of the mean difference mean(a − b): pairs are resampled together, so the
 * correlation between two systems scored on the same samples is kept (that is what makes the
 * paired test sharper than comparing two separate intervals).
 *
 * pValue: the share of resampled mean differences on the other side of 0 from the estimate
 * (0 itself counts as the other side), doubled and capped at 1; 1 when the estimate is exactly 0.
 * It cannot go below 1/iterations in resolution, so report "< 1/iterations" for a 0.
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  { iterations = 1000, level = 0.95, seed = 0 }: BootstrapOptions = {},
): PairedBootstrapResult {
  requireSameLength('pairedBootstrap', ['a', a], ['b', b]);
  requireFiniteNumbers('pairedBootstrap', 'a', a);
  requireFiniteNumbers('pairedBootstrap', 'b', b);
  checkOptions('pairedBootstrap', iterations, level, seed);
  const differences = a.map((value, index) => value - b[index]!);
  const estimate = mean(differences);
  const base = { estimate, level, method: 'percentile-bootstrap' as const, iterations, n: differences.length };
  if (differences.length === 1) {
    return {
      ...base,
      lower: Number.NaN,
      upper: Number.NaN,
      pValue: Number.NaN,
      note: 'one pair: the bootstrap cannot estimate spread',
    };
  }
  const resampled = resampleStatistics(differences, iterations, createRng(seed), mean).sort((x, y) => x - y);
  let otherSide = 0;
  if (estimate > 0) otherSide = resampled.filter((value) => value <= 0).length;
  else if (estimate < 0) otherSide = resampled.filter((value) => value >= 0).length;
  const pValue = estimate === 0 ? 1 : Math.min(1, (2 * otherSide) / iterations);
  return {
    ...base,
    lower: sortedQuantile(resampled, (1 - level) / 2),
    upper: sortedQuantile(resampled, (1 + level) / 2),
    pValue,
  };
}
