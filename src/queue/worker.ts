// A worker: `medkit worker --queue redis://...`. It takes units from the queue, builds each run's task once
// from the run spec the coordinator published (benchmark, args, seed, models by role), runs the unit with
// runUnit, and returns the record as the job's result. It never writes a run folder: the coordinator does.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Job, Worker } from 'bullmq';
import { ConfigError, errorMessage, redactSecrets, type Sample, type SampleRecord } from '../core/index.js';
import { medkitVersion, prepareEval, type PreparedEval } from '../eval.js';
import type { RateGate } from '../runner/middleware.js';
import { runUnit } from '../runner/unit.js';
import { pingOrExplain } from './coordinator.js';
import { connectionOptions, loadQueueLibraries, openRedis, parseRedisUrl, type RedisClient } from './connection.js';
import {
  DEFAULT_QUEUE_NAME,
  decodeSample,
  keys,
  sampleHash,
  workerIdentity,
  type RunRecord,
  type UnitJob,
} from './protocol.js';
import { limitScope, SharedRateGate } from './rate-limit.js';
import { queueErrorRecord } from './unit-records.js';

export interface QueueWorkerOptions {
  url: string;
  name?: string;
  /** Units at once in this worker (default 8). */
  concurrency?: number;
  cacheDir?: string;
  cache?: boolean;
  /** Base URL for openai:/anthropic: models here, instead of the one in the run spec. */
  baseUrl?: string;
  /** A unit whose worker stops renewing its lock this long (killed, frozen) goes to another worker (default 30 s). */
  lockMs?: number;
  /** Times a unit may lose its worker before it is recorded as an error (default 3). */
  maxStalls?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** Resolves with the exit code once the worker stopped (2: refused, a version mismatch). */
  done: Promise<number>;
  close(): Promise<void>;
}

interface PreparedRun {
  prepared: PreparedEval;
  /** The regenerated samples of an embedded dataset, by id. */
  embedded?: Map<string, Sample>;
}

/** The file paths a sample's images come from (user files must be at the same path on every worker). */
function imagePaths(sample: Sample): string[] {
  const paths: string[] = [];
  if (!Array.isArray(sample.input)) return paths;
  for (const message of sample.input) {
    if (typeof message.content === 'string') continue;
    for (const part of message.content)
      if (part.type === 'image' && part.source.kind === 'path') paths.push(part.source.path);
  }
  return paths;
}

async function unreadable(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      return `${path} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`;
    }
  }
  return undefined;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<RunningWorker> {
  const { bullmq } = await loadQueueLibraries();
  const target = parseRedisUrl(options.url);
  const queueName = options.name ?? DEFAULT_QUEUE_NAME;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const version = medkitVersion();
  const identity = workerIdentity();
  const workerId = `${identity.host}:${identity.pid}`;
  const redis: RedisClient = await openRedis(target);
  await pingOrExplain(redis, target.display).catch((error) => {
    redis.disconnect();
    throw error;
  });
  const runs = new Map<string, Promise<PreparedRun>>();
  const stats = { started: Date.now(), done: 0, errors: 0, active: 0 };
  let exitCode = 0;
  let worker: Worker | undefined;
  const trace = process.env.MEDKIT_QUEUE_TRACE === '1';

  const prepareRun = async (runId: string): Promise<PreparedRun> => {
    const text = await redis.get(keys.run(queueName, runId));
    if (text === null) throw new Error(`run ${runId} has no record on queue ${queueName} (its coordinator is gone?)`);
    const record = JSON.parse(text) as RunRecord;
    const limits = record.limits;
    const shared = limits.rateLimit !== undefined || limits.maxConnections !== undefined;
    const prepared = await prepareEval({
      benchmark: record.spec.task.source ?? record.spec.benchmark,
      spec: record.spec,
      concurrency,
      cache: options.cache ?? true,
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      ...(options.baseUrl ? { provider: { baseURL: options.baseUrl } } : {}),
      ...(shared
        ? {
            gateFor: (name: string, provider: { baseURL?: string }): RateGate =>
              new SharedRateGate(redis, limitScope(name, provider.baseURL), limits, concurrency),
          }
        : {}),
    });
    const dataset = prepared.task.dataset();
    if (!Array.isArray(dataset)) return { prepared };
    return { prepared, embedded: new Map(dataset.map((sample: Sample) => [sample.id, sample])) };
  };

  const runFor = (runId: string): Promise<PreparedRun> => {
    let run = runs.get(runId);
    if (!run) {
      run = prepareRun(runId);
      runs.set(runId, run);
      // A failed build is tried again by the next unit (the record may come back after a Redis restart).
      run.catch(() => runs.delete(runId));
    }
    return run;
  };

  const process_ = async (job: Job<UnitJob>): Promise<SampleRecord> => {
    const unit = job.data;
    if (unit.medkit !== version) {
      exitCode = 2;
      const message =
        `worker ${workerId} runs medkit ${version} but run ${unit.runId} was started by medkit ${unit.medkit}: ` +
        'refused (install the same medkit version on every machine)';
      log(`medkit worker: ${message}`);
      void worker?.close();
      throw new Error(message);
    }
    if (trace) log(`unit-start ${unit.id} ${unit.epoch}`);
    const { prepared, embedded } = await runFor(unit.runId);
    const { task, spec, roles, cacheDir } = prepared;
    let sample: Sample;
    if (unit.embedded && embedded) {
      const own = embedded.get(unit.id);
      if (!own)
        throw new Error(`worker ${workerId}: sample ${unit.id} is not in its regenerated ${spec.benchmark} data`);
      const hash = sampleHash(own, cacheDir);
      if (hash !== unit.sampleHash)
        throw new Error(
          `worker ${workerId}: ${spec.benchmark}'s embedded sample ${unit.id} differs from the coordinator's ` +
            `(content hash ${hash.slice(0, 12)} ≠ ${unit.sampleHash.slice(0, 12)}); same medkit version, args and seed?`,
        );
      sample = own;
    } else sample = decodeSample(unit.sample);
    const missing = await unreadable(imagePaths(sample));
    let record: SampleRecord;
    if (missing)
      record = queueErrorRecord(
        sample,
        unit.epoch,
        task.groupBy ?? [],
        `worker ${workerId} cannot read ${missing}: user files must be at the same path on every worker`,
      );
    else record = await runUnit(task, sample, unit.epoch, { roles, runSeed: spec.seed });
    if (record.error === null) stats.done++;
    else stats.errors++;
    // Keys a server echoed never reach Redis either.
    return JSON.parse(redactSecrets(JSON.stringify(record))) as SampleRecord;
  };

  const lockMs = options.lockMs ?? 30_000;
  worker = new bullmq.Worker<UnitJob, SampleRecord>(
    queueName,
    async (job) => {
      stats.active++;
      try {
        return await process_(job);
      } finally {
        stats.active--;
      }
    },
    {
      connection: connectionOptions(target),
      concurrency,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.round(lockMs / 2)),
      maxStalledCount: options.maxStalls ?? 3,
      autorun: true,
    },
  );
  let lastError = '';
  worker.on('error', (error) => {
    const message = errorMessage(error);
    if (message !== lastError) log(`medkit worker: ${message} (retrying)`);
    lastError = message;
  });
  worker.on('failed', (job, error) => {
    if (job) log(`medkit worker: unit ${job.data.id} epoch ${job.data.epoch} failed: ${errorMessage(error)}`);
  });

  const heartbeat = () =>
    redis
      .set(
        keys.worker(queueName, workerId),
        JSON.stringify({ ...identity, medkit: version, concurrency, ...stats, at: Date.now() }),
        'EX',
        15,
      )
      .catch(() => {});
  void heartbeat();
  const beat = setInterval(heartbeat, 2000);
  log(`medkit worker ${workerId}: taking units from ${queueName} at ${target.display} (concurrency ${concurrency})`);

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(beat);
      await worker!.close().catch(() => {});
      await redis.del(keys.worker(queueName, workerId)).catch(() => {});
      for (const run of runs.values()) await run.then((r) => r.prepared.close()).catch(() => {});
      redis.disconnect();
      resolveDone(exitCode);
    })();
    return closing;
  };
  worker.on('closed', () => void close());
  return { done, close };
}

/** The CLI's message for a worker started without a Redis URL. */
export function requireQueueUrl(url: string | undefined): string {
  if (!url) throw new ConfigError('medkit worker needs --queue redis://host:6379[/db] (the URL the coordinator uses)');
  return url;
}
