// The runs folder as the viewer sees it: every directory (up to 4 levels down) holding a
// spec.json is a run, named by its path relative to the folder ('baseline', 'sweep/m1'). Run names
// from clients go through resolveInside, so no name reaches outside the folder.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { HeadlineMetric, MetricResult, RunSpec, RunSummary } from '../core/index.js';
import { runSpecSchema, runSummarySchema } from '../core/index.js';
import { SAMPLES_FILE, SPEC_FILE, SUMMARY_FILE } from '../runner/run-dir.js';
import { type ErrorCount, type HeadlineValue, resolveHeadline, summaryErrors } from './headline.js';
import { NotFound, PathRefused, resolveFileInside, resolveInside } from './paths.js';
import { indexSamples, isStale, type SampleIndex } from './sample-index.js';

export interface RunListing {
  run: string;
  benchmark: string;
  task: { name: string; version: number; args: Record<string, unknown> };
  models: Record<string, string>;
  solverName: string;
  epochs: number;
  status: RunSummary['status'] | 'running';
  created: string;
  counts: RunSummary['counts'] | null;
  /** scorer key → mean with CI. */
  metrics: Record<string, { value: number; lower: number | null; upper: number | null; n: number }>;
  tokens: number;
  cost: number;
  durationMs: number | null;
  /** Units that failed (summary counts); null while a run has no summary. */
  errors: number | null;
  /** The most common error messages, when the summary records them. */
  topErrors: ErrorCount[] | null;
  /** The paper's first metric(s), resolved against this run's summary (see headline.ts). */
  headline: HeadlineValue[];
  problem?: string;
}

export interface RunStoreOptions {
  /** The headline a benchmark declares (the registry's Benchmark.headline), for runs whose summary names none. */
  headlines?: (benchmark: string) => readonly HeadlineMetric[] | undefined;
}

const MAX_DEPTH = 4;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export class RunStore {
  readonly root: string;
  private readonly indexes = new Map<string, SampleIndex>();

  readonly declaredHeadline: (benchmark: string) => readonly HeadlineMetric[];

  constructor(runsDir: string, options: RunStoreOptions = {}) {
    this.declaredHeadline = (benchmark) => options.headlines?.(benchmark) ?? [];
    if (!existsSync(runsDir))
      throw new Error(`${runsDir}: no such folder (medkit eval --out ${runsDir}/NAME writes runs there)`);
    this.root = realpathSync(runsDir);
  }

  /** Run names, found by walking the folder (dot folders and node_modules skipped, symlinks not followed). */
  runNames(): string[] {
    const names: string[] = [];
    const walk = (directory: string, depth: number) => {
      let entries;
      try {
        entries = readdirSync(directory, { withFileTypes: true });
      } catch {
        return;
      }
      if (entries.some((entry) => entry.isFile() && entry.name === SPEC_FILE) && directory !== this.root) {
        names.push(relative(this.root, directory).split(sep).join('/'));
        return;
      }
      if (depth >= MAX_DEPTH) return;
      for (const entry of entries) {
        if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
          walk(join(directory, entry.name), depth + 1);
      }
    };
    walk(this.root, 0);
    return names.sort();
  }

  /**
   * The directory of a run named by a client; throws PathRefused when it is not one, or when one of
   * its files (spec.json, samples.jsonl, summary.json) is a symlink to something outside the runs
   * folder: everything that reads a run (pages, compare, agreement) goes through here.
   */
  runDir(run: string): string {
    const directory = resolveInside(this.root, run);
    if (!statSync(directory).isDirectory() || !existsSync(join(directory, SPEC_FILE)))
      throw new PathRefused(run, 'not a run directory');
    for (const name of [SPEC_FILE, SAMPLES_FILE, SUMMARY_FILE]) {
      const file = join(directory, name);
      if (!existsSync(file)) continue;
      try {
        resolveFileInside(this.root, file);
      } catch (error) {
        if (error instanceof PathRefused) throw new PathRefused(`${run}/${name}`, error.reason);
        throw error;
      }
    }
    return directory;
  }

  /** The checked real path of one of a run's files. */
  runFile(run: string, name: string): string {
    return resolveFileInside(this.root, join(this.runDir(run), name));
  }

  spec(run: string): RunSpec {
    const value = readJson(this.runFile(run, SPEC_FILE));
    const parsed = runSpecSchema.safeParse(value);
    if (!parsed.success)
      throw new Error(
        `${run}/${SPEC_FILE}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`,
      );
    return value as RunSpec;
  }

  summary(run: string): RunSummary | null {
    const path = join(this.runDir(run), SUMMARY_FILE);
    if (!existsSync(path)) return null;
    const value = readJson(this.runFile(run, SUMMARY_FILE));
    return runSummarySchema.safeParse(value).success ? (value as RunSummary) : null;
  }

  index(run: string): SampleIndex {
    const path = join(this.runDir(run), SAMPLES_FILE);
    if (!existsSync(path)) throw new NotFound(`${run}: no ${SAMPLES_FILE} yet`);
    this.runFile(run, SAMPLES_FILE);
    const previous = this.indexes.get(path);
    if (previous && !isStale(previous)) return previous;
    const index = indexSamples(path, previous);
    this.indexes.set(path, index);
    return index;
  }

  listing(run: string): RunListing {
    const spec = this.spec(run);
    const summary = this.summary(run);
    const metrics: RunListing['metrics'] = {};
    for (const [key, results] of Object.entries(summary?.metrics ?? {})) {
      const mean = (results as MetricResult[]).find((result) => result.name === 'mean');
      if (mean && typeof mean.value === 'number')
        metrics[key] = { value: mean.value, lower: mean.ci?.lower ?? null, upper: mean.ci?.upper ?? null, n: mean.n };
    }
    const usage = Object.values(summary?.usage ?? {});
    return {
      run,
      benchmark: spec.benchmark,
      task: { name: spec.task.name, version: spec.task.version, args: spec.task.args ?? {} },
      models: spec.models as Record<string, string>,
      solverName: spec.solverName,
      epochs: spec.epochs,
      status: summary?.status ?? 'running',
      created: spec.created,
      counts: summary?.counts ?? null,
      metrics,
      tokens: usage.reduce((sum, role) => sum + (role ? role.inputTokens + role.outputTokens : 0), 0),
      cost: usage.reduce((sum, role) => sum + (role?.cost ?? 0), 0),
      durationMs: summary?.timing?.durationMs ?? null,
      errors: summary?.counts?.errors ?? null,
      topErrors: summaryErrors(summary),
      headline: resolveHeadline(summary, this.declaredHeadline(spec.benchmark)),
    };
  }

  listings(): RunListing[] {
    return this.runNames().map((run) => {
      try {
        return this.listing(run);
      } catch (error) {
        const problem = error instanceof Error ? error.message : String(error);
        return {
          run,
          benchmark: '?',
          task: { name: '?', version: 0, args: {} },
          models: {},
          solverName: '?',
          epochs: 0,
          status: 'failed',
          created: '',
          counts: null,
          metrics: {},
          tokens: 0,
          cost: 0,
          durationMs: null,
          errors: null,
          topErrors: null,
          headline: [],
          problem,
        };
      }
    });
  }
}
