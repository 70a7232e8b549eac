// MedThinkVQA release rows (HF bio-nlp-umass/MedThinkVQA, test.jsonl / train.jsonl): a 5-option
// differential-diagnosis MCQ with up to 49 images in flat fields image_NN_{id,path,caption,
// modality,sub_modality}, NN = 01…49. Image paths are relative to the release root (the JSONL's
// folder unless given). IMAGING_FINDINGS and captions are expert intermediates: they stay in
// metadata and reach the model only in the 'expert' setting. Parquet is not read: use the JSONL.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  SampleFormatError,
  defineLoader,
  mediaTypeForPath,
  parseWithSchema,
  readJsonLines,
  type JsonObject,
  type ReadOptions,
  type Sample,
} from '../../core/index.js';

export const MAX_IMAGES = 49;
export const OPTION_LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;

const optionsSchema = z.union([z.string(), z.record(z.string(), z.string())]).transform((value, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(value));
    if (parsed.success) return parsed.data;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'options is a string but not the JSON of {"A": "...", ...}' });
  return z.NEVER;
});

/**
 * An optional field the release may write as null (pandas exports missing text as null): null loads
 * as absent, like a missing key, instead of failing the whole case.
 */
const absentIfNull = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

export const medthinkRow = z
  .object({
    title: absentIfNull(z.string()),
    CLINICAL_HISTORY: z
      .string()
      .nullish()
      .transform((value) => value ?? ''),
    IMAGING_FINDINGS: absentIfNull(z.string()),
    discussion: absentIfNull(z.string()),
    options: optionsSchema,
    correct_answer: z.enum(OPTION_LETTERS),
    correct_answer_text: absentIfNull(z.string()),
    is_longitudinal: absentIfNull(z.boolean()),
    timepoint_count: absentIfNull(z.number()),
    image_count: absentIfNull(z.number().int()),
  })
  .passthrough()
  .refine(
    (row) =>
      OPTION_LETTERS.every((letter) => typeof row.options[letter] === 'string' && row.options[letter]!.trim() !== ''),
    {
      message: 'needs five non-empty options A–E',
      path: ['options'],
    },
  );

export type MedthinkRow = z.infer<typeof medthinkRow> & Record<string, unknown>;

export interface CaseImage {
  index: number;
  id: string;
  path: string;
  caption: string;
  modality: string;
  subModality: string;
}

/** image_01 … image_49 present in the row, in order. */
export function caseImages(
  row: Record<string, unknown>,
  root: string,
  at: { file: string; line: number },
  checkFiles: boolean,
): CaseImage[] {
  const images: CaseImage[] = [];
  for (let index = 1; index <= MAX_IMAGES; index++) {
    const key = `image_${String(index).padStart(2, '0')}`;
    const path = row[`${key}_path`];
    if (path === undefined || path === null || path === '') continue;
    if (typeof path !== 'string') throw new SampleFormatError(at.file, at.line, `${key}_path`, 'must be a string');
    const absolute = isAbsolute(path) ? path : resolve(root, path);
    if (checkFiles && !existsSync(absolute))
      throw new SampleFormatError(at.file, at.line, `${key}_path`, `image file not found: ${absolute}`);
    try {
      mediaTypeForPath(absolute);
    } catch (error) {
      throw new SampleFormatError(at.file, at.line, `${key}_path`, (error as Error).message);
    }
    const text = (name: string) => (typeof row[`${key}_${name}`] === 'string' ? (row[`${key}_${name}`] as string) : '');
    images.push({
      index,
      id: text('id') || key,
      path: absolute,
      caption: text('caption'),
      modality: text('modality'),
      subModality: text('sub_modality'),
    });
  }
  const extra = Object.keys(row).find(
    (key) => /^image_(\d+)_path$/.test(key) && Number(/^image_(\d+)_path$/.exec(key)![1]) > MAX_IMAGES,
  );
  if (extra) throw new SampleFormatError(at.file, at.line, extra, `more than ${MAX_IMAGES} images per case`);
  if (images.length === 0) throw new SampleFormatError(at.file, at.line, 'image_01_path', 'the case has no images');
  return images;
}

export function medthinkSample(
  row: MedthinkRow,
  at: { file: string; line: number },
  root: string,
  checkFiles = true,
): Sample {
  const images = caseImages(row, root, at, checkFiles);
  const caseId = String(row.title ?? `line-${at.line}`).replace(/^Case number\s*/i, 'case');
  return {
    id: caseId,
    // The solver builds the prompts (they depend on the setting); the input keeps the history.
    input: row.CLINICAL_HISTORY || String(row.title ?? ''),
    choices: OPTION_LETTERS.map((letter) => row.options[letter]!),
    target: row.correct_answer,
    files: Object.fromEntries(images.map((image) => [`image_${String(image.index).padStart(2, '0')}`, image.path])),
    metadata: {
      title: row.title ?? null,
      clinical_history: row.CLINICAL_HISTORY,
      // Absent (a missing key or null in the release) stays absent: no "null" text reaches a prompt or a ROUGE reference.
      ...(row.IMAGING_FINDINGS !== undefined ? { imaging_findings: row.IMAGING_FINDINGS } : {}),
      ...(row.discussion !== undefined ? { discussion: row.discussion } : {}),
      correct_answer_text: row.correct_answer_text ?? row.options[row.correct_answer] ?? null,
      images: images as unknown as JsonObject[],
      image_count: images.length,
      is_longitudinal: row.is_longitudinal ?? null,
      icd_chapter: typeof row['ICD Chapter'] === 'string' ? (row['ICD Chapter'] as string) : null,
      source: `${at.file}:${at.line}`,
    },
  };
}

export async function* loadMedthink(
  file: string,
  options: ReadOptions & { imagesRoot?: string; checkFiles?: boolean } = {},
): AsyncGenerator<Sample> {
  if (/\.parquet$/i.test(file))
    throw new ConfigError(
      `${file}: parquet is not read; use the release's ${file.replace(/\.parquet$/i, '.jsonl')} instead`,
    );
  const root = options.imagesRoot ?? dirname(file);
  for await (const { value, at } of readJsonLines(file, options)) {
    try {
      yield medthinkSample(
        parseWithSchema(medthinkRow, value, at) as MedthinkRow,
        at,
        root,
        options.checkFiles ?? true,
      );
    } catch (error) {
      if (!(error instanceof SampleFormatError) || !options.lenient) throw error;
      options.onError?.(error);
    }
  }
}

export const medthinkLoader = defineLoader({
  name: 'medthinkvqa',
  description:
    'MedThinkVQA release JSONL (test.jsonl / train.jsonl): 5-option MCQ with up to 49 images (image_NN_path relative to the file)',
  load: (path, options) => loadMedthink(path, options),
  splitOf: (sample) => (sample.metadata?.is_longitudinal ? 'longitudinal' : 'single-timepoint'),
});
