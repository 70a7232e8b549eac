// KG embeddings: TransE, DistMult, RotatE trained in TS; filtered ranking metrics; calibration.
export * from './models.js';
export * from './train.js';
export * from './evaluate.js';
export * from './store.js';
