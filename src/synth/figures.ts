// Figure sources for `medkit synth`: a figure is 1–6 images that share one caption, with the in-text
// mentions of the figure and whatever curation metadata the source has. Sources are async iterables,
// so memory stays flat with the number of figures.
import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseWithSchema, readJsonLines, SampleFormatError } from '../core/index.js';
import { encodePng } from '../imaging/image.js';
import { sniffImageType } from '../server/images.js';
import { CHEST_FINDING_LABELS, generateChestXray } from '../imaging/phantom-cxr.js';
import { FUNDUS_FINDING_LABELS, generateFundus } from '../imaging/phantom-fundus.js';
import { createRng, hashSeed } from '../stats/random.js';

export interface Figure {
  /** Unique source key (WebDataset key, JSONL file:line, phantom index): the unit of exactly-once. */
  key: string;
  /** Absolute image paths, 1–6. */
  images: string[];
  caption: string;
  mentions: string[];
  modality?: string;
  anatomy?: string;
  /** BIOMEDICA category labels (lower-cased, union over the group's images): curation reads them. */
  labels?: { primary: string[]; secondary: string[] };
  /**
   * Phantom figures only: the ground-truth finding the caption was written from and the label pool of
   * its modality. The template generator needs them; an LLM generator never sees them.
   */
  truth?: { finding: string; pool: readonly string[] };
}

export const MAX_IMAGES_PER_FIGURE = 6;

/**
 * The embedded default: seeded chest-radiograph and fundus phantoms with one planted finding each,
 * PNGs written under `imageDir`, captions written from the ground truth (label, region, size).
 */
export async function* phantomFigures(
  imageDir: string,
  count: number,
  seed: number,
  size = 256,
): AsyncGenerator<Figure> {
  mkdirSync(imageDir, { recursive: true });
  const rng = createRng(hashSeed('synth-phantom', seed));
  for (let index = 0; index < count; index++) {
    const chest = index % 2 === 0;
    const pool: readonly string[] = chest ? CHEST_FINDING_LABELS : FUNDUS_FINDING_LABELS;
    const label = pool[rng.int(pool.length)]!;
    const phantomSeed = `synth-${seed}-${index}`;
    const phantom = chest
      ? generateChestXray({ seed: phantomSeed, width: size, height: size, findings: [{ label }] })
      : generateFundus({ seed: phantomSeed, size, findings: [{ label }] });
    const finding = phantom.findings[0];
    if (!finding) continue;
    const key = `phantom-${String(index).padStart(6, '0')}`;
    const image = join(imageDir, `${key}.png`);
    writeFileSync(image, await encodePng(phantom.raster));
    const modality = chest ? 'x-ray radiography' : 'fundus photography';
    const view = chest ? 'Posteroanterior chest radiograph' : 'Colour fundus photograph';
    const size_ = `${Math.round(finding.sizeMm)} mm`;
    yield {
      key,
      images: [image],
      caption: `${view} (synthetic phantom) showing a ${label} in the ${finding.region}, about ${size_} across.`,
      mentions: [`As shown in Figure 1, a ${label} was identified in the ${finding.region}.`],
      modality,
      anatomy: chest ? 'chest' : 'retina',
      truth: { finding: label, pool },
    };
  }
}

/**
 * Why an image file cannot be used (missing, not a regular file, empty, not PNG/JPEG/GIF/WebP by its first
 * bytes), or undefined when it can. The media type comes from the bytes, never from the name.
 */
export function imageProblem(path: string): string | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 'no such file';
  if (!stat.isFile()) return 'not a regular file';
  if (stat.size === 0) return 'an empty file';
  const head = Buffer.alloc(12);
  const descriptor = openSync(path, 'r');
  try {
    readSync(descriptor, head, 0, head.length, 0);
  } finally {
    closeSync(descriptor);
  }
  return sniffImageType(head) ? undefined : 'not a PNG, JPEG, GIF or WebP image (by its first bytes)';
}

const figureRow = z.object({
  key: z.string().min(1).optional(),
  images: z.array(z.string().min(1)).min(1).max(MAX_IMAGES_PER_FIGURE),
  caption: z.string().min(1),
  mentions: z.array(z.string()).default([]),
  modality: z.string().optional(),
  anatomy: z.string().optional(),
});

/** A JSONL of `{images, caption, mentions?, key?, modality?, anatomy?}`, image paths relative to the file. */
export async function* jsonlFigures(file: string, onError?: (error: Error) => void): AsyncGenerator<Figure> {
  for await (const { value, at } of readJsonLines(file, { lenient: true, onError })) {
    try {
      const row = parseWithSchema(figureRow, value, at);
      const images = row.images.map((path) => (isAbsolute(path) ? path : resolve(dirname(file), path)));
      images.forEach((path, i) => {
        const problem = imageProblem(path);
        if (problem) throw new SampleFormatError(file, at.line, `images[${i}]`, `${row.images[i]}: ${problem}`);
      });
      yield {
        key: row.key ?? `${file}:${at.line}`,
        images,
        caption: row.caption,
        mentions: row.mentions,
        modality: row.modality,
        anatomy: row.anatomy,
      };
    } catch (error) {
      if (!(error instanceof SampleFormatError) || !onError) throw error;
      onError(error);
    }
  }
}
