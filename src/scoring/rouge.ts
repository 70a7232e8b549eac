// ROUGE-L (Lin 2004): longest common subsequence of tokens, as precision, recall and F1.
// Tokenisation follows Google's rouge_score default (lowercase, every run of characters other
// than a-z and 0-9 is a separator, no stemming), so numbers can be checked against it.
// ROUGE-Lsum (union LCS over sentences) is not implemented.
import { targetValues, type Scorer } from '../core/index.js';

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

/** rouge_score's default tokenizer: lowercase, replace non-[a-z0-9] with spaces, split. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((token) => token.length > 0);
}

/** Length of the longest common subsequence of two token lists (O(n·m) time, O(m) memory). */
export function lcsLength(left: readonly string[], right: readonly string[]): number {
  if (left.length === 0 || right.length === 0) return 0;
  let previous = new Uint32Array(right.length + 1);
  let current = new Uint32Array(right.length + 1);
  for (let i = 1; i <= left.length; i++) {
    for (let j = 1; j <= right.length; j++) {
      current[j] = left[i - 1] === right[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[right.length]!;
}

/** ROUGE-L of a candidate against one reference. Empty on either side gives 0 (rouge_score does too). */
export function rougeL(candidate: string, reference: string): RougeScore {
  const candidateTokens = rougeTokens(candidate);
  const referenceTokens = rougeTokens(reference);
  const lcs = lcsLength(candidateTokens, referenceTokens);
  if (lcs === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = lcs / candidateTokens.length;
  const recall = lcs / referenceTokens.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

/** ROUGE-L against several references: the best F1 (rouge_score's score_multi). */
export function rougeLMax(candidate: string, references: readonly string[]): RougeScore {
  let best: RougeScore = { precision: 0, recall: 0, f1: 0 };
  for (const reference of references) {
    const score = rougeL(candidate, reference);
    if (score.f1 > best.f1) best = score;
  }
  return best;
}

/** Scorer `rouge_l`: ROUGE-L F1 of the answer against the best of the sample's targets (precision, recall in metadata). */
export function rougeScorer(): Scorer {
  return {
    name: 'rouge_l',
    params: { variant: 'ROUGE-L F1, rouge_score tokenizer, no stemming, best over targets' },
    async score(state) {
      const references = targetValues(state.sample).filter((text) => text.trim() !== '');
      if (references.length === 0) return { value: null, explanation: 'the sample has no reference text' };
      const best = rougeLMax(state.output.text, references);
      return {
        value: best.f1,
        explanation: `ROUGE-L F1 ${best.f1.toFixed(3)} (P ${best.precision.toFixed(3)}, R ${best.recall.toFixed(3)})`,
        metadata: { precision: best.precision, recall: best.recall },
      };
    },
  };
}
