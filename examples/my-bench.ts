// A benchmark defined in code, run like a built-in one:
//   npx medkit eval examples/my-bench.ts                        # its non-LLM baseline
//   npx medkit eval examples/my-bench.ts --model openai:<model> --arg tolerance=0.01
// It uses medkit's own solvers and scorers; `--solver` can also pick an agent whose tags match.
import {
  chain,
  defineBenchmark,
  generate,
  numbersIn,
  numericScorer,
  type Sample,
  solverFrom,
  systemPrompt,
  z,
} from 'medkit';

const questions: Sample[] = [
  { id: 'bmi', input: 'A patient weighs 80 kg and is 2.0 m tall. What is the body-mass index in kg/m²?', target: '20' },
  {
    id: 'map',
    input: 'Blood pressure is 120/80 mmHg. What is the mean arterial pressure, DBP + (SBP - DBP) / 3, in mmHg?',
    target: '93.3',
  },
  {
    id: 'gcs',
    input:
      'Eyes open to pain (2), inappropriate words (3), withdraws from pain (4). What is the Glasgow Coma Scale total?',
    target: '9',
  },
  { id: 'dose', input: 'Paracetamol 15 mg/kg is ordered for a 20 kg child. What is the dose in mg?', target: '300' },
  { id: 'anion-gap', input: 'Na 140, Cl 100 and HCO3 24 mmol/L. What is the anion gap in mmol/L?', target: '16' },
];

export default defineBenchmark({
  name: 'clinical-arithmetic',
  version: 1,
  description: 'Five bedside calculations written for medkit; numeric answers within a relative tolerance',
  tags: ['text', 'numeric'],
  args: z.strictObject({
    tolerance: z.number().min(0).default(0.02).describe('relative tolerance of a correct answer'),
  }),
  headline: [{ scorer: 'numeric', metric: 'mean' }],
  dataset: () => questions,
  solvers: {
    // The floor a model has to clear: it answers the last number written in the question.
    baseline: () =>
      solverFrom('last-number-baseline', { rule: 'the last number in the question' }, async (state) => {
        const text = String(numbersIn(String(state.sample.input)).at(-1) ?? '');
        state.output = { ...state.output, text, finishReason: 'stop' };
        return state;
      }),
    default: () => chain(systemPrompt('Work it out, then give the number alone on the last line.'), generate()),
  },
  scorers: ({ args }) => [numericScorer({ relative: typeof args.tolerance === 'number' ? args.tolerance : 0.02 })],
});
