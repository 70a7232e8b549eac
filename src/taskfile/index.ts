// Your own tasks: YAML task files and code-defined benchmark modules (see README.md).
export * from './benchmark.js';
export * from './module.js';
export * from './schema.js';
