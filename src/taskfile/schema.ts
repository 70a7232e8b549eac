// The task file format (src/taskfile/README.md states it for users). Everything a user writes is
// validated here, strictly: an unknown key is an error at its line, not a setting silently ignored.
import { z } from 'zod';

const fieldName = z.string().min(1, 'must name a field of the dataset rows');
const oneOrMany = z.union([fieldName, z.array(fieldName).min(1)]);

export const argDeclarationSchema = z.strictObject({
  type: z.enum(['string', 'number', 'integer', 'boolean']),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  description: z.string().optional(),
});
export type ArgDeclaration = z.infer<typeof argDeclarationSchema>;

export const taskFileSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only')
    .optional(),
  description: z.string().optional(),
  version: z.number().int().positive().optional(),
  dataset: z.union([
    z.string().min(1),
    z.strictObject({
      path: z.string().min(1),
      /** A folder's JSONL file when it holds more than one. */
      file: z.string().min(1).optional(),
      format: z.enum(['jsonl', 'csv']).optional(),
    }),
  ]),
  /** Field with the sample id (default `id` when rows have one, else the line number). */
  id: fieldName.optional(),
  prompt: z.string().min(1),
  system: z.string().min(1).optional(),
  /** A field holding the list of options, or the fields (CSV columns) holding one option each. */
  choices: oneOrMany.optional(),
  /** Field(s) holding image paths (a path or a list), relative to the dataset file. */
  images: oneOrMany.optional(),
  /** Field with the reference answer (default `target`). */
  target: fieldName.optional(),
  groupBy: z.array(fieldName).optional(),
  /** Fields kept as sample metadata in the log (default: every field of the row). */
  metadata: z.array(fieldName).optional(),
  scorers: z.array(z.unknown()).min(1, 'name at least one scorer'),
  epochs: z.number().int().positive().optional(),
  generate: z
    .strictObject({ temperature: z.number().min(0).optional(), maxTokens: z.number().int().positive().optional() })
    .optional(),
  baseline: z.union([z.enum(['random-choice', 'empty']), z.strictObject({ reply: z.string() })]).optional(),
  /** The scorer key (or `scorer.key` of a record-valued scorer) reported first. */
  headline: z.string().optional(),
  args: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier'), argDeclarationSchema)
    .optional(),
});
export type TaskFile = z.infer<typeof taskFileSchema>;

const name = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/)
  .optional()
  .describe('the scorer key in the log (default: its own)');

/** The scorer catalogue: each entry's options, strict. */
export const scorerOptionSchemas = {
  choice: z.strictObject({ name }),
  exact: z.strictObject({ name }),
  includes: z.strictObject({ name, ignoreCase: z.boolean().optional() }),
  regex: z.strictObject({ name, pattern: z.string().min(1), ignoreCase: z.boolean().optional() }),
  numeric: z.strictObject({
    name,
    tolerance: z.number().min(0).optional(),
    relative: z.number().min(0).optional(),
    pick: z.enum(['last', 'first']).optional(),
  }),
  rouge: z.strictObject({ name }),
  rubric: z.strictObject({
    name,
    field: fieldName.optional(),
    maxAttempts: z.number().int().positive().optional(),
  }),
  'step-judge': z.strictObject({
    name,
    splitter: z.enum(['llm', 'sentences']).optional(),
    maxSteps: z.number().int().positive().optional(),
  }),
  'box-iou': z.strictObject({ name, threshold: z.number().min(0).max(1).optional() }),
  sql: z.strictObject({
    name,
    database: z.string().min(1),
    compare: z.enum(['rows', 'first-column-set']).optional(),
    timeoutMs: z.number().int().positive().optional(),
  }),
} as const;
export type ScorerKind = keyof typeof scorerOptionSchemas;
export const SCORER_KINDS = Object.keys(scorerOptionSchemas) as ScorerKind[];

export const rubricItemsSchema = z
  .array(z.looseObject({ criterion: z.string().min(1), points: z.number(), tags: z.array(z.string()).optional() }))
  .min(1);
