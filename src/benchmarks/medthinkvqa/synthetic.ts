// medthinkvqa-synthetic: multi-image diagnostic cases over seeded phantoms, written in the release
// format (test.jsonl + images/caseNNNNN/<id>.png) and read back by the same loader. Chest cases
// have 1–4 timepoints of the same planted finding (longitudinal when more than one) and, for
// findings a CT shows, often the CT key slice as a second modality; eye cases have both fundi. Captions and IMAGING_FINDINGS come from the exact ground truth. The diagnosis is drawn
// from DIAGNOSIS_PRIOR, which the prior-majority baseline also uses (it is the generator's
// published prior, not a peek at answers).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../imaging/image.js';
import { generateChestXray } from '../../imaging/phantom-cxr.js';
import { generateFundus } from '../../imaging/phantom-fundus.js';
import { generateCt } from '../../imaging/phantom-ct.js';
import { ctSliceRaster } from '../../imaging/phantoms.js';
import type { PlantedFinding } from '../../imaging/phantom-common.js';
import { createRng, hashSeed, type Rng } from '../../stats/random.js';
import type { Sample } from '../../core/index.js';
import { loadMedthink, OPTION_LETTERS } from './items.js';

interface Diagnosis {
  name: string;
  weight: number;
  kind: 'chest' | 'fundus';
  findings: string[];
  history: string;
  icd: string;
  /** The CT phantom's label for the same finding, when a CT slice can show it. */
  ct?: string;
}

export const DIAGNOSES: Diagnosis[] = [
  {
    name: 'Parapneumonic pleural effusion',
    weight: 3,
    kind: 'chest',
    findings: ['pleural effusion'],
    history: 'fever, pleuritic chest pain and dyspnoea for ten days',
    icd: 'Diseases of the respiratory system',
    ct: 'pleural effusion',
  },
  {
    name: 'Lobar pneumonia',
    weight: 3,
    kind: 'chest',
    findings: ['consolidation'],
    history: 'productive cough and fever for four days',
    icd: 'Diseases of the respiratory system',
    ct: 'ground-glass opacity',
  },
  {
    name: 'Spontaneous pneumothorax',
    weight: 2,
    kind: 'chest',
    findings: ['pneumothorax'],
    history: 'sudden pleuritic chest pain and breathlessness; tall, smoker',
    icd: 'Diseases of the respiratory system',
  },
  {
    name: 'Solitary pulmonary nodule (granuloma)',
    weight: 2,
    kind: 'chest',
    findings: ['nodule'],
    history: 'incidental finding on a pre-operative film; asymptomatic',
    icd: 'Diseases of the respiratory system',
    ct: 'nodule',
  },
  {
    name: 'Primary lung carcinoma',
    weight: 2,
    kind: 'chest',
    findings: ['mass'],
    history: 'weight loss and haemoptysis; 40 pack-years',
    icd: 'Neoplasms',
    ct: 'mass',
  },
  {
    name: 'Dilated cardiomyopathy',
    weight: 2,
    kind: 'chest',
    findings: ['cardiomegaly'],
    history: 'progressive exertional dyspnoea and ankle swelling',
    icd: 'Diseases of the circulatory system',
  },
  {
    name: 'Non-proliferative diabetic retinopathy',
    weight: 2,
    kind: 'fundus',
    findings: ['hemorrhage', 'microaneurysm'],
    history: 'type 2 diabetes for 15 years, blurred vision',
    icd: 'Diseases of the eye and adnexa',
  },
  {
    name: 'Age-related macular degeneration',
    weight: 2,
    kind: 'fundus',
    findings: ['drusen'],
    history: 'gradual central visual loss in both eyes; aged 78',
    icd: 'Diseases of the eye and adnexa',
  },
  {
    name: 'Hypertensive retinopathy',
    weight: 1,
    kind: 'fundus',
    findings: ['cotton wool spot'],
    history: 'severe headache; blood pressure 220/130 mmHg',
    icd: 'Diseases of the eye and adnexa',
  },
];

export const DIAGNOSIS_PRIOR: Record<string, number> = Object.fromEntries(
  DIAGNOSES.map((diagnosis) => [diagnosis.name.toLowerCase(), diagnosis.weight]),
);

function pickWeighted(rng: Rng): Diagnosis {
  const total = DIAGNOSES.reduce((sum, diagnosis) => sum + diagnosis.weight, 0);
  let draw = rng.next() * total;
  for (const diagnosis of DIAGNOSES) if ((draw -= diagnosis.weight) < 0) return diagnosis;
  return DIAGNOSES.at(-1)!;
}

const sentence = (finding: PlantedFinding) =>
  finding.label === 'cardiomegaly'
    ? 'enlarged cardiac silhouette'
    : `${finding.label} in the ${finding.region} (about ${Math.round(finding.sizeMm)} mm)`;

export async function ensureSyntheticCases(cacheDir: string, seed: number, count: number, size = 320): Promise<string> {
  const folder = join(cacheDir, 'medthinkvqa-synthetic', 'v2', `seed-${seed}-n${count}-s${size}`);
  const file = join(folder, 'test.jsonl');
  if (existsSync(file)) return file;
  const rng = createRng(hashSeed('medthinkvqa-synthetic', seed));
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const caseId = 90000 + index;
    const diagnosis = pickWeighted(rng);
    const row: Record<string, unknown> = {
      title: `Case number ${caseId}`,
      CLINICAL_HISTORY: `${rng.pick(['A 54-year-old man', 'A 67-year-old woman', 'A 38-year-old man', 'A 72-year-old woman'])} presents with ${diagnosis.history}.`,
    };
    const captions: string[] = [];
    const images: { id: string; caption: string; modality: string; sub: string }[] = [];
    mkdirSync(join(folder, 'images', `case${caseId}`), { recursive: true });
    const timepoints = diagnosis.kind === 'chest' ? 1 + rng.int(4) : 2;
    const laterality = rng.next() < 0.5 ? 'left' : 'right';
    for (let t = 0; t < timepoints; t++) {
      const id = `${caseId}-${t + 1}`;
      let finding: PlantedFinding | undefined;
      let raster;
      if (diagnosis.kind === 'chest') {
        const label = diagnosis.findings[0]!;
        const phantom = generateChestXray({
          seed: `medthink-${seed}-${index}-${t}`,
          width: size,
          height: size,
          findings: [
            {
              label,
              ...(label === 'cardiomegaly' ? {} : { laterality }),
              ...(label === 'nodule' || label === 'mass'
                ? { sizePx: Math.round((label === 'nodule' ? 14 : 34) * (1 + 0.25 * t) * (size / 512)) }
                : {}),
            },
          ],
        });
        [finding, raster] = [phantom.findings[0], phantom.raster];
      } else {
        const phantom = generateFundus({
          seed: `medthink-${seed}-${index}-${t}`,
          size,
          eye: t === 0 ? 'right' : 'left',
          findings: diagnosis.findings.map((label) => ({ label })),
        });
        [finding, raster] = [phantom.findings[0], phantom.raster];
      }
      writeFileSync(join(folder, 'images', `case${caseId}`, `${id}.png`), await encodePng(raster));
      const caption =
        diagnosis.kind === 'chest'
          ? `Chest radiograph, PA${timepoints > 1 ? `, timepoint ${t + 1}` : ''}: ${finding ? sentence(finding) : 'no focal abnormality'}.`
          : `Colour fundus photograph, ${t === 0 ? 'right' : 'left'} eye: ${finding ? sentence(finding) : 'no lesion'}.`;
      captions.push(caption);
      images.push({
        id,
        caption,
        modality: diagnosis.kind === 'chest' ? 'X-ray' : 'Fundus photography',
        sub: diagnosis.kind === 'chest' ? 'Conventional radiography' : 'Colour fundus',
      });
    }
    // Chest cases whose finding a CT can show get the CT key slice in a second modality (60%).
    if (diagnosis.ct && rng.next() < 0.6) {
      const ct = generateCt({
        seed: `medthink-ct-${seed}-${index}`,
        size: 128,
        slices: 24,
        findings: [{ label: diagnosis.ct, laterality }],
      });
      const finding = ct.findings[0];
      if (finding) {
        const window = diagnosis.ct === 'pleural effusion' ? 'mediastinum' : 'lung';
        const id = `${caseId}-ct`;
        writeFileSync(
          join(folder, 'images', `case${caseId}`, `${id}.png`),
          await encodePng(ctSliceRaster(ct, finding.keySlice, window)),
        );
        const caption = `Axial CT, slice ${finding.keySlice + 1}/${ct.dims[2]}, ${window} window: ${diagnosis.ct} in the ${finding.region} (about ${Math.round(finding.sizeMm)} mm).`;
        captions.push(caption);
        images.push({ id, caption, modality: 'CT', sub: `Axial, ${window} window` });
      }
    }
    images.forEach((image, i) => {
      const key = `image_${String(i + 1).padStart(2, '0')}`;
      Object.assign(row, {
        [`${key}_id`]: image.id,
        [`${key}_path`]: `images/case${caseId}/${image.id}.png`,
        [`${key}_caption`]: image.caption,
        [`${key}_modality`]: image.modality,
        [`${key}_sub_modality`]: image.sub,
      });
    });
    const sameKind = rng.shuffle(DIAGNOSES.filter((other) => other !== diagnosis && other.kind === diagnosis.kind));
    const otherKind = rng.shuffle(DIAGNOSES.filter((other) => other.kind !== diagnosis.kind));
    const distractors = [...sameKind, ...otherKind].slice(0, 4);
    const texts = rng.shuffle([diagnosis.name, ...distractors.map((other) => other.name)]);
    const correct = OPTION_LETTERS[texts.indexOf(diagnosis.name)]!;
    Object.assign(row, {
      IMAGING_FINDINGS: captions.join(' ') + (timepoints > 1 ? ' The finding persists across timepoints.' : ''),
      discussion: `The imaging shows ${diagnosis.findings.join(' and ')}, which with the history points to ${diagnosis.name.toLowerCase()}.`,
      options: Object.fromEntries(texts.map((text, i) => [OPTION_LETTERS[i]!, text])),
      correct_answer: correct,
      correct_answer_text: diagnosis.name,
      'ICD Chapter': diagnosis.icd,
      is_longitudinal: timepoints > 1,
      timepoint_count: timepoints,
      interval_text: timepoints > 1 ? 'follow-up films at 3-month intervals' : '',
      image_count: images.length,
    });
    lines.push(JSON.stringify(row));
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
  const file = await ensureSyntheticCases(cacheDir, seed, count);
  yield* loadMedthink(file, onError ? { lenient: true, onError } : {});
}
