// MedSynVQA evaluation (MedVLSynther, UCSC-VLAA @ 9df6f3b5): the upstream think/answer prompt,
// upstream's answer extraction rule for rule, accuracy over rollouts (= epochs), averaged per
// benchmark (dataset_name) and then across benchmarks. README.md states the contract.
import { z } from 'zod';
import {
  ConfigError,
  assistantMessage,
  defineBenchmark,
  generate,
  type BenchmarkOptions,
  type Metric,
  type MetricResult,
  type Solver,
} from '../../core/index.js';
import { loadMedsyn } from './items.js';
import { syntheticDataset } from './synthetic.js';
import { medsynAccuracyReward, medsynFormatReward } from './rewards.js';
import { medsynScorer } from './scorer.js';

export { medsynScorer };

const str = (options: BenchmarkOptions, key: string) =>
  typeof options.args[key] === 'string' ? (options.args[key] as string) : undefined;
const flag = (options: BenchmarkOptions, key: string) => options.args[key] === true || options.args[key] === 'true';

/** Mean accuracy per dataset_name, then the plain average across them (eval/easy_metric.py). */
export function macroOverBenchmarks(): Metric {
  return {
    name: 'medsyn_correct.macro_over_benchmarks',
    scorerKey: 'medsyn_correct',
    compute(units): MetricResult {
      const byGroup = new Map<string, { sum: number; n: number }>();
      let dropped = 0;
      for (const unit of units) {
        if (unit.value === null) {
          dropped++;
          continue;
        }
        const group = unit.groups.dataset_name ?? '(none)';
        const entry = byGroup.get(group) ?? { sum: 0, n: 0 };
        entry.sum += unit.value;
        entry.n++;
        byGroup.set(group, entry);
      }
      const means = [...byGroup.values()].map((entry) => entry.sum / entry.n);
      return {
        name: 'medsyn_correct.macro_over_benchmarks',
        value: means.length ? means.reduce((a, b) => a + b, 0) / means.length : Number.NaN,
        n: units.length - dropped,
        dropped,
        note: `mean accuracy over rollouts per dataset_name (${[...byGroup.keys()].join(', ')}), averaged across them`,
      };
    },
  };
}

/** Baseline without a model: always the first option. Upstream rebalanced answer positions, so this is chance (~20%). */
export function firstOptionBaseline(): Solver {
  return {
    name: 'first-option',
    params: { rule: 'always answers the first option (positions were rebalanced upstream: chance level)' },
    async solve(state) {
      const options = (state.sample.metadata?.options ?? {}) as Record<string, string>;
      const first = Object.keys(options)[0] ?? 'A';
      const text = `<think>No model: the first option is chosen.</think>\n<answer>${first}</answer>`;
      state.output = { ...state.output, text, finishReason: 'stop' };
      state.messages.push(assistantMessage(text));
      return state;
    },
  };
}

export const medsynvqa = defineBenchmark({
  name: 'medsynvqa',
  version: 1,
  description:
    'MedSynVQA / MedVLThinker-Eval MCQs with the upstream <think>/<answer> prompt and extraction; accuracy over rollouts (epochs)',
  tags: ['mcq', 'image-vqa', 'closed-answer', 'single-image'],
  dataset: (options) => {
    const data = str(options, 'data');
    const onError = options.onDataError;
    if (data) return loadMedsyn(data, onError ? { lenient: true, onError } : {});
    const n = Number(options.args.n ?? 20);
    if (!Number.isInteger(n) || n < 1)
      throw new ConfigError(`--arg n=${String(options.args.n)}: expected a positive integer`);
    return syntheticDataset(options.cacheDir, options.seed, n, onError);
  },
  solvers: {
    baseline: () => firstOptionBaseline(),
    default: () => generate(),
  },
  scorers: (options) => [medsynScorer(flag(options, 'loose'))],
  // Upstream's eval defaults (run_offline_inference.py): greedy, top_p 1, 4096 new tokens, n = 1.
  // Rollouts are epochs; give a temperature (e.g. --temperature 0.5) when asking for several.
  generateConfig: { temperature: 0, topP: 1, maxTokens: 4096 },
  metrics: () => [macroOverBenchmarks()],
  rewards: [medsynAccuracyReward, medsynFormatReward],
  groupBy: ['dataset_name'],
  args: z.strictObject({
    data: z
      .string()
      .optional()
      .describe(
        'a MedSynVQA-format JSONL file (images exported to files, paths relative to it); default: phantom MCQs',
      ),
    n: z.number().int().positive().default(20).describe('phantom MCQs to generate when no data is given'),
    loose: z
      .boolean()
      .default(false)
      .describe("also accept the option text anywhere in the prediction (upstream's LLaVA-Med rule)"),
  }),
  // The README's table: accuracy per benchmark, then the average over benchmarks (its bold number).
  headline: [
    { scorer: 'medsyn_correct', metric: 'macro_over_benchmarks', task: true, label: 'accuracy (mean of benchmarks)' },
    { scorer: 'medsyn_correct', metric: 'mean', label: 'accuracy (pooled)' },
  ],
});
