// medmcq JSONL: one question per line, {id, question, options[], answer: letter, topic?}.
import { z } from 'zod';
import {
  choiceLetter,
  defineLoader,
  readValidatedLines,
  type LineLocation,
  type ReadOptions,
  type Sample,
} from '../../core/index.js';

const medmcqRow = z
  .object({
    id: z.string().min(1),
    question: z.string().min(1),
    options: z.array(z.string().min(1)).min(2).max(26),
    answer: z.string().regex(/^[A-Z]$/, 'must be one capital letter (A, B, ...)'),
    topic: z.string().optional(),
  })
  .refine((row) => row.answer.charCodeAt(0) - 65 < row.options.length, {
    message: 'names an option that does not exist',
    path: ['answer'],
  });

export type MedmcqRow = z.infer<typeof medmcqRow>;

export function medmcqSample(row: MedmcqRow, at: LineLocation): Sample {
  return {
    id: row.id,
    input: row.question,
    choices: row.options,
    target: row.answer,
    metadata: { topic: row.topic ?? 'unknown', source: `${at.file}:${at.line}` },
  };
}

export function loadMedmcq(file: string, options: ReadOptions = {}): AsyncGenerator<Sample> {
  return readValidatedLines(file, medmcqRow, medmcqSample, options);
}

export const medmcqLoader = defineLoader({
  name: 'medmcq',
  description: 'Multiple-choice JSONL: {id, question, options[], answer: "A".., topic?} per line',
  load: (path, options) => loadMedmcq(path, options),
  splitOf: (sample) => String(sample.metadata?.topic ?? 'all'),
});

export const letters = (count: number) => Array.from({ length: count }, (_, index) => choiceLetter(index));
