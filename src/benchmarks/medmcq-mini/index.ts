// medmcq-mini: 42 multiple-choice questions written for medkit from established medical facts.
// The smoke test of the toolkit and the example of how to write a benchmark.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { chain, defineBenchmark, generate, multipleChoicePrompt } from '../../core/index.js';
import { choiceScorer } from '../../scoring/choice.js';
import { longestOptionBaseline } from './baseline.js';
import { loadMedmcq } from './load.js';

export const MEDMCQ_MINI_FILE = fileURLToPath(new URL('./questions.jsonl', import.meta.url));

export const medmcqMini = defineBenchmark({
  name: 'medmcq-mini',
  version: 1,
  description: '42 medical multiple-choice questions (written for medkit); choice-extraction scorer',
  tags: ['mcq', 'text'],
  dataset: ({ args, onDataError }) =>
    loadMedmcq(
      typeof args.path === 'string' ? args.path : MEDMCQ_MINI_FILE,
      onDataError ? { lenient: true, onError: onDataError } : {},
    ),
  solvers: {
    baseline: () => longestOptionBaseline(),
    default: () => chain(multipleChoicePrompt(), generate()),
  },
  scorers: () => [choiceScorer()],
  groupBy: ['topic'],
  args: z.strictObject({
    path: z.string().optional().describe('a medmcq JSONL file to use instead of the embedded questions'),
  }),
  headline: [{ scorer: 'choice', metric: 'mean', label: 'accuracy' }],
});
