// Loaders for the files a credentialed user supplies (never redistributed):
//   qa.json (`p1x/p1xxxxxxx/sxxxxxxxx.qa.json`, a file or a folder searched recursively), one sample
//   per question; images from MIMIC-CXR-JPG (`<images>/files/pXX/pNNNNNNNN/sNNNNNNNN/<image_id>.jpg`).
//   scene_graph.json: one "where is <observation>?" sample per observation (derived items).
// Errors are SampleFormatErrors naming the file, the line of the question and the field.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import {
  SampleFormatError,
  defineLoader,
  imageFromPath,
  mediaTypeForPath,
  parseJsonFile as parseWholeJsonFile,
  textPart,
  userMessage,
  type JsonObject,
  type ReadOptions,
  type Sample,
} from '../../core/index.js';
import { parseBox, PIXEL_XYXY } from '../../imaging/boxes.js';
import { imageInfo } from '../../imaging/image.js';
import {
  qaFileSchema,
  questionSchema,
  sceneGraphSchema,
  type QbaAnswer,
  type QbaQuestion,
  type SceneGraph,
} from './schema.js';
import { collectGrades, minGrade, passesGrade, type Grade } from './quality.js';

export interface QbaLoadOptions extends ReadOptions {
  /** MIMIC-CXR-JPG root; without it samples carry no images (fine for `medkit data check`). */
  imagesDir?: string;
  /** Keep items whose grade is at least this (A++, A+, A, B, C, D). */
  minGrade?: string;
}

/** What scoring compares against: the main answers (answer_type main_answer) pooled. */
export interface QbaTarget extends JsonObject {
  texts: string[];
  tags: string[];
  laterality: string[];
  regions: string[];
  /** 'pos' when any main answer is positive, 'neg' when all are negative, null when none says. */
  positiveness: string | null;
  /** Non-fallback boxes per image id (pixel xyxy). */
  boxes: Record<string, number[][]>;
  /** Fallback (region-level) boxes per image id, kept apart. */
  fallbackBoxes: Record<string, number[][]>;
}

const lower = (values: (string | null | undefined)[]) => [
  ...new Set(
    values
      .filter((value): value is string => Boolean(value && value.trim()))
      .map((value) => value.trim().toLowerCase()),
  ),
];

export function targetFromAnswers(answers: readonly QbaAnswer[]): QbaTarget {
  const main = answers.filter((answer) => answer.answer_type === 'main_answer');
  const boxes: Record<string, number[][]> = {};
  const fallbackBoxes: Record<string, number[][]> = {};
  for (const answer of main) {
    for (const [imageId, localization] of Object.entries(answer.localization ?? {})) {
      const into = localization.is_fallback ? fallbackBoxes : boxes;
      (into[imageId] ??= []).push(...localization.bboxes);
    }
  }
  const signs = lower(main.map((answer) => answer.positiveness));
  return {
    texts: main.map((answer) => answer.text),
    tags: lower(main.flatMap((answer) => [answer.name_tag, ...answer.obs_entities])),
    laterality: lower(main.map((answer) => answer.laterality)).filter((side) => side !== 'none'),
    regions: lower(main.flatMap((answer) => answer.regions)),
    positiveness: signs.includes('pos') ? 'pos' : signs.includes('neg') ? 'neg' : null,
    boxes,
    fallbackBoxes,
  };
}

/** The study folder of MIMIC-CXR-JPG (with or without the leading files/). */
export function studyFolder(imagesDir: string, patientId: string, studyId: string): string {
  const patient = patientId.replace(/^p/i, '');
  const study = studyId.replace(/^s/i, '');
  const relative = join(`p${patient.slice(0, 2)}`, `p${patient}`, `s${study}`);
  const withFiles = join(imagesDir, 'files', relative);
  return existsSync(withFiles) ? withFiles : join(imagesDir, relative);
}

function parseJsonFile(file: string): { value: unknown; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SampleFormatError(file, 1, '(file)', `cannot read: ${(error as Error).message}`);
  }
  return { value: parseWholeJsonFile(file, text), text }; // BOM accepted; a syntax error names line:column
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

function validate<T>(schema: z.ZodType<T>, value: unknown, file: string, line: number, prefix: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  throw new SampleFormatError(file, line, `${prefix}${path}`.replace(/^\./, '') || '(file)', issue.message);
}

function* walk(path: string, suffix: string): Generator<string> {
  if (!existsSync(path)) throw new SampleFormatError(path, 1, '(path)', 'no such file or folder');
  if (!statSync(path).isDirectory()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path).sort()) {
    const child = join(path, entry);
    if (statSync(child).isDirectory()) yield* walk(child, suffix);
    else if (entry.endsWith(suffix)) yield child;
  }
}

function studyImages(
  options: QbaLoadOptions,
  patientId: string,
  studyId: string,
  referenced: string[],
  file: string,
  line: number,
): Record<string, string> {
  if (!options.imagesDir) return {};
  const folder = studyFolder(options.imagesDir, patientId, studyId);
  if (!existsSync(folder)) throw new SampleFormatError(file, line, 'study_id', `image folder not found: ${folder}`);
  const images: Record<string, string> = {};
  for (const entry of readdirSync(folder).sort())
    if (/\.(jpe?g|png)$/i.test(entry)) images[entry.replace(/\.[^.]+$/, '')] = join(folder, entry);
  for (const imageId of referenced) {
    if (!images[imageId])
      throw new SampleFormatError(
        file,
        line,
        'localization',
        `image file not found: ${join(folder, `${imageId}.jpg`)}`,
      );
  }
  return images;
}

/**
 * Target boxes must be pixel xyxy with x1 ≤ x2, y1 ≤ y2 and, when the image is at hand, inside it
 * (a SampleFormatError naming the answer, image and box otherwise).
 */
async function checkBoxes(
  answers: readonly QbaAnswer[],
  images: Record<string, string>,
  file: string,
  line: number,
  prefix: string,
): Promise<void> {
  const sizes = new Map<string, { width: number; height: number }>();
  for (const [a, answer] of answers.entries()) {
    for (const [imageId, localization] of Object.entries(answer.localization ?? {})) {
      const path = images[imageId];
      if (path && !sizes.has(imageId)) {
        try {
          sizes.set(imageId, await imageInfo(path));
        } catch (error) {
          throw new SampleFormatError(
            file,
            line,
            `${prefix}answers[${a}].localization.${imageId}`,
            (error as Error).message,
          );
        }
      }
      localization.bboxes.forEach((values, b) => {
        const field = `${prefix}answers[${a}].localization.${imageId}.bboxes[${b}]`;
        try {
          parseBox(values, PIXEL_XYXY, sizes.get(imageId), { where: field });
        } catch (error) {
          throw new SampleFormatError(file, line, field, (error as Error).message.replace(/^[^:]*: /, ''));
        }
      });
    }
  }
}

export function qaSample(
  question: QbaQuestion,
  patientId: string,
  studyId: string,
  grade: Grade | null,
  images: Record<string, string>,
  file: string,
  line: number,
): Sample {
  const target = targetFromAnswers(question.answers);
  const parts = Object.entries(images).map(([imageId, path]) => imageFromPath(path, mediaTypeForPath(path), imageId));
  return {
    id: `s${studyId.replace(/^s/i, '')}/${question.question_id}`,
    input: [userMessage([...parts, textPart(question.question)])],
    target,
    files: images,
    metadata: {
      question: question.question,
      question_type: question.question_type,
      question_strategy: question.question_strategy ?? null,
      grade,
      patient_id: patientId,
      study_id: studyId,
      images,
      source: `${file}:${line}`,
    },
  };
}

function report(error: unknown, options: ReadOptions): void {
  if (!(error instanceof SampleFormatError) || !options.lenient) throw error;
  options.onError?.(error);
}

export async function* loadQa(path: string, options: QbaLoadOptions = {}): AsyncGenerator<Sample> {
  for (const file of walk(path, '.qa.json')) {
    let parsed;
    try {
      const { value, text } = parseJsonFile(file);
      const study = validate(qaFileSchema, value, file, 1, '');
      parsed = { study, text };
    } catch (error) {
      report(error, options);
      continue;
    }
    const sceneFile = file.replace(/\.qa\.json$/, '.scene_graph.json');
    let studyGrades: Grade[] = [];
    if (sceneFile !== file && existsSync(sceneFile)) {
      try {
        const scene = validate(sceneGraphSchema, parseJsonFile(sceneFile).value, sceneFile, 1, '');
        studyGrades = collectGrades(scene.study_quality);
      } catch (error) {
        report(error, options);
      }
    }
    const { study, text } = parsed;
    for (const [index, raw] of study.questions.entries()) {
      const id = raw && typeof raw === 'object' ? (raw as { question_id?: unknown }).question_id : undefined;
      const line = typeof id === 'string' ? lineOf(text, `"${id}"`) : 1;
      try {
        const question = validate(questionSchema, raw, file, line, `questions[${index}]`);
        const grades = [...studyGrades, ...collectGrades(question.question_quality)];
        for (const answer of question.answers)
          for (const [key, value] of Object.entries(answer)) if (/quality/i.test(key)) collectGrades(value, grades);
        const grade = minGrade(grades);
        if (!passesGrade(grade, options.minGrade)) continue;
        const referenced = [...new Set(question.answers.flatMap((answer) => Object.keys(answer.localization ?? {})))];
        const images = studyImages(options, study.patient_id, study.study_id, referenced, file, line);
        await checkBoxes(question.answers, images, file, line, `questions[${index}].`);
        yield qaSample(question, study.patient_id, study.study_id, grade, images, file, line);
      } catch (error) {
        report(error, options);
      }
    }
  }
}

/** Scene graphs → one "where is <observation>?" sample per observation with boxes (derived, not upstream questions). */
export async function* loadSceneGraphs(path: string, options: QbaLoadOptions = {}): AsyncGenerator<Sample> {
  for (const file of walk(path, '.scene_graph.json')) {
    let scene: SceneGraph;
    try {
      scene = validate(sceneGraphSchema, parseJsonFile(file).value, file, 1, '');
    } catch (error) {
      report(error, options);
      continue;
    }
    const studyId = scene.study_id ?? basename(file).replace(/\.scene_graph\.json$/, '');
    const patientId = scene.patient_id ?? basename(join(file, '..'));
    const grade = minGrade(collectGrades(scene.study_quality));
    if (!passesGrade(grade, options.minGrade)) continue;
    for (const [obsId, observation] of Object.entries(scene.observations)) {
      try {
        const answer: QbaAnswer = {
          answer_id: obsId,
          answer_type: 'main_answer',
          answer_level: 0,
          text: observation.summary_sentence ?? observation.name,
          name_tag: observation.name,
          laterality: observation.laterality ?? null,
          regions: observation.regions.map((region) =>
            typeof region === 'string'
              ? region
              : String((region as { region?: unknown }).region ?? JSON.stringify(region)),
          ),
          obs_entities: observation.entities,
          obs_categories: observation.categories,
          obs_subcategories: [],
          positiveness: observation.positiveness ?? null,
          localization: observation.localization ?? null,
          sub_answers: [],
        };
        const question: QbaQuestion = {
          question_id: obsId,
          question_type: 'scene_graph_where_is',
          obs_ids: [obsId],
          question: `Where is the ${observation.name}?`,
          answers: [answer],
        };
        const images = studyImages(options, patientId, studyId, Object.keys(observation.localization ?? {}), file, 1);
        await checkBoxes(question.answers, images, file, 1, `observations.${obsId}.`);
        yield qaSample(question, patientId, studyId, grade, images, file, 1);
      } catch (error) {
        report(error, options);
      }
    }
  }
}

export const cxrQbaQaLoader = defineLoader({
  name: 'cxr-qba-qa',
  description: 'MIMIC-Ext-CXR-QBA qa.json files (a file or a folder, searched for *.qa.json); one sample per question',
  load: (path, options) => loadQa(path, options),
  splitOf: (sample) => String(sample.metadata?.question_type ?? 'unknown'),
});

export const cxrQbaSceneGraphLoader = defineLoader({
  name: 'cxr-qba-scene-graph',
  description: 'MIMIC-Ext-CXR-QBA scene_graph.json files; one derived "where is <observation>?" sample per observation',
  load: (path, options) => loadSceneGraphs(path, options),
  splitOf: (sample) => String(sample.metadata?.grade ?? 'ungraded'),
});
