// Cross-cutting concerns wrap `doGenerate` as middleware (Hono's onion): cache, retries with
// backoff, per-request timeout, and a per-model gate that pauses everyone after a 429.
import {
  isRetryableError,
  isUnreachableError,
  ProviderCallError,
  TimeoutError,
  type GenerateRequest,
  type Model,
  type ModelOutput,
} from '../core/index.js';
import { createRng } from '../stats/random.js';

/**
 * Which unit a call belongs to. Passed explicitly rather than through AsyncLocalStorage, whose
 * promise hooks cost every await in the process (measured: ~5% of a zero-latency run's CPU).
 */
export interface CallScope {
  sampleId: string;
  epoch: number;
}

export type GenerateStep = (request: GenerateRequest, signal: AbortSignal, call?: CallScope) => Promise<ModelOutput>;
export type GenerateMiddleware = (
  request: GenerateRequest,
  signal: AbortSignal,
  next: GenerateStep,
  call?: CallScope,
) => Promise<ModelOutput>;

export function composeMiddleware(model: Model, middleware: GenerateMiddleware[]): GenerateStep {
  return middleware.reduceRight<GenerateStep>(
    (next, step) => (request, signal, call) => step(request, signal, next, call),
    (request, signal) => model.doGenerate(request, signal),
  );
}

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff; doubles each try, with full jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Retry-After longer than this is capped (a server asking for an hour gets maxRetryAfterMs). */
  maxRetryAfterMs: number;
  seed?: number;
  /**
   * Tries after a connection that was never made (refused, DNS): a server that is down stays down, so
   * a few quick tries (unreachableDelayMs apart) instead of the full backoff of 30 s and more.
   */
  unreachableRetries?: number;
  unreachableDelayMs?: number;
  /** Called before each wait (progress, logs). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  unreachableRetries: 2,
  unreachableDelayMs: 250,
};

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Retries what the error marks retryable (429, 408, 409, 5xx, timeouts, dropped connections).
 * A 429's Retry-After is honoured exactly (capped); otherwise exponential backoff with full jitter,
 * so many workers that failed together do not retry together.
 */
export function withRetry(policy: RetryPolicy = DEFAULT_RETRY_POLICY, gate?: RateGate): GenerateMiddleware {
  const rng = createRng(policy.seed ?? 1);
  return async (request, signal, next, call) => {
    for (let attempt = 0; ; attempt++) {
      try {
        if (gate) await gate.wait(signal);
        return await next(request, signal, call);
      } catch (error) {
        if (signal.aborted || attempt >= policy.maxRetries || !isRetryableError(error)) throw error;
        if (isUnreachableError(error)) {
          if (attempt >= (policy.unreachableRetries ?? 2)) throw error;
          const delayMs = (policy.unreachableDelayMs ?? 250) * (attempt + 1);
          policy.onRetry?.({ attempt: attempt + 1, delayMs, error });
          await sleep(delayMs, signal);
          continue;
        }
        const retryAfter = error instanceof ProviderCallError ? error.retryAfterMs : undefined;
        const delayMs =
          retryAfter !== undefined
            ? Math.min(retryAfter, policy.maxRetryAfterMs)
            : rng.next() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
        if (gate && error instanceof ProviderCallError && error.status === 429) gate.pauseFor(delayMs);
        policy.onRetry?.({ attempt: attempt + 1, delayMs, error });
        await sleep(delayMs, signal);
      }
    }
  };
}

/** Aborts a call that takes longer than timeoutMs (the request's own, else the default). */
export function withTimeout(defaultTimeoutMs: number): GenerateMiddleware {
  return async (request, signal, next, call) => {
    const timeoutMs = request.config.timeoutMs ?? defaultTimeoutMs;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return next(request, signal, call);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new TimeoutError('model request', timeoutMs);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      return await Promise.race([next(request, controller.signal, call), timeout]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  };
}

/**
 * One gate per model: bounds connections, and after a 429 holds every new request until the
 * server's Retry-After has passed, instead of letting 63 other workers hit the limit too.
 */
export class RateGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private resumeAt = 0;
  constructor(readonly maxConnections: number) {}

  pauseFor(ms: number): void {
    this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
  }

  async wait(signal?: AbortSignal): Promise<void> {
    const pause = this.resumeAt - Date.now();
    if (pause > 0) await sleep(pause, signal);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConnections) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export function withGate(gate: RateGate): GenerateMiddleware {
  return (request, signal, next, call) => gate.run(() => next(request, signal, call));
}
