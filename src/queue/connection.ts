// The queue's libraries and its Redis connection. bullmq and ioredis are optional dependencies,
// imported here on first use only, so a plain `medkit eval` never loads (or needs) them.
import { ConfigError } from '../core/index.js';

export type BullMQ = typeof import('bullmq');
export type IORedis = typeof import('ioredis');
export type RedisClient = import('ioredis').Redis;

export interface QueueLibraries {
  bullmq: BullMQ;
  Redis: IORedis['Redis'];
}

let loaded: Promise<QueueLibraries> | undefined;

/** bullmq and ioredis, or one clear line saying how to install them. */
export function loadQueueLibraries(): Promise<QueueLibraries> {
  loaded ??= (async () => {
    try {
      const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
      return { bullmq, Redis: ioredis.Redis };
    } catch (cause) {
      loaded = undefined;
      throw new ConfigError(
        '--queue needs the optional packages bullmq and ioredis, which are not installed ' +
          '(npm install bullmq@6.7.0 ioredis@6.0.0, or npm ci without --omit=optional)',
        { cause },
      );
    }
  })();
  return loaded;
}

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL without its password, for messages and logs. */
  display: string;
}

/** `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS), checked with a message naming the part. */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`--queue expects a Redis URL such as redis://127.0.0.1:6379/0, got '${text}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ConfigError(`--queue: '${text}' is not a redis:// or rediss:// URL`);
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) throw new ConfigError(`--queue: the database in '${text}' is not a number`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const target: RedisTarget = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    tls: url.protocol === 'rediss:',
    display: `${url.protocol}//${url.hostname}:${port}/${db}`,
  };
  if (url.username) target.username = decodeURIComponent(url.username);
  if (url.password) target.password = decodeURIComponent(url.password);
  return target;
}

/**
 * ioredis options for BullMQ: `maxRetriesPerRequest: null` (BullMQ's requirement; commands wait for a
 * reconnect instead of failing), and reconnects forever with a capped delay, so a restarted Redis is found again.
 */
export function connectionOptions(target: RedisTarget): Record<string, unknown> {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}

export async function openRedis(target: RedisTarget): Promise<RedisClient> {
  const { Redis } = await loadQueueLibraries();
  const client = new Redis(connectionOptions(target) as import('ioredis').RedisOptions);
  // Connection errors are retried by ioredis; without a listener each would be an unhandled 'error' event.
  client.on('error', () => {});
  return client;
}
