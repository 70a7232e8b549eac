// `photon-shortcut`: Photon's corruptions turned into an evaluation probe. Every question is asked on the clean
// volume and again on each of the six corrupted ones (same question); a model that still answers definitely (and,
// where logprobs exist, with a top-token probability ≥ 0.9) on a volume with no usable evidence is answering from
// a shortcut. The embedded set is 3-D CT phantoms with one planted finding; `--arg path=` takes your volumes.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  chain,
  choiceLetter,
  defineBenchmark,
  generate,
  imageFromPath,
  multipleChoicePrompt,
  type JsonObject,
  type Sample,
  type Scorer,
  type Solver,
  textPart,
  userMessage,
} from '../../core/index.js';
import { readVolume } from '../../imaging/dicom-volume.js';
import { encodeNifti } from '../../imaging/nifti.js';
import { encodePng } from '../../imaging/image.js';
import { CT_FINDING_LABELS, generateCt } from '../../imaging/phantom-ct.js';
import { createRaster } from '../../imaging/raster.js';
import { readJsonLines } from '../../core/index.js';
import { extractChoice } from '../../scoring/choice.js';
import { createRng, hashSeed } from '../../stats/random.js';
import { CORRUPTIONS, corruptVolume, type Corruption } from './corruption.js';
import { preprocessVolume } from './volume.js';

const argsSchema = z.object({
  probe: z.enum(['shortcut', 'off']).default('shortcut').describe('shortcut: also ask on the six corrupted volumes'),
  path: z
    .string()
    .optional()
    .describe(
      'JSONL {id, volume: .nii/.nii.gz, .dcm or a DICOM series folder (relative to the file), question, choices: [..], answer}',
    ),
  n: z.coerce.number().int().positive().max(200).default(8).describe('embedded CT phantoms'),
  slices: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(8)
    .describe('axial slices rendered per volume (sent as images)'),
  depth: z.coerce
    .number()
    .int()
    .positive()
    .default(140)
    .describe('pipeline depth; height = width = 2·depth ([140, 280, 280] as Photon)'),
  confidence: z.coerce.number().min(0).max(1).default(0.9).describe('top-token probability counted as confident'),
});
type Args = z.infer<typeof argsSchema>;

const row = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  volume: z.string().min(1),
  question: z.string().min(1),
  choices: z.array(z.string().min(1)).min(2),
  answer: z.string().min(1),
});

/** Renders `count` evenly spaced axial slices of a [D, H, W] volume in [0, 1] as 8-bit PNGs. */
export async function renderSlices(data: Float32Array, shape: [number, number, number], count: number) {
  const [depth, height, width] = shape;
  const images: Uint8Array[] = [];
  for (let s = 0; s < count; s++) {
    const z = Math.min(depth - 1, Math.floor(((s + 0.5) * depth) / count));
    const raster = createRaster(width, height, 1);
    for (let i = 0; i < width * height; i++)
      raster.data[i] = Math.round(255 * Math.min(1, Math.max(0, data[z * width * height + i]!)));
    images.push(await encodePng(raster));
  }
  return images;
}

async function embeddedItems(cacheDir: string, n: number, seed: number): Promise<string> {
  const folder = join(cacheDir, 'photon-shortcut', 'v1', `seed-${seed}-n${n}`);
  const file = join(folder, 'items.jsonl');
  if (existsSync(file)) return file;
  mkdirSync(folder, { recursive: true });
  const rng = createRng(hashSeed('photon-shortcut', seed));
  const lines: string[] = [];
  for (let index = 0; index < n; index++) {
    const label = CT_FINDING_LABELS[index % CT_FINDING_LABELS.length]!;
    const ct = generateCt({ seed: `photon-${seed}-${index}`, size: 96, slices: 48, findings: [{ label }] });
    const name = `ct-${String(index).padStart(3, '0')}.nii.gz`;
    writeFileSync(join(folder, name), encodeNifti(ct.hu, ct.dims, ct.spacingMm, { gzip: true }));
    lines.push(
      JSON.stringify({
        id: `ct-${index}`,
        volume: name,
        question: 'These are axial slices of a synthetic chest CT volume. Which finding does it show?',
        choices: rng.shuffle([...CT_FINDING_LABELS]),
        answer: label,
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function* items(args: Args, cacheDir: string, seed: number): AsyncGenerator<Sample> {
  const file = args.path ?? (await embeddedItems(cacheDir, args.n, seed));
  const renders = join(cacheDir, 'photon-shortcut', 'renders');
  for await (const { value, at } of readJsonLines(file)) {
    const parsed = row.safeParse(value);
    if (!parsed.success)
      throw new ConfigError(
        `${at.file}:${at.line}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const item = parsed.data;
    if (!item.choices.includes(item.answer))
      throw new ConfigError(`${at.file}:${at.line}: answer '${item.answer}' is not one of the choices`);
    const volumePath = resolve(dirname(at.file), item.volume);
    if (!existsSync(volumePath)) throw new ConfigError(`${at.file}:${at.line}: volume not found: ${volumePath}`);
    const shape: [number, number, number] = [args.depth, 2 * args.depth, 2 * args.depth];
    let volume: Awaited<ReturnType<typeof readVolume>>;
    try {
      volume = await readVolume(volumePath);
    } catch (error) {
      throw new ConfigError(`${at.file}:${at.line}: volume: ${(error as Error).message}`);
    }
    const clean = preprocessVolume(volume, { shape });
    const variants: (Corruption | 'clean')[] = args.probe === 'shortcut' ? ['clean', ...CORRUPTIONS] : ['clean'];
    for (const variant of variants) {
      const rng = createRng(hashSeed('photon-corrupt', seed, item.id, variant));
      const data = variant === 'clean' ? clean.data : corruptVolume(clean.data, shape, variant, rng);
      const folder = join(renders, `${hashSeed(volumePath, seed, args.depth)}`, variant);
      mkdirSync(folder, { recursive: true });
      const paths = (await renderSlices(data, shape, args.slices)).map((png, s) => {
        const path = join(folder, `slice-${String(s).padStart(2, '0')}.png`);
        writeFileSync(path, png);
        return path;
      });
      yield {
        id: `${item.id}/${variant}`,
        input: [
          userMessage([
            ...paths.map((path, s) => imageFromPath(path, 'image/png', `slice ${s + 1} of ${paths.length}`)),
            textPart(item.question),
          ]),
        ],
        target: choiceLetter(item.choices.indexOf(item.answer)),
        choices: item.choices,
        metadata: {
          corruption: variant,
          volume: volumePath,
          slices: args.slices,
          tokens: clean.tokens.tokens,
          ...(volume.notes.length ? { volumeNotes: volume.notes } : {}),
        },
      };
    }
  }
}

/** A confident answer: a definite option letter and, where the model returned logprobs, top-token p ≥ threshold. */
export function confidentAnswer(
  text: string,
  choices: readonly string[],
  logprobs: { token: string; logprob: number }[] | undefined,
  threshold: number,
): { confident: boolean; letter?: string; topProbability?: number } {
  const { letter } = extractChoice(text, choices);
  if (letter === undefined) return { confident: false };
  if (!logprobs?.length) return { confident: true, letter };
  // The answer letter's token (the last token whose text is the letter); without one, the least certain token.
  const answerToken = logprobs.findLast((entry) => entry.token.replace(/[^A-Za-z]/g, '').toUpperCase() === letter);
  const topProbability = answerToken
    ? Math.exp(answerToken.logprob)
    : Math.min(...logprobs.map((entry) => Math.exp(entry.logprob)));
  return { confident: topProbability >= threshold, letter, topProbability };
}

function shortcutScorer(threshold: number): Scorer {
  return {
    name: 'shortcut-confident',
    params: {
      threshold,
      definite: 'an option letter is extracted',
      logprobs: "the answer letter's token probability ≥ threshold",
    },
    async score(state) {
      if (state.sample.metadata?.corruption === 'clean')
        return { value: null, explanation: 'clean volume: not a probe item' };
      const result = confidentAnswer(state.output.text, state.sample.choices ?? [], state.output.logprobs, threshold);
      return {
        value: result.confident,
        ...(result.letter === undefined ? {} : { answer: result.letter }),
        explanation: result.confident
          ? `answered ${result.letter} confidently on a ${String(state.sample.metadata?.corruption)} volume`
          : 'no confident answer on the corrupted volume',
        metadata: (result.topProbability === undefined ? {} : { topProbability: result.topProbability }) as JsonObject,
      };
    },
  };
}

function cleanAccuracy(): Scorer {
  return {
    name: 'clean-accuracy',
    params: {},
    async score(state) {
      if (state.sample.metadata?.corruption !== 'clean') return { value: null, explanation: 'corrupted volume' };
      const { letter } = extractChoice(state.output.text, state.sample.choices ?? []);
      return {
        value: letter === state.sample.target,
        answer: letter,
        explanation: `target ${String(state.sample.target)}`,
      };
    },
  };
}

/** The non-LLM baseline answers the first option whatever the volume shows: the pure shortcut (confident rate 1). */
function firstOptionBaseline(): Solver {
  return {
    name: 'first-option-baseline',
    params: { rule: 'always option A, whatever the volume shows' },
    async solve(state) {
      state.output = { ...state.output, text: 'ANSWER: A', finishReason: 'stop' };
      state.messages.push({ role: 'assistant', content: 'ANSWER: A', source: 'baseline' });
      return state;
    },
  };
}

export const photonShortcut = defineBenchmark({
  name: 'photon-shortcut',
  version: 1,
  description: "Photon's shortcut probe: the same question on clean and six corrupted CT volumes (rendered slices)",
  tags: ['volume-vqa', 'mcq'],
  dataset: ({ args, cacheDir, seed }) => items(argsSchema.parse(args), cacheDir, seed),
  solvers: {
    baseline: () => firstOptionBaseline(),
    default: () => chain(multipleChoicePrompt(), generate({ topLogprobs: 0 })),
  },
  scorers: ({ args }) => [cleanAccuracy(), shortcutScorer(argsSchema.parse(args).confidence)],
  groupBy: ['corruption'],
  args: argsSchema,
  headline: [
    { scorer: 'shortcut-confident', metric: 'mean', label: 'confident on corrupted volumes' },
    { scorer: 'clean-accuracy', metric: 'mean', label: 'accuracy on clean volumes' },
  ],
});
