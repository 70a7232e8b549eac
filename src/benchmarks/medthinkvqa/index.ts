// MedThinkVQA (`medthinkvqa`, over the user's release JSONL) and `medthinkvqa-synthetic` (phantom
// cases, embedded default): multi-image 5-option differential diagnosis with the Think-with-Images
// solver, accuracy with CI, ROUGE-L of steps 1–2, the step-3 judge. README.md states the contract.
import { z } from 'zod';
import { ConfigError, defineBenchmark, type BenchmarkOptions } from '../../core/index.js';
import { choiceScorer } from '../../scoring/choice.js';
import { loadMedthink } from './items.js';
import { medthinkStepJudge, twiRougeScorer } from './scorers.js';
import { priorFromRows, priorMajoritySolver, thinkWithImagesSolver, type Mode, type Setting } from './solver.js';
import { DIAGNOSIS_PRIOR, syntheticDataset } from './synthetic.js';

const str = (options: BenchmarkOptions, key: string) =>
  options.args[key] === undefined ? undefined : String(options.args[key]);
const setting = (options: BenchmarkOptions): Setting => {
  const value = str(options, 'setting') ?? 'default';
  if (value !== 'default' && value !== 'expert') throw new ConfigError(`--arg setting=${value}: use default or expert`);
  return value;
};
const mode = (options: BenchmarkOptions): Mode => {
  const value = str(options, 'mode') ?? 'three-call';
  if (value !== 'three-call' && value !== 'single')
    throw new ConfigError(`--arg mode=${value}: use three-call or single`);
  return value;
};
const splitter = (options: BenchmarkOptions) => (str(options, 'splitter') === 'sentences' ? 'sentences' : 'llm');

const shared = {
  version: 1,
  tags: ['mcq', 'image-vqa', 'multi-image'],
  solvers: {
    baseline: (options: BenchmarkOptions) => {
      const prior = str(options, 'prior');
      return prior
        ? priorMajoritySolver(() =>
            priorFromRows(loadMedthink(prior, { lenient: true, checkFiles: false }), `answers of ${prior}`),
          )
        : priorMajoritySolver({ diagnoses: DIAGNOSIS_PRIOR, source: 'synthetic generator weights' });
    },
    default: (options: BenchmarkOptions) => thinkWithImagesSolver(setting(options), mode(options)),
  },
  scorers: (options: BenchmarkOptions) => [choiceScorer(), twiRougeScorer(), medthinkStepJudge(splitter(options))],
  roles: ['judge' as const],
  roleFallbacks: { judge: 'the step-3 judge score is null (accuracy and ROUGE-L are still computed)' },
  groupBy: ['icd_chapter', 'is_longitudinal'],
  headline: [{ scorer: 'choice', metric: 'mean', label: 'accuracy' }],
};

const commonArgs = {
  setting: z
    .enum(['default', 'expert'])
    .default('default')
    .describe(
      "default (history + images) or expert (adds IMAGING_FINDINGS and captions: the paper's expert-intermediates setting)",
    ),
  mode: z
    .enum(['three-call', 'single'])
    .default('three-call')
    .describe('three-call (findings, summary, differential as three turns) or single (one JSON reply)'),
  splitter: z
    .enum(['llm', 'sentences'])
    .default('llm')
    .describe('step-3 splitter: llm (role judge) or sentences (built-in, no model)'),
  prior: z
    .string()
    .optional()
    .describe(
      'baseline: a held-out release file (train.jsonl) whose answer frequencies it follows (default: the synthetic generator weights)',
    ),
};

export const medthinkvqa = defineBenchmark({
  ...shared,
  name: 'medthinkvqa',
  description:
    'MedThinkVQA on the released test.jsonl: multi-image 5-option diagnosis, Think-with-Images, ROUGE-L steps 1–2, step-3 judge',
  dataset: (options) => {
    const data = str(options, 'data');
    if (!data)
      throw new ConfigError(
        'medthinkvqa needs --arg data=<test.jsonl of the HF release> (CC BY-NC-SA 4.0; medkit ships none). Try medthinkvqa-synthetic.',
      );
    const onError = options.onDataError;
    return loadMedthink(data, { imagesRoot: str(options, 'images'), ...(onError ? { lenient: true, onError } : {}) });
  },
  args: z.strictObject({
    data: z.string().optional().describe('the release test.jsonl (images/caseNNNNN/*.jpg beside it)'),
    images: z.string().optional().describe("release root the image paths are relative to (default: the file's folder)"),
    ...commonArgs,
  }),
});

export const medthinkvqaSynthetic = defineBenchmark({
  ...shared,
  name: 'medthinkvqa-synthetic',
  description:
    'MedThinkVQA-format multi-image cases over seeded chest-X-ray, CT and fundus phantoms (embedded default)',
  dataset: (options) => {
    const n = Number(options.args.n ?? 12);
    if (!Number.isInteger(n) || n < 1)
      throw new ConfigError(`--arg n=${String(options.args.n)}: expected a positive integer`);
    return syntheticDataset(options.cacheDir, options.seed, n, options.onDataError);
  },
  args: z.strictObject({
    n: z.number().int().positive().default(12).describe('synthetic cases (1–4 images each)'),
    ...commonArgs,
  }),
});
