// The task record (upstream fields + medkit's extras) and the draft a template produces.
import type { Rng } from '../../stats/random.js';
import type { DbId } from './schema.js';

export const QUERY_AMBIGUITY = [
  'time-scope',
  'ranking-ties',
  'cohort-dedup',
  'aggregation-format',
  'source-table',
  'include-exclude',
  'incremental-flow',
] as const;
export const VALUE_MISMATCH = [
  'abbreviation',
  'lay-term',
  'stored-variants',
  'brand-generic',
  'drug-class',
  'missing-concept',
  'icd-range',
] as const;
export type Category = (typeof QUERY_AMBIGUITY)[number] | (typeof VALUE_MISMATCH)[number];
export const CATEGORIES: readonly Category[] = [...QUERY_AMBIGUITY, ...VALUE_MISMATCH];

export type TaskType = 'incre' | 'adapt';

/** One task as stored in an `eval_{incre,adapt}.jsonl` file (a JSON array). */
export interface EhrTask {
  task_id: string;
  task_type: TaskType;
  db_id: DbId;
  /** Text for the user simulator only. */
  instruction: string;
  gold_sql: string;
  /** Rows, e.g. [["2100-10-30 03:11:00"]]. */
  gold_answer: unknown[][];
  /** medkit: ambiguity and mismatch tags (absent in upstream files). */
  categories?: Category[];
  /** medkit: what the scripted user says, in order (it then asks for a double-check and ends). */
  user_turns?: string[];
  /** medkit (AdaptQA): SQL that must return 0 (or no rows), proving the first choice is absent so the fallback is deterministic. */
  fallback_check_sql?: string;
}

export interface TaskDraft {
  categories: Category[];
  instruction: string;
  user_turns: string[];
  gold_sql: string;
  fallback_check_sql?: string;
}

export type Query = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => T[];
export type Template = (q: Query, rng: Rng) => TaskDraft[];

/** SQL string literal. */
export const lit = (value: string | number): string =>
  typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;

/** Instruction text in the upstream style: a goal, what to reveal when, and what not to say. */
export function instruction(goal: string, ...details: string[]): string {
  return [goal, ...details].join(' ');
}
