// `medkit worker` and `medkit queue status`: the worker side of a queued run (src/queue). The queue modules
// are imported when a command runs, so other commands never load bullmq or ioredis.
import type { Command } from 'commander';
import { positiveInt } from './flags.js';

interface WorkerFlags {
  queue?: string;
  queueName?: string;
  concurrency?: number;
  cacheDir?: string;
  cache: boolean;
  baseUrl?: string;
  lockMs?: number;
  maxStalls?: number;
}

export function registerQueueCommands(program: Command): void {
  program
    .command('worker')
    .description(
      'take units of queued runs (medkit eval --queue) from Redis and run them; Ctrl-C stops after the units in flight',
    )
    .option('-q, --queue <url>', 'the Redis URL the coordinator uses: redis://host:6379[/db]')
    .option('--queue-name <name>', 'the queue (default medkit)')
    .option(
      '-c, --concurrency <n>',
      'units at once in this worker, and connections per model (default 8)',
      positiveInt('--concurrency'),
    )
    .option('--cache-dir <dir>', 'cache and generated data folder (default .medkit/cache)')
    .option('--no-cache', 'do not read or write the response cache')
    .option(
      '--base-url <url>',
      "base URL for openai: / anthropic: models here (default: the run's, else the environment)",
    )
    .option(
      '--lock-ms <ms>',
      'a unit whose worker is silent this long goes to another worker (default 30000)',
      positiveInt('--lock-ms'),
    )
    .option(
      '--max-stalls <n>',
      'times a unit may lose its worker before it is recorded as an error (default 3)',
      positiveInt('--max-stalls'),
    )
    .action(async (flags: WorkerFlags) => {
      const { requireQueueUrl, startQueueWorker } = await import('../queue/worker.js');
      const worker = await startQueueWorker({
        url: requireQueueUrl(flags.queue),
        ...(flags.queueName ? { name: flags.queueName } : {}),
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
        cache: flags.cache,
        ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
        ...(flags.lockMs ? { lockMs: flags.lockMs } : {}),
        ...(flags.maxStalls ? { maxStalls: flags.maxStalls } : {}),
      });
      let interrupts = 0;
      const stop = () => {
        if (++interrupts > 1) process.exit(130);
        process.stderr.write('\nmedkit worker: stopping after the units in flight (Ctrl-C again to quit now)...\n');
        void worker.close();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      const code = await worker.done;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.exitCode = code;
    });

  program
    .command('queue')
    .description('inspect a queue of units (medkit eval --queue)')
    .command('status')
    .description('units queued, active, done and failed; runs in progress; each worker and its rate')
    .option('-q, --queue <url>', 'the Redis URL: redis://host:6379[/db]')
    .option('--queue-name <name>', 'the queue (default medkit)')
    .option('--json', 'print the status as JSON')
    .action(async (flags: { queue?: string; queueName?: string; json?: boolean }) => {
      const { requireQueueUrl } = await import('../queue/worker.js');
      const { formatQueueStatus, readQueueStatus } = await import('../queue/status.js');
      const status = await readQueueStatus(requireQueueUrl(flags.queue), flags.queueName);
      process.stdout.write(`${flags.json ? JSON.stringify(status, null, 2) : formatQueueStatus(status)}\n`);
    });
}
