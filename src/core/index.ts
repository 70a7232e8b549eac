// medkit/core: the types everything else builds on. It imports nothing of ours.
export * from './json.js';
export * from './errors.js';
export * from './messages.js';
export * from './tools.js';
export * from './model.js';
export * from './sample.js';
export * from './task.js';
export * from './metrics.js';
export * from './benchmark.js';
export * from './solvers.js';
export * from './data-files.js';
export * from './json-file.js';
export * from './csv-file.js';
export * from './log.js';
export * from './secrets.js';
export * from './reward.js';
export * from './own-args.js';
