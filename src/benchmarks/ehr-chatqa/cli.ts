// `medkit ehr-chatqa validate [--upstream-dir DIR] [--database mimic|eicu|both]`: checks every task
// (gold SQL runs and reproduces gold_answer, answer non-empty and not NULL, fallback branch fixed),
// and the `ehr-chatqa` loader for `medkit data check ehr-chatqa <eval_*.jsonl>`.
import type { Command } from 'commander';
import { resolve, join } from 'node:path';
import { defineLoader } from '../../core/index.js';
import type { CliCommand } from '../../cli/command.js';
import { openReadOnly } from './db.js';
import { taskToSample } from './index.js';
import { databasePath, settingsFrom } from './settings.js';
import { ensureTaskFiles, readTaskFile, upstreamPaths, validateTasks, type TaskProblem } from './tasks.js';

export interface ValidateReport {
  counts: Record<string, number>;
  problems: TaskProblem[];
}

export function validateAll(args: { database?: string; upstreamDir?: string; cacheDir?: string }): ValidateReport {
  const settings = settingsFrom({
    args: { database: args.database ?? 'both', ...(args.upstreamDir ? { upstreamDir: args.upstreamDir } : {}) },
    seed: 0,
    cacheDir: resolve(args.cacheDir ?? join('.medkit', 'cache')),
  });
  const counts: Record<string, number> = {};
  const problems: TaskProblem[] = [];
  for (const dbId of settings.databases) {
    const files = settings.upstreamDir
      ? upstreamPaths(settings.upstreamDir, dbId)
      : ensureTaskFiles(settings.cacheDir, dbId);
    const db = openReadOnly(databasePath(settings, dbId));
    try {
      for (const type of ['incre', 'adapt'] as const) {
        const tasks = readTaskFile(files[type]);
        counts[`${dbId} ${type}`] = tasks.length;
        problems.push(...validateTasks(db, tasks));
      }
    } finally {
      db.close();
    }
  }
  return { counts, problems };
}

export const ehrChatqaCommand: CliCommand = {
  name: 'ehr-chatqa',
  register(program: Command) {
    const group = program.command('ehr-chatqa').description('EHR-ChatQA tools (synthetic databases and tasks)');
    group
      .command('validate')
      .description(
        'check every task: gold SQL runs and reproduces gold_answer, answer non-empty, fallback branches deterministic',
      )
      .option('--upstream-dir <dir>', 'validate a checkout of glee4810/EHR-ChatQA instead of the synthetic tasks')
      .option('--database <db>', 'mimic | eicu | both', 'both')
      .option('--cache-dir <dir>', 'where the synthetic databases are generated', join('.medkit', 'cache'))
      .action((flags: { upstreamDir?: string; database: string; cacheDir: string }) => {
        const report = validateAll(flags);
        for (const [name, count] of Object.entries(report.counts)) console.log(`${name}: ${count} tasks`);
        for (const problem of report.problems) console.log(`  ${problem.task}: ${problem.problem}`);
        const total = Object.values(report.counts).reduce((a, b) => a + b, 0);
        console.log(
          report.problems.length === 0
            ? `all ${total} tasks valid`
            : `${report.problems.length} problems in ${total} tasks`,
        );
        if (report.problems.length > 0) process.exitCode = 1;
      });
  },
};

export const ehrChatqaLoader = defineLoader({
  name: 'ehr-chatqa',
  description:
    'EHR-ChatQA task file (eval_incre.jsonl / eval_adapt.jsonl: one JSON array of {task_id, task_type, db_id, instruction, gold_sql, gold_answer})',
  async *load(path, options) {
    let tasks;
    try {
      tasks = readTaskFile(path);
    } catch (error) {
      if (options?.lenient && options.onError) {
        options.onError(error as Error);
        return;
      }
      throw error;
    }
    for (const task of tasks) yield taskToSample(task, '');
  },
  splitOf: (sample) => String(sample.metadata?.taskType ?? ''),
});
