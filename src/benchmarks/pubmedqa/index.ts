// PubMedQA PQA-L (Jin et al. 2019): yes/no/maybe questions over PubMed abstracts. Default: the 500
// test PMIDs with the abstract's contexts (reasoning-required setting); --arg contexts=false gives
// the question alone (MIRAGE's PubMedQA*). Accuracy with 95% CI overall and per gold label.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { fileURLToPath } from 'node:url';
import { ConfigError, chain, defineBenchmark, generate, multipleChoicePrompt, type Solver } from '../../core/index.js';
import { choiceScorer } from '../../scoring/choice.js';
import { pubmedqaFiles, readPubmedqa } from './loader.js';

export const PUBMEDQA_DEFAULT_DIR = fileURLToPath(new URL('../../../../shared/data/pubmedqa/', import.meta.url));

/** Non-LLM baseline: always "yes", the majority label of PQA-L (55% of the test labels). */
export function majorityBaseline(): Solver {
  return {
    name: 'majority-baseline',
    params: { answer: 'yes' },
    async solve(state) {
      state.output = { ...state.output, text: 'ANSWER: A', finishReason: 'stop' };
      return state;
    },
  };
}

export const pubmedqa = defineBenchmark({
  name: 'pubmedqa',
  version: 1,
  description:
    'PubMedQA PQA-L (user-supplied ori_pqal.json + test_ground_truth.json): yes/no/maybe, 500 test items; accuracy per label',
  tags: ['mcq', 'yes-no'],
  dataset({ args, onDataError }) {
    const path = typeof args.path === 'string' ? args.path : PUBMEDQA_DEFAULT_DIR;
    if (!existsSync(pubmedqaFiles(path).items))
      throw new ConfigError(
        `PubMedQA: ${pubmedqaFiles(path).items} not found; pass --arg path=<folder with ori_pqal.json>`,
      );
    const split = String(args.split ?? 'test');
    if (!['test', 'dev', 'all'].includes(split))
      throw new ConfigError(`PubMedQA: --arg split=${split}: use test, dev or all`);
    return readPubmedqa(path, {
      split: split as 'test' | 'dev' | 'all',
      contexts: args.contexts === undefined ? true : args.contexts === true || args.contexts === 'true',
      ...(onDataError ? { lenient: true, onError: onDataError } : {}),
    });
  },
  solvers: {
    baseline: () => majorityBaseline(),
    default: () => chain(multipleChoicePrompt(), generate()),
  },
  scorers: () => [choiceScorer()],
  groupBy: ['label'],
  args: z.strictObject({
    path: z.string().optional().describe('folder with ori_pqal.json and test_ground_truth.json'),
    split: z.enum(['test', 'dev', 'all']).default('test').describe('which PQA-L items'),
    contexts: z.boolean().default(true).describe('include the abstract contexts (false: the question alone)'),
  }),
  headline: [{ scorer: 'choice', metric: 'mean', label: 'accuracy' }],
});
