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

  read(key: string): ModelOutput | undefined {
    const row = this.readStatement.get(key);
    return row ? (JSON.parse(row.value) as ModelOutput) : undefined;
  }

  write(key: string, output: ModelOutput): void {
    this.writeStatement.run(key, JSON.stringify(output), new Date().toISOString());
  }

  close(): void {
    this.database.close();
  }
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
    if (pending) return { ...(await pending), cached: true };
    const sent = next(request, signal, call).then((output) => {
      if (output.finishReason !== 'error') cache.write(key, { ...output, cached: false });
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
