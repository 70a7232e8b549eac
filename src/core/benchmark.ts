// A benchmark registers itself with one object; the runner never learns benchmark names.
// An agent is a solver a user picks (`--solver kgarevion`), joined to benchmarks by tags.
import type { z } from 'zod';
import type { JsonObject } from './json.js';
import type { Dataset, Sample } from './sample.js';
import type { Metric } from './metrics.js';
import type { GenerateConfig, ModelRole } from './model.js';
import type { Scorer, Solver } from './task.js';

export interface BenchmarkOptions {
  /** Task arguments from `--arg key=value` or the config file. */
  args: JsonObject;
  seed: number;
  /** Where generated data (databases, phantoms) is cached. */
  cacheDir: string;
  /**
   * Where a loader reports a malformed line and goes on (lenient mode): the runner records it and
   * the other samples are unaffected. Loaders without it stop at the first bad line.
   */
  onDataError?: (error: Error) => void;
}

/**
 * The number a benchmark's paper reports first, as a reference into the run summary: a scorer's metric
 * (`summary.metrics[scorer]` row named `metric`) or, with `task: true`, a task metric named `metric`.
 * The terminal and the viewer show headline metrics first; everything else is behind --verbose.
 */
export interface HeadlineMetric {
  scorer: string;
  /** The metric row's name; `pass@k` / `pass^k` with a literal k mean k = the run's epochs. */
  metric: string;
  label?: string;
  task?: boolean;
}

/** `--arg` options declared once: a zod object with types, defaults and `.describe()` texts. */
export type ArgsSchema = z.ZodObject<z.ZodRawShape>;

export type SolverFactory = (options: BenchmarkOptions) => Solver;

/** What a benchmark's preflight adds to a run it accepts. */
export interface PreflightResult {
  /** Notes the run log must carry (e.g. that the data made the run non-interactive). */
  notes?: string[];
  /** Replaces `roleFallbacks` texts for this run, where the data changes what a fallback does. */
  roleFallbacks?: Partial<Record<ModelRole, string>>;
}

export interface Benchmark {
  name: string;
  version: number;
  description: string;
  /** What kind of samples it has ('mcq', 'ehr-agent', 'image-vqa'...); agents declare the tags they accept. */
  tags: string[];
  dataset(options: BenchmarkOptions): Dataset | Promise<Dataset>;
  /**
   * Solvers by name. `baseline` is the non-LLM solver used when no model is given (every output
   * says so); `default` is used when a model is given and no `--solver` is named.
   */
  solvers: { baseline: SolverFactory; default: SolverFactory } & Record<string, SolverFactory>;
  scorers(options: BenchmarkOptions): Scorer[];
  epochs?: number;
  metrics?: (options: BenchmarkOptions) => Metric[];
  groupBy?: string[];
  /** Roles beyond 'agent' the benchmark can use; a run without a model for one says so in its notes. */
  roles?: ModelRole[];
  /** What the benchmark does when a role in `roles` has no model (the run notes quote it). */
  roleFallbacks?: Partial<Record<ModelRole, string>>;
  /**
   * Checked before the first unit, knowing which roles have a model (`roles`): throws ConfigError to refuse
   * a run whose data and roles do not fit together (the message says what to give); returns what the run's
   * notes must say.
   */
  preflight?(options: BenchmarkOptions, roles: ModelRole[]): PreflightResult | Promise<PreflightResult>;
  generateConfig?: GenerateConfig;
  /**
   * The declared `--arg` options (validated before the run: unknown keys and wrong types are errors;
   * `medkit info` and `medkit eval <name> --help` show them). Without one, args pass unchecked.
   */
  args?: ArgsSchema;
  /** The metric(s) the paper reports first. */
  headline?: HeadlineMetric[];
  /** Scorer keys kept in summary.json but left out of the terminal tables (pixel counts and the like). */
  bookkeeping?: string[];
}

export interface Agent {
  name: string;
  description: string;
  /** Benchmark tags this agent can solve (any one suffices). */
  accepts: string[];
  /** Tags a benchmark must carry, all of them (e.g. image agents: 'closed-answer' and 'single-image'). */
  requires?: string[];
  createSolver(options: BenchmarkOptions): Solver;
  roles?: ModelRole[];
  /** The agent's own declared `--arg` options (merged with the benchmark's). */
  args?: ArgsSchema;
  /** Scorers the agent adds to any benchmark it runs on (e.g. how much of its evidence was checked). */
  scorers?: (options: BenchmarkOptions) => Scorer[];
  /** Task metrics the agent adds to any benchmark it runs on. */
  metrics?: (options: BenchmarkOptions) => Metric[];
}

/** What the shared tags promise, quoted when an agent refuses a benchmark. */
export const BENCHMARK_TAG_MEANINGS: Record<string, string> = {
  'image-vqa': 'questions about images',
  'closed-answer': 'the answer is a choice or a short closed answer (yes/no, a side, a number, an option)',
  'single-image': 'each question is about one image (or names the one it is about)',
  mcq: 'multiple-choice questions',
};

/**
 * Why an agent cannot solve a benchmark, or null when it can: at least one of `accepts` and every
 * tag of `requires` must be on the benchmark. The message names the missing tags and what they mean.
 */
export function agentRefusal(agent: Agent, benchmark: Pick<Benchmark, 'name' | 'tags'>): string | null {
  const missing = (agent.requires ?? []).filter((tag) => !benchmark.tags.includes(tag));
  const accepted = agent.accepts.length === 0 || agent.accepts.some((tag) => benchmark.tags.includes(tag));
  if (missing.length === 0 && accepted) return null;
  const needs = [
    ...missing.map((tag) => `'${tag}' (${BENCHMARK_TAG_MEANINGS[tag] ?? 'see its README'})`),
    ...(accepted ? [] : [`one of ${agent.accepts.map((tag) => `'${tag}'`).join(', ')}`]),
  ];
  return `agent '${agent.name}' needs a benchmark tagged ${needs.join(' and ')}; '${benchmark.name}' is tagged ${benchmark.tags.join(', ') || '(nothing)'}`;
}

/** Parses a user-supplied dataset file (`medkit data check <loader> <path>`). */
export interface DatasetLoader {
  name: string;
  description: string;
  /** Streams samples; throws SampleFormatError (file, line, field) on bad input unless lenient. */
  load(path: string, options?: { lenient?: boolean; onError?: (error: Error) => void }): AsyncIterable<Sample>;
  /** A custom report (e.g. DICOM size and value range) instead of counts per split. */
  describe?(path: string): Promise<string>;
  splitOf?(sample: Sample): string;
}

export function defineBenchmark(benchmark: Benchmark): Benchmark {
  return benchmark;
}
export function defineAgent(agent: Agent): Agent {
  return agent;
}
export function defineLoader(loader: DatasetLoader): DatasetLoader {
  return loader;
}
