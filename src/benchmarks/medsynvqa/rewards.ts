// MedSynVQA's scoring as RL rewards (issue 16): `medsynvqa` is exactly the eval scorer medsyn_correct;
// `medsynvqa-format` adds the R1-style think/answer format term (0 or 1), as GRPO recipes on this data use.
import { z } from 'zod';
import type { JsonValue, Reward, Sample } from '../../core/index.js';
import { scorerReward } from '../../scoring/as-reward.js';
import { thinkAnswerFormat } from '../../scoring/think-format.js';
import { medsynScorer } from './scorer.js';

const groundTruthSchema = z.object({
  options: z.record(z.string(), z.string()),
  answer: z.string(),
  answer_label: z.string(),
});

function sampleOf(groundTruth: JsonValue): Sample {
  const parsed = groundTruthSchema.safeParse(groundTruth);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`ground_truth.${issue.path.join('.')}: ${issue.message}`);
  }
  return { id: 'rollout', input: '', target: parsed.data.answer_label, metadata: parsed.data };
}

const groundTruthOf = (sample: Sample): JsonValue => {
  const metadata = sample.metadata ?? {};
  return { options: metadata.options ?? {}, answer: metadata.answer ?? '', answer_label: metadata.answer_label ?? '' };
};

const loose = (args: Record<string, unknown>) => args.loose === true || args.loose === 'true';

export const medsynAccuracyReward: Reward = scorerReward({
  name: 'medsynvqa',
  description: 'MedSynVQA accuracy: exactly the medsyn_correct scorer of medkit eval (1 / 0)',
  scorer: (options) => medsynScorer(loose(options.args)),
  groundTruthOf,
  sampleOf,
});

export const medsynFormatReward: Reward = {
  ...medsynAccuracyReward,
  name: 'medsynvqa-format',
  description: 'MedSynVQA accuracy + R1 format (<think>…</think><answer>…</answer>, 0 / 1): 0..2',
  async score(rollouts, options) {
    const accuracy = await medsynAccuracyReward.score(rollouts, options);
    return accuracy.map((value, index) => {
      if (value.error) return value;
      const format = thinkAnswerFormat(rollouts[index]!.completion);
      return { reward: value.reward + format, components: { accuracy: value.reward, format } };
    });
  },
};
