// MIRAGE (Xiong et al. 2024): medqa, medmcqa, pubmedqa (PubMedQA*, no contexts), bioasq (yes/no),
// mmlu (medical subsets): 7,663 items, KGARevion's evaluation set. Accuracy with 95% CI per subset.
// The file is user-supplied: --arg path=... (default ../shared/data/mirage/benchmark.json beside the repo).
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  chain,
  choiceLetter,
  defineBenchmark,
  generate,
  multipleChoicePrompt,
  type Solver,
} from '../../core/index.js';
import { choiceScorer } from '../../scoring/choice.js';
import { hashSeed } from '../../stats/random.js';
import { MIRAGE_SUBSETS, readMirage } from './loader.js';

export const MIRAGE_DEFAULT_FILE = fileURLToPath(
  new URL('../../../../shared/data/mirage/benchmark.json', import.meta.url),
);

/** Non-LLM baseline: a seeded uniform guess per item (expected accuracy = chance: 1/options). */
export function chanceBaseline(seed: number): Solver {
  return {
    name: 'chance-baseline',
    params: { seed, rule: 'option index = hashSeed(seed, id) mod number of options' },
    async solve(state) {
      const count = state.sample.choices?.length ?? 0;
      const letter = count ? choiceLetter(hashSeed(seed, state.sample.id) % count) : undefined;
      state.output = { ...state.output, text: letter ? `ANSWER: ${letter}` : 'no answer', finishReason: 'stop' };
      return state;
    },
  };
}

export const mirage = defineBenchmark({
  name: 'mirage',
  version: 1,
  description:
    'MIRAGE medical QA (medqa, medmcqa, pubmedqa*, bioasq, mmlu; 7,663 items, user-supplied benchmark.json); accuracy per subset',
  tags: ['mcq', 'yes-no'],
  dataset({ args, onDataError }) {
    const path = typeof args.path === 'string' ? args.path : MIRAGE_DEFAULT_FILE;
    if (!existsSync(path))
      throw new ConfigError(
        `MIRAGE: ${path} not found; pass --arg path=<benchmark.json> (github.com/Teddy-XiongGZ/MIRAGE)`,
      );
    // Declared as a list of the five names: an unknown subset fails before the run (--arg subset=...).
    const subsets = Array.isArray(args.subset) ? args.subset.map(String) : undefined;
    return readMirage(path, { subsets, ...(onDataError ? { lenient: true, onError: onDataError } : {}) });
  },
  solvers: {
    baseline: ({ seed }) => chanceBaseline(seed),
    default: () => chain(multipleChoicePrompt(), generate()),
  },
  scorers: () => [choiceScorer()],
  groupBy: ['subset'],
  args: z.strictObject({
    path: z.string().optional().describe('MIRAGE benchmark.json (default: ../shared/data/mirage/benchmark.json)'),
    subset: z.array(z.enum(MIRAGE_SUBSETS)).optional().describe('subsets to run (default: all five)'),
  }),
  headline: [{ scorer: 'choice', metric: 'mean', label: 'accuracy' }],
});
