// What GALAX reads from a sample: a target-prioritisation case (cell line, disease, ranked omics
// lists, KG disease proteins and relations) and, optionally, per-gene omics values. Validated with
// zod; errors name the file (or sample), the line where known, and the field.
import { z } from 'zod';
import {
  SampleFormatError,
  parseJsonFile,
  parseJsonLinesText,
  stripBom,
  type JsonValue,
  type Sample,
} from '../../core/index.js';

const symbolList = z.array(z.string().min(1));
const omicsValues = z.record(z.string(), z.number().refine(Number.isFinite, 'must be a finite number'));

/** Per-gene omics values (z-scores or any monotone scale; higher = more amplified / expressed). */
export const omicsSchema = z
  .object({ cnv: omicsValues.optional(), expression: omicsValues.optional(), protein: omicsValues.optional() })
  .strict()
  .refine((value) => value.cnv !== undefined || value.expression !== undefined || value.protein !== undefined, {
    message: 'needs at least one of cnv, expression, protein',
  });
export type Omics = z.infer<typeof omicsSchema>;

/**
 * The omics profile format (one JSON object, or one per line in a .jsonl file): a cell line's
 * per-gene omics. `label` (1 = cancerous, 0 = non-cancerous) is needed only for profiles that
 * train the reward classifier.
 */
export const omicsProfileSchema = z
  .object({
    id: z.string().min(1),
    cellLine: z.string().min(1),
    disease: z.string().min(1),
    label: z.union([z.literal(0), z.literal(1)]).optional(),
    omics: omicsSchema,
    diseaseProteins: symbolList.optional(),
  })
  .strict();
export type OmicsProfile = z.infer<typeof omicsProfileSchema>;

/** A target-prioritisation case as GALAX reads it from `sample.metadata.case`. */
export const targetCaseSchema = z.object({
  cellLine: z.string().min(1),
  disease: z.string().min(1),
  /** Top CNV-amplified genes, top transcripts, top proteins (ranked, best first). */
  topGenes: symbolList,
  topTranscripts: symbolList,
  topProteins: symbolList,
  /** Disease proteins from the KG. */
  diseaseProteins: symbolList,
  /** PPI neighbours the case offers as extra candidates. */
  ppiNeighbors: symbolList.default([]),
  /** KG relation strings "A -> B" (PPI and disease-protein links). */
  relations: z.array(z.string()).default([]),
  /** How many genes the question asks for. */
  answerSize: z.number().int().positive(),
  omics: omicsSchema.optional(),
});
export type TargetCase = z.infer<typeof targetCaseSchema>;

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

/** Parses with a schema; the first issue becomes a SampleFormatError naming file, line and field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: string, line: number, prefix = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [prefix, fieldPath(issue.path)].filter(Boolean).join('.') || '(root)';
  throw new SampleFormatError(file, line, field, issue.message);
}

/** The case of a sample; a malformed one names the sample id and field. */
export function caseOfSample(sample: Sample): TargetCase {
  const value = sample.metadata?.case;
  if (value === undefined)
    throw new SampleFormatError(`sample ${sample.id}`, 0, 'metadata.case', 'missing: GALAX needs a target case');
  return parseWith(targetCaseSchema, value, `sample ${sample.id}`, 0, 'metadata.case');
}

/** Parses omics profiles from JSON text (one object, an array, or JSON lines). */
export function parseOmicsProfiles(text: string, file: string): OmicsProfile[] {
  const trimmed = stripBom(text).trim();
  if (trimmed === '') throw new SampleFormatError(file, 1, '(file)', 'empty file: expected omics profiles');
  if (trimmed.startsWith('[') || (!trimmed.includes('\n') && trimmed.startsWith('{'))) {
    const parsed = parseJsonFile(file, text); // a syntax error names line:column
    if (!Array.isArray(parsed)) return [parseWith(omicsProfileSchema, parsed, file, 1)];
    return parsed.map((item, index) => parseWith(omicsProfileSchema, item, file, 1, `[${index}]`));
  }
  return parseJsonLinesText(text, file).map(({ value, at }) => parseWith(omicsProfileSchema, value, file, at.line));
}

/** "A -> B" relation strings as pairs; strings without an arrow are skipped. */
export function relationPairs(relations: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const relation of relations) {
    const at = relation.indexOf('->');
    if (at < 0) continue;
    const head = relation.slice(0, at).trim();
    const tail = relation.slice(at + 2).trim();
    if (head && tail) pairs.push([head, tail]);
  }
  return pairs;
}

export const asJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;
