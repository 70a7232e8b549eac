// What the coordinator and the workers agree on: Redis keys, the job payload, the run record.
// Changing a shape here is a protocol change: workers of another medkit version are refused anyway.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { JsonValue, RunSpec, Sample } from '../core/index.js';

export const DEFAULT_QUEUE_NAME = 'medkit';

/** One unit on the queue. The sample travels whole (plain JSON) so a worker never re-reads a user's file to find it. */
export interface UnitJob {
  runId: string;
  /** The coordinator's medkit version; a worker of another version refuses the unit. */
  medkit: string;
  id: string;
  epoch: number;
  sample: JsonValue;
  /** sha256 of the sample's JSON with the coordinator's cache folder written as $CACHE (see sampleHash). */
  sampleHash: string;
  /** True when the dataset is generated in code (an array): the worker regenerates it and compares hashes. */
  embedded: boolean;
}

/** Stored at runKey(): what a worker needs to build the task. */
export interface RunRecord {
  spec: RunSpec;
  medkit: string;
  /** Shared limits per provider and base URL (src/queue/rate-limit.ts). */
  limits: { rateLimit?: number; maxConnections?: number };
  coordinator: { host: string; pid: number; started: string };
}

export const keys = {
  /** The run record (JSON), refreshed by the coordinator while it runs. */
  run: (queue: string, runId: string) => `medkit:${queue}:run:${runId}`,
  /** Set of run ids in progress on this queue. */
  runs: (queue: string) => `medkit:${queue}:runs`,
  /** Hash of counters per run: total, written, errors. */
  progress: (queue: string, runId: string) => `medkit:${queue}:progress:${runId}`,
  /** A worker's heartbeat (JSON, expires). */
  worker: (queue: string, workerId: string) => `medkit:${queue}:worker:${workerId}`,
  workerPattern: (queue: string) => `medkit:${queue}:worker:*`,
  /** Rate limiter keys per provider and base URL. */
  limit: (scope: string, part: string) => `medkit:limit:${scope}:${part}`,
};

/** A unit's job id: deterministic, so a restarted coordinator finds the unit's job again instead of adding a second. */
export function jobId(runId: string, id: string, epoch: number): string {
  const digest = createHash('sha256').update(`${runId}\u0000${epoch}\u0000${id}`).digest('hex').slice(0, 32);
  return `u-${digest}`;
}

/**
 * A sample's content hash. The cache folder differs between machines (generated images live there), so
 * its absolute path is replaced by `$CACHE` before hashing: the same seed gives the same hash everywhere.
 */
export function sampleHash(sample: Sample | JsonValue, cacheDir: string): string {
  const text = JSON.stringify(sample).split(cacheDir).join('$CACHE');
  return createHash('sha256').update(text).digest('hex');
}

export function workerIdentity(): { host: string; pid: number } {
  return { host: hostname(), pid: process.pid };
}

/** Samples may hold image bytes (Uint8Array), which JSON would turn into an object of numbers: sent as base64. */
export function encodeSample(sample: Sample): JsonValue {
  return JSON.parse(
    JSON.stringify(sample, (_key, value: unknown) =>
      value instanceof Uint8Array ? { $bytes: Buffer.from(value).toString('base64') } : value,
    ),
  ) as JsonValue;
}

export function decodeSample(value: JsonValue): Sample {
  return JSON.parse(JSON.stringify(value), (_key, item: unknown) =>
    item !== null && typeof item === 'object' && typeof (item as { $bytes?: unknown }).$bytes === 'string'
      ? new Uint8Array(Buffer.from((item as { $bytes: string }).$bytes, 'base64'))
      : item,
  ) as Sample;
}
