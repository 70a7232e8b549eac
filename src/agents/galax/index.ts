// GALAX (Zhang et al. 2025): gene-target prioritisation with an LLM and a reward-guided subgraph
// search over omics + PPI. Picked with `--solver galax` on benchmarks tagged 'target-prioritisation'.
import { z } from 'zod';
import { defineAgent, type BenchmarkOptions, type JsonObject } from '../../core/index.js';
import { asJson } from './case.js';
import { runGalax, type GalaxOptions } from './pipeline.js';

export function galaxOptions(args: BenchmarkOptions['args']): GalaxOptions {
  const number = (key: string) => {
    const value = args[key];
    const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  const policy = args.policy === 'beam' ? 'beam' : args.policy === 'reinforce' ? 'reinforce' : 'greedy';
  const selection = args.selection === 'last' ? 'last' : 'best-probability';
  const advance = args.advance === 'positive' ? 'positive' : 'always';
  const rollouts = number('rollouts');
  return {
    policy,
    beamWidth: number('beamWidth') ?? 4,
    maxSteps: number('maxSteps') ?? 50,
    maxNodes: number('maxNodes') ?? 200,
    selection,
    advance,
    classifierTraining: args.classifierTraining === 'whole-graph' ? 'whole-graph' : 'subgraphs',
    caseInsensitive: args.caseInsensitive === true || args.caseInsensitive === 'true',
    ...(rollouts !== undefined ? { reward: { rollouts } } : {}),
    reinforce: {
      epochs: number('epochs') ?? 5,
      stepsPerEpoch: number('stepsPerEpoch') ?? 50,
      learningRate: number('learningRate') ?? 0.01,
      samples: number('samples') ?? 10,
    },
  };
}

export const galax = defineAgent({
  name: 'galax',
  description:
    'GALAX: LLM step 1 → candidate subgraph → greedy / beam / REINFORCE search under the graph reward (classifier + rollout + PPI validity) → LLM step 2',
  accepts: ['target-prioritisation'],
  roles: ['agent'],
  args: z.strictObject({
    policy: z.enum(['greedy', 'beam', 'reinforce']).default('greedy').describe('subgraph search policy'),
    beamWidth: z.number().int().positive().default(4).describe('beam width (policy beam)'),
    maxSteps: z.number().int().positive().default(50).describe('edge additions per search'),
    maxNodes: z.number().int().positive().default(200).describe('largest subgraph'),
    selection: z
      .enum(['best-probability', 'last'])
      .default('best-probability')
      .describe('which searched subgraph answers: the best-rewarded or the last'),
    advance: z
      .enum(['always', 'positive'])
      .default('always')
      .describe('add an edge always, or only when the reward rises'),
    classifierTraining: z
      .enum(['subgraphs', 'whole-graph'])
      .default('subgraphs')
      .describe("what the reward classifier is trained on (reference lines' subgraphs or whole graphs)"),
    caseInsensitive: z.boolean().default(false).describe('match gene symbols ignoring case'),
    rollouts: z.number().int().positive().optional().describe('reward rollouts per step (default 5)'),
    epochs: z.number().int().positive().default(5).describe('REINFORCE training epochs'),
    stepsPerEpoch: z.number().int().positive().default(50).describe('REINFORCE steps per epoch'),
    learningRate: z.number().positive().default(0.01).describe('REINFORCE learning rate'),
    samples: z.number().int().positive().default(10).describe('REINFORCE sampled trajectories per step'),
  }),
  createSolver(options) {
    const settings = { ...galaxOptions(options.args), seed: options.seed };
    return {
      name: 'galax',
      params: asJson({
        ...settings,
        reward: { lambda1: 1, lambda2: 1, numClasses: 2, rollouts: settings.reward?.rollouts ?? 5 },
        extraction: 'dictionary',
      }) as JsonObject,
      solve: (state, context) => runGalax(state, context, settings),
    };
  },
});

export { runGalax } from './pipeline.js';
export { searchSubgraph } from './search.js';
export { graphReward } from './reward.js';
