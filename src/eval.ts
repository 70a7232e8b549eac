// The programmatic entry point: `runEval({ benchmark, models, ... })`. It joins the registry
// (benchmarks, agents) to the runner, which itself never learns benchmark names. The CLI's
// `medkit eval` is a thin layer over this.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  agentRefusal,
  type Agent,
  ConfigError,
  LOG_FORMAT_VERSION,
  MODEL_ROLES,
  type Benchmark,
  type BenchmarkOptions,
  type GenerateConfig,
  type JsonObject,
  type Model,
  type ModelRole,
  type RunSpec,
  type RunSummary,
  type Solver,
  type Task,
} from './core/index.js';
import { createModel } from './models/registry.js';
import { benchmarkNames, loadAgent, loadAgentsFor, loadBenchmark } from './registry.js';
import { bindModel, roleFlag, type RoleBindings } from './runner/context.js';
import { ResponseCache, withCache } from './runner/cache.js';
import {
  DEFAULT_RETRY_POLICY,
  RateGate,
  withGate,
  withRetry,
  withTimeout,
  type GenerateMiddleware,
} from './runner/middleware.js';
import { createProgress, silentProgress, type ProgressReporter } from './runner/progress.js';
import { readRunSpec } from './runner/run-dir.js';
import { benchmarkSource, isBenchmarkFile, loadBenchmarkFile } from './resolve-benchmark.js';
import { runTask, type RunTaskOptions } from './runner/run-task.js';
import { mergeArgSchemas, suggestKeys, validateArgs, type ArgsSource } from './runner/args.js';

export const BASELINE = 'baseline';
export const BASELINE_LABEL = 'baseline (non-LLM)';

export interface EvalOptions {
  benchmark: string | Benchmark;
  /** Model per role: a model string ('openai:gpt-4.1'), a Model object, or 'baseline' for the agent. */
  models?: Partial<Record<ModelRole, string | Model>>;
  /** A named solver of the benchmark, or an agent from the registry (`kgarevion`). */
  solver?: string;
  /** Task arguments, checked against the benchmark's (and agent's) declared `args` schema. */
  args?: JsonObject;
  /** Task arguments as command-line text (`--arg key=value`): converted to the declared types, then checked. */
  argsText?: Record<string, string>;
  limit?: number;
  /** Shuffle the sample order with this seed before `limit` applies (inspect's sample shuffle). */
  shuffle?: number;
  epochs?: number;
  concurrency?: number;
  seed?: number;
  outDir?: string;
  /** Finish the run in this directory (its spec.json gives benchmark, models, args, seed). */
  resume?: string;
  retryErrors?: boolean;
  cache?: boolean;
  cacheDir?: string;
  cacheSampled?: boolean;
  timeoutMs?: number;
  maxRetries?: number;
  temperature?: number;
  maxTokens?: number;
  provider?: { baseURL?: string; apiKey?: string };
  signal?: AbortSignal;
  progress?: ProgressReporter | 'auto' | 'none';
  /**
   * Run the units on a queue's workers (`--queue redis://host:6379`): this process coordinates and stays the
   * only writer of the run folder. Needs the optional bullmq and ioredis packages (src/queue).
   */
  queue?: QueueOptions;
  /** A queue worker's run: the coordinator's spec (benchmark, args, seed, models), without a run folder. */
  spec?: RunSpec;
  /** The connection gate per model (default: a RateGate of `concurrency`); a queue worker's is shared in Redis. */
  gateFor?: (modelName: string, provider: { baseURL?: string }) => RateGate;
}

/** What a queued run needs beyond an eval's options (src/queue/README.md). */
export interface QueueOptions {
  url: string;
  /** The BullMQ queue name (default 'medkit'): workers started with the same name take the units. */
  name?: string;
  /** Units on the queue at once (default 1024). */
  window?: number;
  /** Tries of a unit whose worker threw or died before it is recorded as an error (default 3). */
  attempts?: number;
  /** Requests per second per provider and base URL, across all workers (default: none). */
  rateLimit?: number;
  /** Connections at once per provider and base URL, across all workers (default: none). */
  maxConnections?: number;
}

/** A run ready to go: the task, its models bound to roles, the spec, and what closes them. */
export interface PreparedEval {
  benchmark: Benchmark;
  task: Task;
  roles: RoleBindings;
  spec: RunSpec;
  notes: string[];
  dataErrors: string[];
  cacheDir: string;
  close(): Promise<void>;
}

export function medkitVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return packageJson.version;
}

/** A registered benchmark by name (its module is imported now); an unknown name gets a "did you mean". */
export async function findBenchmark(name: string): Promise<Benchmark> {
  const benchmark = await loadBenchmark(name);
  if (!benchmark) {
    const suggestions = suggestKeys(name, benchmarkNames());
    const didYouMean = suggestions.length ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : '';
    throw new ConfigError(
      `unknown benchmark '${name}'.${didYouMean} Known: ${benchmarkNames().sort().join(', ')} (see: medkit list)`,
    );
  }
  return benchmark;
}

/** The agent a solver name picks for this benchmark: undefined when the benchmark has that solver itself. */
async function agentForSolver(benchmark: Benchmark, solverName: string): Promise<Agent | undefined> {
  return benchmark.solvers[solverName] ? undefined : loadAgent(solverName);
}

/** A registered benchmark name, a task file (.yaml) or a benchmark module (.ts / .js): `medkit eval <this>`. */
export async function resolveBenchmark(reference: string): Promise<Benchmark> {
  return isBenchmarkFile(reference) ? loadBenchmarkFile(reference) : findBenchmark(reference);
}

/** The solver name a run uses: --solver, else default with a model, else baseline. */
export function solverNameFor(solverName: string | undefined, hasAgentModel: boolean): string {
  return solverName ?? (hasAgentModel ? 'default' : BASELINE);
}

/**
 * The declared `--arg` options of a run: the benchmark's, plus the agent's when --solver names one.
 * Options of agents not chosen come with a hint (`--solver kgarevion`) instead of "unknown".
 */
export async function argsSchemaFor(
  benchmark: Benchmark,
  solverName: string,
): Promise<{ schema: Benchmark['args']; owner: string; elsewhere: Record<string, string> }> {
  const agent = await agentForSolver(benchmark, solverName);
  const elsewhere: Record<string, string> = {};
  for (const other of await loadAgentsFor(benchmark.tags)) {
    if (other === agent || !other.accepts.some((tag) => benchmark.tags.includes(tag))) continue;
    for (const key of Object.keys(other.args?.shape ?? {}))
      if (!(key in (benchmark.args?.shape ?? {})))
        elsewhere[key] ??= `an option of agent ${other.name}; add --solver ${other.name} to use it`;
  }
  return {
    schema: agent ? mergeArgSchemas(benchmark.args, agent.args) : benchmark.args,
    owner: agent ? `${benchmark.name} + agent ${agent.name}` : benchmark.name,
    elsewhere,
  };
}

/**
 * Checks a run's task arguments against the declared options (typed values from a config file or code,
 * and `text` values from the command line) and returns them parsed, defaults filled in.
 */
export async function checkTaskArgs(
  benchmark: Benchmark,
  solverName: string,
  given: { args?: Record<string, unknown>; text?: Record<string, string> },
  where: { args?: string; text?: string } = {},
): Promise<JsonObject> {
  const { schema, owner, elsewhere } = await argsSchemaFor(benchmark, solverName);
  const source = (label: string): ArgsSource => ({ where: label, owner, elsewhere });
  // Typed values first (they name their own source), then the command line's text over them.
  const typed = validateArgs(schema, given.args ?? {}, source(where.args ?? 'args.'));
  if (!given.text || Object.keys(given.text).length === 0) return typed;
  const keysOfTyped = Object.keys(given.args ?? {});
  const merged = { ...Object.fromEntries(keysOfTyped.map((key) => [key, typed[key]])), ...given.text };
  return validateArgs(schema, merged, source(where.text ?? '--arg '), { fromText: new Set(Object.keys(given.text)) });
}

/** The solver for a run: baseline without a model, else --solver (the benchmark's or an agent), else default. */
export async function resolveSolver(
  benchmark: Benchmark,
  options: BenchmarkOptions,
  solverName: string | undefined,
  hasAgentModel: boolean,
): Promise<{ name: string; solver: Solver }> {
  const name = solverNameFor(solverName, hasAgentModel);
  const own = benchmark.solvers[name];
  if (own) return { name, solver: own(options) };
  const agent = await loadAgent(name);
  if (agent) {
    const refusal = agentRefusal(agent, benchmark);
    if (refusal) throw new ConfigError(refusal);
    return { name, solver: agent.createSolver(options) };
  }
  const known = [
    ...Object.keys(benchmark.solvers),
    ...(await loadAgentsFor(benchmark.tags)).filter((a) => agentRefusal(a, benchmark) === null).map((a) => a.name),
  ];
  throw new ConfigError(`unknown solver '${name}' for ${benchmark.name}. Known: ${known.join(', ')}`);
}

export async function buildTask(
  benchmark: Benchmark,
  options: BenchmarkOptions,
  solver: Solver,
  epochs: number | undefined,
  generateConfig: GenerateConfig,
): Promise<Task> {
  const dataset = await benchmark.dataset(options);
  let used = false;
  return {
    name: benchmark.name,
    version: benchmark.version,
    // A stream can be read once; datasets that are re-iterable (arrays) are handed out again.
    dataset: () => {
      if (used && !(Symbol.iterator in dataset)) {
        throw new ConfigError(`${benchmark.name}: its dataset stream was already read`);
      }
      used = true;
      return dataset;
    },
    solver,
    scorers: benchmark.scorers(options),
    epochs: epochs ?? benchmark.epochs ?? 1,
    args: options.args,
    ...(benchmark.metrics ? { metrics: benchmark.metrics(options) } : {}),
    groupBy: benchmark.groupBy ?? [],
    roles: benchmark.roles ?? [],
    generateConfig: { ...benchmark.generateConfig, ...generateConfig },
  };
}

const sourceOf = (benchmark: Benchmark) => {
  const source = benchmarkSource(benchmark);
  return source ? { source } : {};
};

export async function runEval(options: EvalOptions): Promise<RunSummary> {
  const prepared = await prepareEval(options);
  try {
    const { benchmark, task, roles, spec, notes, dataErrors } = prepared;
    const progress =
      options.progress === 'none' || options.progress === undefined
        ? silentProgress
        : options.progress === 'auto'
          ? createProgress(process.stderr, benchmark.name)
          : options.progress;
    const outDir = options.resume ?? options.outDir;
    const resumed = options.resume !== undefined;
    const limit = resumed ? spec.limit : options.limit;
    const shuffle = resumed ? spec.shuffle : options.shuffle;
    const runOptions: RunTaskOptions = {
      roles,
      spec,
      concurrency: options.concurrency ?? 8,
      ...(limit !== undefined ? { limit } : {}),
      ...(shuffle !== undefined ? { shuffle } : {}),
      ...(outDir ? { outDir } : {}),
      resume: resumed,
      retryErrors: options.retryErrors ?? false,
      ...(options.signal ? { signal: options.signal } : {}),
      progress,
      notes,
      dataErrors,
      headline: benchmark.headline ?? [],
      bookkeeping: benchmark.bookkeeping ?? [],
    };
    if (options.queue) {
      // Loaded only here: a plain eval never needs bullmq or ioredis.
      const { coordinateRun } = await import('./queue/coordinator.js');
      return await coordinateRun(prepared, runOptions, options.queue);
    }
    return await runTask(task, runOptions);
  } finally {
    await prepared.close();
  }
}

/** Everything runEval does before the first unit: benchmark, args, models, solver, task and spec. */
export async function prepareEval(options: EvalOptions): Promise<PreparedEval> {
  let resumed: RunSpec | undefined = options.spec;
  if (options.resume) resumed = readRunSpec(options.resume);
  // A resumed run finds its benchmark again by name, or by the task file or module it came from.
  const benchmark =
    resumed && typeof options.benchmark !== 'object'
      ? await resolveBenchmark(resumed.task.source ?? resumed.benchmark)
      : typeof options.benchmark === 'string'
        ? await resolveBenchmark(options.benchmark)
        : options.benchmark;
  const seed = resumed?.seed ?? options.seed ?? 0;
  const requested: Partial<Record<ModelRole, string | Model>> = resumed
    ? Object.fromEntries(
        Object.entries(resumed.models).map(([role, name]) => [role, name === BASELINE_LABEL ? BASELINE : name]),
      )
    : (options.models ?? {});
  for (const role of Object.keys(requested)) {
    if (!(MODEL_ROLES as readonly string[]).includes(role))
      throw new ConfigError(`unknown role '${role}'; roles are ${MODEL_ROLES.join(', ')}`);
  }

  const hasAgentModel = requested.agent !== undefined && requested.agent !== BASELINE;
  const chosenSolver = solverNameFor(resumed?.solverName ?? options.solver, hasAgentModel);
  // Checked before any model or dataset is touched: a mistyped key fails in milliseconds.
  const args = resumed
    ? await checkTaskArgs(
        benchmark,
        chosenSolver,
        { args: resumed.task.args },
        { args: `${options.resume ?? 'the run spec'}/spec.json: task.args.` },
      )
    : await checkTaskArgs(benchmark, chosenSolver, {
        ...(options.args ? { args: options.args } : {}),
        ...(options.argsText ? { text: options.argsText } : {}),
      });
  const provider = { ...resumed?.provider, ...options.provider };
  const dataErrors: string[] = [];
  const cacheDir = resolve(options.cacheDir ?? join('.medkit', 'cache'));
  const benchmarkOptions: BenchmarkOptions = {
    args,
    seed,
    cacheDir,
    onDataError: (error) => dataErrors.push(error.message),
  };
  const cache = options.cache === false ? undefined : new ResponseCache(join(cacheDir, 'responses.sqlite'));
  const roles: RoleBindings = {};
  const modelNames: Partial<Record<ModelRole, string>> = {};
  const models: Model[] = [];
  const close = async () => {
    cache?.close();
    await Promise.all(models.map((model) => model.close?.()));
  };
  try {
    for (const [role, given] of Object.entries(requested) as [ModelRole, string | Model][]) {
      if (given === BASELINE) {
        if (role !== 'agent')
          throw new ConfigError(
            `'baseline' is a solver, not a model: it can only stand for the agent role, not '${role}'`,
          );
        continue;
      }
      const model = typeof given === 'string' ? await createModel(given, provider) : given;
      models.push(model);
      const name = typeof given === 'string' ? given : `${model.provider}:${model.modelId}`;
      const gate = options.gateFor?.(name, provider) ?? new RateGate(Math.max(1, options.concurrency ?? 8));
      const middleware: GenerateMiddleware[] = [];
      if (cache) middleware.push(withCache(cache, model, { cacheSampled: options.cacheSampled ?? false }));
      middleware.push(
        withRetry(
          { ...DEFAULT_RETRY_POLICY, maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries, seed },
          gate,
        ),
        withGate(gate),
        withTimeout(options.timeoutMs ?? 120_000),
      );
      roles[role] = bindModel(name, model, middleware);
      modelNames[role] = name;
    }
    const { name: solverName, solver } = await resolveSolver(benchmark, benchmarkOptions, chosenSolver, hasAgentModel);
    if (!hasAgentModel && solverName === BASELINE) modelNames.agent = BASELINE_LABEL;
    const generateConfig: GenerateConfig = {
      temperature: (resumed?.generateConfig.temperature as number | undefined) ?? options.temperature ?? 0,
      ...((resumed?.generateConfig.maxTokens ?? options.maxTokens) !== undefined
        ? { maxTokens: (resumed?.generateConfig.maxTokens as number | undefined) ?? options.maxTokens! }
        : {}),
    };
    const task = await buildTask(
      benchmark,
      benchmarkOptions,
      solver,
      resumed?.epochs ?? options.epochs,
      generateConfig,
    );
    // An agent picked as the solver adds its own scorers and task metrics (e.g. KGARevion's KG coverage).
    const agent = await agentForSolver(benchmark, solverName);
    if (agent?.scorers) task.scorers.push(...agent.scorers(benchmarkOptions));
    if (agent?.metrics) task.metrics = [...(task.metrics ?? []), ...agent.metrics(benchmarkOptions)];
    const preflight = (await benchmark.preflight?.(benchmarkOptions, Object.keys(roles) as ModelRole[])) ?? {};
    const notes: string[] = [];
    if (!hasAgentModel) {
      notes.push(
        solverName === BASELINE
          ? `no --model given: the answers come from ${benchmark.name}'s non-LLM baseline solver, not from a language model`
          : `no --model given: solver '${solverName}' ran without a language model (only its offline steps)`,
      );
    }
    for (const role of task.roles ?? []) {
      if (roles[role]) continue;
      const fallback =
        preflight.roleFallbacks?.[role] ??
        benchmark.roleFallbacks?.[role] ??
        'steps that need it fail with an error naming the role';
      notes.push(`role '${role}' has no model: ${fallback} (give one with ${roleFlag(role)})`);
    }
    notes.push(...(preflight.notes ?? []));
    const spec: RunSpec = resumed ?? {
      logFormat: LOG_FORMAT_VERSION,
      runId: randomUUID(),
      benchmark: benchmark.name,
      task: { name: task.name, version: task.version, args, ...sourceOf(benchmark) },
      plan: {
        solver: { name: solver.name, params: solver.params },
        scorers: task.scorers.map((scorer) => ({ name: scorer.name, params: scorer.params })),
      },
      models: modelNames,
      solverName,
      epochs: task.epochs,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.shuffle !== undefined ? { shuffle: options.shuffle } : {}),
      seed,
      generateConfig: generateConfig as JsonObject,
      ...(provider.baseURL ? { provider: { baseURL: provider.baseURL } } : {}),
      groupBy: task.groupBy ?? [],
      versions: { medkit: medkitVersion(), node: process.version },
      created: new Date().toISOString(),
    };
    return { benchmark, task, roles, spec, notes, dataErrors, cacheDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
