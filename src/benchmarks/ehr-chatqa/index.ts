// EHR-ChatQA: a tool-calling DB agent serves a simulated clinician over star-schema MIMIC-IV and
// eICU databases (synthetic by default, a user's upstream checkout with --arg upstreamDir=DIR).
import { ConfigError, defineBenchmark, type BenchmarkOptions, type Sample } from '../../core/index.js';
import { ehrMetrics, GROUP_KEYS } from './metrics.js';
import type { DbId } from './schema.js';
import { databasePath, EHR_ARGS, settingsFrom } from './settings.js';
import { ehrScorer, ehrSolver, missingTurnsProblem } from './solver.js';
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
  // 2: upstream DDL types and keys, column_search and AdaptQA spans as upstream, the user_turns check.
  version: 2,
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
  preflight(options, roles) {
    const settings = settingsFrom(options);
    if (roles.includes('user')) {
      if (settings.scriptedUser === 'instruction')
        throw new ConfigError(
          "--arg user=instruction is the scripted user's non-interactive mode and cannot be combined with --role user=<provider:model>: drop one of them",
        );
      return {};
    }
    if (settings.scriptedUser === 'instruction') {
      const what =
        "the scripted user sends each task's whole hidden instruction as its first message, asks for a double-check, then ends";
      return {
        notes: [
          `NON-INTERACTIVE run (--arg user=instruction): ${what}. This is an easier benchmark than EHR-ChatQA, whose LLM user reveals the instruction step by step; scores are not comparable with interactive runs.`,
        ],
        roleFallbacks: { user: `${what} (non-interactive)` },
      };
    }
    const problem = missingTurnsProblem(loadTasks(options).tasks);
    if (problem !== undefined) throw new ConfigError(problem);
    return {};
  },
  generateConfig: { temperature: 0 },
  args: EHR_ARGS,
  // The paper reports pass@k and pass^k (k = 5 trials); SR = pass@1 = the mean reward.
  headline: [
    { scorer: 'reward', metric: 'mean', label: 'SR' },
    { scorer: 'reward', metric: 'pass@k', label: 'pass@k' },
    { scorer: 'reward', metric: 'pass^k', label: 'pass^k' },
  ],
});
