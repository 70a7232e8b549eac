// kgqa-mini: 70 multiple-choice questions written for medkit, each answerable from the mini-KG
// (one fact, or a 2-hop path for the 'two-hop' category). Baseline: KG paths; default: the LLM;
// `--solver kgarevion` runs KGARevion against the same mini-KG.
import { z } from 'zod';
import { chain, defineBenchmark, generate, multipleChoicePrompt, type Sample } from '../../core/index.js';
import { hashSeed } from '../../stats/random.js';
import { choiceScorer } from '../../scoring/choice.js';
import { EntityLinker } from '../../kg/linking.js';
import { loadMiniKg } from '../../kg/minikg.js';
import { kgPathBaseline } from './baseline.js';
import { QUESTIONS, type QuestionRow } from './questions.js';

/** The answer is written first; the options are rotated by a hash of the id so answers spread over A-D. */
export function questionSample([id, category, question, options, about, relation]: QuestionRow): Sample {
  const shift = hashSeed('kgqa-mini', id) % options.length;
  const rotated = options.map((_, index) => options[(index + shift) % options.length]!);
  const answer = rotated.indexOf(options[0]!);
  return {
    id,
    input: question,
    choices: rotated,
    target: String.fromCharCode(65 + answer),
    metadata: { category, about, relation },
  };
}

let linked: { graph: ReturnType<typeof loadMiniKg>['graph']; linker: EntityLinker } | undefined;
const miniKg = () => (linked ??= { graph: loadMiniKg().graph, linker: new EntityLinker(loadMiniKg().graph) });

export const kgqaMini = defineBenchmark({
  name: 'kgqa-mini',
  version: 1,
  description:
    '70 KG questions written for medkit, answerable from the embedded mini-KG (809 sourced facts); accuracy per category',
  tags: ['mcq', 'kgqa'],
  dataset: () => QUESTIONS.map(questionSample),
  solvers: {
    baseline: () => kgPathBaseline(miniKg),
    default: () => chain(multipleChoicePrompt(), generate()),
  },
  scorers: () => [choiceScorer()],
  groupBy: ['category'],
  args: z.strictObject({}),
  headline: [{ scorer: 'choice', metric: 'mean', label: 'accuracy' }],
});
