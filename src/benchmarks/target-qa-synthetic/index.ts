// target-qa-synthetic: GALAX-style target prioritisation (which genes' knockout kills this cell
// line?) on seeded synthetic omics + PPI with planted truth; `--arg path=<Target-QA file>` runs the
// same task on user-supplied Target-QA data. Scored by P / R / F1 / Jaccard / P@5 / P@10.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { assistantMessage, defineBenchmark, solverFrom, type BenchmarkOptions, type Sample } from '../../core/index.js';
import { extractGeneSymbols, geneSetScorer, normaliseSymbol } from '../../scoring/gene-set.js';
import { targetQaLoader } from './loader.js';
import type { TargetCaseJson } from './prompt.js';
import { syntheticSamples } from './synthetic.js';

const numberArg = (options: BenchmarkOptions, key: string, fallback: number): number => {
  const value = options.args[key];
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : fallback;
};

const caseOf = (sample: Sample): TargetCaseJson => sample.metadata?.case as unknown as TargetCaseJson;

/**
 * The omics-ranking baseline (no LLM, no graph): genes ranked by their mean omics value over the
 * channels given; where only ranked lists exist (Target-QA files), by summed reciprocal rank
 * position over the three top-k lists. Returns at most `answerSize` genes.
 */
export function omicsRanking(targetCase: TargetCaseJson): string[] {
  const score = new Map<string, number>();
  const channels = targetCase.omics ? Object.values(targetCase.omics).filter((values) => values !== undefined) : [];
  if (channels.length > 0) {
    for (const values of channels) {
      for (const [gene, value] of Object.entries(values!))
        score.set(normaliseSymbol(gene), (score.get(normaliseSymbol(gene)) ?? 0) + value / channels.length);
    }
  } else {
    for (const list of [targetCase.topGenes, targetCase.topTranscripts, targetCase.topProteins]) {
      list.forEach((gene, rank) =>
        score.set(normaliseSymbol(gene), (score.get(normaliseSymbol(gene)) ?? 0) + (list.length - rank) / list.length),
      );
    }
  }
  return [...score.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, targetCase.answerSize)
    .map(([gene]) => gene);
}

const vocabularies = new Map<string, Promise<Set<string>>>();

/** Symbols a reply may name: the case's own symbols plus every symbol of the PPI file, if any. */
async function vocabularyOf(sample: Sample): Promise<Set<string>> {
  const targetCase = caseOf(sample);
  const words = new Set<string>(
    [
      ...targetCase.topGenes,
      ...targetCase.topTranscripts,
      ...targetCase.topProteins,
      ...targetCase.diseaseProteins,
      ...targetCase.ppiNeighbors,
    ].map(normaliseSymbol),
  );
  for (const relation of targetCase.relations)
    for (const part of relation.split('->')) if (part.trim()) words.add(normaliseSymbol(part));
  const ppi = sample.files?.ppi;
  if (ppi) {
    let cached = vocabularies.get(ppi);
    if (!cached) {
      cached = readFile(ppi, 'utf8').then(
        (text) =>
          new Set(
            text
              .split(/[\t\n]/)
              .map((cell) => normaliseSymbol(cell))
              .filter(Boolean),
          ),
      );
      vocabularies.set(ppi, cached);
    }
    for (const word of await cached) words.add(word);
  }
  return words;
}

async function dataset(options: BenchmarkOptions): Promise<Sample[]> {
  const path = options.args.path;
  if (typeof path === 'string' && path !== '') {
    const samples: Sample[] = [];
    const lenient = options.args.lenient === true || options.args.lenient === 'true';
    const loadOptions = lenient ? { lenient, onError: (error: Error) => options.onDataError?.(error) } : {};
    for await (const sample of targetQaLoader.load(path, loadOptions)) samples.push(sample);
    const ppi = options.args.ppi;
    return typeof ppi === 'string' && ppi !== ''
      ? samples.map((sample) => ({ ...sample, files: { ...sample.files, ppi } }))
      : samples;
  }
  return syntheticSamples({
    dataSeed: numberArg(options, 'dataSeed', 1),
    lines: numberArg(options, 'lines', 20),
    referenceLines: numberArg(options, 'referenceLines', 80),
    generator: {
      answerSize: numberArg(options, 'answerSize', 20),
      genes: numberArg(options, 'genes', 600),
      modules: numberArg(options, 'modules', 12),
      diseases: numberArg(options, 'diseases', 4),
    },
    cacheDir: options.cacheDir,
  });
}

export const targetQaSynthetic = defineBenchmark({
  name: 'target-qa-synthetic',
  version: 1,
  description:
    'GALAX-style gene-target prioritisation on seeded synthetic omics + PPI with planted truth (or a Target-QA file via --arg path=)',
  tags: ['target-prioritisation'],
  dataset,
  solvers: {
    baseline: () =>
      solverFrom('omics-ranking', {}, async (state) => {
        const genes = omicsRanking(caseOf(state.sample));
        state.metadata.predictedGenes = genes;
        state.messages.push(assistantMessage(genes.join(', ')));
        state.output = { ...state.output, text: genes.join(', '), finishReason: 'stop' };
        return state;
      }),
    default: () =>
      solverFrom('llm-omics', { extraction: 'dictionary' }, async (state, context) => {
        const output = await context.generate(
          { messages: state.messages, config: { ...context.generateConfig } },
          { role: 'agent' },
        );
        state.messages.push(assistantMessage(output.text));
        state.output = output;
        const genes = extractGeneSymbols(output.text, await vocabularyOf(state.sample));
        state.metadata.predictedGenes = genes;
        if (genes.length === 0)
          context.record({ type: 'info', message: 'the reply names no known gene symbol; the prediction is empty' });
        return state;
      }),
  },
  // GALAX leaves its step-1 and subgraph lists too; they are scored beside the final answer (upstream's llm_1st / kg rows).
  scorers: () => [geneSetScorer({ stages: { step1: 'step1Genes', graph: 'graphGenes' } })],
  groupBy: ['disease'],
  args: z.strictObject({
    path: z.string().optional().describe('a Target-QA-format JSON file to use instead of the synthetic set'),
    lenient: z
      .boolean()
      .default(false)
      .describe('with path: skip malformed samples (each is reported) instead of stopping at the first'),
    ppi: z
      .string()
      .optional()
      .describe("a PPI edge TSV (symbolA<TAB>symbolB) for a Target-QA file (default: the file's own relations)"),
    lines: z.number().int().positive().default(20).describe('synthetic evaluation lines'),
    referenceLines: z
      .number()
      .int()
      .nonnegative()
      .default(80)
      .describe("synthetic labelled reference lines that train GALAX's reward classifier"),
    dataSeed: z.number().int().default(1).describe('seed of the synthetic world and lines'),
    answerSize: z.number().int().positive().default(20).describe('ground-truth genes per line (upstream 100)'),
    genes: z.number().int().positive().default(600).describe('genes in the synthetic world'),
    modules: z.number().int().positive().default(12).describe('planted pathway modules (8–12 genes each)'),
    diseases: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe('synthetic cancer types, each owning modules/diseases modules'),
  }),
  // GALAX's README tables lead with precision and recall of the predicted gene set.
  headline: [
    { scorer: 'gene-set.precision', metric: 'mean', label: 'precision' },
    { scorer: 'gene-set.recall', metric: 'mean', label: 'recall' },
  ],
});
