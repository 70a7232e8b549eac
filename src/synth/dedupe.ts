// Near-duplicate stem removal (a medkit addition to MedVLSynther; off unless `--dedupe <threshold>`).
// MinHash over character shingles with LSH banding, a small implementation (no maintained npm MinHash
// package fits: `minhash@0.0.9` is unmaintained): the stem is lower-cased, non-alphanumerics become
// spaces, runs of spaces one; its shingles are the overlapping `shingle`-character substrings; each
// shingle is hashed (FNV-1a 32-bit) and permutation i is fmix32(hash XOR seed_i) (MurmurHash3's
// finaliser; seeds from the run seed). The estimated Jaccard of two stems is the share of equal
// signature entries. Candidates come from LSH: `bands` bands of `rows` = permutations / bands rows; an
// item is a duplicate when a kept earlier item shares a band and its estimated Jaccard ≥ threshold. The
// first item in stage-file order is kept. Only kept items are indexed (~0.7 KB each at 128 permutations).
import { createRng, hashSeed } from '../stats/random.js';

export interface DedupeSpec {
  threshold: number;
  permutations: number;
  bands: number;
  rows: number;
  /** Shingle length in characters of the normalised stem. */
  shingle: number;
  seed: number;
  method: 'minhash-lsh';
}

export function dedupeSpec(threshold: number, seed: number, permutations = 128, shingle = 5): DedupeSpec {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`dedupe threshold ${threshold}: expected (0, 1]`);
  if (!Number.isInteger(permutations) || permutations < 4 || permutations % 4)
    throw new RangeError(`dedupe permutations ${permutations}: expected a multiple of 4`);
  return { threshold, permutations, bands: permutations / 4, rows: 4, shingle, seed, method: 'minhash-lsh' };
}

export const normaliseStem = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** The set of character shingles of a normalised text (the text itself when shorter than k). */
export function shingles(text: string, k: number): Set<string> {
  const norm = normaliseStem(text);
  const out = new Set<string>();
  if (norm.length <= k) {
    out.add(norm);
    return out;
  }
  for (let i = 0; i + k <= norm.length; i++) out.add(norm.slice(i, i + k));
  return out;
}

/** Exact Jaccard of two sets (the reference the estimate is tested against). */
export function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const union = a.size + b.size - shared;
  return union ? shared / union : 1;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class MinHasher {
  private readonly seeds: Uint32Array;
  constructor(readonly spec: DedupeSpec) {
    const rng = createRng(hashSeed('synth-minhash', spec.seed));
    this.seeds = Uint32Array.from({ length: spec.permutations }, () => rng.int(0x100000000) >>> 0);
  }
  signature(text: string): Uint32Array {
    const signature = new Uint32Array(this.spec.permutations).fill(0xffffffff);
    for (const shingle of shingles(text, this.spec.shingle)) {
      const hash = fnv1a(shingle);
      for (let i = 0; i < signature.length; i++) {
        const value = fmix32(hash ^ this.seeds[i]!);
        if (value < signature[i]!) signature[i] = value;
      }
    }
    return signature;
  }
}

export const estimatedJaccard = (a: Uint32Array, b: Uint32Array): number => {
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
};

/** Streaming deduplicator: `check(key, stem)` returns the kept item it duplicates, or undefined (then it is kept). */
export class StemDeduplicator {
  private readonly hasher: MinHasher;
  private readonly buckets: Array<Map<number, number | number[]>>;
  private readonly signatures: Uint32Array[] = [];
  private readonly keys: string[] = [];
  constructor(readonly spec: DedupeSpec) {
    this.hasher = new MinHasher(spec);
    this.buckets = Array.from({ length: spec.bands }, () => new Map());
  }

  check(key: string, stem: string): { duplicateOf: string; estimatedJaccard: number } | undefined {
    const signature = this.hasher.signature(stem);
    const bandKeys = Array.from({ length: this.spec.bands }, (_, band) => {
      let hash = 0x811c9dc5 ^ band;
      for (let r = 0; r < this.spec.rows; r++) hash = fmix32(hash ^ signature[band * this.spec.rows + r]!);
      return hash;
    });
    let best: { index: number; estimate: number } | undefined;
    const seen = new Set<number>();
    bandKeys.forEach((bandKey, band) => {
      const entry = this.buckets[band]!.get(bandKey);
      for (const index of entry === undefined ? [] : typeof entry === 'number' ? [entry] : entry) {
        if (seen.has(index)) continue;
        seen.add(index);
        const estimate = estimatedJaccard(signature, this.signatures[index]!);
        if (estimate >= this.spec.threshold && (!best || estimate > best.estimate)) best = { index, estimate };
      }
    });
    if (best) return { duplicateOf: this.keys[best.index]!, estimatedJaccard: best.estimate };
    const index = this.signatures.length;
    this.signatures.push(signature);
    this.keys.push(key);
    bandKeys.forEach((bandKey, band) => {
      const map = this.buckets[band]!;
      const entry = map.get(bandKey);
      if (entry === undefined) map.set(bandKey, index);
      else if (typeof entry === 'number') map.set(bandKey, [entry, index]);
      else entry.push(index);
    });
    return undefined;
  }
}
