// The `--arg` options of ehr-chatqa, declared once (zod: types, defaults, help texts), and the run
// settings derived from them.
import { z } from 'zod';
import { type BenchmarkOptions, ConfigError } from '../../core/index.js';
import { ensureDatabase } from './db.js';
import type { RewardScope } from './rewards.js';
import type { DbId } from './schema.js';
import { upstreamPaths } from './tasks.js';

const positive = (fallback: number, help: string) => z.coerce.number().positive().default(fallback).describe(help);

export const EHR_ARGS = z.object({
  database: z
    .enum(['mimic', 'eicu', 'both', 'mimic_iv_star', 'eicu_star'])
    .default('both')
    .describe('mimic | eicu | both'),
  taskType: z
    .enum(['increqa', 'incre', 'adaptqa', 'adapt', 'both'])
    .default('both')
    .describe('increqa | adaptqa | both'),
  rewardScope: z
    .enum(['any', 'final'])
    .default('any')
    .describe('any (upstream: any executed query / any tagged reply counts) | final (only the last)'),
  'reward-scope': z.enum(['any', 'final']).optional().describe('alias of rewardScope'),
  upstreamDir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'a checkout of glee4810/EHR-ChatQA: reads src/envs/<db>/<db>.sqlite and eval_{incre,adapt}.jsonl from it',
    ),
  'upstream-dir': z.string().min(1).optional().describe('alias of upstreamDir'),
  user: z
    .enum(['turns', 'instruction'])
    .default('turns')
    .describe(
      "without --role user: turns (the scripted user speaks each task's user_turns; tasks without them are refused) | instruction (it sends the task's whole hidden instruction as its first message: an easier, non-interactive variant, named in the run notes)",
    ),
  maxSteps: positive(30, 'agent steps per episode'),
  agentTimeS: positive(600, 'cumulative agent model time per episode, seconds'),
  maxRetry: positive(10, 're-runs of episodes the validator blames on the user'),
  sqlTimeout: positive(60, 'sql_execute timeout cap, seconds'),
  userVerify: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .default(true)
    .describe('true | false: the LLM user verifier and reflections'),
  embeddings: z
    .string()
    .min(1)
    .default('ngram')
    .describe(
      "ngram (offline character n-grams) | a role (e.g. agent) whose provider's embedding endpoint indexes values for value_similarity_search",
    ),
});

export interface EhrSettings {
  databases: DbId[];
  taskTypes: ('incre' | 'adapt')[];
  rewardScope: RewardScope;
  /** What the scripted user says when no user model is given. */
  scriptedUser: 'turns' | 'instruction';
  maxSteps: number;
  agentTimeMs: number;
  maxRetry: number;
  sqlTimeoutS: number;
  userVerify: boolean;
  /** 'ngram' (offline default) or a role whose provider embeds values for value_similarity_search. */
  embeddings: string;
  upstreamDir?: string;
  cacheDir: string;
}

const DATABASES: Record<string, DbId[]> = {
  mimic: ['mimic_iv_star'],
  eicu: ['eicu_star'],
  both: ['mimic_iv_star', 'eicu_star'],
  mimic_iv_star: ['mimic_iv_star'],
  eicu_star: ['eicu_star'],
};
const TASK_TYPES: Record<string, ('incre' | 'adapt')[]> = {
  increqa: ['incre'],
  incre: ['incre'],
  adaptqa: ['adapt'],
  adapt: ['adapt'],
  both: ['incre', 'adapt'],
};

/** Settings from `--arg` values; a bad value is a ConfigError naming the key, the value and what is expected. */
export function settingsFrom(options: BenchmarkOptions): EhrSettings {
  const given = { ...options.args };
  if (typeof given.taskType === 'string') given.taskType = given.taskType.toLowerCase();
  const parsed = EHR_ARGS.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    throw new ConfigError(`--arg ${key}=${String(options.args[key])}: ${issue.message}`);
  }
  const args = parsed.data;
  const upstreamDir = args.upstreamDir ?? args['upstream-dir'];
  return {
    databases: DATABASES[args.database]!,
    taskTypes: TASK_TYPES[args.taskType]!,
    rewardScope: given.rewardScope === undefined ? (args['reward-scope'] ?? args.rewardScope) : args.rewardScope,
    scriptedUser: args.user,
    maxSteps: args.maxSteps,
    agentTimeMs: args.agentTimeS * 1000,
    maxRetry: args.maxRetry,
    sqlTimeoutS: args.sqlTimeout,
    userVerify: args.userVerify !== false && args.userVerify !== 'false',
    embeddings: args.embeddings,
    cacheDir: options.cacheDir,
    ...(upstreamDir ? { upstreamDir } : {}),
  };
}

export function databasePath(settings: Pick<EhrSettings, 'upstreamDir' | 'cacheDir'>, dbId: DbId): string {
  return settings.upstreamDir ? upstreamPaths(settings.upstreamDir, dbId).db : ensureDatabase(settings.cacheDir, dbId);
}
