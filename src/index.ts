// The package root: the public surface (`import { runEval, defineBenchmark } from 'medkit'`).
// Subpaths (medkit/core, medkit/models, ...) give the same pieces one area at a time.
export * from './core/index.js';
export * from './stats/index.js';
export * from './scoring/index.js';
export { BASELINE, BASELINE_LABEL, findBenchmark, resolveBenchmark, runEval, type EvalOptions } from './eval.js';
import { loadAgents, loadBenchmarks, loadLoaders } from './registry.js';

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
export const benchmarks = await loadBenchmarks();
export const agents = await loadAgents();
export const loaders = await loadLoaders();
export { loadBenchmarkModule, loadTaskFile, taskArgsSchema } from './taskfile/index.js';
export { z } from 'zod';
