// The CounselBench judge as an RL reward: the `counsel-judge` scorer `medkit eval counselbench-eval` reports, its
// overall rating (1–5, the paper's first dimension) as the reward, rated by the model given with
// `medkit reward serve --role judge=<provider:model>`. The lexicon baseline that stands in for a missing judge in
// eval is not a valid judge, so the reward refuses it (fallback + error) instead of optimising a word list.
import { z } from 'zod';
import { inputText, type JsonValue, type Reward, type Sample } from '../../core/index.js';
import { scorerReward } from '../../scoring/as-reward.js';
import { counselJudge } from './judge.js';
import { readCounselTemplates } from './prompts.js';

const numberArg = (value: unknown, fallback: number) =>
  value === undefined || value === null || value === '' ? fallback : Number(value);

const groundTruthSchema = z.object({ question: z.string().min(1) });

export const counselJudgeReward: Reward = scorerReward({
  name: 'counselbench-judge',
  description: "CounselBench judge's overall rating (1-5) of the answer to the question, by the 'judge' role",
  kind: 'judge',
  roles: ['judge'],
  scorer: ({ args }) =>
    counselJudge({ temperature: numberArg(args.judgeTemperature, 0), templates: readCounselTemplates(args) }),
  groundTruthOf: (sample): JsonValue => ({ question: inputText(sample) }),
  sampleOf(groundTruth): Sample {
    const parsed = groundTruthSchema.safeParse(groundTruth);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`ground_truth.${issue.path.join('.')}: ${issue.message}`);
    }
    return { id: 'rollout', input: parsed.data.question, target: null };
  },
  value(score) {
    if (score.metadata?.validJudge !== true)
      throw new Error(
        'no judge model rated it (the lexicon baseline is not a valid judge): --role judge=<provider:model>',
      );
    const overall = (score.value as Record<string, number | null>).overall;
    if (typeof overall !== 'number') throw new Error(`the judge gave no overall rating: ${score.explanation ?? ''}`);
    return overall;
  },
});
