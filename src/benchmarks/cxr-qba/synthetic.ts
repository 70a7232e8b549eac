// cxr-qba-synthetic: studies built from seeded chest-X-ray phantoms, written in the real dataset's
// layout and schema (qa/p1x/p1xxxxxxx/sxxxxxxxx.qa.json + .scene_graph.json, images under
// images/files/p1x/p1xxxxxxx/sxxxxxxxx/<image_id>.png), then read by the same loader as real files.
// Questions: is_abnormal (B), has_finding (D, present or absent), where_is_finding (D, with boxes),
// describe_all (B). Grades: mostly A++/A+, every fifth question B, so the grade filter has work.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../imaging/image.js';
import { CHEST_FINDING_LABELS, generateChestXray } from '../../imaging/phantom-cxr.js';
import type { PlantedFinding } from '../../imaging/phantom-common.js';
import { createRng, hashSeed } from '../../stats/random.js';
import type { Sample } from '../../core/index.js';
import { loadQa } from './load.js';

const CATEGORY: Record<string, [string, string]> = {
  nodule: ['ANATOMICAL_FINDING', 'LUNG_FIELD'],
  mass: ['ANATOMICAL_FINDING', 'LUNG_FIELD'],
  consolidation: ['DISEASE', 'PULMONARY_DISEASES'],
  'pleural effusion': ['DISEASE', 'PLEURA'],
  pneumothorax: ['DISEASE', 'PLEURA'],
  cardiomegaly: ['ANATOMICAL_FINDING', 'CARDIAC'],
};

interface Built {
  answers: object[];
}

function answer(
  id: string,
  text: string,
  finding: PlantedFinding | null,
  label: string,
  positive: boolean,
  imageId: string,
): object {
  const [category, subcategory] = CATEGORY[label] ?? ['ANATOMICAL_FINDING', 'LUNG_FIELD'];
  return {
    answer_id: id,
    answer_type: 'main_answer',
    answer_level: 0,
    text,
    name_tag: label,
    laterality: finding ? finding.laterality : null,
    regions: finding ? [finding.region] : [],
    obs_entities: [label],
    obs_categories: [category],
    obs_subcategories: [subcategory],
    certainty: 'certain',
    positiveness: positive ? 'pos' : 'neg',
    modifiers: [],
    localization: finding
      ? {
          [imageId]: {
            bboxes: finding.boxes.map((box) => [box.x1, box.y1, box.x2, box.y2]),
            localization_reference_ids: [],
            instance_mask_ids: [],
            is_fallback: false,
          },
        }
      : {},
    sub_answers: [],
    from_report: false,
  };
}

const describe = (finding: PlantedFinding) =>
  finding.label === 'cardiomegaly'
    ? 'The cardiac silhouette is enlarged.'
    : `There is a ${finding.label} in the ${finding.region}.`;

export async function ensureSyntheticStudies(
  cacheDir: string,
  seed: number,
  count: number,
  size = 384,
): Promise<string> {
  const root = join(cacheDir, 'cxr-qba-synthetic', 'v1', `seed-${seed}-n${count}-s${size}`);
  const doneMarker = join(root, 'DONE');
  if (existsSync(doneMarker)) return root;
  const rng = createRng(hashSeed('cxr-qba-synthetic', seed));
  let questionCounter = 0;
  for (let index = 0; index < count; index++) {
    const patient = String(10000000 + index);
    const study = String(50000000 + index);
    const imageId = `${hashSeed('img', seed, index).toString(16).padStart(8, '0')}-phantom`;
    const phantom = generateChestXray({ seed: `cxr-qba-${seed}-${index}`, width: size, height: size });
    const relative = join(`p${patient.slice(0, 2)}`, `p${patient}`);
    const imageFolder = join(root, 'images', 'files', relative, `s${study}`);
    mkdirSync(imageFolder, { recursive: true });
    writeFileSync(join(imageFolder, `${imageId}.png`), await encodePng(phantom.raster));
    const findings = phantom.findings;
    const questions: object[] = [];
    const grade = () => (++questionCounter % 5 === 0 ? 'B' : rng.pick(['A++', 'A+', 'A++']));
    const push = (type: string, strategy: string, text: string, built: Built, obsIds: string[]) =>
      questions.push({
        question_id: `Q${String(questions.length + 1).padStart(2, '0')}`,
        question_type: type,
        question_strategy: strategy,
        variables: {},
        obs_ids: obsIds,
        contains_report_answers: false,
        contains_template_answers: true,
        question: text,
        answers: built.answers,
        question_quality: {
          entailment: grade(),
          relevance: 'A++',
          completeness: 'A+',
          question_clarity: 'A++',
          answer_clarity: 'A++',
        },
      });
    const abnormal = findings.length > 0;
    push(
      'is_abnormal',
      'abnormal',
      'Is the study abnormal?',
      {
        answers: abnormal
          ? findings.map((finding, i) =>
              answer(`A${i + 1}`, `Yes. ${describe(finding)}`, finding, finding.label, true, imageId),
            )
          : [
              {
                ...answer('A1', 'No, the study is normal.', null, 'no finding', false, imageId),
                name_tag: 'normal',
                obs_entities: [],
              },
            ],
      },
      findings.map((_, i) => `O${String(i + 1).padStart(2, '0')}`),
    );
    const present = findings.length ? rng.pick(findings) : null;
    const absentPool = CHEST_FINDING_LABELS.filter((label) => !findings.some((finding) => finding.label === label));
    const askPresent = present !== null && rng.next() < 0.5;
    const asked = askPresent ? present!.label : rng.pick(absentPool);
    push(
      'has_finding',
      'finding',
      `Is there ${asked === 'cardiomegaly' ? 'cardiomegaly' : `a ${asked}`}?`,
      {
        answers: [
          askPresent
            ? answer('A1', `Yes. ${describe(present!)}`, present, asked, true, imageId)
            : answer('A1', `No, there is no ${asked}.`, null, asked, false, imageId),
        ],
      },
      [],
    );
    findings.forEach((finding, i) => {
      push(
        'where_is_finding',
        'finding',
        `Where is the ${finding.label === 'cardiomegaly' ? 'enlarged heart' : finding.label}?`,
        {
          answers: [answer('A1', describe(finding), finding, finding.label, true, imageId)],
        },
        [`O${String(i + 1).padStart(2, '0')}`],
      );
    });
    push(
      'describe_all',
      'all',
      'Describe all findings in this study.',
      {
        answers: abnormal
          ? findings.map((finding, i) => answer(`A${i + 1}`, describe(finding), finding, finding.label, true, imageId))
          : [
              {
                ...answer('A1', 'No acute cardiopulmonary abnormality.', null, 'no finding', false, imageId),
                name_tag: 'normal',
                obs_entities: [],
              },
            ],
      },
      [],
    );
    const qaFolder = join(root, 'qa', relative);
    mkdirSync(qaFolder, { recursive: true });
    writeFileSync(
      join(qaFolder, `s${study}.qa.json`),
      JSON.stringify({ patient_id: `p${patient}`, study_id: `s${study}`, questions }, null, 1),
    );
    const observations = Object.fromEntries(
      findings.map((finding, i) => [
        `O${String(i + 1).padStart(2, '0')}`,
        {
          name: finding.label,
          summary_sentence: describe(finding),
          regions: [finding.region],
          entities: [finding.label],
          categories: [CATEGORY[finding.label]![0]],
          certainty: 'certain',
          positiveness: 'pos',
          laterality: finding.laterality,
          modifiers: [],
          localization: {
            [imageId]: { bboxes: finding.boxes.map((box) => [box.x1, box.y1, box.x2, box.y2]), is_fallback: false },
          },
        },
      ]),
    );
    writeFileSync(
      join(qaFolder, `s${study}.scene_graph.json`),
      JSON.stringify(
        {
          patient_id: `p${patient}`,
          study_id: `s${study}`,
          sentences: {},
          observations,
          study_quality: { overall: 'A++' },
          study_img_localization_quality: { [imageId]: 'A++' },
        },
        null,
        1,
      ),
    );
  }
  writeFileSync(doneMarker, new Date().toISOString());
  return root;
}

export async function* syntheticDataset(
  cacheDir: string,
  seed: number,
  count: number,
  minGrade: string | undefined,
  onError?: (error: Error) => void,
): AsyncGenerator<Sample> {
  const root = await ensureSyntheticStudies(cacheDir, seed, count);
  yield* loadQa(join(root, 'qa'), {
    imagesDir: join(root, 'images'),
    minGrade,
    ...(onError ? { lenient: true, onError } : {}),
  });
}
