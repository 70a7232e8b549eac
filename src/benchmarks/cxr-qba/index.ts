// MIMIC-Ext-CXR-QBA (`cxr-qba`, over the user's qa.json + MIMIC-CXR-JPG) and its embedded default
// `cxr-qba-synthetic` (phantom studies in the same schema). README.md states the contract.
import { z } from 'zod';
import { ConfigError, defineBenchmark, type BenchmarkOptions } from '../../core/index.js';
import { loadQa } from './load.js';
import { boxScorer, structuredScorer } from './scoring.js';
import { boxOverlapMicroMetric } from '../../scoring/box-iou.js';
import { priorFromQa, priorMajoritySolver, structuredSolver } from './solvers.js';
import { syntheticDataset } from './synthetic.js';

const str = (options: BenchmarkOptions, key: string) =>
  options.args[key] === undefined ? undefined : String(options.args[key]);
const threshold = (options: BenchmarkOptions) => {
  const value = Number(options.args.threshold ?? 0.3);
  if (!(value >= 0 && value <= 1))
    throw new ConfigError(`--arg threshold=${String(options.args.threshold)}: expected a number in [0, 1]`);
  return value;
};

const GRADES = ['A++', 'A+', 'A', 'B', 'C', 'D'] as const;
const scoringArgs = {
  min_grade: z.enum(GRADES).optional().describe('keep items graded at least this; "A" ≈ the fine-tuning grade'),
  threshold: z.number().min(0).max(1).default(0.3).describe('IoU/IoP/IoT hit threshold'),
  fallback_boxes: z.boolean().default(false).describe('also score against fallback (region-level) boxes'),
  prior: z
    .string()
    .optional()
    .describe(
      'baseline: held-out qa.json folder (e.g. the train split) whose majority answer per question type it gives (default: the phantom prior)',
    ),
};

const shared = {
  version: 1,
  tags: ['image-vqa', 'grounding', 'chest-xray'],
  solvers: {
    baseline: (options: BenchmarkOptions) => {
      const prior = str(options, 'prior');
      return prior
        ? priorMajoritySolver(
            () => priorFromQa(loadQa(prior, { lenient: true })),
            `majority per question type in ${prior}`,
          )
        : priorMajoritySolver();
    },
    default: () => structuredSolver(),
  },
  scorers: (options: BenchmarkOptions) => [
    structuredScorer(),
    boxScorer(threshold(options), options.args.fallback_boxes === true || options.args.fallback_boxes === 'true'),
  ],
  // Pixel-pooled IoU/IoP/IoT from each score's pixel counts (the runner keeps the metadata of
  // scorers a task metric reads).
  metrics: () => [boxOverlapMicroMetric('cxr_qba_boxes')],
  groupBy: ['question_type'],
  headline: [
    { scorer: 'cxr_qba.answer_rouge_l', metric: 'mean', label: 'answer ROUGE-L' },
    { scorer: 'cxr_qba_boxes', metric: 'iou_micro', task: true, label: 'box IoU (micro)' },
  ],
  bookkeeping: ['cxr_qba_boxes.px_*'],
};

export const cxrQba = defineBenchmark({
  ...shared,
  name: 'cxr-qba',
  description:
    'MIMIC-Ext-CXR-QBA on your qa.json files + MIMIC-CXR-JPG images: structured answers, IoU/IoP/IoT at 0.3, grade filters',
  dataset: (options) => {
    const qa = str(options, 'qa');
    const images = str(options, 'images');
    if (!qa || !images)
      throw new ConfigError(
        'cxr-qba needs --arg qa=<qa.json file or folder> and --arg images=<MIMIC-CXR-JPG root> (credentialed PhysioNet data; medkit ships none). Try cxr-qba-synthetic.',
      );
    const onError = options.onDataError;
    return loadQa(qa, {
      imagesDir: images,
      minGrade: str(options, 'min_grade'),
      ...(onError ? { lenient: true, onError } : {}),
    });
  },
  args: z.strictObject({
    qa: z
      .string()
      .optional()
      .describe('qa.json file or folder (searched for *.qa.json); a sibling .scene_graph.json adds its study_quality'),
    images: z.string().optional().describe('MIMIC-CXR-JPG root (files/pXX/pNNNNNNNN/sNNNNNNNN/*.jpg)'),
    ...scoringArgs,
  }),
});

export const cxrQbaSynthetic = defineBenchmark({
  ...shared,
  name: 'cxr-qba-synthetic',
  description: 'CXR-QBA-format questions over seeded chest-X-ray phantoms with exact boxes (embedded default)',
  dataset: (options) => {
    const n = Number(options.args.n ?? 12);
    if (!Number.isInteger(n) || n < 1)
      throw new ConfigError(`--arg n=${String(options.args.n)}: expected a positive integer`);
    return syntheticDataset(options.cacheDir, options.seed, n, str(options, 'min_grade'), options.onDataError);
  },
  args: z.strictObject({
    n: z.number().int().positive().default(12).describe('phantom studies (3–5 questions each)'),
    ...scoringArgs,
    min_grade: scoringArgs.min_grade.describe('keep items graded at least this (every fifth synthetic question is B)'),
  }),
});
