// `retmae-hf`: RetMAE's high-frequency token selection as an evaluation run, so each image's kept patches and its
// overlay are seen in `medkit view` (evidence kind `retmae-tokens`). No model is called: the selection is the
// method. On the embedded fundus phantoms the planted lesions are the truth: `lesion-coverage` is the share of
// lesions that touch a kept patch, next to `random-coverage`, the same count of patches drawn at random (seeded).
// `--arg path=` scores your own folder of images (no truth: the coverage scores are null, the overlays remain).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  defineBenchmark,
  imageFromPath,
  mediaTypeForPath,
  type JsonObject,
  type Sample,
  type Scorer,
  type Solver,
  textPart,
  userMessage,
} from '../../core/index.js';
import type { Box } from '../../imaging/boxes.js';
import { encodePng } from '../../imaging/image.js';
import { generateFundus } from '../../imaging/phantom-fundus.js';
import { createRng, hashSeed } from '../../stats/random.js';
import { listImages } from './cli.js';
import { type HfManifest, overlayOfKept, scoreImageFile } from './manifest.js';

const argsSchema = z.object({
  n: z.coerce.number().int().positive().max(500).default(8).describe('embedded fundus phantoms (512², 1–3 lesions)'),
  path: z.string().optional().describe('a folder (or file) of your fundus images, scored without lesion truth'),
  size: z.coerce.number().int().positive().default(224).describe('side the image is resized to (a ViT input)'),
  patch: z.coerce.number().int().positive().default(16).describe('ViT patch side'),
  keep: z.coerce.number().gt(0).max(1).default(0.25).describe('share of patches kept'),
});
type Args = z.infer<typeof argsSchema>;

/** The `retmae-tokens` evidence the viewer draws: the image, its S×S patch grid, kept ids and every score. */
export function retmaeEvidence(manifest: HfManifest, overlay?: string): JsonObject {
  return {
    image: manifest.image,
    ...(overlay ? { overlay } : {}),
    width: manifest.size[0],
    height: manifest.size[1],
    patch: manifest.patch,
    grid: manifest.grid,
    kept: manifest.kept,
    scores: manifest.scores,
    keepRatio: manifest.params.keepRatio,
  };
}

/** Patch ids (row-major on the S×S grid) that a box on the original image touches. */
export function patchesOfBox(box: Box, original: [number, number], size: number, patch: number): number[] {
  const cols = size / patch;
  const [sx, sy] = [size / original[0], size / original[1]];
  const [c1, c2] = [Math.floor((box.x1 * sx) / patch), Math.ceil((box.x2 * sx) / patch) - 1];
  const [r1, r2] = [Math.floor((box.y1 * sy) / patch), Math.ceil((box.y2 * sy) / patch) - 1];
  const ids: number[] = [];
  for (let r = Math.max(0, r1); r <= Math.min(cols - 1, r2); r++)
    for (let c = Math.max(0, c1); c <= Math.min(cols - 1, c2); c++) ids.push(r * cols + c);
  return ids;
}

async function* items(args: Args, cacheDir: string, seed: number): AsyncGenerator<Sample> {
  if (args.path) {
    for (const file of listImages([args.path]))
      yield {
        id: file.split(/[\\/]/).pop()!,
        input: [
          userMessage([imageFromPath(file, mediaTypeForPath(file), 'fundus image'), textPart('Select the HF tokens.')]),
        ],
        target: null,
        files: { image: file },
        metadata: { image: file },
      };
    return;
  }
  const folder = join(cacheDir, 'retmae-hf', 'v1', `seed-${seed}`);
  mkdirSync(folder, { recursive: true });
  for (let index = 0; index < args.n; index++) {
    const phantom = generateFundus({ seed: `retmae-${seed}-${index}`, size: 512, findings: 1 + (index % 3) });
    const file = join(folder, `fundus-${String(index).padStart(3, '0')}.png`);
    writeFileSync(file, await encodePng(phantom.raster));
    yield {
      id: `fundus-${index}`,
      input: [userMessage([imageFromPath(file, 'image/png', 'fundus phantom'), textPart('Select the HF tokens.')])],
      target: phantom.findings.map((finding) => finding.label),
      files: { image: file },
      metadata: {
        image: file,
        width: phantom.width,
        height: phantom.height,
        lesions: phantom.findings.map((finding) => ({ label: finding.label, box: { ...finding.box } })),
      },
    };
  }
}

function highFrequencySelection(args: Args, overlays: string): Solver {
  return {
    name: 'retmae-high-frequency',
    params: { size: args.size, patch: args.patch, keepRatio: args.keep },
    async solve(state, context) {
      const image = String(state.sample.metadata?.image);
      const { raster, scores, manifest } = await scoreImageFile(image, {
        size: args.size,
        patch: args.patch,
        keepRatio: args.keep,
      });
      mkdirSync(overlays, { recursive: true });
      const overlay = join(overlays, `${hashSeed(image, args.size, args.patch, args.keep)}.png`);
      writeFileSync(overlay, await overlayOfKept(raster, scores));
      context.record({
        type: 'evidence',
        kind: 'retmae-tokens',
        title: `${manifest.kept.length} of ${manifest.scores.length} patches kept (high frequency)`,
        data: retmaeEvidence(manifest, overlay),
      });
      state.metadata = { ...state.metadata, kept: manifest.kept, grid: manifest.grid };
      const text = `kept patches: ${manifest.kept.join(' ')}`;
      state.output = { ...state.output, text, finishReason: 'stop' };
      state.messages.push({ role: 'assistant', content: text, source: 'retmae' });
      return state;
    },
  };
}

function coverage(name: string, args: Args, pick: (kept: number[], total: number, id: string) => number[]): Scorer {
  return {
    name,
    params: { rule: 'share of planted lesions whose box touches a kept patch' },
    async score(state) {
      const lesions = state.sample.metadata?.lesions as { label: string; box: Box }[] | undefined;
      if (!lesions?.length) return { value: null, explanation: 'no lesion truth for this image' };
      const [rows, cols] = state.metadata.grid as [number, number];
      const chosen = new Set(pick(state.metadata.kept as number[], rows * cols, state.sample.id as string));
      const original: [number, number] = [Number(state.sample.metadata!.width), Number(state.sample.metadata!.height)];
      const hit = lesions.filter((lesion) =>
        patchesOfBox(lesion.box, original, args.size, args.patch).some((id) => chosen.has(id)),
      );
      return {
        value: hit.length / lesions.length,
        explanation: `${hit.length} of ${lesions.length} lesions touch a chosen patch (${chosen.size} of ${rows * cols})`,
      };
    },
  };
}

export const retmaeHf = defineBenchmark({
  name: 'retmae-hf',
  version: 1,
  description: "RetMAE's high-frequency token selection on fundus images: lesion coverage vs random, overlays in view",
  tags: ['fundus', 'method-kit'],
  dataset: ({ args, cacheDir, seed }) => items(argsSchema.parse(args), cacheDir, seed),
  solvers: {
    baseline: ({ args, cacheDir }) =>
      highFrequencySelection(argsSchema.parse(args), join(cacheDir, 'retmae-hf', 'overlays')),
    default: ({ args, cacheDir }) =>
      highFrequencySelection(argsSchema.parse(args), join(cacheDir, 'retmae-hf', 'overlays')),
  },
  scorers: ({ args }) => {
    const parsed = argsSchema.parse(args);
    return [
      coverage('lesion-coverage', parsed, (kept) => kept),
      coverage('random-coverage', parsed, (kept, total, id) =>
        createRng(hashSeed('retmae-random', id))
          .shuffle(Array.from({ length: total }, (_, index) => index))
          .slice(0, kept.length),
      ),
    ];
  },
  args: argsSchema,
  headline: [
    { scorer: 'lesion-coverage', metric: 'mean', label: 'lesions touched by the kept HF patches' },
    { scorer: 'random-coverage', metric: 'mean', label: 'the same count of random patches' },
  ],
});
