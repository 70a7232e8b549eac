// Nested subsets of the written items (as released: 1K ⊂ 2K ⊂ 5K ⊂ 10K). Each item gets a seeded rank
// (hashSeed of seed and dataset_index); the subset of size k is the k smallest ranks, so smaller subsets
// nest in larger ones. Only the N ranks are held in memory; the items are streamed from disk.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { hashSeed } from '../stats/random.js';
import { readStage } from './stage-log.js';

export const DEFAULT_SUBSET_SIZES = [1000, 2000, 5000, 10000];

/** Writes `subsets/<name>-<k>.jsonl` for each size k below the item count; returns the files written. */
export async function writeNestedSubsets(
  itemsFile: string,
  outDir: string,
  count: number,
  seed: number,
  sizes = DEFAULT_SUBSET_SIZES,
): Promise<Record<number, string>> {
  const wanted = [...new Set(sizes)].filter((k) => Number.isInteger(k) && k > 0 && k < count).sort((a, b) => a - b);
  if (!wanted.length) return {};
  const ranks = new Float64Array(count);
  for (let i = 0; i < count; i++) ranks[i] = hashSeed('synth-subset', seed, i) + i / (count + 1); // ties broken by index
  const sorted = Float64Array.from(ranks).sort();
  const cutoffs = wanted.map((k) => sorted[k - 1]!);
  const dir = join(outDir, 'subsets');
  mkdirSync(dir, { recursive: true });
  const files = Object.fromEntries(wanted.map((k) => [k, join(dir, `medsynvqa-${k}.jsonl`)]));
  for (const file of Object.values(files)) writeFileSync(file, '');
  let index = 0;
  for await (const item of readStage<{ images?: string[] }>(itemsFile)) {
    // the subsets sit one folder down: relative image paths gain a `../`
    const images = item.images?.map((path) => (isAbsolute(path) ? path : join('..', path)));
    const line = `${JSON.stringify({ ...item, images })}\n`;
    wanted.forEach((k, j) => {
      if (ranks[index]! <= cutoffs[j]!) appendFileSync(files[k]!, line);
    });
    index++;
  }
  return files;
}
