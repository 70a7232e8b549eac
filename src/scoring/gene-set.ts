// Set-overlap metrics for ranked gene (or any item) lists against a reference set, as GALAX's
// `calculate_metrics` computes them: P, R, F1, Jaccard on sets; P@k on the order of the predicted
// list, divided by k even when fewer than k items were predicted.
import type { JsonValue, Scorer, TaskState } from '../core/index.js';

export interface GeneSetMetrics {
  precision: number;
  recall: number;
  f1: number;
  jaccard: number;
  'precision@5': number;
  'precision@10': number;
  overlap: number;
  predicted: number;
  truth: number;
}

/** Symbols compared case-insensitively (HGNC symbols are upper case; models write "Kras"). */
export const normaliseSymbol = (symbol: string): string => symbol.trim().toUpperCase();

/** Distinct items in first-seen order. */
export function uniqueInOrder(items: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    const key = normaliseSymbol(item);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  return out;
}

export function precisionAtK(predicted: readonly string[], truth: ReadonlySet<string>, k: number): number {
  if (k <= 0) return 0;
  const top = uniqueInOrder(predicted).slice(0, k);
  return top.filter((item) => truth.has(item)).length / k;
}

/** P = |pred∩gt|/|pred|, R = |pred∩gt|/|gt|, F1 (0 when P+R=0), Jaccard = |∩|/|∪|, P@5, P@10. Empty sets give 0. */
export function geneSetMetrics(predicted: readonly string[], truth: readonly string[]): GeneSetMetrics {
  const predictedList = uniqueInOrder(predicted);
  const truthSet = new Set(uniqueInOrder(truth));
  const overlap = predictedList.filter((item) => truthSet.has(item)).length;
  const precision = predictedList.length > 0 ? overlap / predictedList.length : 0;
  const recall = truthSet.size > 0 ? overlap / truthSet.size : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const union = predictedList.length + truthSet.size - overlap;
  return {
    precision,
    recall,
    f1,
    jaccard: union > 0 ? overlap / union : 0,
    'precision@5': precisionAtK(predictedList, truthSet, 5),
    'precision@10': precisionAtK(predictedList, truthSet, 10),
    overlap,
    predicted: predictedList.length,
    truth: truthSet.size,
  };
}

export interface GeneSetScorerOptions {
  /** Key of `state.metadata` that holds the predicted list (default 'predictedGenes'). */
  field?: string;
  /**
   * Intermediate lists to score as well, name → metadata key (e.g. { graph: 'graphGenes' }): where the
   * solver left one, the value gains `<name>.precision`, `<name>.recall` and `<name>.f1`.
   */
  stages?: Record<string, string>;
}

function asStringList(value: JsonValue | undefined): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === 'string');
}

/**
 * Scores `state.metadata[field]` (a ranked list of symbols) against the sample's target list.
 * Value: { precision, recall, f1, jaccard, precision@5, precision@10 }; a solver that left no
 * list gives null values (not scorable) rather than zeros.
 */
export function geneSetScorer(options: GeneSetScorerOptions = {}): Scorer {
  const field = options.field ?? 'predictedGenes';
  const stages = options.stages ?? {};
  return {
    name: 'gene-set',
    params: { field, stages },
    async score(state: TaskState) {
      const truth = Array.isArray(state.sample.target) ? state.sample.target.map(String) : [];
      const predicted = asStringList(state.metadata[field]);
      if (predicted === undefined) {
        return {
          value: null,
          answer: '',
          explanation: `the solver left no '${field}' list in the state metadata`,
        };
      }
      const metrics = geneSetMetrics(predicted, truth);
      const { overlap, predicted: count, truth: truthCount, ...main } = metrics;
      const value: Record<string, number> = { ...main };
      for (const [name, key] of Object.entries(stages)) {
        const list = asStringList(state.metadata[key]);
        if (list === undefined) continue;
        const stage = geneSetMetrics(list, truth);
        Object.assign(value, {
          [`${name}.precision`]: stage.precision,
          [`${name}.recall`]: stage.recall,
          [`${name}.f1`]: stage.f1,
        });
      }
      return {
        value,
        answer: uniqueInOrder(predicted).join(', '),
        explanation: `${overlap} of ${count} predicted genes are in the ${truthCount}-gene reference set`,
        metadata: { overlap, predicted: count, truth: truthCount },
      };
    },
  };
}

export interface GeneExtractionOptions {
  /**
   * Also accept "Kras" for KRAS (off by default: symbols such as CAT, SET and MET are English words).
   * Mixed-case tokens with a digit (C1orf112) are always accepted.
   */
  caseInsensitive?: boolean;
}

/**
 * Gene symbols a free-text answer mentions, by dictionary match (the default NER of medkit's GALAX;
 * upstream used GPT-4o-mini or GLiNER). Tokens are split on anything but letters, digits and '-';
 * order of first mention is kept, duplicates dropped.
 */
export function extractGeneSymbols(
  text: string,
  dictionary: ReadonlySet<string> | Iterable<string>,
  options: GeneExtractionOptions = {},
): string[] {
  const known =
    dictionary instanceof Set ? (dictionary as ReadonlySet<string>) : new Set([...dictionary].map(normaliseSymbol));
  const found: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/g)) {
    const token = match[0];
    const key = token.toUpperCase();
    // "met", "Set", "Kras" are words unless asked; mixed case with a digit is a symbol's own casing (C1orf112)
    if (!options.caseInsensitive && token !== key && !/\d/.test(token)) continue;
    if (!known.has(key) || seen.has(key)) continue;
    seen.add(key);
    found.push(key);
  }
  return found;
}
