// `medkit queue status`: what is queued, running, done and failed, the runs in progress and each worker's rate.
import { loadQueueLibraries, connectionOptions, openRedis, parseRedisUrl } from './connection.js';
import { pingOrExplain } from './coordinator.js';
import { DEFAULT_QUEUE_NAME, keys, type RunRecord } from './protocol.js';

export interface WorkerStatus {
  id: string;
  host: string;
  pid: number;
  medkit: string;
  concurrency: number;
  active: number;
  done: number;
  errors: number;
  /** Units finished per second since the worker started. */
  rate: number;
  /** Seconds since its last heartbeat (every 2 s; gone after 15 s). */
  lastSeenS: number;
}

export interface QueueStatus {
  queue: string;
  redis: string;
  jobs: { queued: number; active: number; delayed: number; completed: number; failed: number };
  runs: {
    runId: string;
    benchmark: string;
    out?: string;
    total?: number;
    done: number;
    errors: number;
    coordinator: string;
  }[];
  workers: WorkerStatus[];
}

export async function readQueueStatus(url: string, name = DEFAULT_QUEUE_NAME): Promise<QueueStatus> {
  const { bullmq } = await loadQueueLibraries();
  const target = parseRedisUrl(url);
  const redis = await openRedis(target);
  const queue = new bullmq.Queue(name, { connection: connectionOptions(target) });
  try {
    await pingOrExplain(redis, target.display, 5000);
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    const runs: QueueStatus['runs'] = [];
    for (const runId of await redis.smembers(keys.runs(name))) {
      const text = await redis.get(keys.run(name, runId));
      if (text === null) continue;
      const record = JSON.parse(text) as RunRecord;
      const progress = await redis.hgetall(keys.progress(name, runId));
      runs.push({
        runId,
        benchmark: record.spec.benchmark,
        ...(progress.total ? { total: Number(progress.total) } : {}),
        done: Number(progress.done ?? 0),
        errors: Number(progress.errors ?? 0),
        coordinator: `${record.coordinator.host}:${record.coordinator.pid}`,
      });
    }
    const workers: WorkerStatus[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', keys.workerPattern(name), 'COUNT', 200);
      cursor = next;
      for (const key of found) {
        const text = await redis.get(key);
        if (text === null) continue;
        const beat = JSON.parse(text) as Omit<WorkerStatus, 'id' | 'rate' | 'lastSeenS'> & {
          started: number;
          at: number;
        };
        workers.push({
          id: key.slice(keys.worker(name, '').length),
          host: beat.host,
          pid: beat.pid,
          medkit: beat.medkit,
          concurrency: beat.concurrency,
          active: beat.active,
          done: beat.done,
          errors: beat.errors,
          rate: (beat.done + beat.errors) / Math.max((beat.at - beat.started) / 1000, 1e-3),
          lastSeenS: Math.max(0, (Date.now() - beat.at) / 1000),
        });
      }
    } while (cursor !== '0');
    workers.sort((a, b) => a.id.localeCompare(b.id));
    return {
      queue: name,
      redis: target.display,
      jobs: {
        queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      },
      runs,
      workers,
    };
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

export function formatQueueStatus(status: QueueStatus): string {
  const lines = [
    `queue ${status.queue} at ${status.redis}`,
    `units: ${status.jobs.queued} queued, ${status.jobs.active} active, ${status.jobs.delayed} waiting to retry, ` +
      `${status.jobs.completed} done (not yet recorded), ${status.jobs.failed} failed (not yet recorded)`,
  ];
  if (status.runs.length === 0) lines.push('runs: none in progress');
  for (const run of status.runs)
    lines.push(
      `run ${run.runId} (${run.benchmark}): ${run.done}${run.total !== undefined ? `/${run.total}` : ''} recorded, ` +
        `${run.errors} errors; coordinator ${run.coordinator}`,
    );
  if (status.workers.length === 0) lines.push('workers: none seen in the last 15 s');
  for (const worker of status.workers)
    lines.push(
      `worker ${worker.id} (medkit ${worker.medkit}): ${worker.active}/${worker.concurrency} active, ` +
        `${worker.done} done, ${worker.errors} errors, ${worker.rate.toFixed(2)} units/s, seen ${worker.lastSeenS.toFixed(0)} s ago`,
    );
  return lines.join('\n');
}
