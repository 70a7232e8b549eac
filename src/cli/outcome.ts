// What a finished run means for the shell: the exit code, with inspect_ai's `fail_on_error` shapes.
// The run always finishes every unit it can; this only decides whether the errors it recorded are
// more than the user allows. Kept apart from the command so task files and scripts share it.
import { ConfigError, type RunSummary } from '../core/index.js';

/**
 * true: any unit error fails (the default); false: errors never fail; a fraction in (0, 1): fail when at
 * least that share of units errored; a count ≥ 1: fail when at least that many did (inspect_ai's rule).
 */
export type FailOnError = boolean | number;

export function parseFailOnError(text: string, flag = '--fail-on-error'): FailOnError {
  const word = text.trim().toLowerCase();
  if (word === 'true') return true;
  if (word === 'false' || word === 'never') return false;
  const number = Number(word);
  if (word === '' || !Number.isFinite(number) || number <= 0 || (number > 1 && !Number.isInteger(number)))
    throw new ConfigError(
      `${flag} expects a fraction in (0, 1) (share of units allowed to fail), a whole count ≥ 1, true or false; got '${text}'`,
    );
  return number;
}

/** Whether the recorded unit errors exceed what `failOnError` allows. */
export function errorsExceedAllowance(errors: number, units: number, failOnError: FailOnError): boolean {
  if (failOnError === false) return false;
  if (failOnError === true) return errors > 0;
  if (failOnError < 1) return units > 0 && errors >= failOnError * units;
  return errors >= failOnError;
}

export const EXIT_OK = 0;
/** Units errored beyond the allowance, or the run failed. */
export const EXIT_FAILED = 1;
/** Ctrl-C / SIGTERM: `--resume` finishes the run. */
export const EXIT_INTERRUPTED = 130;

/** The exit code of `medkit eval`, and one line saying why it is not 0. */
export function runOutcome(summary: RunSummary, failOnError: FailOnError = true): { code: number; reason?: string } {
  if (summary.status === 'interrupted') return { code: EXIT_INTERRUPTED, reason: 'the run was interrupted' };
  if (summary.status === 'failed') {
    const stopped = summary.notes.find((note) => note.startsWith('run stopped:') || note.startsWith('every unit'));
    return { code: EXIT_FAILED, reason: stopped ?? 'the run failed' };
  }
  const { errors, units } = summary.counts;
  if (errorsExceedAllowance(errors, units, failOnError)) {
    const allowance =
      typeof failOnError !== 'number'
        ? 'none allowed'
        : failOnError < 1
          ? `allowed: under ${failOnError * 100}% of units`
          : `allowed: under ${failOnError}`;
    return {
      code: EXIT_FAILED,
      reason: `${errors} of ${units} units failed (${allowance}; --fail-on-error <fraction|count> allows some)`,
    };
  }
  return { code: EXIT_OK };
}
