// Task = dataset + solver + scorers (inspect_ai's shape). Solvers transform a TaskState; scorers
// read it. Both are factories that state their `params`, which the run log keeps so a run can
// be rebuilt from its log.
import type { JsonObject, JsonValue } from './json.js';
import type { ChatMessage } from './messages.js';
import type { GenerateConfig, GenerateRequest, ModelOutput, ModelRole, TokenUsage } from './model.js';
import type { Dataset, Sample } from './sample.js';
import type { Metric } from './metrics.js';

/** What the transcript holds besides messages: the evidence behind every answer and score. */
export type TranscriptEvent =
  | {
      type: 'model';
      role: ModelRole;
      model: string;
      /** Messages sent in this call (images as paths or hashes); omitted when they are state.messages. */
      input?: ChatMessage[];
      output: ModelOutput;
      error?: string;
      at: string;
    }
  | {
      type: 'tool';
      name: string;
      arguments: JsonValue;
      result: string;
      error?: string;
      durationMs?: number;
      at: string;
    }
  /**
   * Evidence a viewer knows how to show. Kinds in use: 'sql-result' {sql, columns, rows},
   * 'kg-triplet' {head, relation, tail, verdict, evidence}, 'image-region' {image, width, height,
   * boxes: [{x1,y1,x2,y2,label}], masks}, 'rubric-item' {criterion, points, met, explanation},
   * 'judge' {dimension, rating, rationale}, 'user-turn' {text, verdict}.
   */
  | { type: 'evidence'; kind: string; title?: string; data: JsonValue; at: string }
  | { type: 'info'; message: string; data?: JsonValue; at: string };

export interface TaskState {
  readonly sample: Sample;
  readonly epoch: number;
  /** The conversation so far; starts from the sample's input. */
  messages: ChatMessage[];
  /** The final answer; scorers read `output.text`. */
  output: ModelOutput;
  /** Set by a solver that ended the episode; later solvers in a chain are skipped. */
  completed: boolean;
  /** Solver results that scorers read (e.g. the executed SQL, the chosen option). */
  metadata: JsonObject;
  events: TranscriptEvent[];
}

export interface GenerateOptions {
  role?: ModelRole;
  /** Recorded in the transcript instead of the full message list (e.g. a judge's prompt). */
  recordInput?: boolean;
}

/** What a solver or scorer may use: models by role, a seed, cancellation, the transcript. */
export interface SolverContext {
  /** Calls the model of `role` (default 'agent') through the runner's cache, retries and limits. */
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<ModelOutput>;
  /** Embeddings from the model of `role`, where its provider has them. */
  embed(texts: string[], options?: { role?: ModelRole }): Promise<number[][]>;
  hasRole(role: ModelRole): boolean;
  /** The model string given for a role ('openai:gpt-4.1'), or undefined. */
  modelName(role: ModelRole): string | undefined;
  /** Deterministic per (run seed, sample id, epoch): the same unit always draws the same numbers. */
  readonly seed: number;
  readonly signal: AbortSignal;
  /** Default generation settings of the run (temperature, max tokens). */
  readonly generateConfig: GenerateConfig;
  record(event: DistributiveOmit<TranscriptEvent, 'at'>): void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface Solver {
  readonly name: string;
  readonly params: JsonObject;
  solve(state: TaskState, context: SolverContext): Promise<TaskState>;
}

export type ScoreValue = number | boolean | Record<string, number | null>;

export interface Score {
  /** Numbers and booleans are averaged; a record is one value per key (e.g. rating dimensions). null = not scorable. */
  value: ScoreValue | null;
  answer?: string;
  explanation?: string;
  metadata?: JsonObject;
}

export interface Scorer {
  readonly name: string;
  readonly params: JsonObject;
  /**
   * false when a 0/1 value is not a success (a judge's "Yes, the failure occurred", a constant
   * marker): the summary then reports no pass@k / pass^k rows for its keys. Default true.
   */
  readonly successRates?: boolean;
  score(state: TaskState, context: SolverContext): Promise<Score>;
}

export interface Task {
  name: string;
  /** Bump when samples, prompt or scoring change; the log records it. */
  version: number;
  /** A fresh stream of samples each call. */
  dataset: () => Dataset;
  solver: Solver;
  scorers: Scorer[];
  epochs: number;
  /** Task arguments as given (the log keeps them). */
  args: JsonObject;
  /** Metrics beyond the default mean with bootstrap CI (e.g. HealthBench's clipped mean). */
  metrics?: Metric[];
  /** Sample metadata keys to break metrics down by (e.g. 'database', 'category'). */
  groupBy?: string[];
  /** Roles this task calls (besides 'agent'); the CLI reports which ones fall back to built-ins. */
  roles?: ModelRole[];
  generateConfig?: GenerateConfig;
}

/** Usage per role, as the runner accounts it. */
export type UsageByRole = Partial<Record<ModelRole, TokenUsage & { cost: number; calls: number; cachedCalls: number }>>;
