// MedVR's consensus and reward arithmetic as pure functions (multimodal-methods.md §2): zoom boxes
// rasterised per trajectory, the consensus mask M̂ = 1[Σ_{i∈T⁺} M_i > |T⁺|/2], consensus credit
// assignment (CCA), the gated terminal reward and GRPO advantages. Group-level: one call sees all
// rollouts of one prompt.
import { boxesToMask, maskOverlap, type Box, type Mask, type Size } from '../../imaging/index.js';

/** M_i: the union of all zoom boxes of one trajectory (original-image pixels), or null without a zoom. */
export function trajectoryMask(boxes: readonly Box[], size: Size): Mask | null {
  return boxes.length === 0 ? null : boxesToMask(boxes, size);
}

/**
 * M̂ over the trajectories in T⁺ (their masks; a trajectory without a zoom counts as an empty mask,
 * so it votes "not here"). Null when T⁺ is empty or M̂ has no pixel.
 */
export function consensusMask(masks: readonly (Mask | null)[], size: Size): Mask | null {
  if (masks.length === 0) return null;
  const heat = new Uint16Array(size.width * size.height);
  for (const mask of masks) if (mask) for (let i = 0; i < heat.length; i++) heat[i] += mask.data[i];
  const out = new Uint8Array(heat.length);
  let any = false;
  for (let i = 0; i < heat.length; i++) {
    if (heat[i] > masks.length / 2) {
      out[i] = 1;
      any = true;
    }
  }
  return any ? { width: size.width, height: size.height, data: out } : null;
}

export const maskIoU = (a: Mask, b: Mask): number => maskOverlap(a, b).iou;

/**
 * CCA tool reward of each trajectory: 1.0 when IoU(M_j, M̂) > η, else 0.5; no consensus mask → 0.5;
 * a trajectory without a zoom → 0 (medkit's definitions of the cases the paper leaves open).
 */
export function ccaToolRewards(masks: readonly (Mask | null)[], consensus: Mask | null, eta = 0.5): number[] {
  return masks.map((mask) => {
    if (!mask) return 0;
    if (!consensus) return 0.5;
    return maskIoU(mask, consensus) > eta ? 1 : 0.5;
  });
}

/** R = R_acc + R_format + 1[R_acc > 0]·R_tool: the tool reward only counts with a correct answer. */
export const medvrReward = (accuracy: number, format: number, tool: number): number =>
  accuracy + format + (accuracy > 0 ? tool : 0);

export interface RolloutForReward {
  /** Zoom boxes in original-image pixels. */
  boxes: Box[];
  /** R_acc: 1 correct, 0 wrong. */
  accuracy: number;
  /** R_format: 1 when the <think>/<answer> (and <tool_call>) tags are well formed, else 0. */
  format: number;
}

/** Rewards of one prompt's rollouts: T⁺ = the correct ones (reward mode), M̂ from them, CCA, gated sum. */
export function groupRewards(rollouts: readonly RolloutForReward[], size: Size, eta = 0.5): number[] {
  const masks = rollouts.map((rollout) => trajectoryMask(rollout.boxes, size));
  const consensus = consensusMask(
    masks.filter((_, index) => rollouts[index]!.accuracy > 0),
    size,
  );
  const tool = ccaToolRewards(masks, consensus, eta);
  return rollouts.map((rollout, index) => medvrReward(rollout.accuracy, rollout.format, tool[index]!));
}

/** GRPO: A_i = (r_i − mean) / (std + ε) over one group (population std, as TRL and verl compute it). */
export function grpoAdvantages(rewards: readonly number[], epsilon = 1e-6): number[] {
  if (rewards.length === 0) return [];
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const std = Math.sqrt(rewards.reduce((sum, r) => sum + (r - mean) ** 2, 0) / rewards.length);
  return rewards.map((r) => (r - mean) / (std + epsilon));
}
