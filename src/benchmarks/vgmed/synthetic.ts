// vgmed-phantom: VGMED-format items over seeded phantoms (src/imaging), written once to the cache
// as PNGs plus VGMED_localization.jsonl / VGMED_attribute.jsonl, then read back through the same
// loader a user's files go through. Questions name the target and where to look (VGMED's premise:
// the model is told what to look for; only visual grounding is tested). Boxes are exact.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../imaging/image.js';
import { generateChestXray, CHEST_FINDING_LABELS } from '../../imaging/phantom-cxr.js';
import { generateFundus, FUNDUS_FINDING_LABELS } from '../../imaging/phantom-fundus.js';
import type { PlantedFinding } from '../../imaging/phantom-common.js';
import type { Sample } from '../../core/index.js';
import { loadVgmed } from './items.js';

export const PHANTOM_VERSION = 1;

const CHEST_LOOK: Record<string, string> = {
  nodule: 'a small round opacity',
  mass: 'a large round opacity',
  consolidation: 'an ill-defined airspace opacity',
  'pleural effusion': 'blunting of the costophrenic angle by a dependent opacity',
  pneumothorax: 'a lucent apical space without lung markings',
  cardiomegaly: 'a cardiac silhouette wider than half the thorax',
};
const FUNDUS_LOOK: Record<string, string> = {
  hemorrhage: 'a dark red blot',
  microaneurysm: 'a tiny red dot',
  'hard exudate': 'a bright yellow deposit',
  'cotton wool spot': 'a pale fluffy patch',
  drusen: 'a yellowish round deposit',
};

interface Row {
  image: string;
  question: string;
  bbox: number[][];
  answer: string;
  id: string;
}

function rowsFor(
  kind: 'chest' | 'fundus',
  index: number,
  finding: PlantedFinding,
  image: string,
): { localization: Row; attribute: Row } {
  const boxes = finding.boxes.map((box) => [box.x1, box.y1, box.x2, box.y2]);
  const look = kind === 'chest' ? CHEST_LOOK[finding.label] : FUNDUS_LOOK[finding.label];
  const where = kind === 'chest' ? 'chest radiograph' : 'fundus photograph';
  const localization: Row = {
    id: `vgmed-phantom-${index}-loc`,
    image,
    question: `Is there a ${finding.label} in the ${finding.region} on this ${where}? Look for ${look}.`,
    bbox: boxes,
    answer: 'yes',
  };
  const attribute: Row =
    kind === 'chest' && finding.laterality !== 'none'
      ? {
          id: `vgmed-phantom-${index}-attr`,
          image,
          question: `On which side of the patient is the ${finding.label} (${look}) on this ${where}: left, right or both?`,
          bbox: boxes,
          answer: finding.laterality === 'bilateral' ? 'both' : finding.laterality,
        }
      : kind === 'chest'
        ? {
            id: `vgmed-phantom-${index}-attr`,
            image,
            question: `Is the cardiac silhouette enlarged on this ${where}? Look for ${look}.`,
            bbox: boxes,
            answer: 'yes',
          }
        : {
            id: `vgmed-phantom-${index}-attr`,
            image,
            question: `In which region of the retina is the ${finding.label} (${look}) on this ${where}?`,
            bbox: boxes,
            answer: finding.region,
          };
  return { localization, attribute };
}

/** Writes the phantom set under `<cacheDir>/vgmed-phantom/v1/seed-<seed>-n<count>/` (once) and returns that folder. */
export async function ensurePhantomSet(cacheDir: string, seed: number, count: number, size = 384): Promise<string> {
  const folder = join(cacheDir, 'vgmed-phantom', `v${PHANTOM_VERSION}`, `seed-${seed}-n${count}-s${size}`);
  const done = join(folder, 'VGMED_attribute.jsonl');
  if (existsSync(done)) return folder;
  mkdirSync(join(folder, 'images'), { recursive: true });
  const localization: Row[] = [];
  const attribute: Row[] = [];
  for (let index = 0; index < count; index++) {
    const kind = index % 3 === 2 ? 'fundus' : 'chest';
    const phantom =
      kind === 'chest'
        ? generateChestXray({
            seed: `vgmed-${seed}-${index}`,
            width: size,
            height: size,
            findings: [{ label: CHEST_FINDING_LABELS[index % CHEST_FINDING_LABELS.length]! }],
          })
        : generateFundus({
            seed: `vgmed-${seed}-${index}`,
            size,
            findings: [{ label: FUNDUS_FINDING_LABELS[index % FUNDUS_FINDING_LABELS.length]! }],
          });
    const finding = phantom.findings[0];
    if (!finding) continue; // the generator could not place it; the item is left out, not faked
    const image = `images/${kind}-${String(index).padStart(3, '0')}.png`;
    writeFileSync(join(folder, image), await encodePng(phantom.raster));
    const rows = rowsFor(kind, index, finding, image);
    localization.push(rows.localization);
    attribute.push(rows.attribute);
  }
  const toLines = (rows: Row[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
  writeFileSync(join(folder, 'VGMED_localization.jsonl'), toLines(localization));
  writeFileSync(join(folder, 'VGMED_attribute.jsonl'), toLines(attribute));
  return folder;
}

export async function* phantomDataset(
  cacheDir: string,
  seed: number,
  count: number,
  onError?: (error: Error) => void,
): AsyncGenerator<Sample> {
  const folder = await ensurePhantomSet(cacheDir, seed, count);
  const options = onError ? { lenient: true, onError } : {};
  yield* loadVgmed(join(folder, 'VGMED_localization.jsonl'), options);
  yield* loadVgmed(join(folder, 'VGMED_attribute.jsonl'), options);
}
