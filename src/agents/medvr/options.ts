// MedVR's `--arg` options, declared once (zod): types, defaults and help texts. Values the paper
// leaves open (P_base, window, branch budget) are parameters with documented defaults (README).
import { z } from 'zod';

const flagOrNumber = z.coerce.number();

export const medvrArgs = z.object({
  samples: flagOrNumber
    .int()
    .min(1)
    .max(32)
    .default(1)
    .describe('trajectories per question (N-sample consensus); default 1'),
  temperature: flagOrNumber
    .min(0)
    .max(2)
    .default(0.7)
    .describe('sampling temperature of each trajectory when samples > 1; default 0.7'),
  max_steps: flagOrNumber
    .int()
    .min(0)
    .max(16)
    .default(6)
    .describe('zoom calls allowed per trajectory before the answer is asked for; default 6'),
  min_box: flagOrNumber
    .min(1)
    .default(16)
    .describe('zoom boxes smaller than this (received pixels) grow about their centre; default 16'),
  crop_max_side: flagOrNumber
    .int()
    .min(0)
    .default(0)
    .describe('downscale crops to this longest side before sending (0 = full resolution)'),
  tool_format: z
    .enum(['text', 'native'])
    .default('text')
    .describe("'text': DeepEyes <tool_call> JSON in the reply (logprobs cover it); 'native': API tool calls"),
  branching: z
    .enum(['fixed', 'entropy'])
    .default('fixed')
    .describe("'fixed': N trajectories; 'entropy': ceil(N/2) base, then a branch per base with P = clip(P_base + γΔH)"),
  gamma: flagOrNumber.min(0).default(0.5).describe('γ of the entropy monitor (paper: 0.5)'),
  p_base: flagOrNumber
    .min(0)
    .max(1)
    .default(0.2)
    .describe('P_base of the entropy monitor (unconfirmed in the paper; default 0.2)'),
  base_window: flagOrNumber
    .int()
    .min(1)
    .default(8)
    .describe('tokens of the reply before the tool call that H_base averages; default 8'),
  top_logprobs: flagOrNumber
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe('top-k logprobs asked for (entropy monitor, confidence); default 5'),
});

export type MedvrOptions = z.infer<typeof medvrArgs>;
