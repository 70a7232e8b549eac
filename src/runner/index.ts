// medkit/runner: the eval loop and its middleware. `runEval` (benchmark by name, models by
// string) lives in src/eval.ts, which joins the registry to this runner.
export * from './middleware.js';
export * from './context.js';
export * from './cache.js';
export * from './progress.js';
export * from './run-dir.js';
export * from './score-table.js';
export * from './unit.js';
export * from './run-task.js';
export * from './compare.js';
