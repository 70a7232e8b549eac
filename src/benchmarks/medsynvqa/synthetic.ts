// The embedded set: MedSynVQA-format MCQs over seeded phantoms ("which finding is shown?"),
// written once to the cache (PNG + JSONL with `options` as a JSON string, as in the eval files)
// and read back through the same loader as a user's file.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../imaging/image.js';
import { CHEST_FINDING_LABELS, generateChestXray } from '../../imaging/phantom-cxr.js';
import { FUNDUS_FINDING_LABELS, generateFundus } from '../../imaging/phantom-fundus.js';
import { createRng, hashSeed } from '../../stats/random.js';
import type { Sample } from '../../core/index.js';
import { loadMedsyn } from './items.js';

const LETTERS = ['A', 'B', 'C', 'D', 'E'];

export async function ensureSyntheticSet(cacheDir: string, seed: number, count: number, size = 320): Promise<string> {
  const folder = join(cacheDir, 'medsynvqa', 'v1', `seed-${seed}-n${count}-s${size}`);
  const file = join(folder, 'medsynvqa-phantom.jsonl');
  if (existsSync(file)) return file;
  mkdirSync(join(folder, 'images'), { recursive: true });
  const rng = createRng(hashSeed('medsynvqa-phantom', seed));
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const chest = index % 2 === 0;
    const pool: readonly string[] = chest ? CHEST_FINDING_LABELS : FUNDUS_FINDING_LABELS;
    const label = pool[rng.int(pool.length)]!;
    const phantom = chest
      ? generateChestXray({ seed: `medsyn-${seed}-${index}`, width: size, height: size, findings: [{ label }] })
      : generateFundus({ seed: `medsyn-${seed}-${index}`, size, findings: [{ label }] });
    const finding = phantom.findings[0];
    if (!finding) continue;
    const distractors = rng.shuffle(pool.filter((other) => other !== label)).slice(0, 4);
    const texts = rng.shuffle([label, ...distractors]);
    const options = Object.fromEntries(texts.map((text, i) => [LETTERS[i]!, text]));
    const answerLabel = LETTERS[texts.indexOf(label)]!;
    const image = `images/${chest ? 'chest' : 'fundus'}-${String(index).padStart(3, '0')}.png`;
    writeFileSync(join(folder, image), await encodePng(phantom.raster));
    lines.push(
      JSON.stringify({
        images: [image],
        question: chest
          ? `A synthetic PA chest radiograph is shown. Which abnormality does it show?`
          : `A synthetic colour fundus photograph is shown. Which lesion does it show?`,
        options: JSON.stringify(options),
        answer_label: answerLabel,
        answer: label,
        dataset_name: chest ? 'phantom-chest' : 'phantom-fundus',
        dataset_index: index,
      }),
    );
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export async function* syntheticDataset(
  cacheDir: string,
  seed: number,
  count: number,
  onError?: (error: Error) => void,
): AsyncGenerator<Sample> {
  const file = await ensureSyntheticSet(cacheDir, seed, count);
  yield* loadMedsyn(file, onError ? { lenient: true, onError } : {});
}
