// medkit as a library from plain Node JavaScript (no TypeScript, no build step of yours):
//   node examples/run-eval.mjs
// Editors still get types: the package ships .d.ts files next to its compiled JavaScript.
import { fileURLToPath } from 'node:url';
import { chain, defineBenchmark, exactScorer, generate, runEval, solverFrom } from 'medkit';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

// 1. A built-in benchmark, answered by a scripted model (a YAML file of canned replies: no API key needed).
const mcq = await runEval({
  benchmark: 'medmcq-mini',
  models: { agent: `scripted:${here('./medmcq-scripted.yaml')}` },
  cache: false,
});
const accuracy = mcq.metrics.choice.find((metric) => metric.name === 'mean');
console.log(
  `medmcq-mini, scripted model: accuracy ${accuracy.value.toFixed(3)} [${accuracy.ci.lower.toFixed(3)}, ${accuracy.ci.upper.toFixed(3)}] over ${accuracy.n} questions`,
);

// 2. A task file of your own, by path, with its baseline (no model given).
const task = await runEval({ benchmark: here('./my-task.yaml'), cache: false });
console.log(
  `my-task.yaml, baseline: accuracy ${task.metrics.choice[0].value.toFixed(3)} (${task.counts.units} units, ${task.counts.errors} errors)`,
);

// 3. A benchmark defined right here.
const spelling = defineBenchmark({
  name: 'drug-spelling',
  version: 1,
  description: 'Two generic drug names to spell back',
  tags: ['text'],
  dataset: () => [
    { id: 'metformin', input: 'Spell the generic name of Glucophage.', target: 'metformin' },
    { id: 'atorvastatin', input: 'Spell the generic name of Lipitor.', target: 'atorvastatin' },
  ],
  solvers: {
    baseline: () =>
      solverFrom('echo-baseline', {}, async (state) => {
        state.output = { ...state.output, text: 'metformin' };
        return state;
      }),
    default: () => chain(generate()),
  },
  scorers: () => [exactScorer()],
});
const own = await runEval({ benchmark: spelling, cache: false });
console.log(
  `drug-spelling, baseline: exact match ${own.metrics.exact[0].value.toFixed(3)} over ${own.counts.units} units`,
);
