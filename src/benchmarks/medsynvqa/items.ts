// MedSynVQA / MedVLThinker-Eval items a user supplies as JSON Lines, one MCQ per line:
//   {images: ["rel/or/abs.png", ...], question, options: {"A": "...", ...} | "<JSON string>",
//    answer_label: "C", answer: "<option text>", dataset_name?, dataset_index?, reasoning?}
// (the HF files hold image bytes; export them to files first). Image paths are relative to the
// JSONL file. `options` may be the JSON string of the verl/eval files. A missing image file is a
// SampleFormatError naming it (lenient mode reports it and goes on).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import {
  SampleFormatError,
  defineLoader,
  imageFromPath,
  mediaTypeForPath,
  readJsonLines,
  parseWithSchema,
  textPart,
  userMessage,
  type ReadOptions,
  type Sample,
} from '../../core/index.js';
import { buildPrompt } from './extract.js';

const optionsSchema = z.union([z.string(), z.record(z.string(), z.string())]).transform((value, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    const parsed = JSON.parse(value) as unknown;
    const check = z.record(z.string(), z.string()).safeParse(parsed);
    if (check.success) return check.data;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'options is a string but not the JSON of {"A": "...", ...}' });
  return z.NEVER;
});

export const medsynRow = z
  .object({
    images: z.array(z.string().min(1)).optional(),
    image: z.string().min(1).optional(),
    question: z.string().min(1),
    options: optionsSchema,
    answer_label: z.string().regex(/^[A-Z]$/, 'must be one capital letter'),
    answer: z.string(),
    dataset_name: z.string().optional(),
    dataset_index: z.union([z.number(), z.string()]).optional(),
    reasoning: z.string().optional(),
  })
  .refine((row) => row.answer_label in row.options, {
    message: 'names an option that does not exist',
    path: ['answer_label'],
  })
  .refine((row) => Object.keys(row.options).length >= 2, { message: 'needs at least two options', path: ['options'] });

export type MedsynRow = z.infer<typeof medsynRow>;

export function medsynSample(row: MedsynRow, at: { file: string; line: number }, checkFiles = true): Sample {
  const base = dirname(at.file);
  const images = (row.images ?? (row.image ? [row.image] : [])).map((path) =>
    isAbsolute(path) ? path : resolve(base, path),
  );
  images.forEach((path, index) => {
    if (checkFiles && !existsSync(path))
      throw new SampleFormatError(at.file, at.line, `images[${index}]`, `image file not found: ${path}`);
    try {
      mediaTypeForPath(path);
    } catch (error) {
      throw new SampleFormatError(at.file, at.line, `images[${index}]`, (error as Error).message);
    }
  });
  const datasetName = row.dataset_name ?? 'medsynvqa';
  const index = row.dataset_index ?? at.line;
  const labels = Object.keys(row.options);
  return {
    id: `${datasetName}-${index}`,
    input: [
      userMessage([
        ...images.map((path, i) => imageFromPath(path, mediaTypeForPath(path), `image ${i + 1}`)),
        textPart(buildPrompt(row.question, row.options)),
      ]),
    ],
    choices: labels.map((label) => row.options[label]!),
    target: row.answer_label,
    files: Object.fromEntries(images.map((path, i) => [`image${i + 1}`, path])),
    metadata: {
      dataset_name: datasetName,
      dataset_index: index,
      options: row.options,
      answer: row.answer,
      answer_label: row.answer_label,
      source: `${at.file}:${at.line}`,
    },
  };
}

export async function* loadMedsyn(
  file: string,
  options: ReadOptions & { checkFiles?: boolean } = {},
): AsyncGenerator<Sample> {
  for await (const { value, at } of readJsonLines(file, options)) {
    try {
      yield medsynSample(parseWithSchema(medsynRow, value, at), at, options.checkFiles ?? true);
    } catch (error) {
      if (!(error instanceof SampleFormatError) || !options.lenient) throw error;
      options.onError?.(error);
    }
  }
}

export const medsynLoader = defineLoader({
  name: 'medsynvqa',
  description:
    'MedSynVQA / MedVLThinker-Eval JSONL: {images[], question, options (object or JSON string), answer_label, answer, dataset_name?, dataset_index?}',
  load: (path, options) => loadMedsyn(path, options),
  splitOf: (sample) => String(sample.metadata?.dataset_name ?? 'all'),
});
