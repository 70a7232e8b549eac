// CounselBench-EVAL: an online-therapist responder rated by a judge on six expert dimensions.
// Data: embedded questions written for medkit (default), the CounselChat selection
// (--arg counselchat=<csv>), or a CounselBench-Eval ratings file (--arg path=<file>, rate its
// responses with --solver given). See README.md for the contract and what differs from upstream.
import { z } from 'zod';
import { defineBenchmark, type BenchmarkOptions, type Sample, type Scorer } from '../../core/index.js';
import { counselCommentClassifier } from './classify.js';
import { readCounselChat, selectCounselBenchQuestions, selectedQuestionSample } from './counselchat.js';
import { counselJudge } from './judge.js';
import { counselJury, parseJuryRoles } from './jury.js';
import { readEvalFile } from './loaders.js';
import { counselAggregateMetrics } from './metrics.js';
import { MAX_TRIES, MAX_WORDS } from './prompts.js';
import { EMBEDDED_QUESTIONS, questionSample } from './questions.js';
import { givenResponse, templateResponder, therapistResponder } from './responder.js';
import { counselSpans } from './spans.js';

const flag = (value: unknown) => value === true || value === 'true' || value === '1' || value === 'yes';
const numberArg = (value: unknown, fallback: number) =>
  value === undefined || value === null || value === '' ? fallback : Number(value);

async function dataset(options: BenchmarkOptions): Promise<Sample[]> {
  const { args } = options;
  if (typeof args.path === 'string') return readEvalFile(args.path);
  if (typeof args.counselchat === 'string') {
    const report = selectCounselBenchQuestions(await readCounselChat(args.counselchat), { strict: flag(args.strict) });
    return report.questions.map(selectedQuestionSample);
  }
  return EMBEDDED_QUESTIONS.map((question) => questionSample(question, { responder: 'solver under test' }));
}

export const counselbenchEval = defineBenchmark({
  name: 'counselbench-eval',
  version: 1,
  description:
    'CounselBench-EVAL: mental-health answers rated by a judge on six expert dimensions (overall, empathy, specificity, medical advice, factual consistency, toxicity)',
  tags: ['open-ended', 'judged', 'mental-health'],
  dataset,
  solvers: {
    baseline: () => templateResponder(),
    default: ({ args }) =>
      therapistResponder({
        temperature: numberArg(args.temperature, 0.7),
        maxWords: numberArg(args.maxWords, MAX_WORDS),
        maxTries: numberArg(args.maxTries, MAX_TRIES),
      }),
    given: () => givenResponse(),
  },
  scorers({ args }): Scorer[] {
    const scorers = [counselJudge({ temperature: numberArg(args.judgeTemperature, 0) })];
    if (typeof args.jury === 'string') {
      const combine = args.juryCombine === 'majority' ? 'majority' : 'mean';
      scorers.push(counselJury({ roles: parseJuryRoles(args.jury), combine }));
    }
    if (flag(args.spans)) scorers.push(counselSpans());
    if (flag(args.classify)) scorers.push(counselCommentClassifier());
    return scorers;
  },
  metrics: () => counselAggregateMetrics(),
  groupBy: ['topic', 'responder'],
  roles: ['judge'],
  roleFallbacks: {
    judge: 'the lexicon baseline rates the answers (not a valid judge); span and comment steps score null',
  },
  args: z.strictObject({
    path: z
      .string()
      .optional()
      .describe('CounselBench-Eval ratings file (CSV/JSONL) a user supplies; rate its responses with --solver given'),
    counselchat: z
      .string()
      .optional()
      .describe('CounselChat CSV: use the CounselBench question selection (top topics × 5 by upvotes)'),
    strict: z
      .boolean()
      .default(false)
      .describe(
        'with counselchat: fail when a top topic has fewer than 5 usable questions (upstream behaviour) instead of skipping it',
      ),
    spans: z
      .boolean()
      .default(false)
      .describe(
        'also ask the judge to copy toxic / inconsistent / medical-advice sentences (overlap with expert spans by SequenceMatcher ratio)',
      ),
    classify: z
      .boolean()
      .default(false)
      .describe(
        'classify expert comments of low-scored responses (overall ≤ 2) into the 7 categories (needs a ratings file)',
      ),
    jury: z
      .string()
      .optional()
      .describe(
        'roles whose models rate as a jury besides the judge, e.g. judge,grader,validator (give each with --role)',
      ),
    juryCombine: z.enum(['mean', 'majority']).default('mean').describe('how the jury combines per dimension'),
    temperature: z.number().min(0).default(0.7).describe('responder temperature'),
    maxWords: z
      .number()
      .int()
      .nonnegative()
      .default(MAX_WORDS)
      .describe('regenerate answers longer than this many words (0 = no limit)'),
    maxTries: z
      .number()
      .int()
      .positive()
      .default(MAX_TRIES)
      .describe('at most this many generations per answer; the last is kept and flagged'),
    judgeTemperature: z.number().min(0).default(0).describe('judge temperature'),
  }),
  // The paper reports per-dimension means first (six expert dimensions).
  headline: [
    { scorer: 'counsel-judge.overall', metric: 'mean', label: 'overall' },
    { scorer: 'counsel-judge.empathy', metric: 'mean', label: 'empathy' },
    { scorer: 'counsel-judge.specificity', metric: 'mean', label: 'specificity' },
    { scorer: 'counsel-judge.medical_advice', metric: 'mean', label: 'medical advice' },
    { scorer: 'counsel-judge.factual_consistency', metric: 'mean', label: 'factual consistency' },
    { scorer: 'counsel-judge.toxicity', metric: 'mean', label: 'toxicity' },
  ],
});
