// medkit/scoring: reusable scorers. One line per module; keep it sorted.
export * from './box-iou.js';
export * from './choice.js';
export * from './closed-answer.js';
export * from './gene-set.js';
export * from './grounding.js';
export * from './judge-parse.js';
export * from './jury.js';
export * from './rouge.js';
export * from './rubric.js';
export * from './sql-result.js';
export * from './sql-scorer.js';
export * from './step-judge.js';
export * from './text-match.js';
