// HealthBench's scoring (the rubric grader, role `grader`) and the same scorer as an RL reward: the reward is the
// example's overall_score (met points / positive points, HealthBench's formula), graded by the model given with
// `medkit reward serve --role grader=<provider:model>`. The ground truth an export writes is the conversation the
// grader reads plus the rubric items.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ChatMessage, JsonObject, JsonValue, Reward, Sample, Scorer } from '../../core/index.js';
import { scorerReward } from '../../scoring/as-reward.js';
import { rubricGrader } from '../../scoring/rubric.js';
import { rubricMetaGrader } from './meta.js';

/** The grader `medkit eval healthbench` scores with (meta-evaluation rows get the meta grader). */
export function healthbenchScorer(args: JsonObject): Scorer {
  const options = {
    maxAttempts: args.maxAttempts === undefined ? 5 : Number(args.maxAttempts),
    ...(args.graderTemperature !== undefined ? { temperature: Number(args.graderTemperature) } : {}),
    ...(typeof args.graderTemplate === 'string' ? { template: readFileSync(args.graderTemplate, 'utf8') } : {}),
  };
  return typeof args.meta === 'string' ? rubricMetaGrader(options) : rubricGrader(options);
}

const groundTruthSchema = z.object({
  conversation: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1),
  rubrics: z.array(z.looseObject({ criterion: z.string(), points: z.number() })).min(1),
  exampleTags: z.array(z.string()).optional(),
});

export const healthbenchReward: Reward = scorerReward({
  name: 'healthbench',
  description: "HealthBench rubric score (overall_score: met / positive points), graded by the 'grader' role",
  kind: 'judge',
  roles: ['grader'],
  scorer: (options) => healthbenchScorer(options.args),
  groundTruthOf: (sample) => ({
    conversation: (typeof sample.input === 'string'
      ? [{ role: 'user', content: sample.input }]
      : sample.input.map((message) => ({
          role: message.role,
          content:
            typeof message.content === 'string'
              ? message.content
              : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'),
        }))) as JsonValue,
    rubrics: sample.metadata?.rubrics ?? [],
    exampleTags: sample.metadata?.exampleTags ?? [],
  }),
  sampleOf(groundTruth): Sample {
    const parsed = groundTruthSchema.safeParse(groundTruth);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`ground_truth.${issue.path.join('.')}: ${issue.message}`);
    }
    return {
      id: 'rollout',
      input: parsed.data.conversation as ChatMessage[],
      target: null,
      metadata: { rubrics: parsed.data.rubrics as JsonObject[], exampleTags: parsed.data.exampleTags ?? [] },
    };
  },
  value(score) {
    const overall = (score.value as Record<string, number | null> | null)?.overall_score;
    if (typeof overall !== 'number' || !Number.isFinite(overall) || score.metadata?.skipped || score.metadata?.errors)
      throw new Error(`not graded: ${score.explanation ?? 'no overall_score'}`);
    return overall;
  },
});
