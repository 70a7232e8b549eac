// Medical VQA files a user brings (VQA-RAD, SLAKE, PathVQA parquet, PMC-VQA, OmniMedVQA), with closed- and
// open-ended accuracy reported separately (task metrics closed_accuracy / open_accuracy, and
// groups.answer_type), as the CARE and MedVR papers report them. Matching rules are unconfirmed upstream;
// medkit's defaults are in README.md (judge.ts: open answers by the `judge` role or the labelled fallback).
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, defineBenchmark, generate, type BenchmarkOptions, type Sample } from '../../core/index.js';
import { closedOpenAccuracy, openJudgeTemplate, vqaScorer } from './judge.js';
import { readVqaRows, rowToSample, VQA_FORMATS } from './loader.js';
import { readPathVqaRows } from './pathvqa.js';

export { tokenRecall } from './judge.js';

export const medVqaArgs = z.object({
  format: z.enum(VQA_FORMATS).describe('file format: vqa-rad | slake | pathvqa | pmc-vqa | omnimedvqa'),
  path: z
    .string()
    .describe(
      'the file (VQA-RAD/SLAKE JSON, PathVQA parquet or its folder, PMC-VQA CSV) or the OmniMedVQA root or one of its JSON files',
    ),
  images: z.string().optional().describe('folder the image paths are relative to (default: per format, README)'),
  split: z
    .string()
    .optional()
    .describe(
      'pathvqa with a folder: read only the parquet files whose names begin with this (train, validation, test)',
    ),
  recall: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.75)
    .describe('open answers without a judge: token recall ≥ this counts (labelled fallback)'),
  judge_prompt: z
    .string()
    .optional()
    .describe('a file replacing the open-answer judge prompt; fields {question} {reference} {answer} (README)'),
});

function parseArgs(args: BenchmarkOptions['args']) {
  const parsed = medVqaArgs.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`med-vqa: --arg ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

async function* pathVqaSamples(options: BenchmarkOptions, path: string, images?: string, split?: string) {
  for await (const row of readPathVqaRows(path, {
    imageDir: join(options.cacheDir, 'med-vqa', 'pathvqa-images'),
    ...(images ? { root: images } : {}),
    ...(split ? { split } : {}),
    ...(options.onDataError ? { onError: options.onDataError } : {}),
  }))
    yield rowToSample(row, 'pathvqa');
}

export const medVqa = defineBenchmark({
  name: 'med-vqa',
  version: 2,
  description:
    'medical VQA files you bring (VQA-RAD, SLAKE, PathVQA parquet, PMC-VQA, OmniMedVQA): closed and open accuracy separately',
  tags: ['image-vqa', 'closed-answer', 'single-image'],
  dataset(options): Iterable<Sample> | AsyncIterable<Sample> {
    const { format, path, images, split } = parseArgs(options.args);
    if (format === 'pathvqa') return pathVqaSamples(options, path, images, split);
    return readVqaRows(format, path, {
      ...(images ? { root: images } : {}),
      ...(options.onDataError ? { onError: options.onDataError } : {}),
    }).map((row) => rowToSample(row, format));
  },
  solvers: {
    // non-LLM prior: 'yes' for closed questions, the first option for choices, '' for open ones
    baseline: () => ({
      name: 'prior-baseline',
      params: { rule: "closed: 'yes' or option A; open: empty" },
      async solve(state) {
        const choices = state.sample.choices ?? [];
        const open = state.sample.metadata?.answer_type === 'open';
        state.output = {
          ...state.output,
          text: `<answer>${open ? '' : (choices[0] ?? 'yes')}</answer>`,
          finishReason: 'stop',
        };
        return state;
      },
    }),
    default: () => generate(),
  },
  scorers: ({ args }) => {
    const { recall, judge_prompt } = parseArgs(args);
    return [vqaScorer(recall, openJudgeTemplate(judge_prompt))];
  },
  metrics: ({ args }) => [closedOpenAccuracy(parseArgs(args).recall)],
  groupBy: ['answer_type'],
  roles: ['judge'],
  roleFallbacks: {
    judge:
      'open-ended answers are scored by token recall of the reference ≥ --arg recall (0.75), a labelled fallback, not by a judge',
  },
  preflight(options, roles) {
    const { judge_prompt } = parseArgs(options.args);
    return roles.includes('judge')
      ? { notes: [`open-ended answers are judged by the judge role with the prompt ${judge_prompt ?? '(built-in)'}`] }
      : {};
  },
  args: medVqaArgs,
  headline: [
    { scorer: 'vqa_accuracy', metric: 'mean', label: 'accuracy' },
    { scorer: 'vqa_accuracy', metric: 'closed_accuracy', task: true, label: 'closed accuracy' },
    { scorer: 'vqa_accuracy', metric: 'open_accuracy', task: true, label: 'open accuracy' },
  ],
});
