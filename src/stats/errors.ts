// Bad input to a statistic fails loudly and names the argument: a silent NaN in a results table
// is worse than a stack trace, because nobody notices it until a paper is out.
import { MedkitError } from '../core/errors.js';

export class StatsInputError extends MedkitError {
  override readonly name = 'StatsInputError';
  constructor(
    readonly functionName: string,
    readonly argument: string,
    problem: string,
  ) {
    super(`${functionName}: ${argument} ${problem}`);
  }
}

/** Throws unless `values` is a non-empty array of finite numbers. */
export function requireFiniteNumbers(
  functionName: string,
  argument: string,
  values: readonly number[],
  { allowEmpty = false } = {},
): void {
  if (!Array.isArray(values)) throw new StatsInputError(functionName, argument, 'must be an array of numbers');
  if (!allowEmpty && values.length === 0) throw new StatsInputError(functionName, argument, 'is empty');
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StatsInputError(functionName, `${argument}[${index}]`, `is ${String(value)}; expected a finite number`);
    }
  });
}

export function requireSameLength(
  functionName: string,
  first: [string, readonly unknown[]],
  second: [string, readonly unknown[]],
): void {
  if (first[1].length !== second[1].length) {
    throw new StatsInputError(
      functionName,
      `${first[0]} and ${second[0]}`,
      `must have the same length (got ${first[1].length} and ${second[1].length})`,
    );
  }
}

export function requireLevel(functionName: string, level: number): void {
  if (typeof level !== 'number' || !(level > 0 && level < 1)) {
    throw new StatsInputError(functionName, 'level', `is ${String(level)}; expected a number strictly between 0 and 1`);
  }
}

export function requirePositiveInteger(functionName: string, argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new StatsInputError(functionName, argument, `is ${String(value)}; expected a positive integer`);
  }
}
