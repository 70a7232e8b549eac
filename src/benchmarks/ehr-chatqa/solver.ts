// The solver (one whole episode, with validator re-runs) and the scorer (upstream rewards on the
// episode's queries and replies). Environments (tools + value index + SQL pool) are built once per
// database file and shared by every episode of the process.
import type { BenchmarkOptions, JsonObject, Score, Scorer, Solver, SolverContext } from '../../core/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, MODEL_ROLES, type ModelRole } from '../../core/index.js';
import { openReadOnly } from './db.js';
import { runEpisode, type Episode } from './env.js';
import { toolCallingAgent } from './agent.js';
import { baselineAgent } from './baseline.js';
import { agentSystemPrompt } from './prompts.js';
import { adaptReward, increReward, type ExecutedQuery } from './rewards.js';
import { SIMILARITY_COLUMNS, type DbId } from './schema.js';
import { taskKey } from './tasks.js';
import { databasePath, type EhrSettings, settingsFrom } from './settings.js';
import type { EhrTask } from './task-types.js';
import { EhrTools } from './tools.js';
import { llmUser, scriptedUser } from './users.js';
import { validateEpisode, type Validation } from './validator.js';
import { ngramEmbeddings, ValueIndex, type EmbeddingProvider } from './value-index.js';

/** An upstream checkout's own `db_rules.txt`, when it has one (else medkit's paraphrase). */
function upstreamDbRules(settings: EhrSettings, dbId: DbId): string | undefined {
  if (!settings.upstreamDir) return undefined;
  const path = join(settings.upstreamDir, 'src', 'envs', dbId, 'db_rules.txt');
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** Bytes of rows a re-executed query may return for the IncreQA comparison (upstream: unlimited). */
export const REWARD_RESULT_BYTES = 64 * 1024 * 1024;

const environments = new Map<string, Promise<EhrTools>>();

/** Tools for a database file, built once per process (the value index takes ~0.2 s). */
export function environment(
  dbPath: string,
  dbId: DbId,
  maxTimeoutS = 60,
  embeddings: EmbeddingProvider = ngramEmbeddings,
): Promise<EhrTools> {
  const key = `${dbPath}\u0000${embeddings.name}\u0000${maxTimeoutS}`;
  let tools = environments.get(key);
  if (!tools) {
    tools = (async () => {
      const db = openReadOnly(dbPath);
      try {
        const index = await new ValueIndex(embeddings).build(db, SIMILARITY_COLUMNS[dbId]);
        return new EhrTools({ dbPath, valueIndex: index, maxTimeoutS });
      } finally {
        db.close();
      }
    })();
    environments.set(key, tools);
  }
  return tools;
}

const latestContext = new Map<string, SolverContext>();

/** Embeddings from a role's provider (`--arg embeddings=agent`), batched; calls go through the latest unit's context. */
function roleEmbeddings(context: SolverContext, role: string): EmbeddingProvider {
  if (!(MODEL_ROLES as readonly string[]).includes(role))
    throw new ConfigError(`--arg embeddings=${role}: expected ngram or a role (${MODEL_ROLES.join(', ')})`);
  if (!context.hasRole(role as ModelRole))
    throw new ConfigError(`--arg embeddings=${role}: this run has no model for role '${role}'`);
  latestContext.set(role, context);
  return {
    name: `${role}:${context.modelName(role as ModelRole)}`,
    async embed(texts) {
      const current = latestContext.get(role)!;
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += 256)
        out.push(...(await current.embed(texts.slice(i, i + 256), { role: role as ModelRole })));
      return out;
    },
  };
}

function episodeSummary(episode: Episode): JsonObject {
  return {
    endReason: episode.endReason,
    queries: episode.queries,
    responses: episode.responses,
    steps: episode.steps,
    agentMs: episode.agentMs,
    toolCalls: episode.toolCalls,
    toolErrors: episode.toolErrors,
    parseErrors: episode.parseErrors,
    emptyAgentMessages: episode.emptyAgentMessages,
    userRejections: episode.userRejections,
    verifierRejections: episode.verifierRejections,
    reflections: episode.reflections,
    ...(episode.error ? { error: episode.error } : {}),
  };
}

/**
 * Why a run without a user model cannot use these tasks, or undefined. Upstream task files have no
 * user_turns: a scripted user would have to send the hidden instruction, an easier, non-interactive
 * benchmark; that needs the explicit opt-in `--arg user=instruction`.
 */
export function missingTurnsProblem(tasks: EhrTask[]): string | undefined {
  const without = tasks.filter((task) => !task.user_turns?.length);
  if (without.length === 0) return undefined;
  return `${without.length} of ${tasks.length} tasks (e.g. ${taskKey(without[0]!)}) have no user_turns and no user model was given: give a simulated user with --role user=<provider:model> (EHR-ChatQA's protocol: an LLM user reveals the hidden instruction step by step). Without one the scripted user could only send each task's whole hidden instruction, an easier, non-interactive benchmark; to run that variant on purpose, add --arg user=instruction`;
}

/** What the scripted user says: the task's user_turns, or (opt-in) its whole hidden instruction. */
function scriptedTurns(settings: EhrSettings, task: EhrTask): string[] {
  if (settings.scriptedUser === 'instruction') return [task.instruction];
  const problem = missingTurnsProblem([task]);
  if (problem !== undefined) throw new ConfigError(problem);
  return task.user_turns!;
}

export function ehrSolver(options: BenchmarkOptions, mode: 'baseline' | 'agent'): Solver {
  const settings = settingsFrom(options);
  return {
    name: mode === 'agent' ? 'ehr-chatqa-tool-calling' : 'ehr-chatqa-baseline',
    params: {
      mode,
      maxSteps: settings.maxSteps,
      agentTimeMs: settings.agentTimeMs,
      maxRetry: settings.maxRetry,
      userVerify: settings.userVerify,
      scriptedUser: settings.scriptedUser,
    },
    async solve(state, context) {
      const task = state.sample.metadata?.task as unknown as EhrTask;
      const embeddings =
        settings.embeddings === 'ngram' ? ngramEmbeddings : roleEmbeddings(context, settings.embeddings);
      const tools = await environment(databasePath(settings, task.db_id), task.db_id, settings.sqlTimeoutS, embeddings);
      const systemPrompt = agentSystemPrompt(task.db_id, task.task_type, upstreamDbRules(settings, task.db_id));
      const useAgentModel = mode === 'agent' && context.hasRole('agent');
      const useUserModel = context.hasRole('user');
      const script = useUserModel ? [] : scriptedTurns(settings, task);
      if (!useUserModel)
        context.record({
          type: 'info',
          message:
            settings.scriptedUser === 'instruction'
              ? `NON-INTERACTIVE (--arg user=instruction): no user model given, so the scripted user sends the task's whole hidden instruction as its first message`
              : "no user model given: the scripted user speaks the task's user_turns",
        });
      if (mode === 'agent' && !useAgentModel)
        context.record({ type: 'info', message: 'no agent model given: the baseline agent answers' });
      if (!context.hasRole('validator'))
        context.record({ type: 'info', message: 'no validator model given: episodes are not validated or re-run' });
      const mistakes: string[] = [];
      const retryReasons: string[] = [];
      let episode: Episode;
      let validation: Validation | undefined;
      let retryExhausted = false;
      for (let retry = 0; ; retry++) {
        const agent = useAgentModel ? toolCallingAgent(context) : baselineAgent(task.db_id, task.task_type);
        const user = useUserModel
          ? llmUser(context, { instruction: task.instruction, mistakes, verify: settings.userVerify })
          : scriptedUser(script);
        episode = await runEpisode({
          systemPrompt,
          tools,
          agent,
          user,
          context,
          maxSteps: settings.maxSteps,
          agentTimeMs: settings.agentTimeMs,
        });
        if (!context.hasRole('validator')) break;
        validation = await validateEpisode(context, episode, task.instruction, task.gold_sql);
        context.record({
          type: 'evidence',
          kind: 'judge',
          title: 'user validator',
          data: { dimension: 'user_error', rating: validation.decision, rationale: validation.reason },
        });
        if (validation.decision === 'no_error') break;
        retryReasons.push(validation.reason);
        mistakes.push(validation.reason);
        if (retry >= settings.maxRetry) {
          retryExhausted = true;
          break;
        }
      }
      state.messages = episode.messages;
      state.output = { ...state.output, text: episode.responses[episode.responses.length - 1] ?? '' };
      state.metadata = {
        ...state.metadata,
        ...episodeSummary(episode),
        agent: useAgentModel ? 'tool-calling' : 'baseline',
        user: useUserModel ? 'llm' : settings.scriptedUser === 'instruction' ? 'scripted-instruction' : 'scripted',
        retry: retryReasons.length,
        retryReasons,
        retryExhausted,
        ...(validation
          ? {
              validation: {
                decision: validation.decision,
                reason: validation.reason,
                ...(validation.skipped ? { skipped: validation.skipped } : {}),
              },
            }
          : {}),
      };
      state.completed = true;
      return state;
    },
  };
}

/** Rewards of one episode under both scopes (the run's scope is the score; the other goes to metadata). */
export async function episodeRewards(
  task: EhrTask,
  metadata: JsonObject,
  run: (query: string) => Promise<ExecutedQuery>,
) {
  const queries = (metadata.queries as string[] | undefined) ?? [];
  const responses = (metadata.responses as string[] | undefined) ?? [];
  if (task.task_type === 'adapt') {
    const any = adaptReward(task.gold_answer, responses, 'any');
    const final = adaptReward(task.gold_answer, responses, 'final');
    return {
      any: any.reward,
      final: final.reward,
      detail: { golds: any.golds, matched: any.matched ?? null } as JsonObject,
    };
  }
  const cache = new Map<string, Promise<ExecutedQuery>>();
  const cached = (query: string) => {
    if (!cache.has(query)) cache.set(query, run(query));
    return cache.get(query)!;
  };
  const any = await increReward(task.gold_answer, queries, cached, 'any');
  const final = await increReward(task.gold_answer, queries, cached, 'final');
  return {
    any: any.reward,
    final: final.reward,
    detail: { matched: any.matched ?? null, queryErrors: any.errors } as JsonObject,
  };
}

export function ehrScorer(options: BenchmarkOptions): Scorer {
  const settings = settingsFrom(options);
  return {
    name: 'reward',
    params: { rewardScope: settings.rewardScope },
    async score(state, _context: SolverContext): Promise<Score> {
      const task = state.sample.metadata?.task as unknown as EhrTask;
      const metadata = state.metadata;
      if (metadata.retryExhausted === true) {
        return {
          value: null,
          explanation: `every re-run was blamed on the simulated user (${String(metadata.retry)} retries); upstream refuses to score such a task`,
          metadata: { endReason: String(metadata.endReason) },
        };
      }
      if (metadata.endReason !== 'user-end') {
        return {
          value: 0,
          explanation: `episode ended by ${String(metadata.endReason)}: reward 0`,
          metadata: { endReason: String(metadata.endReason), reward_any: 0, reward_final: 0 },
        };
      }
      const embeddings =
        settings.embeddings === 'ngram' ? ngramEmbeddings : roleEmbeddings(_context, settings.embeddings);
      const tools = await environment(databasePath(settings, task.db_id), task.db_id, settings.sqlTimeoutS, embeddings);
      const run = async (query: string): Promise<ExecutedQuery> => {
        const outcome = await tools.runner.execute(query, {
          timeoutMs: settings.sqlTimeoutS * 1000,
          keep: 100_000,
          cap: 100_000,
          maxBytes: REWARD_RESULT_BYTES,
        });
        if (!outcome.ok) return { query, error: outcome.error };
        // Upstream compares the first 100 rows after sorting: a cut result could compare wrongly.
        if (outcome.bytesCapped)
          return { query, error: `result over the ${REWARD_RESULT_BYTES}-byte cap: not compared` };
        return { query, rows: outcome.rows };
      };
      const rewards = await episodeRewards(task, metadata, run);
      const value = settings.rewardScope === 'final' ? rewards.final : rewards.any;
      return {
        value,
        answer: state.output.text.slice(0, 500),
        explanation: `${task.task_type === 'incre' ? 'IncreQA (re-executed SQL)' : 'AdaptQA (<answer> containment)'}, scope ${settings.rewardScope}: ${value}`,
        metadata: {
          endReason: 'user-end',
          reward_any: rewards.any,
          reward_final: rewards.final,
          scope: settings.rewardScope,
          ...rewards.detail,
        },
      };
    },
  };
}
