// The rubric score lives in src/scoring/medvlsynther-rubric.ts (one implementation shared with `medkit synth`).
export * from '../../scoring/medvlsynther-rubric.js';
