// CounselBench-EVAL: an online-therapist responder rated by a judge on six expert dimensions.
// Data: embedded questions written for medkit (default), the CounselChat selection
// (--arg counselchat=<csv>), or a CounselBench-Eval ratings file (--arg path=<file>, rate its
// responses with --solver given). See README.md for the contract and what differs from upstream.
import { z } from 'zod';
import { defineBenchmark, type BenchmarkOptions, type Sample, type Scorer } from '../../core/index.js';
import { counselCommentClassifier } from './classify.js';
import { readCounselChat, selectCounselBenchQuestions, selectedQuestionSample } from './counselchat.js';
import { counselJudge } from './judge.js';
import { counselJudgeReward } from './reward.js';
import { counselJury, parseJuryRoles } from './jury.js';
import { readEvalFile } from './loaders.js';
import { counselAggregateMetrics } from './metrics.js';
import { MAX_TRIES, MAX_WORDS, readCounselTemplates } from './prompts.js';
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

const flagArg = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]);

export const counselbenchEvalArgs = z.strictObject({
  path: z
    .string()
    .optional()
    .describe('CounselBench-Eval ratings file (CSV/JSONL); rate its responses with --solver given'),
  counselchat: z.string().optional().describe('CounselChat CSV: the CounselBench question selection'),
  strict: flagArg.optional().describe('with counselchat: fail when a top topic has fewer than 5 usable questions'),
  spans: flagArg.optional().describe('also ask the judge to copy toxic / inconsistent / medical-advice sentences'),
  classify: flagArg.optional().describe('classify expert comments of low-scored responses into the 7 categories'),
  jury: z
    .string()
    .optional()
    .describe('roles whose models rate as a jury besides the judge, e.g. judge,grader,validator'),
  juryCombine: z.enum(['mean', 'majority']).optional().describe('how the jury combines per dimension'),
  temperature: z.number().min(0).optional().describe('responder temperature (default 0.7)'),
  maxWords: z.number().int().min(0).optional().describe('regenerate answers longer than this many words (default 250)'),
  maxTries: z.number().int().positive().optional().describe('at most this many generations per answer (default 20)'),
  judgeTemperature: z.number().min(0).optional().describe('judge temperature (default 0)'),
  judgeTemplate: z
    .string()
    .optional()
    .describe('a file with the six-dimension judge prompt (upstream single_eval); fields {user_query}, {response}'),
  templates: z
    .string()
    .optional()
    .describe(
      'a folder of prompt files named as upstream (single_eval.txt, ask_for_*_sentence.txt, classify_overall.txt)',
    ),
});

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
    const templates = readCounselTemplates(args);
    const scorers = [counselJudge({ temperature: numberArg(args.judgeTemperature, 0), templates })];
    if (typeof args.jury === 'string') {
      const combine = args.juryCombine === 'majority' ? 'majority' : 'mean';
      scorers.push(counselJury({ roles: parseJuryRoles(args.jury), combine, templates }));
    }
    if (flag(args.spans)) scorers.push(counselSpans({ templates }));
    if (flag(args.classify)) scorers.push(counselCommentClassifier({ templates }));
    return scorers;
  },
  metrics: () => counselAggregateMetrics(),
  rewards: [counselJudgeReward],
  groupBy: ['topic', 'responder'],
  roles: ['judge'],
  roleFallbacks: {
    judge: 'the lexicon baseline rates the answers (not a valid judge); span and comment steps score null',
  },
  args: counselbenchEvalArgs,
  headline: [
    { scorer: 'counsel-judge.overall', metric: 'mean', label: 'overall' },
    { scorer: 'counsel-judge.empathy', metric: 'mean', label: 'empathy' },
    { scorer: 'counsel-judge.specificity', metric: 'mean', label: 'specificity' },
    { scorer: 'counsel-judge.medical_advice', metric: 'mean', label: 'medical advice' },
    { scorer: 'counsel-judge.factual_consistency', metric: 'mean', label: 'factual consistency' },
    { scorer: 'counsel-judge.toxicity', metric: 'mean', label: 'toxicity' },
  ],
});
