// MedVR as a solver a user picks: `--solver medvr` on benchmarks tagged 'closed-answer' and
// 'single-image' (the registry refuses others with agentRefusal). README.md states the contract.
import { defineAgent, parseOwnArgs, type BenchmarkOptions, type JsonObject, type Solver } from '../../core/index.js';
import { solveMedvr } from './agent.js';
import { medvrArgs, type MedvrOptions } from './options.js';
import { medvrTrainingReward } from './training-reward.js';

export function medvrOptions(args: JsonObject): MedvrOptions {
  return parseOwnArgs(medvrArgs, args);
}

export function medvrSolver(benchmarkOptions: BenchmarkOptions): Solver {
  const options = medvrOptions(benchmarkOptions.args);
  return {
    name: 'medvr',
    params: options as unknown as JsonObject,
    solve: (state, context) => solveMedvr(state, context, options, benchmarkOptions.cacheDir),
  };
}

export const medvr = defineAgent({
  name: 'medvr',
  description:
    'MedVR (Jiang et al., ICLR 2026): zoom-tool loop, N-sample consensus with a consensus zoom mask, entropy-triggered branching; every zoom and crop in the log',
  accepts: ['image-vqa'],
  requires: ['closed-answer', 'single-image'],
  args: medvrArgs,
  createSolver: medvrSolver,
  rewards: [medvrTrainingReward],
});
