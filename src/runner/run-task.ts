// The eval loop: stream the dataset, run units with bounded concurrency (backpressure keeps
// memory flat however large the dataset), append each finished unit to samples.jsonl, and
// summarise. Interrupts (Ctrl-C, an abort) stop new units, drop unfinished ones and leave a run
// that --resume finishes.
import type { HeadlineMetric, RunSpec, RunSummary, Sample, SampleRecord, Task, UsageByRole } from '../core/index.js';
import { emptyUsage, redactSecrets, RunFailedError } from '../core/index.js';
import type { RoleBindings } from './context.js';
import { silentProgress, type ProgressReporter } from './progress.js';
import {
  openForResume,
  readRunSpec,
  SampleWriter,
  unitKey,
  writeSummary,
  SAMPLES_FILE,
  createRunDirectory,
} from './run-dir.js';
import { ScoreTable, summariseTable } from './score-table.js';
import { runUnit } from './unit.js';
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { readSampleRecords } from './run-dir.js';
import { createRng } from '../stats/random.js';
import { resolveHeadline } from './headline.js';
import { ErrorTally } from './error-tally.js';

export interface RunTaskOptions {
  roles: RoleBindings;
  spec: RunSpec;
  concurrency: number;
  limit?: number;
  /**
   * Shuffle the samples with this seed before `limit` applies, so a limited run covers every subset
   * (inspect's sample shuffle). The dataset is read whole first.
   */
  shuffle?: number;
  /** Write the run here (spec.json, samples.jsonl, summary.json). */
  outDir?: string;
  /** Finish the run already in outDir. */
  resume?: boolean;
  /** With resume: run failed units again (their old lines are removed first). */
  retryErrors?: boolean;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  /** Called with each finished record (tests, live viewers). */
  onRecord?: (record: SampleRecord) => void;
  notes?: string[];
  /** Stop when this many units fail before any succeeds (default 8; 0 = never). */
  failFastAfter?: number;
  /** Malformed dataset lines the loader skipped (filled while the dataset streams). */
  dataErrors?: string[];
  /** The benchmark's headline metrics, resolved into summary.headline. */
  headline?: HeadlineMetric[];
  /** Scorer keys that are bookkeeping (recorded in the summary; tables leave them out). */
  bookkeeping?: string[];
  /**
   * Runs one unit somewhere else (a queue's workers: src/queue). Default: `runUnit` in this process. The
   * loop, resume, samples.jsonl and summary.json stay here, so this process remains the only writer.
   */
  executeUnit?: (sample: Sample, epoch: number, signal: AbortSignal) => Promise<SampleRecord>;
  /** Called once the finished units of a resumed run are known (a queue reconciles its state with them). */
  onResumed?: (done: ReadonlySet<string>) => void | Promise<void>;
}

/** The number of samples when the dataset is an array (known without reading a stream). */
function knownSize(dataset: ReturnType<Task['dataset']>): number | undefined {
  return Array.isArray(dataset) ? dataset.length : undefined;
}

async function shuffled(dataset: Task['dataset'], seed: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of dataset()) samples.push(sample);
  return createRng(seed).shuffle(samples);
}

async function* limited(
  samples: AsyncIterable<Sample> | Iterable<Sample>,
  limit: number | undefined,
): AsyncGenerator<Sample> {
  if (limit !== undefined && limit <= 0) return;
  let count = 0;
  for await (const sample of samples) {
    yield sample;
    if (limit !== undefined && ++count >= limit) return;
  }
}

function addUsage(total: UsageByRole, add: UsageByRole): void {
  for (const [role, usage] of Object.entries(add) as [
    keyof UsageByRole,
    NonNullable<UsageByRole[keyof UsageByRole]>,
  ][]) {
    const into = (total[role] ??= { ...emptyUsage(), cost: 0, calls: 0, cachedCalls: 0 });
    into.inputTokens += usage.inputTokens;
    into.outputTokens += usage.outputTokens;
    into.cost += usage.cost;
    into.calls += usage.calls;
    into.cachedCalls += usage.cachedCalls;
  }
}

/** Scorer names whose score metadata the task's own metrics read (a metric with no key reads all). */
function metadataNeededBy(task: Task): Set<string> {
  const names = new Set<string>();
  for (const metric of task.metrics ?? []) {
    if (metric.scorerKey === undefined) for (const scorer of task.scorers) names.add(scorer.name);
    else
      names.add(
        task.scorers.find(
          (scorer) => metric.scorerKey === scorer.name || metric.scorerKey!.startsWith(`${scorer.name}.`),
        )?.name ?? metric.scorerKey,
      );
  }
  return names;
}

function emptyDatasetError(spec: RunSpec, dataErrors: readonly string[]): RunFailedError {
  const args = Object.entries(spec.task.args ?? {}).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  const source = `${spec.benchmark}'s dataset${args.length > 0 ? ` (${args.join(', ')})` : ''}`;
  if (dataErrors.length === 0) return new RunFailedError(`${source} has no samples (is the file empty?)`);
  return new RunFailedError(
    `${source} has no valid samples: all ${dataErrors.length} rows read were invalid; the first: ${dataErrors[0]}`,
  );
}

export async function runTask(task: Task, options: RunTaskOptions): Promise<RunSummary> {
  const started = new Date();
  const progress = options.progress ?? silentProgress;
  const table = new ScoreTable(task.groupBy ?? [], metadataNeededBy(task));
  const usage: UsageByRole = {};
  const errorTally = new ErrorTally();
  let done = new Set<string>();
  let writer: SampleWriter | undefined;
  if (options.outDir) {
    if (options.resume) {
      readRunSpec(options.outDir);
      done = openForResume(options.outDir, { dropErrors: options.retryErrors ?? false });
      // Earlier lines count towards the summary exactly as new ones do.
      for (const record of readSampleRecords(options.outDir)) {
        table.add(record);
        addUsage(usage, record.usage ?? {});
        if (record.error !== null) errorTally.add(record.error);
      }
    } else createRunDirectory(options.outDir, options.spec);
    await options.onResumed?.(done);
    writer = new SampleWriter(join(options.outDir, SAMPLES_FILE));
  }

  const signal = options.signal ?? new AbortController().signal;
  // Every unit in flight listens on the run's signal; that is expected, not a leak.
  setMaxListeners(0, signal);
  const concurrency = Math.max(1, options.concurrency);
  const inFlight = new Set<Promise<void>>();
  let slotFreed: (() => void) | undefined;
  let samples = 0;
  let dispatched = 0;
  let failure: unknown;
  let samplesSource: AsyncIterable<Sample> | Iterable<Sample> | undefined;
  let size: number | undefined;
  try {
    if (options.shuffle !== undefined) samplesSource = await shuffled(task.dataset, options.shuffle);
    else samplesSource = task.dataset();
    size = knownSize(samplesSource as ReturnType<Task['dataset']>);
  } catch (error) {
    failure = error; // the dataset itself failed (a malformed file in strict mode)
  }
  const sampleCount =
    size !== undefined && options.limit !== undefined ? Math.min(size, options.limit) : (size ?? options.limit);
  // The bar counts what this process will run: units already in samples.jsonl are not redone.
  progress.start(sampleCount !== undefined ? Math.max(0, sampleCount * task.epochs - done.size) : undefined);
  const doneBefore = table.size;

  // When the first units all fail the same way (server unreachable, wrong model name), stop with
  // that one message instead of recording the same error for every sample.
  const failFastAfter = options.failFastAfter ?? 8;
  let consecutiveErrorsFromStart = 0;
  let anySuccess = false;
  const finish = (record: SampleRecord) => {
    if (record.error === null) anySuccess = true;
    else if (!anySuccess && ++consecutiveErrorsFromStart >= failFastAfter && failFastAfter > 0) {
      failure ??= new RunFailedError(`the first ${failFastAfter} units all failed; last error: ${record.error}`);
    }
    writer?.append(record);
    table.add(record);
    addUsage(usage, record.usage);
    if (record.error !== null) errorTally.add(record.error);
    options.onRecord?.(record);
    progress.update(table.size - doneBefore, table.errors);
  };

  try {
    if (samplesSource === undefined) throw failure;
    outer: for await (const sample of limited(samplesSource, options.limit)) {
      samples++;
      for (let epoch = 1; epoch <= task.epochs; epoch++) {
        if (signal.aborted || failure !== undefined) break outer;
        if (done.has(unitKey(sample.id, epoch))) continue;
        // Wait for a free slot. (Promise.race over the in-flight set would attach a handler to
        // every running unit on every dispatch: O(units × concurrency) reactions.)
        while (inFlight.size >= concurrency) await new Promise<void>((resolve) => (slotFreed = resolve));
        // Units that never wait on I/O (baselines) would otherwise keep the loop in microtasks
        // for the whole run: Ctrl-C, progress redraws and timers only run when we yield.
        if (++dispatched % 256 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal.aborted) break outer;
        const unit = options.executeUnit
          ? options.executeUnit(sample, epoch, signal)
          : runUnit(task, sample, epoch, { roles: options.roles, runSeed: options.spec.seed, signal });
        const work: Promise<void> = unit
          .then(finish, (error) => {
            if (!signal.aborted) failure ??= error;
          })
          .finally(() => {
            inFlight.delete(work);
            slotFreed?.();
            slotFreed = undefined;
          });
        inFlight.add(work);
      }
    }
  } catch (error) {
    failure ??= error; // the dataset itself failed (a malformed file in strict mode)
  }
  await Promise.all(inFlight);
  writer?.close();
  // A dataset that yields nothing (an empty file, or every row invalid) is an error, not a complete run
  // of zero samples whose metrics look like an answer.
  if (failure === undefined && !signal.aborted && samples === 0 && options.limit !== 0)
    failure = emptyDatasetError(options.spec, options.dataErrors ?? []);

  const finished = new Date();
  // A run where every unit failed measured nothing: it is 'failed', whatever stopped it.
  const everyUnitFailed = table.size > 0 && table.errors === table.size;
  const status: RunSummary['status'] =
    failure !== undefined || (everyUnitFailed && !signal.aborted)
      ? 'failed'
      : signal.aborted
        ? 'interrupted'
        : 'complete';
  const notes = [...(options.notes ?? [])];
  if (failure !== undefined)
    notes.push(`run stopped: ${redactSecrets(failure instanceof Error ? failure.message : String(failure))}`);
  else if (status === 'failed')
    notes.push(`every unit failed (${table.errors}); the most common error: ${errorTally.top(1)[0]?.message}`);
  if (status === 'interrupted')
    notes.push(`interrupted; finish it with: medkit eval --resume ${options.outDir ?? '<dir>'}`);
  const summaryMetrics = summariseTable(table, task, options.spec.seed);
  for (const result of summaryMetrics.taskMetrics) if (result.runNote) notes.push(`${result.name}: ${result.runNote}`);
  const summary: RunSummary = {
    logFormat: options.spec.logFormat,
    runId: options.spec.runId,
    status,
    benchmark: options.spec.benchmark,
    task: options.spec.task,
    models: options.spec.models,
    solverName: options.spec.solverName,
    epochs: task.epochs,
    seed: options.spec.seed,
    counts: { samples, units: table.size, errors: table.errors, dataErrors: options.dataErrors?.length ?? 0 },
    dataErrors: (options.dataErrors ?? []).slice(0, 100),
    ...summaryMetrics,
    usage,
    timing: {
      started: started.toISOString(),
      finished: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      unitsPerSecond: table.size / Math.max((finished.getTime() - started.getTime()) / 1000, 1e-3),
    },
    versions: options.spec.versions,
    notes,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.shuffle !== undefined ? { shuffle: options.shuffle } : {}),
    errorMessages: errorTally.top(10),
    bookkeeping: options.bookkeeping ?? [],
  };
  summary.headline = resolveHeadline(summary, options.headline ?? []);
  if (options.outDir) writeSummary(options.outDir, summary);
  progress.finish(`${summary.status}: ${table.size} units, ${table.errors} errors`);
  if (failure !== undefined && !options.outDir) throw failure;
  return summary;
}
