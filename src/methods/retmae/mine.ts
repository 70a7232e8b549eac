// MINE (Belghazi et al. 2018) with the Donsker–Varadhan bound, as RetMAE's HighFreqMI uses it:
// L_MINE(Z_c, Z) = −E_{p(Z_c,Z)}[f_ψ] + log E_{p(Z_c)⊗p(Z)}[e^{f_ψ(Z_c, Z′)}], negatives Z′ shuffled within the
// batch. The critic architecture is unconfirmed in the paper: here a one-hidden-layer MLP on [z_c, z] (a parameter).
import type { Scalar, Tensor2D, Variable } from '@tensorflow/tfjs';
import { createRng } from '../../stats/random.js';
import { loadTf } from '../autodiff.js';

export interface MineOptions {
  hidden?: number;
  steps?: number;
  batch?: number;
  learningRate?: number;
  seed?: number;
}

export interface MineResult {
  /** The DV lower bound (nats) on held-out pairs after training. */
  estimate: number;
  /** The bound on each training batch, every 50 steps (for convergence plots). */
  trace: number[];
  steps: number;
}

/**
 * Trains a critic on paired samples (rows of `zc` and `z` correspond) and returns the DV bound on `heldOut`
 * pairs (or on the training pairs when none are given).
 */
export async function estimateMine(
  zc: number[][],
  z: number[][],
  options: MineOptions = {},
  heldOut?: { zc: number[][]; z: number[][] },
): Promise<MineResult> {
  const { hidden = 64, steps = 1500, batch = 256, learningRate = 1e-3, seed = 0 } = options;
  if (zc.length !== z.length || zc.length < 2) throw new Error(`MINE needs paired rows: ${zc.length} vs ${z.length}`);
  const tf = await loadTf();
  const inputs = zc[0]!.length + z[0]!.length;
  const w1 = tf.variable(tf.randomNormal([inputs, hidden], 0, Math.sqrt(2 / inputs), 'float32', seed + 1)) as Variable;
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(tf.randomNormal([hidden, 1], 0, Math.sqrt(1 / hidden), 'float32', seed + 2)) as Variable;
  const b2 = tf.variable(tf.zeros([1]));
  const critic = (a: Tensor2D, b: Tensor2D) =>
    tf.add(tf.matMul(tf.elu(tf.add(tf.matMul(tf.concat([a, b], 1), w1 as Tensor2D), b1)), w2 as Tensor2D), b2);
  const bound = (a: Tensor2D, b: Tensor2D, shuffled: Tensor2D) => {
    const joint = tf.mean(critic(a, b));
    const marginal = tf.sub(tf.logSumExp(critic(a, shuffled)), Math.log(a.shape[0]));
    return tf.sub(joint, marginal) as Scalar;
  };
  const rng = createRng(seed);
  const optimizer = tf.train.adam(learningRate);
  const trace: number[] = [];
  const size = Math.min(batch, zc.length);
  for (let step = 0; step < steps; step++) {
    const rows = Array.from({ length: size }, () => rng.int(zc.length));
    const permutation = rows.map((_, i) => i);
    for (let i = permutation.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [permutation[i], permutation[j]] = [permutation[j]!, permutation[i]!];
    }
    const value = tf.tidy(() => {
      const a = tf.tensor2d(rows.map((r) => zc[r]!));
      const b = tf.tensor2d(rows.map((r) => z[r]!));
      const shuffled = tf.tensor2d(permutation.map((p) => z[rows[p]!]!));
      const loss = optimizer.minimize(() => tf.neg(bound(a, b, shuffled)) as Scalar, true, [w1, b1, w2, b2]);
      return loss ? -loss.dataSync()[0]! : Number.NaN;
    });
    if (step % 50 === 0) trace.push(value);
  }
  const evaluation = heldOut ?? { zc, z };
  const estimate = tf.tidy(() => {
    const a = tf.tensor2d(evaluation.zc);
    const b = tf.tensor2d(evaluation.z);
    const shift = Math.max(1, Math.floor(evaluation.z.length / 2));
    // Negatives for the held-out bound: every row paired with the row half the set away (a fixed derangement).
    const shuffled = tf.tensor2d(evaluation.z.map((_, i) => evaluation.z[(i + shift) % evaluation.z.length]!));
    return bound(a, b, shuffled).dataSync()[0]!;
  });
  for (const variable of [w1, b1, w2, b2]) variable.dispose();
  optimizer.dispose();
  return { estimate, trace, steps };
}

/** n pairs (x, y) of d independent coordinates each with correlation ρ: true MI = −d/2 · log(1 − ρ²) nats. */
export function correlatedGaussians(n: number, d: number, rho: number, seed: number): { x: number[][]; y: number[][] } {
  const rng = createRng(seed);
  const normal = () => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const xi = Array.from({ length: d }, normal);
    x.push(xi);
    y.push(xi.map((value) => rho * value + Math.sqrt(1 - rho * rho) * normal()));
  }
  return { x, y };
}

export const gaussianMutualInformation = (d: number, rho: number) => (-d / 2) * Math.log(1 - rho * rho);
