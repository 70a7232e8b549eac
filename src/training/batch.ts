// Scoring a batch of rollouts with a registered reward: the one path `medkit reward score`, the reward
// server and the tests share. Group rewards get whole groups: every rollout names its group and the group's
// size, and a group with another number of rollouts is refused (never a silently wrong CCA).
import { z } from 'zod';
import {
  MedkitError,
  type BenchmarkOptions,
  type JsonObject,
  type JsonValue,
  type Reward,
  type RewardRollout,
  type RewardValue,
  type SolverContext,
} from '../core/index.js';

/** A request the caller must fix; `path` is the JSON path of the problem (`rollouts[3].group`). */
export class RewardRequestError extends MedkitError {
  override readonly name = 'RewardRequestError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** One rollout on the wire and in rollouts.jsonl (snake_case, as trainers write it). */
export const rolloutWireSchema = z.strictObject({
  completion: z.string(),
  ground_truth: z.json(),
  group: z.union([z.string(), z.number()]).optional(),
  group_size: z.number().int().positive().optional(),
  prompt: z.string().optional(),
  extra: z.record(z.string(), z.json()).optional(),
  id: z.union([z.string(), z.number()]).optional(),
});
export type RolloutWire = z.infer<typeof rolloutWireSchema>;

export function fromWire(row: RolloutWire): RewardRollout {
  return {
    completion: row.completion,
    groundTruth: row.ground_truth as JsonValue,
    ...(row.group !== undefined ? { group: String(row.group) } : {}),
    ...(row.group_size !== undefined ? { groupSize: row.group_size } : {}),
    ...(row.prompt !== undefined ? { prompt: row.prompt } : {}),
    ...(row.extra !== undefined ? { extra: row.extra as JsonObject } : {}),
  };
}

/** The JSON path of a zod issue under `prefix` (`rollouts[2].ground_truth.options`). */
export function issuePath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}${out ? '.' : ''}${String(key)}`),
    prefix,
  );
}

/** Group indexes of a group reward's batch; throws RewardRequestError for a missing id or an incomplete group. */
export function checkGroups(rollouts: readonly RewardRollout[], prefix = 'rollouts'): number[][] {
  const groups = new Map<string, number[]>();
  rollouts.forEach((rollout, index) => {
    if (rollout.group === undefined)
      throw new RewardRequestError(`${prefix}[${index}].group`, 'a group reward needs the group id of every rollout');
    if (rollout.groupSize === undefined)
      throw new RewardRequestError(
        `${prefix}[${index}].group_size`,
        'a group reward needs the number of rollouts of the group (num_generations)',
      );
    groups.set(rollout.group, [...(groups.get(rollout.group) ?? []), index]);
  });
  for (const [group, indexes] of groups) {
    const size = rollouts[indexes[0]!]!.groupSize!;
    const other = indexes.find((index) => rollouts[index]!.groupSize !== size);
    if (other !== undefined)
      throw new RewardRequestError(
        `${prefix}[${other}].group_size`,
        `group '${group}' has sizes ${size} and ${rollouts[other]!.groupSize}`,
      );
    if (indexes.length !== size)
      throw new RewardRequestError(
        `${prefix}[${indexes.at(-1)}].group`,
        `group '${group}' has ${indexes.length} of its ${size} rollouts: send a group's rollouts together`,
      );
  }
  return [...groups.values()];
}

/**
 * Rewards of `rollouts`, in order. A reward that throws for the whole batch (or a group) gives those
 * rollouts its fallback value and an error entry; a bad request throws RewardRequestError first.
 */
export async function scoreBatch(
  reward: Reward,
  rollouts: readonly RewardRollout[],
  options: BenchmarkOptions,
  context?: SolverContext,
): Promise<RewardValue[]> {
  const parts = reward.kind === 'group' ? checkGroups(rollouts) : [rollouts.map((_, index) => index)];
  const out: RewardValue[] = new Array(rollouts.length);
  for (const indexes of parts) {
    const batch = indexes.map((index) => rollouts[index]!);
    let values: RewardValue[];
    try {
      values = await reward.score(batch, options, context);
      if (values.length !== batch.length) throw new Error(`gave ${values.length} values for ${batch.length} rollouts`);
    } catch (error) {
      const message = `reward '${reward.name}' failed: ${error instanceof Error ? error.message : String(error)}`;
      values = batch.map(() => ({ reward: reward.fallback, error: message }));
    }
    indexes.forEach((index, k) => {
      const value = values[k]!;
      out[index] = Number.isFinite(value.reward)
        ? value
        : { reward: reward.fallback, error: value.error ?? `reward '${reward.name}' gave ${value.reward}` };
    });
  }
  return out;
}
