// CARE's `--arg` options, declared once (zod). Values the paper leaves open (crop margin, resize,
// segmenter scale, L) are parameters with documented defaults (README).
import { z } from 'zod';

const number = z.coerce.number();

export const careArgs = z.object({
  segmenter: z
    .enum(['classical', 'http', 'onnx'])
    .default('classical')
    .describe("'classical' (region growing, no weights), 'http' (segmenter_url) or 'onnx' (segmenter_onnx)"),
  segmenter_url: z.string().optional().describe('HTTP segmenter endpoint (README: request and response JSON)'),
  segmenter_onnx: z.string().optional().describe('path of a segmenter .onnx (README: input/output contract)'),
  seg_scale: number
    .positive()
    .default(1.8)
    .describe('classical segmenter: sigmoid scale in noise σ (softer map = lower confidence); default 1.8'),
  tau: number.min(0).max(1).default(0.7).describe('keep a mask iff C = 1 − H/log 2 ≥ tau (paper: 0.70)'),
  max_entities: number.int().min(1).max(5).default(3).describe('entities segmented per question; default 3'),
  crop_pad: number
    .min(0)
    .default(1)
    .describe("zoom view: pad the mask's box by this fraction of its size on each side (≥ 32 px); default 1"),
  crop_max_side: number
    .int()
    .min(0)
    .default(0)
    .describe('downscale the zoom crop to this longest side (0 = full resolution)'),
  views: z
    .string()
    .default('zoom,mask,global')
    .refine((text) => text.split(',').every((view) => ['zoom', 'mask', 'global'].includes(view.trim())), {
      message: "a comma-separated subset of 'zoom,mask,global'",
    })
    .describe("evidence views that answer and vote (the paper's view ablation); default 'zoom,mask,global'"),
  entity_onnx: z
    .string()
    .optional()
    .describe('entity reward (medkit reward care.entity): a MiniLM-style sentence encoder .onnx (README: contract)'),
  entity_tokenizer: z.string().optional().describe("entity reward: the encoder's tokenizer.json"),
  coord_rounds: number
    .int()
    .min(0)
    .max(4)
    .default(1)
    .describe('care-coord: times the coordinator may send a case back; default 1'),
});

export type CareOptions = z.infer<typeof careArgs>;
