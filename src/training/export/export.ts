// `medkit export`: a benchmark, task file or `medkit synth` folder as training data for verl, TRL, OpenRLHF,
// ms-swift or a plain HF dataset. Each prompt is the request `medkit eval` would send (capture.ts), each ground
// truth is what the matching reward reads (Reward.groundTruthOf), and each row says where it came from.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  ConfigError,
  type Benchmark,
  type JsonObject,
  type JsonValue,
  type Reward,
  type Sample,
  type ToolSpec,
} from '../../core/index.js';
import { checkTaskArgs, medkitVersion, resolveBenchmark, resolveSolver } from '../../eval.js';
import { agents, benchmarks, rewards } from '../../registry-loaded.js';
import { capturePrompt } from './capture.js';
import { exportMessages, ImageStore, type ExportedPrompt } from './messages.js';

export const EXPORT_FORMATS = ['verl', 'trl', 'openrlhf', 'ms-swift', 'hf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** A registered benchmark, a task file / module, or a `medkit synth` output folder. */
  source: string;
  format: ExportFormat;
  outDir: string;
  /** `--arg key=value` text, checked against the benchmark's (and agent's) declared options. */
  args?: Record<string, string>;
  solver?: string;
  reward?: string;
  /** Rollouts per prompt (GRPO's num_generations / verl's rollout.n): needed by group rewards. */
  groupSize?: number;
  limit?: number;
  seed?: number;
  cacheDir?: string;
  split?: string;
}

/** One exported prompt, before a format lays it out. */
export interface ExportRow {
  index: number;
  id: string;
  dataSource: string;
  ability: string;
  prompt: ExportedPrompt;
  tools: ToolSpec[];
  groundTruth: JsonValue;
  /** A database task's tool environment (EHR-ChatQA), paths relative to the export: database, schema DDL, tool names. */
  env?: JsonObject;
  group?: string;
  groupSize?: number;
  provenance: JsonObject;
}

export interface ExportPlan {
  benchmark: Benchmark;
  dataSource: string;
  solverName: string;
  reward?: Reward;
  rewardArgs: JsonObject;
  args: JsonObject;
  synth?: JsonObject;
  notes: string[];
}

const SYNTH_ITEMS = 'medsynvqa.jsonl';

/** A `medkit synth` folder: its released-format items, evaluated by the medsynvqa benchmark. */
function synthFolder(source: string): { data: string; spec: JsonObject } | undefined {
  if (!existsSync(source) || !statSync(source).isDirectory()) return undefined;
  const data = join(source, SYNTH_ITEMS);
  if (!existsSync(data))
    throw new ConfigError(`${source}: a folder to export must be a medkit synth output (no ${SYNTH_ITEMS} in it)`);
  const specFile = join(source, 'synth-spec.json');
  const spec = existsSync(specFile) ? (JSON.parse(readFileSync(specFile, 'utf8')) as JsonObject) : {};
  return { data: resolve(data), spec };
}

function chooseReward(benchmark: Benchmark, solverName: string, wanted: string | undefined): Reward | undefined {
  const agent = benchmark.solvers[solverName] ? undefined : agents[solverName];
  const declared = [...(agent?.rewards ?? []), ...(benchmark.rewards ?? [])];
  if (wanted === undefined) return declared[0];
  const found = declared.find((reward) => reward.name === wanted);
  if (!found)
    throw new ConfigError(
      `--reward ${wanted}: ${benchmark.name}${agent ? ` with agent ${agent.name}` : ''} declares ${declared.map((r) => r.name).join(', ') || 'no rewards'}`,
    );
  return found;
}

export async function planExport(options: ExportOptions): Promise<ExportPlan> {
  const synth = synthFolder(options.source);
  const benchmark = await resolveBenchmark(synth ? 'medsynvqa' : options.source);
  const solverName = options.solver ?? 'default';
  const given = synth ? { args: { data: synth.data }, text: options.args ?? {} } : { text: options.args ?? {} };
  const args = await checkTaskArgs(benchmark, solverName, given);
  const reward = chooseReward(benchmark, solverName, options.reward);
  if (reward?.kind === 'group' && options.groupSize === undefined)
    throw new ConfigError(
      `--group-size: '${reward.name}' is a group reward; give the rollouts per prompt (verl rollout.n, TRL num_generations)`,
    );
  // The reward server validates --arg against the reward owner's options (benchmark, or agent): keep only those.
  const owner = reward ? (rewards[reward.name]?.owner ?? benchmark.name) : benchmark.name;
  const ownerKeys = Object.keys((benchmarks[owner] ?? agents[owner] ?? benchmark).args?.shape ?? {});
  const rewardArgs = Object.fromEntries(Object.entries(args).filter(([key]) => ownerKeys.includes(key))) as JsonObject;
  const notes: string[] = [];
  if (!reward) notes.push(`${benchmark.name} declares no reward: ground_truth is the sample's target`);
  return {
    benchmark,
    dataSource: benchmark.name,
    solverName,
    ...(reward ? { reward } : {}),
    rewardArgs,
    args,
    ...(synth ? { synth: { folder: resolve(options.source), data: synth.data, spec: synth.spec } } : {}),
    notes,
  };
}

/**
 * The synth item's own provenance (generator, verifier, rubric, source figure), which the medsynvqa loader leaves
 * out: found by the `file:line` the loader records as the sample's `source`.
 */
function synthProvenance(file: string): (sample: Sample) => JsonValue {
  const lines = readFileSync(file, 'utf8').split('\n');
  return (sample) => {
    const line = Number(/:(\d+)$/.exec(String(sample.metadata?.source ?? ''))?.[1]);
    try {
      return ((JSON.parse(lines[line - 1] ?? 'null') as JsonObject | null)?.provenance ?? null) as JsonValue;
    } catch {
      return null;
    }
  };
}

/** The DDL of a SQLite file (the schema a multi-turn trainer's tool environment needs). */
function sqliteSchema(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type DESC, name').all();
    return (rows as { sql: string }[]).map((row) => `${row.sql};`).join('\n');
  } finally {
    db.close();
  }
}

/** Streams the exported rows of a plan: prompts captured from the solver, images written under outDir/images. */
export async function* exportRows(plan: ExportPlan, options: ExportOptions): AsyncGenerator<ExportRow> {
  const seed = options.seed ?? 0;
  const benchmarkOptions = { args: plan.args, seed, cacheDir: resolve(options.cacheDir ?? join('.medkit', 'cache')) };
  if (plan.benchmark.preflight) {
    const result = await plan.benchmark.preflight(benchmarkOptions, ['agent']);
    plan.notes.push(...(result.notes ?? []));
  }
  const { solver } = await resolveSolver(plan.benchmark, benchmarkOptions, plan.solverName, true);
  const generateConfig = plan.benchmark.generateConfig ?? {};
  const store = new ImageStore(join(options.outDir, 'images'));
  const databases = new Map<string, { file: string; schema: string }>();
  const version = medkitVersion();
  const itemProvenance = plan.synth ? synthProvenance(plan.synth.data as string) : undefined;
  let index = 0;
  for await (const sample of await plan.benchmark.dataset(benchmarkOptions)) {
    if (options.limit !== undefined && index >= options.limit) break;
    const captured = await capturePrompt(solver, sample, { seed, generateConfig });
    let prompt: ExportedPrompt;
    try {
      prompt = exportMessages(captured.messages, store);
    } catch (error) {
      throw new ConfigError(`sample ${sample.id}: ${(error as Error).message}`);
    }
    const env = databaseEnv(sample, options.outDir, databases, captured.tools);
    yield {
      index,
      id: sample.id,
      dataSource: plan.dataSource,
      ability: plan.benchmark.tags[0] ?? 'medical',
      prompt,
      tools: captured.tools,
      groundTruth: plan.reward ? plan.reward.groundTruthOf(sample) : sample.target,
      ...(env ? { env } : {}),
      ...(plan.reward?.kind === 'group' ? { group: sample.id, groupSize: options.groupSize! } : {}),
      provenance: {
        benchmark: plan.benchmark.name,
        benchmark_version: plan.benchmark.version,
        sample_id: sample.id,
        solver: plan.solverName,
        args: plan.args,
        reward: plan.reward?.name ?? null,
        generate_config: captured.config as JsonObject,
        medkit: version,
        ...(plan.synth ? { synth: plan.synth.folder as string } : {}),
        ...(itemProvenance ? { item: itemProvenance(sample) } : {}),
      },
    };
    index++;
  }
}

function databaseEnv(
  sample: Sample,
  outDir: string,
  databases: Map<string, { file: string; schema: string }>,
  tools: ToolSpec[],
): JsonObject | undefined {
  const source = sample.files?.database;
  if (!source) return undefined;
  let known = databases.get(source);
  if (!known) {
    const name = `${basename(source).replace(/\.[^.]*$/, '')}-${databases.size}`;
    mkdirSync(join(outDir, 'env'), { recursive: true });
    copyFileSync(source, join(outDir, 'env', `${name}.sqlite`));
    writeFileSync(join(outDir, 'env', `${name}.sql`), `${sqliteSchema(source)}\n`);
    known = { file: `env/${name}.sqlite`, schema: `env/${name}.sql` };
    databases.set(source, known);
  }
  return {
    database: known.file,
    schema: known.schema,
    tools: tools.map((tool) => tool.name),
  };
}
