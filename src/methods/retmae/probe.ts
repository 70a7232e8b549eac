// RetMAE's linear-probe evaluation of an encoder the user supplies as `.onnx`, pooling only chosen patches:
// all, the 25% high-frequency ones, a random 25%, or the 25% lowest-frequency ones (the paper's comparison).
//
// Encoder contract: input `pixel_values` float32 [1, 3, S, S] (RGB, 0..1, then ImageNet mean/std unless
// normalize = 'none'); first output float32 [1, N, D] with N = (S/patch)² patch tokens in row-major order, or
// N + 1 with a leading CLS token (dropped). Labels are binary (0/1).
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseWithSchema, readJsonLines } from '../../core/index.js';
import { float32Tensor, type OnnxModel, openOnnxModel } from '../../models/onnx/index.js';
import { aurocWithCI } from '../../stats/auroc.js';
import { crossValidatedScores } from './analysis.js';
import { patchSelections } from './highfreq.js';
import { type ScoreImageOptions, scoreImageFile } from './manifest.js';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

export const PROBE_VARIANTS = ['all', 'high', 'random', 'low'] as const;
export type ProbeVariant = (typeof PROBE_VARIANTS)[number];

const rowSchema = z.object({ image: z.string().min(1), label: z.union([z.literal(0), z.literal(1), z.boolean()]) });

export interface ProbeOptions extends ScoreImageOptions {
  normalize?: 'imagenet' | 'none';
  folds?: number;
  l2?: number;
  seed?: number;
  threads?: number;
}

export interface ProbeRow {
  variant: ProbeVariant;
  tokens: number;
  auroc: number;
  lower: number;
  upper: number;
  n: number;
}

async function patchFeatures(
  encoder: OnnxModel,
  raster: { data: Uint8Array; width: number; height: number; channels: number },
  normalize: 'imagenet' | 'none',
) {
  const { width, height, channels, data } = raster;
  const pixels = new Float32Array(3 * width * height);
  for (let index = 0; index < width * height; index++) {
    for (let c = 0; c < 3; c++) {
      const value = data[index * channels + (channels >= 3 ? c : 0)]! / 255;
      pixels[c * width * height + index] =
        normalize === 'imagenet' ? (value - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]! : value;
    }
  }
  const name = encoder.inputs[0]!.name;
  const outputs = await encoder.run({ [name]: float32Tensor(pixels, [1, 3, height, width]) });
  const first = outputs[encoder.outputs[0]!.name]!;
  if (first.dims.length !== 3) throw new Error(`${encoder.file}: output must be [1, N, D], got [${first.dims}]`);
  return { tokens: first.dims[1]!, dim: first.dims[2]!, data: first.data as Float32Array };
}

/** Reads `{image, label}` JSONL, encodes each image once, and probes each pooling variant. */
export async function linearProbe(
  encoderPath: string,
  dataFile: string,
  options: ProbeOptions = {},
): Promise<ProbeRow[]> {
  const encoder = await openOnnxModel(encoderPath, { purpose: 'encoder', threads: options.threads ?? 1 });
  const features: Record<ProbeVariant, number[][]> = { all: [], high: [], random: [], low: [] };
  const labels: number[] = [];
  let tokensKept = 0;
  let gridTokens = 0;
  try {
    for await (const { value, at } of readJsonLines(dataFile)) {
      const row = parseWithSchema(rowSchema, value, at);
      const image = isAbsolute(row.image) ? row.image : resolve(dirname(dataFile), row.image);
      const { raster, scores } = await scoreImageFile(image, options);
      const grid = scores.grid[0] * scores.grid[1];
      const encoded = await patchFeatures(encoder, raster, options.normalize ?? 'imagenet');
      const offset = encoded.tokens === grid + 1 ? 1 : encoded.tokens === grid ? 0 : -1;
      if (offset < 0) {
        throw new Error(
          `${at.file}:${at.line}: the encoder returned ${encoded.tokens} tokens for a ${scores.grid.join('×')} patch grid`,
        );
      }
      const selections = {
        all: Array.from({ length: grid }, (_, i) => i),
        ...patchSelections(scores, (options.seed ?? 0) + at.line),
      };
      tokensKept = selections.high.length;
      gridTokens = grid;
      for (const variant of PROBE_VARIANTS) {
        const ids = selections[variant];
        const pooled = new Array(encoded.dim).fill(0) as number[];
        for (const id of ids)
          for (let d = 0; d < encoded.dim; d++) pooled[d]! += encoded.data[(id + offset) * encoded.dim + d]!;
        features[variant].push(pooled.map((value) => value / ids.length));
      }
      labels.push(Number(row.label));
    }
  } finally {
    await encoder.close();
  }
  return PROBE_VARIANTS.map((variant) => {
    const scores = crossValidatedScores(features[variant], labels, { folds: options.folds ?? 5, l2: options.l2 ?? 1 });
    const ci = aurocWithCI(scores, labels as (0 | 1)[], { seed: options.seed ?? 0 });
    return {
      variant,
      tokens: variant === 'all' ? gridTokens : tokensKept,
      auroc: ci.estimate,
      lower: ci.lower,
      upper: ci.upper,
      n: labels.length,
    };
  });
}
