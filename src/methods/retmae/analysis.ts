// RetMAE's analysis tools: linear CKA between two feature matrices, and the linear probe's classifier
// (L2-regularised logistic regression fitted by Newton's method / IRLS, with k-fold cross-validation).
import { Matrix, solve } from 'ml-matrix';

/** Column-centres a feature matrix (n × d), as CKA requires. */
function centred(rows: readonly (readonly number[])[]): Matrix {
  const matrix = new Matrix(rows as number[][]);
  const means = matrix.mean('column');
  return matrix.subRowVector(means);
}

/** Linear CKA = ‖YᵀX‖_F² / (‖XᵀX‖_F · ‖YᵀY‖_F) on column-centred X (n × p) and Y (n × q). */
export function linearCka(x: readonly (readonly number[])[], y: readonly (readonly number[])[]): number {
  if (x.length !== y.length) throw new Error(`CKA needs the same samples in both: ${x.length} vs ${y.length} rows`);
  if (x.length < 2) throw new Error('CKA needs at least 2 samples');
  const cx = centred(x);
  const cy = centred(y);
  const cross = cy.transpose().mmul(cx).norm('frobenius') ** 2;
  const denominator = cx.transpose().mmul(cx).norm('frobenius') * cy.transpose().mmul(cy).norm('frobenius');
  if (denominator === 0) throw new Error('CKA is undefined for constant features');
  return cross / denominator;
}

export interface LogisticModel {
  weights: number[];
  intercept: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Binary logistic regression with an L2 penalty `l2/2·‖w‖²` (the intercept is not penalised), fitted by
 * Newton–Raphson (IRLS) to convergence: deterministic, no learning rate. Features are used as given.
 */
export function fitLogistic(
  features: readonly (readonly number[])[],
  labels: readonly number[],
  l2 = 1,
): LogisticModel {
  const n = features.length;
  const d = features[0]?.length ?? 0;
  let beta = new Array(d + 1).fill(0) as number[];
  const design = features.map((row) => [1, ...row]);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = new Array(d + 1).fill(0) as number[];
    const hessian = Matrix.zeros(d + 1, d + 1);
    for (let i = 0; i < n; i++) {
      const row = design[i]!;
      const p = sigmoid(row.reduce((sum, value, j) => sum + value * beta[j]!, 0));
      const w = Math.max(p * (1 - p), 1e-12);
      for (let j = 0; j <= d; j++) {
        gradient[j]! += (labels[i]! - p) * row[j]!;
        for (let k = j; k <= d; k++) hessian.set(j, k, hessian.get(j, k) + w * row[j]! * row[k]!);
      }
    }
    for (let j = 0; j <= d; j++) {
      for (let k = 0; k < j; k++) hessian.set(j, k, hessian.get(k, j));
      if (j > 0) {
        gradient[j]! -= l2 * beta[j]!;
        hessian.set(j, j, hessian.get(j, j) + l2);
      }
    }
    const step = solve(hessian, Matrix.columnVector(gradient)).to1DArray();
    beta = beta.map((value, j) => value + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { intercept: beta[0]!, weights: beta.slice(1) };
}

export const predictLogistic = (model: LogisticModel, row: readonly number[]) =>
  sigmoid(model.intercept + row.reduce((sum, value, j) => sum + value * model.weights[j]!, 0));

/**
 * Out-of-fold probabilities from stratified k-fold cross-validation (fold of item i = its rank within its
 * class, mod k, so both classes spread over the folds). Features are standardised on each training fold.
 */
export function crossValidatedScores(
  features: readonly (readonly number[])[],
  labels: readonly number[],
  { folds = 5, l2 = 1 } = {},
): number[] {
  const seen = [0, 0];
  const fold = labels.map((label) => seen[label ? 1 : 0]!++ % folds);
  const scores = new Array<number>(features.length).fill(Number.NaN);
  const d = features[0]?.length ?? 0;
  for (let k = 0; k < folds; k++) {
    const train = features.map((_, i) => i).filter((i) => fold[i] !== k);
    const test = features.map((_, i) => i).filter((i) => fold[i] === k);
    if (!test.length) continue;
    const mean = Array.from({ length: d }, (_, j) => train.reduce((s, i) => s + features[i]![j]!, 0) / train.length);
    const std = Array.from(
      { length: d },
      (_, j) => Math.sqrt(train.reduce((s, i) => s + (features[i]![j]! - mean[j]!) ** 2, 0) / train.length) || 1,
    );
    const scale = (row: readonly number[]) => row.map((value, j) => (value - mean[j]!) / std[j]!);
    const model = fitLogistic(
      train.map((i) => scale(features[i]!)),
      train.map((i) => labels[i]!),
      l2,
    );
    for (const i of test) scores[i] = predictLogistic(model, scale(features[i]!));
  }
  return scores;
}
