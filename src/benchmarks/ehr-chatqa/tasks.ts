// Tasks: built from the templates over the synthetic databases (golds computed by running the gold
// SQL), cached as upstream-format files (`eval_incre.jsonl` / `eval_adapt.jsonl`, JSON arrays),
// loaded with clear errors (file, task id, field), and validated.
import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseJsonFile, SampleFormatError } from '../../core/index.js';
import { createRng, hashSeed } from '../../stats/random.js';
import { normalizeRows } from '../../scoring/sql-result.js';
import { ensureDatabase, GENERATOR_SEED, openReadOnly, syntheticDir } from './db.js';
import { DB_IDS, type DbId } from './schema.js';
import { CATEGORIES, type EhrTask, type TaskType, type Template } from './task-types.js';
import { EICU_ADAPT_TEMPLATES, MIMIC_ADAPT_TEMPLATES } from './tasks-adapt.js';
import { EICU_INCRE_TEMPLATES } from './tasks-eicu.js';
import { MIMIC_INCRE_TEMPLATES } from './tasks-mimic.js';

export const TASK_FILES: Record<TaskType, string> = { incre: 'eval_incre.jsonl', adapt: 'eval_adapt.jsonl' };
const TEMPLATES: Record<DbId, Record<TaskType, Template[]>> = {
  mimic_iv_star: { incre: MIMIC_INCRE_TEMPLATES, adapt: MIMIC_ADAPT_TEMPLATES },
  eicu_star: { incre: EICU_INCRE_TEMPLATES, adapt: EICU_ADAPT_TEMPLATES },
};

/** Gold rows as JSON: INTEGER cells (bigint) become numbers. */
export function runGold(db: Database.Database, sql: string): unknown[][] {
  const statement = db.prepare(sql).raw(true);
  statement.safeIntegers(true);
  return (statement.all() as unknown[][]).map((row) =>
    row.map((cell) => (typeof cell === 'bigint' ? Number(cell) : cell)),
  );
}

/** Instantiates every template and keeps the drafts whose gold is usable (non-empty, first cell not NULL, ≤ 100 rows). */
export function buildTasks(db: Database.Database, dbId: DbId, taskType: TaskType): EhrTask[] {
  const tasks: EhrTask[] = [];
  const query = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
  for (const [index, template] of TEMPLATES[dbId][taskType].entries()) {
    const rng = createRng(hashSeed(GENERATOR_SEED, dbId, taskType, index));
    for (const draft of template(query, rng)) {
      const gold = runGold(db, draft.gold_sql);
      if (gold.length === 0 || gold.length > 100 || gold[0]![0] === null) continue;
      tasks.push({ task_id: String(tasks.length), task_type: taskType, db_id: dbId, ...draft, gold_answer: gold });
    }
  }
  return tasks;
}

/** The synthetic task files for `dbId`, built on first use into the cache; returns their paths. */
export function ensureTaskFiles(cacheDir: string, dbId: DbId): Record<TaskType, string> {
  const dir = join(syntheticDir(cacheDir), dbId);
  const paths = { incre: join(dir, TASK_FILES.incre), adapt: join(dir, TASK_FILES.adapt) };
  if (existsSync(paths.incre) && existsSync(paths.adapt)) return paths;
  mkdirSync(dir, { recursive: true });
  const db = openReadOnly(ensureDatabase(cacheDir, dbId));
  try {
    for (const type of ['incre', 'adapt'] as const) {
      const temp = `${paths[type]}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(buildTasks(db, dbId, type), null, 1));
      renameSync(temp, paths[type]);
    }
  } finally {
    db.close();
  }
  return paths;
}

const taskSchema = z.object({
  task_id: z.union([z.string(), z.number()]).transform(String),
  task_type: z.enum(['incre', 'adapt']),
  db_id: z.enum(DB_IDS as [DbId, ...DbId[]]),
  instruction: z.string().min(1),
  gold_sql: z.string().min(1),
  gold_answer: z.array(z.array(z.unknown())),
  categories: z.array(z.enum(CATEGORIES as [string, ...string[]])).optional(),
  user_turns: z.array(z.string().min(1)).optional(),
  fallback_check_sql: z.string().optional(),
});

/** Reads a task file (a JSON array, whatever its suffix). Errors name the file, the line, the task id and the field. */
export function readTaskFile(path: string): EhrTask[] {
  const text = readFileSync(path, 'utf8');
  const items = parseJsonFile(path, text); // BOM accepted; a syntax error names line:column
  if (!Array.isArray(items)) throw new SampleFormatError(path, 1, '(file)', 'expected a JSON array of tasks');
  const seen = new Set<string>();
  return items.map((item, index) => {
    const id =
      typeof item === 'object' && item !== null && 'task_id' in item
        ? String((item as { task_id: unknown }).task_id)
        : `#${index}`;
    const line = lineOfTask(text, id);
    const parsed = taskSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SampleFormatError(path, line, `task ${id}: ${issue.path.join('.') || '(item)'}`, issue.message);
    }
    const key = `${parsed.data.db_id}-${parsed.data.task_type}-${parsed.data.task_id}`;
    if (seen.has(key)) throw new SampleFormatError(path, line, `task ${id}: task_id`, 'duplicate task id');
    seen.add(key);
    return parsed.data as EhrTask;
  });
}

function lineOfTask(text: string, id: string): number {
  const match = new RegExp(`"task_id"\\s*:\\s*"?${id.replace(/[^\w]/g, '\\$&')}"?[,\\s}]`).exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 1;
}

export interface TaskProblem {
  task: string;
  problem: string;
}

/** `medkit ehr-chatqa validate`: gold SQL runs and reproduces gold_answer, answer non-empty, first cell not NULL, fallback branch fixed. */
export function validateTasks(db: Database.Database, tasks: EhrTask[]): TaskProblem[] {
  const problems: TaskProblem[] = [];
  for (const task of tasks) {
    const name = `${task.db_id}-${task.task_type}-${task.task_id}`;
    let rows: unknown[][];
    try {
      rows = runGold(db, task.gold_sql);
    } catch (error) {
      problems.push({ task: name, problem: `gold_sql fails: ${(error as Error).message}` });
      continue;
    }
    if (rows.length === 0)
      problems.push({
        task: name,
        problem: 'gold_sql returns no rows (unsolvable: an empty prediction never matches)',
      });
    else if (rows[0]![0] === null)
      problems.push({
        task: name,
        problem: "gold's first cell is NULL (unsolvable: 'None' is dropped only from predictions)",
      });
    if (task.gold_answer.length === 0) problems.push({ task: name, problem: 'gold_answer is empty' });
    if (JSON.stringify(normalizeRows(rows)) !== JSON.stringify(normalizeRows(task.gold_answer))) {
      problems.push({ task: name, problem: 'gold_answer differs from what gold_sql returns on this database' });
    }
    if (task.fallback_check_sql !== undefined) {
      try {
        const check = runGold(db, task.fallback_check_sql);
        const absent = check.length === 0 || (check.length === 1 && Number(check[0]![0]) === 0);
        if (!absent)
          problems.push({
            task: name,
            problem: 'fallback_check_sql finds the first choice: the fallback branch is not deterministic',
          });
      } catch (error) {
        problems.push({ task: name, problem: `fallback_check_sql fails: ${(error as Error).message}` });
      }
    } else if (
      task.task_type === 'adapt' &&
      task.categories?.some((c) => c === 'brand-generic' || c === 'drug-class' || c === 'missing-concept')
    ) {
      problems.push({ task: name, problem: 'AdaptQA task without fallback_check_sql' });
    }
  }
  return problems;
}

export function taskKey(task: Pick<EhrTask, 'db_id' | 'task_type' | 'task_id'>): string {
  return `${task.db_id}-${task.task_type}-${task.task_id}`;
}

/** Where an upstream checkout keeps a database and its task files. */
export function upstreamPaths(dir: string, dbId: DbId): { db: string; incre: string; adapt: string } {
  const base = join(dir, 'src', 'envs', dbId);
  return { db: join(base, `${dbId}.sqlite`), incre: join(base, TASK_FILES.incre), adapt: join(base, TASK_FILES.adapt) };
}
