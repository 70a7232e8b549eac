// A provider's limits across all workers: one Redis-backed gate per provider and base URL. It is a RateGate
// (src/runner/middleware.ts), so the runner's middleware uses it unchanged: `wait` before every try (the shared
// pause after a 429, with its Retry-After), `run` around every request (a shared connection slot, then a slot of
// the request rate, also re-checking the pause), `pauseFor` on a 429 (every worker waits, not just the one told).
import { createHash, randomUUID } from 'node:crypto';
import { RateGate, sleep } from '../runner/middleware.js';
import type { RedisClient } from './connection.js';
import { keys } from './protocol.js';

/**
 * One atomic step, on Redis's clock (machines' clocks differ): 0 = go, else milliseconds to wait.
 * KEYS: pause, request log (sorted set of start times), connection leases (sorted set of expiry times).
 * ARGV: requests per window (0 = no rate), window ms, max connections (0 = none), lease ms, token, mode.
 * mode 'rate' takes a request slot; 'conn' takes a connection lease.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local maxConn = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
local token = ARGV[5]
local mode = ARGV[6]
if mode == 'rate' then
  local pause = redis.call('PTTL', KEYS[1])
  if pause > 0 then return pause end
  if rate > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
    if redis.call('ZCARD', KEYS[2]) >= rate then
      local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
      return math.max(1, tonumber(oldest[2]) + window - now + 1)
    end
    redis.call('ZADD', KEYS[2], now, token)
    redis.call('PEXPIRE', KEYS[2], window * 2)
  end
  return 0
end
if maxConn > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  if redis.call('ZCARD', KEYS[3]) >= maxConn then return 25 end
  redis.call('ZADD', KEYS[3], now + lease, token)
  redis.call('PEXPIRE', KEYS[3], lease * 2)
end
return 0
`;

/** Sets the shared pause to ARGV[1] ms unless a longer one is already running. */
const EXTEND_PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
`;

export interface SharedLimits {
  /** Requests per second, across all workers. */
  rateLimit?: number;
  /** Connections at once, across all workers. */
  maxConnections?: number;
}

/** The scope of a limit: the provider (the model string's prefix) and the base URL, hashed (URLs may hold secrets). */
export function limitScope(modelName: string, baseURL: string | undefined): string {
  const provider = modelName.split(':')[0] ?? modelName;
  return createHash('sha256')
    .update(`${provider}\u0000${baseURL ?? ''}`)
    .digest('hex')
    .slice(0, 24);
}

export class SharedRateGate extends RateGate {
  private readonly pauseKey: string;
  private readonly logKey: string;
  private readonly leaseKey: string;
  /** A connection lease expires on its own if its worker dies (kill -9) holding it. */
  private readonly leaseMs: number;

  constructor(
    private readonly redis: RedisClient,
    scope: string,
    private readonly limits: SharedLimits,
    localConnections: number,
    options: { leaseMs?: number } = {},
  ) {
    super(localConnections);
    this.pauseKey = keys.limit(scope, 'pause');
    this.logKey = keys.limit(scope, 'requests');
    this.leaseKey = keys.limit(scope, 'connections');
    this.leaseMs = options.leaseMs ?? 10 * 60_000;
  }

  private acquire(mode: 'rate' | 'conn', token: string): Promise<number> {
    return this.redis.eval(
      ACQUIRE,
      3,
      this.pauseKey,
      this.logKey,
      this.leaseKey,
      String(this.limits.rateLimit ?? 0),
      '1000',
      String(this.limits.maxConnections ?? 0),
      String(this.leaseMs),
      token,
      mode,
    ) as Promise<number>;
  }

  override pauseFor(ms: number): void {
    super.pauseFor(ms);
    // Every worker waits out the server's Retry-After, not only the one that got the 429.
    if (ms > 0) void this.redis.eval(EXTEND_PAUSE, 1, this.pauseKey, String(Math.ceil(ms))).catch(() => {});
  }

  override async wait(signal?: AbortSignal): Promise<void> {
    await super.wait(signal);
    // The shared pause is checked here too, so a worker that was told nothing waits before its turn for a slot.
    for (;;) {
      const pauseMs = await this.redis.pttl(this.pauseKey);
      if (pauseMs <= 0) return;
      await sleep(pauseMs, signal);
    }
  }

  /**
   * A connection slot (when limited), then a request slot as late as possible: the time between admission on
   * Redis and arrival at the server is what lets a server see more than the limit in a second.
   */
  override async run<T>(work: () => Promise<T>): Promise<T> {
    return super.run(async () => {
      const token = randomUUID();
      if (this.limits.maxConnections) await this.take('conn', token);
      try {
        await this.take('rate', token);
        return await work();
      } finally {
        if (this.limits.maxConnections) await this.redis.zrem(this.leaseKey, token).catch(() => {});
      }
    });
  }

  private async take(mode: 'rate' | 'conn', token: string): Promise<void> {
    for (;;) {
      const waitMs = await this.acquire(mode, token);
      if (waitMs <= 0) return;
      await sleep(waitMs);
    }
  }
}
