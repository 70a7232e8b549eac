// CARE's rewards as pure functions (multimodal-methods.md §1, Eq. 1–2; unconfirmed there), for trainers
// (served by a later issue), not used at inference. Embeddings are computed by the caller (an embedding
// endpoint, a MiniLM .onnx, or hashingEmbedding below) so that these stay pure.
import computeMunkres from 'munkres-js';

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * (b[i] ?? 0);
    na += a[i]! ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Kuhn–Munkres maximum-weight matching of a P×Q similarity matrix: pairs (i, j) and their total weight. */
export function maxWeightMatching(similarity: readonly (readonly number[])[]): {
  pairs: [number, number][];
  total: number;
} {
  if (similarity.length === 0 || similarity[0]!.length === 0) return { pairs: [], total: 0 };
  const max = Math.max(...similarity.flat());
  const pairs = computeMunkres(similarity.map((row) => row.map((s) => max - s)));
  return { pairs, total: pairs.reduce((sum, [i, j]) => sum + similarity[i]![j]!, 0) };
}

const FNV_OFFSET = 2166136261;
const fnv1a = (text: string): number => {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash;
};

/**
 * The documented no-model baseline: lower-cased words and character trigrams of " word " hashed (FNV-1a)
 * into `dim` signed buckets, L2-normalised. Similar spellings are close; synonyms are not (MiniLM's job).
 */
export function hashingEmbedding(text: string, dim = 256): number[] {
  const vector = new Array<number>(dim).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const grams = [word, ...Array.from({ length: Math.max(0, word.length) }, (_, i) => ` ${word} `.slice(i, i + 3))];
    for (const gram of grams) {
      const hash = fnv1a(gram);
      vector[hash % dim]! += hash & 0x80000000 ? -1 : 1;
    }
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

export const FORMAT_PATTERN = /^\s*<think>[\s\S]*?<\/think>\s*<answer>[\s\S]*?<\/answer>\s*$/;
/** R_format: 1 when the response is exactly <think>…</think><answer>…</answer> (value unconfirmed upstream). */
export const formatReward = (response: string): number => (FORMAT_PATTERN.test(response) ? 1 : 0);

export interface EntityRewardParts {
  sim: number;
  count: number;
  rep: number;
  format: number;
  total: number;
  matching: [number, number][];
}

const normaliseEntity = (entity: string) => entity.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * R_Entity = R_sim + R_count + R_rep + R_format. R_sim = (1/min(P,Q))·Σ_{(i,j)∈K} s_ij over the Kuhn–Munkres
 * maximum-weight matching K of cosine similarities (0 when either list is empty); R_count = 1 iff 1 ≤ P ≤ 5;
 * R_rep = 1/(r+1), r = predicted entities that repeat an earlier one (after case/space normalisation).
 */
export function entityReward(
  predicted: readonly string[],
  truth: readonly string[],
  embed: (text: string) => readonly number[],
  response = '',
): EntityRewardParts {
  const P = predicted.length;
  const Q = truth.length;
  let sim = 0;
  let matching: [number, number][] = [];
  if (P > 0 && Q > 0) {
    const a = predicted.map(embed);
    const b = truth.map(embed);
    const result = maxWeightMatching(a.map((x) => b.map((y) => cosine(x, y))));
    matching = result.pairs;
    sim = result.total / Math.min(P, Q);
  }
  const count = P >= 1 && P <= 5 ? 1 : 0;
  const repeats = P - new Set(predicted.map(normaliseEntity)).size;
  const rep = 1 / (repeats + 1);
  const format = formatReward(response);
  return { sim, count, rep, format, total: sim + count + rep + format, matching };
}

/** L of R_length (unconfirmed in the paper): medkit's default 64 whitespace words. */
export const DEFAULT_LENGTH_L = 64;

/** EG-VQA reward R = R_acc + R_format + 0.25·min(1, |ŷ|/L), |ŷ| = whitespace words of the response. */
export function egVqaReward(
  response: string,
  correct: boolean,
  L = DEFAULT_LENGTH_L,
): { acc: number; format: number; length: number; total: number } {
  if (!(L > 0)) throw new RangeError(`egVqaReward: L must be > 0, got ${L}`);
  const words = response.split(/\s+/).filter((w) => w !== '').length;
  const acc = correct ? 1 : 0;
  const format = formatReward(response);
  const length = 0.25 * Math.min(1, words / L);
  return { acc, format, length, total: acc + format + length };
}
