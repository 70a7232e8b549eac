// The embedded set: 512×512 PA chest phantoms with no nodule or one nodule of a graded diameter,
// one closed question per image (presence, count, side, location, size), written once to the cache.
// Sizes are chosen so that "small" nodules span under ~1.5 pixels at a 128-pixel model view and
// several pixels in a 4× zoomed crop: the effect of zooming is measurable by size group.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject, Sample } from '../../core/index.js';
import { encodePng } from '../../imaging/image.js';
import { generateChestXray } from '../../imaging/phantom-cxr.js';
import { createRng, hashSeed } from '../../stats/random.js';

export const SIZE_GROUPS = {
  none: [0],
  small: [3, 4, 5, 6],
  medium: [8, 10, 12],
  large: [16, 20, 24],
} as const;
export type SizeGroup = keyof typeof SIZE_GROUPS;
export const FAMILIES = ['presence', 'count', 'side', 'location', 'size'] as const;
export type Family = (typeof FAMILIES)[number];

const IMAGE_SIZE = 512;
/** The phantom spans about 430 mm across 512 pixels. */
const SPACING_MM = 0.84;
const SIZE_LIMITS_MM = [3, 5, 7, 9, 12, 16];

export interface GradedItem {
  id: string;
  image: string;
  question: string;
  answer: string;
  family: Family;
  size_group: SizeGroup;
  size_px: number;
  size_mm: number;
  box: number[] | null;
  region: string | null;
}

// Per 10 images of a size group with a finding: 4 presence, and 1–2 each of the other families.
const FAMILY_CYCLE: Family[] = [
  'presence',
  'side',
  'presence',
  'location',
  'count',
  'presence',
  'size',
  'side',
  'presence',
  'location',
];

function questionFor(family: Family, limitMm: number): string {
  switch (family) {
    case 'presence':
      return 'Is there a lung nodule in this chest radiograph? Answer yes or no.';
    case 'count':
      return 'How many lung nodules are there in this chest radiograph? Answer with a number.';
    case 'side':
      return 'On which side of the patient is the lung nodule: left or right? Answer left or right.';
    case 'location':
      return 'In which zone of the lung is the nodule: upper, middle or lower? Answer with one word.';
    case 'size':
      return `Is the lung nodule larger than ${limitMm} mm in diameter? The pixel spacing is ${SPACING_MM} mm. Answer yes or no.`;
  }
}

export async function ensureGradedSet(cacheDir: string, seed: number, perGroup: number): Promise<string> {
  const folder = join(cacheDir, 'graded-phantom', 'v1', `seed-${seed}-g${perGroup}`);
  const file = join(folder, 'items.json');
  if (existsSync(file)) return file;
  mkdirSync(join(folder, 'images'), { recursive: true });
  const rng = createRng(hashSeed('graded-phantom', seed));
  const items: GradedItem[] = [];
  for (const group of Object.keys(SIZE_GROUPS) as SizeGroup[]) {
    const sizes = SIZE_GROUPS[group];
    for (let index = 0; index < perGroup; index++) {
      const sizePx = sizes[index % sizes.length]!;
      const id = `${group}-${String(index).padStart(3, '0')}`;
      const phantom = generateChestXray({
        seed: `graded-${seed}-${id}`,
        width: IMAGE_SIZE,
        height: IMAGE_SIZE,
        findings: sizePx > 0 ? [{ label: 'nodule', sizePx }] : [],
      });
      const finding = phantom.findings[0];
      if (sizePx > 0 && !finding) continue; // the generator found no place for it: leave the item out
      const image = join(folder, 'images', `${id}.png`);
      writeFileSync(image, await encodePng(phantom.raster));
      const family: Family = finding
        ? FAMILY_CYCLE[index % FAMILY_CYCLE.length]!
        : index % 4 === 3
          ? 'count'
          : 'presence';
      const sizeMm = finding ? Math.round(sizePx * SPACING_MM * 100) / 100 : 0;
      const limits = SIZE_LIMITS_MM.filter((limit) => Math.abs(limit - sizeMm) >= 1);
      const limit = limits[rng.int(limits.length)]!;
      const answer = (() => {
        switch (family) {
          case 'presence':
            return finding ? 'yes' : 'no';
          case 'count':
            return finding ? '1' : '0';
          case 'side':
            return finding!.laterality;
          case 'location':
            return /upper|middle|lower/.exec(finding!.region)![0];
          case 'size':
            return sizeMm > limit ? 'yes' : 'no';
        }
      })();
      items.push({
        id,
        image,
        question: questionFor(family, limit),
        answer,
        family,
        size_group: group,
        size_px: sizePx,
        size_mm: sizeMm,
        box: finding ? [finding.box.x1, finding.box.y1, finding.box.x2, finding.box.y2] : null,
        region: finding?.region ?? null,
      });
    }
  }
  writeFileSync(file, JSON.stringify(items, null, 1));
  return file;
}

export function itemToSample(item: GradedItem): Sample {
  return {
    id: item.id,
    input: [
      {
        role: 'user',
        content: [
          { type: 'text', text: item.question },
          {
            type: 'image',
            source: { kind: 'path', path: item.image },
            mediaType: 'image/png',
            label: `chest phantom ${item.id}`,
          },
        ],
      },
    ],
    target: item.answer,
    metadata: {
      family: item.family,
      size_group: item.size_group,
      size_px: item.size_px,
      size_mm: item.size_mm,
      box: item.box,
      region: item.region,
      width: IMAGE_SIZE,
      height: IMAGE_SIZE,
      image: item.image,
    } as JsonObject,
    files: { image: item.image },
  };
}

export function readGradedItems(file: string): GradedItem[] {
  return JSON.parse(readFileSync(file, 'utf8')) as GradedItem[];
}
