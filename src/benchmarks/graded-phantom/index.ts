// graded-phantom: chest phantoms with nodules of graded sizes, one closed question each, grouped
// by size, so that "small findings are only visible when zoomed" is a measurable effect (issue 14).
// README.md states the contract.
import { z } from 'zod';
import {
  parseOwnArgs,
  assistantMessage,
  defineBenchmark,
  generate,
  type BenchmarkOptions,
  type Solver,
} from '../../core/index.js';
import { closedAnswerScorer } from '../../scoring/closed-answer.js';
import { groundingIoUScorer } from '../../scoring/grounding.js';
import { ensureGradedSet, FAMILIES, itemToSample, readGradedItems, SIZE_GROUPS } from './synthetic.js';

export const gradedPhantomArgs = z.object({
  per_group: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(40)
    .describe('images per size group (none, small, medium, large); default 40'),
  group: z
    .enum(['all', ...(Object.keys(SIZE_GROUPS) as [string, ...string[]])])
    .default('all')
    .describe('keep one size group: none (no nodule), small (3–6 px), medium (8–12 px), large (16–24 px)'),
  family: z
    .enum(['all', ...FAMILIES])
    .default('all')
    .describe('keep one question family: presence, count, side, location, size'),
});

export type GradedPhantomArgs = z.infer<typeof gradedPhantomArgs>;

export function parseGradedArgs(options: BenchmarkOptions): GradedPhantomArgs {
  // Only this benchmark's keys: an agent's own --arg options (medvr's samples...) travel in the same object.
  return parseOwnArgs(gradedPhantomArgs, options.args);
}

/** Without a model: the most common answer of each family on this set (no pixels read). */
export function priorAnswerBaseline(): Solver {
  const prior: Record<string, string> = { presence: 'yes', count: '1', side: 'right', location: 'middle', size: 'no' };
  return {
    name: 'prior-answer',
    params: { answers: prior, rule: 'the most common answer per question family; reads no pixels' },
    async solve(state) {
      const text = `<answer>${prior[String(state.sample.metadata?.family)] ?? 'yes'}</answer>`;
      state.output = { ...state.output, text, finishReason: 'stop' };
      state.messages.push(assistantMessage(text));
      return state;
    },
  };
}

export const gradedPhantom = defineBenchmark({
  name: 'graded-phantom',
  version: 1,
  description:
    'chest phantoms with one nodule of graded size (or none), one closed question each (presence, count, side, location, size), grouped by size',
  tags: ['image-vqa', 'closed-answer', 'single-image'],
  args: gradedPhantomArgs,
  headline: [{ scorer: 'closed_answer', metric: 'mean', label: 'accuracy' }],
  async dataset(options) {
    const args = parseGradedArgs(options);
    const file = await ensureGradedSet(options.cacheDir, options.seed, args.per_group);
    return readGradedItems(file)
      .filter((item) => args.group === 'all' || item.size_group === args.group)
      .filter((item) => args.family === 'all' || item.family === args.family)
      .map(itemToSample);
  },
  solvers: {
    baseline: () => priorAnswerBaseline(),
    default: () => generate(),
  },
  scorers: () => [closedAnswerScorer(), groundingIoUScorer()],
  groupBy: ['size_group', 'family'],
  generateConfig: { temperature: 0, maxTokens: 512 },
});
