// The package root: the public surface (`import { runEval, defineBenchmark } from 'medkit'`).
// Subpaths (medkit/core, medkit/models, ...) give the same pieces one area at a time.
export * from './core/index.js';
export * from './stats/index.js';
export * from './scoring/index.js';
export { BASELINE, BASELINE_LABEL, findBenchmark, resolveBenchmark, runEval, type EvalOptions } from './eval.js';
export { agents, benchmarks, loaders } from './registry.js';
export { loadBenchmarkModule, loadTaskFile, taskArgsSchema } from './taskfile/index.js';
export { z } from 'zod';
