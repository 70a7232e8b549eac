// Medical VQA files a user brings (VQA-RAD, SLAKE, PMC-VQA, OmniMedVQA; PathVQA parquet not yet), with
// closed- and open-ended accuracy reported separately (groups.answer_type), as the CARE and MedVR papers
// report them. Matching rules are unconfirmed upstream; medkit's defaults are in README.md.
import { z } from 'zod';
import { ConfigError, defineBenchmark, generate, type Scorer } from '../../core/index.js';
import { closedAnswerScorer, parseClosedAnswer } from '../../scoring/closed-answer.js';
import { readVqaRows, rowToSample, VQA_FORMATS } from './loader.js';

export const medVqaArgs = z.object({
  format: z.enum(VQA_FORMATS).describe('file format: vqa-rad | slake | pmc-vqa | omnimedvqa'),
  path: z
    .string()
    .describe('the file (VQA-RAD/SLAKE JSON, PMC-VQA CSV) or the OmniMedVQA root or one of its JSON files'),
  images: z.string().optional().describe('folder the image paths are relative to (default: per format, README)'),
  recall: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.75)
    .describe('open answers without a judge: token recall ≥ this counts'),
});

const tokens = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Share of the reference's tokens found in the answer (MultiMedEval's open recall). */
export function tokenRecall(answer: string, reference: string): number {
  const given = new Set(tokens(answer));
  const wanted = tokens(reference);
  return wanted.length === 0 ? 0 : wanted.filter((t) => given.has(t)).length / wanted.length;
}

/** Closed: normalised exact match (choices by letter or text). Open: token recall ≥ threshold (labelled no-judge fallback). */
export function vqaScorer(threshold: number): Scorer {
  const closed = closedAnswerScorer();
  return {
    name: 'vqa_accuracy',
    params: {
      closed: 'normalised exact match of the parsed answer; choices by letter or text',
      open: `token recall ≥ ${threshold} (no-judge fallback)`,
    },
    async score(state, context) {
      if (state.sample.metadata?.answer_type !== 'open') return closed.score(state, context);
      const { answer } = parseClosedAnswer(state.output.text);
      const recall = tokenRecall(answer, String(state.sample.target));
      return {
        value: recall >= threshold ? 1 : 0,
        answer,
        explanation: `open answer, no judge: token recall ${recall.toFixed(2)} vs ≥ ${threshold} (fallback rule)`,
        metadata: { recall, rule: 'token-recall fallback' },
      };
    },
  };
}

export const medVqa = defineBenchmark({
  name: 'med-vqa',
  version: 1,
  description: 'medical VQA files you bring (VQA-RAD, SLAKE, PMC-VQA, OmniMedVQA): closed and open accuracy separately',
  tags: ['image-vqa', 'closed-answer', 'single-image'],
  dataset({ args, onDataError }) {
    const parsed = medVqaArgs.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`med-vqa: --arg ${issue.path.join('.')}: ${issue.message}`);
    }
    const { format, path, images } = parsed.data;
    return readVqaRows(format, path, {
      ...(images ? { root: images } : {}),
      ...(onDataError ? { onError: onDataError } : {}),
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
  scorers: ({ args }) => [vqaScorer(typeof args.recall === 'number' ? args.recall : Number(args.recall ?? 0.75))],
  groupBy: ['answer_type'],
  args: medVqaArgs,
  headline: [{ scorer: 'vqa_accuracy', metric: 'mean', label: 'accuracy (closed and open in groups.answer_type)' }],
});
