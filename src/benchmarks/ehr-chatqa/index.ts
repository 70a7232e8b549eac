// EHR-ChatQA: a tool-calling DB agent serves a simulated clinician over star-schema MIMIC-IV and
// eICU databases (synthetic by default, a user's upstream checkout with --arg upstreamDir=DIR).
import { z } from 'zod';
import { defineBenchmark, type BenchmarkOptions, type Sample } from '../../core/index.js';
import { ehrMetrics, GROUP_KEYS } from './metrics.js';
import type { DbId } from './schema.js';
import { databasePath, ehrScorer, ehrSolver, settingsFrom } from './solver.js';
import { ensureTaskFiles, readTaskFile, taskKey, upstreamPaths } from './tasks.js';
import type { EhrTask } from './task-types.js';

export function taskToSample(task: EhrTask, dbPath: string): Sample {
  return {
    id: taskKey(task),
    input: task.instruction,
    target: task.gold_answer as Sample['target'],
    metadata: {
      database: task.db_id === 'mimic_iv_star' ? 'mimic' : 'eicu',
      taskType: task.task_type === 'incre' ? 'increqa' : 'adaptqa',
      category: task.categories?.[0] ?? 'uncategorised',
      categories: (task.categories ?? []).join(','),
      task: task as unknown as Sample['target'],
    },
    files: { database: dbPath },
  };
}

/** Tasks of the selected databases and types, from the synthetic cache or an upstream checkout. */
export function loadTasks(options: BenchmarkOptions): { tasks: EhrTask[]; dbPaths: Record<string, string> } {
  const settings = settingsFrom(options);
  const tasks: EhrTask[] = [];
  const dbPaths: Record<string, string> = {};
  for (const dbId of settings.databases as DbId[]) {
    dbPaths[dbId] = databasePath(settings, dbId);
    const files = settings.upstreamDir
      ? upstreamPaths(settings.upstreamDir, dbId)
      : ensureTaskFiles(settings.cacheDir, dbId);
    for (const type of settings.taskTypes) tasks.push(...readTaskFile(files[type]));
  }
  return { tasks, dbPaths };
}

export const ehrChatqa = defineBenchmark({
  name: 'ehr-chatqa',
  version: 1,
  description:
    'EHR-ChatQA: an agent answers a simulated clinician over star-schema MIMIC-IV/eICU SQLite databases with six tools (IncreQA: re-executed SQL; AdaptQA: <answer> containment). Synthetic databases and tasks by default.',
  tags: ['ehr-agent', 'text-to-sql', 'multi-turn'],
  dataset(options) {
    const { tasks, dbPaths } = loadTasks(options);
    return tasks.map((task) => taskToSample(task, dbPaths[task.db_id]!));
  },
  solvers: {
    baseline: (options) => ehrSolver(options, 'baseline'),
    default: (options) => ehrSolver(options, 'agent'),
  },
  scorers: (options) => [ehrScorer(options)],
  epochs: 5,
  metrics: (options) => {
    const { tasks } = loadTasks(options);
    return ehrMetrics(new Map(tasks.map((task) => [taskKey(task), task.categories ?? []])));
  },
  groupBy: [...GROUP_KEYS],
  roles: ['user', 'validator'],
  roleFallbacks: {
    user: "the scripted user speaks each task's user_turns",
    validator: 'episodes are not validated or re-run',
  },
  generateConfig: { temperature: 0 },
  args: z.strictObject({
    database: z
      .enum(['mimic', 'eicu', 'both', 'mimic_iv_star', 'eicu_star'])
      .default('both')
      .describe('which databases'),
    taskType: z
      .enum(['increqa', 'adaptqa', 'both', 'incre', 'adapt'])
      .default('both')
      .describe('IncreQA, AdaptQA or both'),
    rewardScope: z
      .enum(['any', 'final'])
      .default('any')
      .describe('any (upstream: any executed query / any tagged reply counts) or final (only the last)'),
    upstreamDir: z
      .string()
      .optional()
      .describe(
        'a checkout of glee4810/EHR-ChatQA: reads src/envs/<db>/<db>.sqlite and eval_{incre,adapt}.jsonl from it',
      ),
    maxSteps: z.number().int().positive().default(30).describe('agent steps per episode'),
    agentTimeS: z.number().positive().default(600).describe('cumulative agent model time per episode, seconds'),
    maxRetry: z.number().int().positive().default(10).describe('re-runs of episodes the validator blames on the user'),
    sqlTimeout: z.number().positive().default(60).describe('sql_execute timeout cap, seconds'),
    userVerify: z.boolean().default(true).describe('the LLM user verifier and reflections'),
    embeddings: z
      .string()
      .default('ngram')
      .describe(
        "ngram (offline character n-grams) or a role (e.g. agent) whose provider's embedding endpoint indexes values for value_similarity_search",
      ),
  }),
  // The paper reports pass@k and pass^k (k = 5 trials); SR = pass@1 = the mean reward.
  headline: [
    { scorer: 'reward', metric: 'mean', label: 'SR' },
    { scorer: 'reward', metric: 'pass@k', label: 'pass@k' },
    { scorer: 'reward', metric: 'pass^k', label: 'pass^k' },
  ],
});
