// EHR-ChatQA's reward for trainers: exactly ehrScorer (IncreQA re-runs the rollout's SQL in the sandbox on
// the task database; AdaptQA checks <answer> containment), with the trajectory facts the solver would have
// recorded taken from the rollout's `extra`: `queries` (every sql_execute query, in order), `responses`
// (the agent's replies to the user; default [completion]) and `endReason` (default 'user-end').
import { z } from 'zod';
import type { JsonObject, JsonValue, Reward, Sample } from '../../core/index.js';
import { scorerReward } from '../../scoring/as-reward.js';
import { ehrScorer } from './solver.js';

const taskSchema = z.looseObject({
  task_type: z.enum(['incre', 'adapt']),
  db_id: z.string(),
  gold_answer: z.unknown(),
});

const stringList = (value: unknown, field: string): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw new Error(`extra.${field}: expected a list of strings`);
  return value as string[];
};

export const ehrChatqaReward: Reward = scorerReward({
  name: 'ehr-chatqa',
  description:
    'EHR-ChatQA reward (ehrScorer): IncreQA re-executes extra.queries on the task database, AdaptQA checks <answer> spans of extra.responses',
  kind: 'database',
  scorer: (options) => ehrScorer(options),
  groundTruthOf: (sample) => ({ task: sample.metadata?.task ?? null }),
  sampleOf(groundTruth: JsonValue): Sample {
    const task = taskSchema.safeParse((groundTruth as JsonObject | null)?.task);
    if (!task.success) {
      const issue = task.error.issues[0]!;
      throw new Error(`ground_truth.task.${issue.path.join('.')}: ${issue.message}`);
    }
    return { id: 'rollout', input: '', target: null, metadata: { task: task.data as JsonObject } };
  },
  stateMetadata(rollout) {
    const extra = rollout.extra ?? {};
    const responses = extra.responses === undefined ? [rollout.completion] : stringList(extra.responses, 'responses');
    return {
      endReason: typeof extra.endReason === 'string' ? extra.endReason : 'user-end',
      queries: stringList(extra.queries, 'queries'),
      responses,
    };
  },
});
