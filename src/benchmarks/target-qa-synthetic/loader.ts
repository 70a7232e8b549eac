// Loader for user-supplied Target-QA files (GALAX's data/TargetQA/target_qa_k10_bm100.json shape):
// { "<sample id>": { cell_line_name, disease, input: { top_k_gene, top_k_transcript, top_k_protein:
// { hgnc_symbols }, knowledge_graph: { disease_protein: { hgnc_symbols }, protein_relationships:
// ["A -> B"], ppi_neighbors?: { hgnc_symbols? } } }, ground_truth_answer: { top_bm_gene: { hgnc_symbols } } } }.
// Target-QA itself is DepMap-derived (non-commercial) and is never shipped.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineLoader, parseJsonFile, SampleFormatError, type JsonValue, type Sample } from '../../core/index.js';
import { targetQuestion, type TargetCaseJson } from './prompt.js';

const symbols = z.union([z.array(z.string()), z.literal('non-existed').transform(() => [] as string[])]);
const block = z.object({ hgnc_symbols: symbols }).passthrough();

const targetQaSampleSchema = z
  .object({
    cell_line_name: z.string().min(1),
    disease: z.string().min(1),
    input: z
      .object({
        top_k_gene: block,
        top_k_transcript: block,
        top_k_protein: block,
        knowledge_graph: z
          .object({
            disease_protein: block,
            protein_relationships: z.array(z.string()).default([]),
            ppi_neighbors: z.object({ hgnc_symbols: symbols.optional() }).passthrough().optional(),
          })
          .passthrough(),
      })
      .passthrough(),
    ground_truth_answer: z.object({ top_bm_gene: block }).passthrough(),
  })
  .passthrough();

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) return 1;
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}

/** Parses a Target-QA file's text into samples; errors name file, line of the sample, and field. */
export function parseTargetQa(
  text: string,
  file: string,
  options: { lenient?: boolean; onError?: (error: Error) => void } = {},
): Sample[] {
  const parsed = parseJsonFile(file, text); // BOM accepted; a syntax error names line:column
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SampleFormatError(file, 1, '(root)', 'expected an object keyed by sample id');
  }
  const samples: Sample[] = [];
  for (const [id, value] of Object.entries(parsed as Record<string, unknown>)) {
    const line = () => lineOf(text, JSON.stringify(id)); // only on errors: a scan per sample would be quadratic
    const result = targetQaSampleSchema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const error = new SampleFormatError(file, line(), `${id}${fieldPath(issue.path)}`, issue.message);
      if (!options.lenient) throw error;
      options.onError?.(error);
      continue;
    }
    const item = result.data;
    const truth = item.ground_truth_answer.top_bm_gene.hgnc_symbols;
    if (truth.length === 0) {
      const error = new SampleFormatError(
        file,
        line(),
        `${id}.ground_truth_answer.top_bm_gene.hgnc_symbols`,
        'empty: no ground-truth genes',
      );
      if (!options.lenient) throw error;
      options.onError?.(error);
      continue;
    }
    const kg = item.input.knowledge_graph;
    const targetCase: TargetCaseJson = {
      cellLine: item.cell_line_name,
      disease: item.disease,
      topGenes: item.input.top_k_gene.hgnc_symbols,
      topTranscripts: item.input.top_k_transcript.hgnc_symbols,
      topProteins: item.input.top_k_protein.hgnc_symbols,
      diseaseProteins: kg.disease_protein.hgnc_symbols,
      ppiNeighbors: kg.ppi_neighbors?.hgnc_symbols ?? [],
      relations: kg.protein_relationships,
      answerSize: truth.length,
    };
    samples.push({
      id,
      input: targetQuestion(targetCase),
      target: truth,
      metadata: { case: targetCase as unknown as JsonValue, disease: item.disease, cellLine: item.cell_line_name },
    });
  }
  return samples;
}

export const targetQaLoader = defineLoader({
  name: 'target-qa',
  description:
    'Target-QA-format JSON (GALAX): cell lines with ranked omics genes, KG context and CRISPR ground-truth genes',
  async *load(path, options) {
    const text = await readFile(path, 'utf8');
    yield* parseTargetQa(text, path, options);
  },
  splitOf: (sample) => String(sample.metadata?.disease ?? 'all'),
});
