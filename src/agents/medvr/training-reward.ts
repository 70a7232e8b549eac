// MedVR's terminal reward for trainers (multimodal-methods.md §2, §6): R = R_acc + R_format + 1[R_acc > 0]·R_tool
// with R_tool from consensus credit assignment over one prompt's rollouts (groupRewards in reward.ts).
// R_acc is the closed_answer scorer that `medkit eval` reports for graded-phantom; R_format the R1 check
// with <tool_call> turns. A group reward: score() receives whole groups (the caller checks their sizes).
import { z } from 'zod';
import type { JsonValue, Reward, RewardRollout, RewardValue, Sample } from '../../core/index.js';
import type { Box } from '../../imaging/index.js';
import { scorerReward } from '../../scoring/as-reward.js';
import { closedAnswerScorer } from '../../scoring/closed-answer.js';
import { thinkAnswerFormat } from '../../scoring/think-format.js';
import { groupRewards } from './reward.js';
import { ZOOM_TOOL } from './zoom.js';

const groundTruthSchema = z.object({
  target: z.union([z.string(), z.array(z.string()).min(1)]),
  choices: z.array(z.string()).optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  eta: z.number().min(0).max(1).optional(),
});
type GroundTruth = z.infer<typeof groundTruthSchema>;

function parseGroundTruth(groundTruth: JsonValue): GroundTruth {
  const parsed = groundTruthSchema.safeParse(groundTruth);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`ground_truth.${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

const accuracy = scorerReward({
  name: 'medvr.accuracy',
  description: 'closed_answer accuracy',
  scorer: () => closedAnswerScorer(),
  groundTruthOf: (sample) => sample.target,
  sampleOf(groundTruth): Sample {
    const truth = parseGroundTruth(groundTruth);
    return { id: 'rollout', input: '', target: truth.target, ...(truth.choices ? { choices: truth.choices } : {}) };
  },
});

const boxSchema = z.array(z.number()).length(4);
const TOOL_CALL = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g;

/**
 * Zoom boxes in original-image pixels: `extra.boxes` ([[x1, y1, x2, y2], …], what medkit's agent logs as
 * `original`) when given, else every <tool_call> of the image_zoom_in_tool in the text, whose bbox_2d is then
 * taken as original-image pixels (a trainer's single-image rollouts).
 */
export function rolloutBoxes(rollout: RewardRollout): Box[] {
  const given = rollout.extra?.boxes;
  const raw: unknown[] = [];
  if (given !== undefined) {
    if (!Array.isArray(given)) throw new Error('extra.boxes: expected a list of [x1, y1, x2, y2]');
    raw.push(...given);
  } else {
    for (const match of rollout.completion.matchAll(TOOL_CALL)) {
      let call: { name?: unknown; arguments?: { bbox_2d?: unknown } };
      try {
        call = JSON.parse(match[1]!);
      } catch {
        continue; // a malformed call earns no box (and R_format 0)
      }
      if (call?.name === ZOOM_TOOL && call.arguments?.bbox_2d !== undefined) raw.push(call.arguments.bbox_2d);
    }
  }
  return raw.map((value, index) => {
    const parsed = boxSchema.safeParse(value);
    if (!parsed.success) throw new Error(`boxes[${index}]: expected [x1, y1, x2, y2] numbers`);
    const [x1, y1, x2, y2] = parsed.data as [number, number, number, number];
    return { x1, y1, x2, y2 };
  });
}

export const medvrTrainingReward: Reward = {
  name: 'medvr',
  description: 'MedVR: R_acc (closed_answer) + R_format + 1[R_acc>0]·R_tool (CCA over the group, η 0.5); group reward',
  kind: 'group',
  fallback: 0,
  groundTruthOf: (sample) => ({
    target: sample.target,
    ...(sample.choices ? { choices: sample.choices } : {}),
    width: Number(sample.metadata?.width),
    height: Number(sample.metadata?.height),
  }),
  async score(rollouts, options) {
    // One group per call from the caller; still, group by id so a batch of several groups is right too.
    const groups = new Map<string, number[]>();
    rollouts.forEach((rollout, index) => {
      const key = rollout.group ?? '';
      groups.set(key, [...(groups.get(key) ?? []), index]);
    });
    const acc = await accuracy.score(rollouts, options);
    const out: RewardValue[] = rollouts.map(() => ({ reward: 0 }));
    for (const indexes of groups.values()) {
      try {
        const truth = parseGroundTruth(rollouts[indexes[0]!]!.groundTruth);
        const parts = indexes.map((index) => {
          if (acc[index]!.error) throw new Error(`rollout ${index}: ${acc[index]!.error}`);
          const rollout = rollouts[index]!;
          return {
            boxes: rolloutBoxes(rollout),
            accuracy: acc[index]!.reward,
            format: thinkAnswerFormat(rollout.completion, true),
          };
        });
        const rewards = groupRewards(parts, { width: truth.width, height: truth.height }, truth.eta ?? 0.5);
        indexes.forEach((index, k) => {
          out[index] = {
            reward: rewards[k]!,
            components: { accuracy: parts[k]!.accuracy, format: parts[k]!.format, zooms: parts[k]!.boxes.length },
          };
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        for (const index of indexes) out[index] = { reward: 0, error: message };
      }
    }
    return out;
  },
};
