// The package root: the public surface. Subpaths (medkit/core, medkit/models, ...) give the same.
export * from './core/index.js';
export * from './stats/index.js';
export * from './scoring/index.js';
