// Typed errors. Symbol.for, not instanceof: a plugin that bundles its own copy of medkit throws
// errors built from another class object, and instanceof answers false across copies.
const MARKER = Symbol.for('medkit.error');

export class MedkitError extends Error {
  readonly [MARKER] = true;
  override readonly name: string = 'MedkitError';
  static isInstance(error: unknown): error is MedkitError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

/** A provider call failed. `isRetryable` carries the retry decision; the runner's policy acts on it. */
export class ProviderCallError extends MedkitError {
  override readonly name = 'ProviderCallError';
  readonly isRetryable: boolean;
  constructor(
    readonly provider: string,
    readonly status: number | undefined,
    detail: string,
    options?: ErrorOptions & { retryAfterMs?: number; isRetryable?: boolean; connectionCode?: string },
  ) {
    super(`${provider} answered ${status ?? 'nothing'}: ${detail}`, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.connectionCode = options?.connectionCode;
    // 408, 409, 429 and 5xx may pass on a later try; 400, 401 and 404 fail the same way again.
    this.isRetryable =
      options?.isRetryable ??
      (status === undefined || status === 408 || status === 409 || status === 429 || status >= 500);
  }
  readonly retryAfterMs: number | undefined;
  /** The system error when no connection was made (ECONNREFUSED, ENOTFOUND...): the runner retries briefly. */
  readonly connectionCode: string | undefined;
}

/** No connection at all: nothing listens, or the host name does not resolve. A later try rarely helps. */
export const UNREACHABLE_CODES: readonly string[] = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EBADPORT', // fetch's blocked-port list (medkit's name; undici gives the message 'bad port' only)
];

export function isUnreachableError(error: unknown): boolean {
  return error instanceof ProviderCallError && UNREACHABLE_CODES.includes(error.connectionCode ?? '');
}

/** No key, unknown provider, unreachable server: one clear message for the user, not a stack trace. */
export class ConfigError extends MedkitError {
  override readonly name = 'ConfigError';
}

/** A data file is malformed. The message starts with file:line (or file:line:column) so terminals make it a link. */
export class SampleFormatError extends MedkitError {
  override readonly name = 'SampleFormatError';
  readonly column: number | undefined;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    problem: string,
    options?: ErrorOptions & { column?: number },
  ) {
    super(`${file}:${line}${options?.column !== undefined ? `:${options.column}` : ''}: ${field}: ${problem}`, options);
    this.column = options?.column;
  }
}

export class TimeoutError extends MedkitError {
  override readonly name = 'TimeoutError';
  readonly isRetryable = true;
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} timed out after ${timeoutMs} ms`);
  }
}

export class ScriptExhaustedError extends MedkitError {
  override readonly name = 'ScriptExhaustedError';
  constructor(
    readonly available: number,
    where = 'scripted model',
  ) {
    super(`${where}: all ${available} scripted replies are used up`);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Whether a failed call may pass if tried again: the error says so, else unknown errors do not retry. */
export function isRetryableError(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'isRetryable' in error) {
    return (error as { isRetryable: unknown }).isRetryable === true;
  }
  return false;
}

/** A run stopped early for a reason that would fail every unit the same way. */
export class RunFailedError extends MedkitError {
  override readonly name = 'RunFailedError';
}
