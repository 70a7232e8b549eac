// The run log: the contract between the runner, `medkit show/compare`, the viewer and exports.
// A run directory holds spec.json (what was asked), samples.jsonl (one line per finished
// (sample id, epoch)) and summary.json (metrics with CIs, usage, timing). Fields are only ever
// added; a breaking change bumps LOG_FORMAT_VERSION. Readers validate with the schemas below.
import { z } from 'zod';
import type { JsonObject, JsonValue } from './json.js';
import type { ChatMessage } from './messages.js';
import type { MetricResult } from './metrics.js';
import type { ModelRole } from './model.js';
import type { Score, TranscriptEvent, UsageByRole } from './task.js';

export const LOG_FORMAT_VERSION = 1;

export interface RunSpec {
  logFormat: number;
  runId: string;
  benchmark: string;
  /** `source`: the task file or module (absolute path) of a benchmark that is not registered; --resume loads it. */
  task: { name: string; version: number; args: JsonObject; source?: string };
  /** Solver and scorers with their params, so the run can be rebuilt from its log. */
  plan: { solver: { name: string; params: JsonObject }; scorers: { name: string; params: JsonObject }[] };
  /** Model string per role; 'baseline (non-LLM)' where the benchmark's baseline solver answered. */
  models: Partial<Record<ModelRole, string>>;
  solverName: string;
  epochs: number;
  limit?: number;
  /** Sample order shuffled with this seed before --limit applies (`--shuffle [seed]`). */
  shuffle?: number;
  seed: number;
  generateConfig: JsonObject;
  /** Non-secret provider settings (base URL) that --resume reuses; keys are never stored. */
  provider?: { baseURL?: string };
  groupBy: string[];
  versions: { medkit: string; node: string };
  created: string;
}

export interface SampleRecord {
  id: string;
  epoch: number;
  /** Score per scorer name. */
  scores: Record<string, Score>;
  /** The final answer text. */
  output: string;
  /** Conversation (images as paths or hashes) and events (model calls, tools, evidence). */
  transcript: { messages: ChatMessage[]; events: TranscriptEvent[] };
  /** Values of the task's groupBy metadata keys. */
  groups: Record<string, string>;
  metadata: JsonObject;
  usage: UsageByRole;
  /** Total tokens and USD over all roles. */
  tokens: number;
  cost: number;
  /** Set when the unit failed; scores are then empty. */
  error: string | null;
  startedAt: string;
  durationMs: number;
  target?: JsonValue;
}

export interface RunSummary {
  logFormat: number;
  runId: string;
  status: 'complete' | 'interrupted' | 'failed';
  benchmark: string;
  task: RunSpec['task'];
  models: RunSpec['models'];
  solverName: string;
  epochs: number;
  seed: number;
  counts: { samples: number; units: number; errors: number; dataErrors: number };
  /** Malformed dataset lines that were skipped (file:line: field: problem), first 100. */
  dataErrors: string[];
  /** Per scorer key ('choice', 'rating.empathy'): mean with CI, pass@k, pass^k, flip rate... */
  metrics: Record<string, MetricResult[]>;
  /** groupKey → group value → scorer key → metrics. */
  groups: Record<string, Record<string, Record<string, MetricResult[]>>>;
  /** Metrics the task adds (HealthBench clipped mean, SR gap...). */
  taskMetrics: MetricResult[];
  usage: UsageByRole;
  timing: { started: string; finished: string; durationMs: number; unitsPerSecond: number };
  versions: RunSpec['versions'];
  /** Human notes: baseline solver in use, roles that fell back to built-ins, dropped units. */
  notes: string[];
  /** The benchmark's headline metric(s), resolved from `metrics` / `taskMetrics`, overall and per group. */
  headline?: HeadlineValue[];
  /** The most common unit error messages, most frequent first (at most 10), so a reader sees why units failed. */
  errorMessages?: { message: string; count: number }[];
  /** Scorer keys that are bookkeeping (pixel counts...): kept here, left out of tables. */
  bookkeeping?: string[];
  /** The shuffle seed when `--shuffle` reordered the samples before --limit. */
  shuffle?: number;
  limit?: number;
}

/** One headline metric of a run: what the paper reports first, with its value overall and per group. */
export interface HeadlineValue {
  label: string;
  scorer: string;
  metric: string;
  task: boolean;
  /** null when the run produced no such row (no units scored). */
  result: MetricResult | null;
  /** groupKey → group value → the same metric within that group. */
  groups: Record<string, Record<string, MetricResult>>;
}

const metricResultSchema = z.looseObject({ name: z.string(), value: z.number().nullable(), n: z.number() });

export const sampleRecordSchema = z.looseObject({
  id: z.string(),
  epoch: z.number().int().positive(),
  scores: z.record(z.string(), z.looseObject({ value: z.unknown() })),
  output: z.string(),
  transcript: z.looseObject({ messages: z.array(z.unknown()), events: z.array(z.unknown()) }),
  error: z.string().nullable(),
});

export const runSummarySchema = z.looseObject({
  logFormat: z.number(),
  status: z.enum(['complete', 'interrupted', 'failed']),
  benchmark: z.string(),
  models: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), z.array(metricResultSchema)),
});

export const runSpecSchema = z.looseObject({
  logFormat: z.number(),
  runId: z.string(),
  benchmark: z.string(),
  task: z.looseObject({ name: z.string(), version: z.number(), args: z.record(z.string(), z.unknown()) }),
  models: z.record(z.string(), z.string()),
  solverName: z.string(),
  epochs: z.number().int().positive(),
  seed: z.number(),
});
