// Response cache in SQLite. The key is the sha256 of canonical JSON of provider, model, the
// model's non-secret identity (base URL...) and the request with image bytes replaced by their
// hash. API keys never enter it: models expose `cacheIdentity`, which providers keep secret-free.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  canonicalJson,
  loggableMessage,
  sha256Hex,
  type GenerateRequest,
  type Model,
  type ModelOutput,
} from '../core/index.js';
import type { GenerateMiddleware } from './middleware.js';

export class ResponseCache {
  private readonly database: Database.Database;
  private readonly readStatement: Database.Statement<[string], { value: string }>;
  private readonly writeStatement: Database.Statement<[string, string, string]>;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.database = new Database(path);
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('busy_timeout = 5000');
    this.database.exec(
      'CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL, created TEXT NOT NULL)',
    );
    this.readStatement = this.database.prepare('SELECT value FROM responses WHERE key = ?');
    this.writeStatement = this.database.prepare(
      'INSERT OR REPLACE INTO responses (key, value, created) VALUES (?, ?, ?)',
    );
  }

  /** The stored output, or undefined; an entry that is not a valid output (written by an older medkit) is a miss. */
  read(key: string): ModelOutput | undefined {
    const row = this.readStatement.get(key);
    if (!row) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      return undefined;
    }
    return isCacheableOutput(value) ? value : undefined;
  }

  /** Stores a valid output; returns false (and stores nothing) for anything else. */
  write(key: string, output: ModelOutput): boolean {
    if (!isCacheableOutput(output)) return false;
    this.writeStatement.run(key, JSON.stringify(output), new Date().toISOString());
    return true;
  }

  close(): void {
    this.database.close();
  }
}

const CACHEABLE_FINISH = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'unknown']);

/**
 * Whether an output may be replayed from the cache: well-formed, not a failed call, and not empty
 * (no text, no tool calls, no finish reason: what a reply without `choices` used to become). A replayed
 * empty reply would turn one bad response into a wrong answer in every later run.
 */
export function isCacheableOutput(output: unknown): output is ModelOutput {
  if (typeof output !== 'object' || output === null) return false;
  const candidate = output as Partial<ModelOutput>;
  if (typeof candidate.text !== 'string' || !Array.isArray(candidate.toolCalls)) return false;
  if (!candidate.toolCalls.every((call) => typeof call?.id === 'string' && typeof call.name === 'string')) return false;
  if (typeof candidate.finishReason !== 'string' || !CACHEABLE_FINISH.has(candidate.finishReason)) return false;
  const usage = candidate.usage;
  if (!usage || !Number.isFinite(usage.inputTokens) || !Number.isFinite(usage.outputTokens)) return false;
  return !(candidate.text === '' && candidate.toolCalls.length === 0 && candidate.finishReason === 'unknown');
}

export function cacheKey(model: Model, request: GenerateRequest, draw?: number): string {
  const { timeoutMs: _timeout, ...config } = request.config; // a timeout does not change the answer
  return sha256Hex(
    canonicalJson({
      provider: model.provider,
      model: model.modelId,
      identity: model.cacheIdentity ?? {},
      request: { ...request, config, messages: request.messages.map(loggableMessage) },
      draw,
    }),
  );
}

export interface CacheOptions {
  /** Also cache calls with temperature > 0, keyed by epoch (off by default: a sampled reply is one draw). */
  cacheSampled?: boolean;
}

export function withCache(cache: ResponseCache, model: Model, options: CacheOptions = {}): GenerateMiddleware {
  // Identical requests in flight at the same time (epochs of one sample, samples sharing a prompt) wait
  // for the first one's reply instead of each reaching the server: 42 questions × 100 epochs send 42.
  const inFlight = new Map<string, Promise<ModelOutput>>();
  // Sampled calls cached on request are keyed by the epoch of the unit making them.
  return async (request, signal, next, call) => {
    const sampled = (request.config.temperature ?? 0) > 0;
    // Only deterministic calls by default: replaying one sampled reply in every epoch would hide
    // exactly the variance that pass^k exists to measure.
    if (sampled && !options.cacheSampled) return next(request, signal, call);
    const key = cacheKey(model, request, sampled ? call?.epoch : undefined);
    const hit = cache.read(key);
    if (hit) return { ...hit, cached: true };
    const pending = inFlight.get(key);
    if (pending) {
      // Only a reply the cache would keep is shared; after a failure or a bad reply each waiter asks itself.
      const shared = await pending.catch(() => undefined);
      if (shared !== undefined && isCacheableOutput(shared)) return { ...shared, cached: true };
      return { ...(await next(request, signal, call)), cached: false };
    }
    const sent = next(request, signal, call).then((output) => {
      cache.write(key, { ...output, cached: false }); // only valid outputs are kept (isCacheableOutput)
      return output;
    });
    inFlight.set(key, sent);
    try {
      return { ...(await sent), cached: false };
    } finally {
      inFlight.delete(key);
    }
  };
}
