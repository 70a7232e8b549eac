// AttTok's reference math (the paper's formulas; the release has no ACC adapter and no ACM loss, so these
// are the paper's definitions, with the inferred points listed in the README). Each formula exists twice:
// plain float64 JavaScript (the value, readable, used for finite differences) and TensorFlow.js (for the
// gradient a trainer's autodiff would take). Tests check one against the other.
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import { loadTf } from '../autodiff.js';

export type Matrix = number[][];

/** Prototype EMA of the embedding book: f̃ ← μ·f̃ + (1 − μ)·mean_j f_j, with μ = 0.99 by default. */
export function emaPrototype(prototype: readonly number[], features: readonly (readonly number[])[], momentum = 0.99) {
  if (!features.length) return [...prototype];
  const mean = prototype.map((_, d) => features.reduce((sum, row) => sum + row[d]!, 0) / features.length);
  return prototype.map((value, d) => momentum * value + (1 - momentum) * mean[d]!);
}

function matmul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((sum, value, k) => sum + value * b[k]![j]!, 0)));
}
const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));

function softmaxRows(a: Matrix): Matrix {
  return a.map((row) => {
    const max = Math.max(...row);
    const exps = row.map((value) => Math.exp(value - max));
    const total = exps.reduce((sum, value) => sum + value, 0);
    return exps.map((value) => value / total);
  });
}

export interface AccWeights {
  /** d × k projections of the visual features (queries) and book entries (keys, values). */
  wq: Matrix;
  wk: Matrix;
  wv: Matrix;
  /** k × d output projection. */
  wo: Matrix;
}

/**
 * The ACC adapter's forward pass: F̂ = F + γ · softmax((F W_Q)(B W_K)ᵀ / √k) (B W_V) W_O, over all book
 * entries B (3K rows: attribute embeddings, keyword embeddings, visual prototypes). γ = 0.1. The scale uses
 * the key width k (the paper writes √d; with W_Q: d → k the usual attention scale is √k; equal when k = d).
 */
export function accForward(features: Matrix, book: Matrix, weights: AccWeights, gamma = 0.1): Matrix {
  const queries = matmul(features, weights.wq);
  const keys = matmul(book, weights.wk);
  const values = matmul(book, weights.wv);
  const scale = 1 / Math.sqrt(weights.wk[0]!.length);
  const attention = softmaxRows(matmul(queries, transpose(keys)).map((row) => row.map((value) => value * scale)));
  const update = matmul(matmul(attention, values), weights.wo);
  return features.map((row, i) => row.map((value, j) => value + gamma * update[i]![j]!));
}

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((sum, value) => sum + value * value, 0));
const project = (v: readonly number[], theta: Matrix) =>
  theta[0]!.map((_, j) => v.reduce((s, x, i) => s + x * theta[i]![j]!, 0));

/**
 * ACM loss, a multi-positive InfoNCE: with s(a, b) = cos(θa, θb),
 * L = −log( Σ_{p∈B_k} e^{s(f,p)/τ} / (Σ_{p∈B_k} e^{s(f,p)/τ} + Σ_{n∈B_j, j≠k} e^{s(f,n)/τ}) ).
 * `labels[i]` is the attribute index of book row i; `positive` is the anchor's attribute k.
 */
export function multiPositiveInfoNce(
  anchor: readonly number[],
  book: Matrix,
  labels: readonly number[],
  positive: number,
  theta: Matrix,
  tau: number,
): number {
  if (!labels.includes(positive)) throw new Error(`no book entry has the positive attribute ${positive}`);
  const a = project(anchor, theta);
  const logits = book.map((row) => {
    const b = project(row, theta);
    return a.reduce((sum, value, j) => sum + value * b[j]!, 0) / (norm(a) * norm(b)) / tau;
  });
  const max = Math.max(...logits);
  const all = logits.reduce((sum, value) => sum + Math.exp(value - max), 0);
  const positives = logits.reduce((sum, value, i) => sum + (labels[i] === positive ? Math.exp(value - max) : 0), 0);
  return -Math.log(positives / all);
}

/** The same loss in TensorFlow.js, with its gradients w.r.t. the anchor and θ (float32). */
export async function multiPositiveInfoNceGradient(
  anchor: readonly number[],
  book: Matrix,
  labels: readonly number[],
  positive: number,
  theta: Matrix,
  tau: number,
): Promise<{ loss: number; anchor: Float32Array; theta: Float32Array }> {
  const tf = await loadTf();
  const mask = tf.tensor1d(labels.map((label) => (label === positive ? 1 : 0)));
  const bookTensor = tf.tensor2d(book);
  const lossOf = (anchorT: Tensor, thetaT: Tensor) => {
    const a = tf.matMul(tf.reshape(anchorT, [1, -1]) as Tensor2D, thetaT as Tensor2D);
    const b = tf.matMul(bookTensor, thetaT as Tensor2D);
    const aUnit = tf.div(a, tf.norm(a));
    const bUnit = tf.div(b, tf.norm(b, 'euclidean', 1, true));
    const logits = tf.div(tf.reshape(tf.matMul(bUnit, aUnit, false, true), [-1]), tau);
    const logAll = tf.logSumExp(logits);
    // log Σ over positives: the mask adds log 1 = 0 to positives and log 1e-30 ≈ −69 to the others.
    const logPositives = tf.logSumExp(tf.add(logits, tf.log(tf.add(mask, 1e-30))));
    return tf.sub(logAll, logPositives) as Scalar;
  };
  const anchorT = tf.tensor1d([...anchor]);
  const thetaT = tf.tensor2d(theta);
  const [gradAnchor, gradTheta] = tf.grads((x, t) => lossOf(x!, t!))([anchorT, thetaT]);
  const loss = (await lossOf(anchorT, thetaT).data())[0]!;
  return { loss, anchor: (await gradAnchor!.data()) as Float32Array, theta: (await gradTheta!.data()) as Float32Array };
}

/** Gradients of Σ (ACC(F) ⊙ R) w.r.t. W_Q, W_K, W_V, W_O (R a fixed probe matrix), through TensorFlow.js. */
export async function accGradients(
  features: Matrix,
  book: Matrix,
  weights: AccWeights,
  probe: Matrix,
  gamma = 0.1,
): Promise<Record<keyof AccWeights, Float32Array>> {
  const tf = await loadTf();
  const f = tf.tensor2d(features);
  const b = tf.tensor2d(book);
  const r = tf.tensor2d(probe);
  const scale = 1 / Math.sqrt(weights.wk[0]!.length);
  const objective = (...ws: Tensor[]) => {
    const [wq, wk, wv, wo] = ws as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
    const attention = tf.softmax(tf.mul(tf.matMul(tf.matMul(f, wq), tf.matMul(b, wk), false, true), scale));
    const out = tf.add(f, tf.mul(tf.matMul(tf.matMul(attention, tf.matMul(b, wv)), wo), gamma));
    return tf.sum(tf.mul(out, r)) as Scalar;
  };
  const grads = tf.grads(objective)([weights.wq, weights.wk, weights.wv, weights.wo].map((w) => tf.tensor2d(w)));
  const [wq, wk, wv, wo] = await Promise.all(grads.map((g) => g.data() as Promise<Float32Array>));
  return { wq: wq!, wk: wk!, wv: wv!, wo: wo! };
}
