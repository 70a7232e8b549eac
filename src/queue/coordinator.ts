// The coordinator: `medkit eval ... --queue redis://...`. It runs the ordinary eval loop (runTask), but each
// unit is a BullMQ job that a worker runs; the record comes back as the job's return value and this process
// appends it to samples.jsonl. It stays the only writer of the run folder, so the log contract, resume and
// exactly-once are those of a local run. Jobs have deterministic ids, which is how a restarted coordinator
// (--resume) and a restarted Redis (queue lost) are reconciled with the log: see README.md.
import type { Job, Queue } from 'bullmq';
import { ConfigError, type RunSummary, type Sample, type SampleRecord } from '../core/index.js';
import type { PreparedEval, QueueOptions } from '../eval.js';
import { medkitVersion } from '../eval.js';
import type { ProgressReporter } from '../runner/progress.js';
import { unitKey } from '../runner/run-dir.js';
import { runTask, type RunTaskOptions } from '../runner/run-task.js';
import { connectionOptions, loadQueueLibraries, openRedis, parseRedisUrl, type RedisClient } from './connection.js';
import {
  DEFAULT_QUEUE_NAME,
  encodeSample,
  jobId,
  keys,
  sampleHash,
  workerIdentity,
  type RunRecord,
  type UnitJob,
} from './protocol.js';
import { queueErrorRecord } from './unit-records.js';

/** How often finished jobs are collected, and how often every pending unit's job is checked (Redis restarts). */
const POLL_MS = 50;
const SWEEP_MS = 2000;
const FULL_SWEEP_EVERY = 15;

interface Pending {
  sample: Sample;
  epoch: number;
  payload: UnitJob;
  resolve: (record: SampleRecord) => void;
  reject: (error: unknown) => void;
}

/** Fails within seconds, naming the URL, when Redis does not answer (a wrong host or port). */
export async function pingOrExplain(redis: RedisClient, display: string, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new ConfigError(`cannot reach Redis at ${display} (no answer in ${timeoutMs / 1000} s)`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function coordinateRun(
  prepared: PreparedEval,
  runOptions: RunTaskOptions,
  options: QueueOptions,
): Promise<RunSummary> {
  const { bullmq } = await loadQueueLibraries();
  const target = parseRedisUrl(options.url);
  const queueName = options.name ?? DEFAULT_QUEUE_NAME;
  const redis = await openRedis(target);
  let queue: Queue | undefined;
  const { task, spec } = prepared;
  const runId = spec.runId;
  const medkit = medkitVersion();
  const attempts = options.attempts ?? 3;
  const pending = new Map<string, Pending>();
  const written = new Set<string>(); // unit keys with a line (earlier lines and this process's)
  let resuming = false;
  let embedded = false;
  let stopped = false;

  const record: RunRecord = {
    spec,
    medkit,
    limits: {
      ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    },
    coordinator: { ...workerIdentity(), started: new Date().toISOString() },
  };
  const publish = async () => {
    await redis.set(keys.run(queueName, runId), JSON.stringify(record));
    await redis.sadd(keys.runs(queueName), runId);
  };

  try {
    await pingOrExplain(redis, target.display);
    queue = new bullmq.Queue(queueName, { connection: connectionOptions(target) });
    queue.on('error', () => {}); // reconnects are ioredis's job; the sweep notices what was lost
    await publish();
    const jobs = queue;

    const add = (id: string, payload: UnitJob) =>
      jobs.add('unit', payload, {
        jobId: id,
        attempts,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: false,
        removeOnFail: false,
      });

    const settle = (job: Job) => {
      const id = job.id!;
      const unit = pending.get(id);
      if (!unit) return;
      const state = job.finishedOn ? (job.failedReason && !job.returnvalue ? 'failed' : 'completed') : undefined;
      if (state === undefined) return;
      pending.delete(id);
      written.add(unitKey(unit.sample.id, unit.epoch));
      if (state === 'completed') {
        const result = job.returnvalue as SampleRecord;
        unit.resolve({ ...result, id: unit.sample.id, epoch: unit.epoch });
      } else {
        unit.resolve(
          queueErrorRecord(
            unit.sample,
            unit.epoch,
            task.groupBy ?? [],
            `queue: the unit failed on workers (${job.attemptsMade} failed tries, ${job.stalledCounter} workers lost ` +
              `running it): ${job.failedReason}`,
            new Date(job.timestamp),
          ),
        );
      }
      // Removed after the line is written (finish runs in a microtask); a crash before that reruns the unit.
      setImmediate(() => void job.remove().catch(() => {}));
    };

    const settleById = async (id: string) => {
      const job = await jobs.getJob(id);
      if (job) settle(job);
      return job;
    };

    // Finished jobs, collected in batches: one round trip per poll however many finished.
    const poll = async () => {
      while (!stopped) {
        if (pending.size > 0) {
          try {
            const finished = await jobs.getJobs(['completed', 'failed'], 0, 999, true);
            for (const job of finished) {
              if (pending.has(job.id!)) settle(job);
              else if (job.data?.runId === runId && written.has(unitKey(job.data.id, job.data.epoch)))
                void job.remove().catch(() => {}); // left by an earlier coordinator of this run
            }
          } catch {
            // Redis is away; ioredis reconnects and the sweep re-adds what was lost.
          }
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };

    // Every pending unit's job still exists (a Redis restart without persistence loses them all); those that
    // do not are added again, and the run record is published again. The run record is the sentinel checked
    // every 2 s (one command); each pending job is checked when it vanished, and every 30 s anyway.
    const sweep = async () => {
      let rounds = 0;
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, SWEEP_MS));
        if (stopped) break;
        try {
          const lost = (await redis.exists(keys.run(queueName, runId))) === 0;
          if (lost) await publish();
          if (!lost && ++rounds % FULL_SWEEP_EVERY !== 0) continue;
          const ids = [...pending.keys()];
          for (let start = 0; start < ids.length; start += 200) {
            const chunk = ids.slice(start, start + 200);
            const states = await Promise.all(chunk.map((id) => jobs.getJobState(id)));
            await Promise.all(
              chunk.map(async (id, index) => {
                const unit = pending.get(id);
                if (!unit) return;
                if (states[index] === 'unknown') await add(id, unit.payload);
                else if (states[index] === 'completed' || states[index] === 'failed') await settleById(id);
              }),
            );
          }
        } catch {
          // Redis is still away: the next sweep tries again.
        }
      }
    };

    const executeUnit = async (sample: Sample, epoch: number, signal: AbortSignal): Promise<SampleRecord> => {
      const id = jobId(runId, sample.id, epoch);
      const payload: UnitJob = {
        runId,
        medkit,
        id: sample.id,
        epoch,
        sample: encodeSample(sample),
        sampleHash: sampleHash(sample, prepared.cacheDir),
        embedded,
      };
      const result = new Promise<SampleRecord>((resolve, reject) => {
        pending.set(id, { sample, epoch, payload, resolve, reject });
        signal.addEventListener(
          'abort',
          () => {
            if (pending.delete(id)) reject(signal.reason);
          },
          { once: true },
        );
      });
      await add(id, payload);
      // A resumed run may find the unit's job already finished by workers while no coordinator ran.
      if (resuming) await settleById(id);
      return result;
    };

    // The dataset tells whether it is generated in code (an array): workers then regenerate it and compare.
    const dataset = task.dataset;
    task.dataset = () => {
      const samples = dataset();
      embedded = Array.isArray(samples);
      return samples;
    };
    const progress: ProgressReporter | undefined = runOptions.progress;
    const progressKey = keys.progress(queueName, runId);
    const loops = [poll(), sweep()];
    const summary = await runTask(task, {
      ...runOptions,
      concurrency: Math.max(1, options.window ?? 1024),
      executeUnit,
      onResumed: (done) => {
        resuming = done.size > 0 || runOptions.resume === true;
        for (const key of done) written.add(key);
        void redis.hset(progressKey, { done: done.size, errors: 0, started: Date.now() });
      },
      onRecord: (unit) => {
        runOptions.onRecord?.(unit);
        void redis.hincrby(progressKey, 'done', 1).catch(() => {});
        if (unit.error !== null) void redis.hincrby(progressKey, 'errors', 1).catch(() => {});
      },
      progress: {
        start: (total) => {
          if (total !== undefined) void redis.hset(progressKey, 'total', total).catch(() => {});
          progress?.start(total);
        },
        update: (doneCount, errors) => progress?.update(doneCount, errors),
        finish: (message) => progress?.finish(message),
      },
      notes: [
        ...(runOptions.notes ?? []),
        `units ran on the queue ${queueName} at ${target.display} (coordinator ${record.coordinator.host}:${record.coordinator.pid})`,
      ],
    });
    stopped = true;
    await Promise.all(loops);
    // A finished run leaves nothing behind; an interrupted one keeps its record and jobs for --resume.
    if (summary.status !== 'interrupted') {
      await redis.del(keys.run(queueName, runId), progressKey);
      await redis.srem(keys.runs(queueName), runId);
    }
    return summary;
  } finally {
    stopped = true;
    for (const unit of pending.values()) unit.reject(new Error('the coordinator stopped'));
    await queue?.close().catch(() => {});
    redis.disconnect();
  }
}
