// The package root: the public surface (`import { runEval, defineBenchmark } from 'medkit'`).
// Subpaths (medkit/core, medkit/models, ...) give the same pieces one area at a time.
export * from './core/index.js';
export * from './stats/index.js';
export * from './scoring/index.js';
export { BASELINE, BASELINE_LABEL, findBenchmark, resolveBenchmark, runEval, type EvalOptions } from './eval.js';

export {
  agentEntries,
  benchmarkEntries,
  loadAgent,
  loadAgents,
  loadBenchmark,
  loadBenchmarks,
  loaderEntries,
  loadLoader,
  loadLoaders,
} from './registry.js';

// The package root loads every benchmark, agent and loader, as it always did (`benchmarks['mirage']`);
// the medkit command and `runEval` load only the one a run names (src/registry.ts).
export { agents, benchmarks, loaders } from './registry-loaded.js';
export { loadBenchmarkModule, loadTaskFile, taskArgsSchema } from './taskfile/index.js';
export { z } from 'zod';
