// The toy training that isolates what SGP adds. Each synthetic sample is L visual tokens; a varying share of them
// (12–38%) are signal tokens carrying the evidence the task needs, and the saliency ranks them high but with a
// sample-dependent gap, so the threshold must adapt per sample. The task is a logistic read-out of the summed kept
// rows (more evidence → lower loss). Training (a) task loss through SGP + band loss, (b) band loss alone, both
// updating only the ThresholdMLP, as in Photon (ρ is detached). Evaluated on held-out samples against random
// selection. Success per sample = recall ≥ 0.9 with a keep ratio ≤ 0.5.
import type { Scalar, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import { createRng, type Rng } from '../../stats/random.js';
import { loadTf } from '../autodiff.js';
import { minMax, thresholdFeatures } from './math.js';
import { bandLossTf, createThresholdMlp, keepProbability, sgpGather, thresholdMlpForward } from './sgp.js';

export interface ToySample {
  /** Token rows [L][D]. */
  x: number[][];
  u: number[];
  rho: number[];
  signal: boolean[];
  features: number[];
}

export interface ToyOptions {
  tokens?: number;
  dim?: number;
  steps?: number;
  batch?: number;
  learningRate?: number;
  seed?: number;
  /** 'sgp' (task loss through SGP + band loss), 'band' (band loss alone). */
  mode?: 'sgp' | 'band';
  strict?: boolean;
  /** Background tokens with a very low saliency per sample (default 2; see `toySample`). */
  outliers?: number;
}

export interface SelectionStats {
  keepRatio: number;
  recall: number;
  /** Share of samples with recall ≥ 0.9 at a keep ratio ≤ 0.5. */
  success: number;
}

export interface ToyResult extends SelectionStats {
  mode: 'sgp' | 'band';
  strict: boolean;
  /** Random selection at the same keep ratio per sample, and at keep ratio 0.5. */
  randomSameRatio: SelectionStats;
  randomHalf: SelectionStats;
  /** Mean θ on the held-out set, and its trace every 50 steps. */
  theta: number;
  trace: number[];
}

/**
 * One sample. `outliers` background tokens get a very low score (as air or padding does in a CT): after the min-max
 * the bulk of ρ then sits high, where the band loss's soft ratio is met with nearly every token kept (the paper's
 * "w/o ITS & SGP" ablation keeps all 1,000 tokens). With `outliers: 0` the background spreads over low ρ instead.
 */
export function toySample(rng: Rng, tokens = 32, dim = 4, outliers = 2): ToySample {
  const nSignal = 4 + rng.int(Math.max(1, Math.round(tokens * 0.38) - 3));
  const signal = rng.shuffle(Array.from({ length: tokens }, (_, j) => j < nSignal));
  const gap = 2.5 + 1.5 * rng.next();
  const offset = 2 * rng.normal();
  let low = outliers;
  const u = signal.map((s) => {
    if (s) return offset + gap + 0.5 * rng.normal();
    if (low-- > 0) return offset - 6 + 0.5 * rng.normal();
    return offset + rng.normal();
  });
  // Signal rows point along e₀ (the read-out direction); noise rows are isotropic.
  const x = signal.map((s) => Array.from({ length: dim }, (_, d) => (s && d === 0 ? 1 : 0) + 0.3 * rng.normal()));
  return { x, u, rho: minMax(u), signal, features: thresholdFeatures(u) };
}

export function selectionStats(samples: ToySample[], keep: boolean[][]): SelectionStats {
  let keepRatio = 0;
  let recall = 0;
  let success = 0;
  samples.forEach((sample, b) => {
    const kept = keep[b]!.filter(Boolean).length / sample.signal.length;
    const signals = sample.signal.filter(Boolean).length;
    const hit = sample.signal.filter((s, j) => s && keep[b]![j]).length / signals;
    keepRatio += kept;
    recall += hit;
    if (hit >= 0.9 && kept <= 0.5) success++;
  });
  return { keepRatio: keepRatio / samples.length, recall: recall / samples.length, success: success / samples.length };
}

function randomKeep(rng: Rng, length: number, count: number): boolean[] {
  const order = rng.shuffle(Array.from({ length }, (_, j) => j));
  const keep = new Array<boolean>(length).fill(false);
  for (const j of order.slice(0, count)) keep[j] = true;
  return keep;
}

export async function trainToySelector(options: ToyOptions = {}): Promise<ToyResult> {
  const {
    tokens = 32,
    dim = 4,
    steps = 400,
    batch = 32,
    learningRate = 0.01,
    seed = 0,
    mode = 'sgp',
    outliers = 2,
  } = options;
  const strict = options.strict ?? true;
  const tf = await loadTf();
  const rng = createRng(seed);
  const mlp = createThresholdMlp(tf, 256, seed + 1);
  const optimizer = tf.train.adam(learningRate);
  const vision = Array.from({ length: batch }, () => new Array<boolean>(tokens).fill(true));
  const readout = tf.tensor2d([[1], ...Array.from({ length: dim - 1 }, () => [0])], [dim, 1]);
  const trace: number[] = [];
  for (let step = 0; step < steps; step++) {
    const samples = Array.from({ length: batch }, () => toySample(rng, tokens, dim, outliers));
    const lossFn = () => {
      const rho = tf.tensor2d(samples.map((s) => s.rho)) as Tensor2D;
      const { theta, q } = keepProbability(
        tf,
        rho,
        thresholdMlpForward(tf, mlp, tf.tensor2d(samples.map((s) => s.features))),
      );
      const band = bandLossTf(tf, rho, theta);
      if (mode === 'band') return band;
      const presence = q.arraySync().map((row) => row.map((p) => p > 0.5));
      const x = tf.tensor3d(samples.map((s) => s.x)) as Tensor3D;
      const kept = sgpGather(tf, x, q, presence, vision, strict);
      // Logistic read-out of the summed kept rows: loss = softplus(−⟨Σ kept x, e₀⟩).
      const logit = tf.matMul(tf.sum(kept, 1) as Tensor2D, readout);
      return tf.add(tf.mean(tf.softplus(tf.neg(logit))), band) as Scalar;
    };
    tf.tidy(() => {
      optimizer.minimize(lossFn, false, mlp.variables);
    });
    if (step % 50 === 0) trace.push(await meanTheta(samples));
  }
  async function predict(samples: ToySample[]) {
    return tf.tidy(() => {
      const rho = tf.tensor2d(samples.map((s) => s.rho)) as Tensor2D;
      const { theta, q } = keepProbability(
        tf,
        rho,
        thresholdMlpForward(tf, mlp, tf.tensor2d(samples.map((s) => s.features))),
      );
      return {
        theta: theta.dataSync()[0] === undefined ? [] : Array.from(theta.dataSync()),
        keep: q.arraySync().map((row) => row.map((p) => p > 0.5)),
      };
    });
  }
  async function meanTheta(samples: ToySample[]) {
    const { theta } = await predict(samples);
    return theta.reduce((a, b) => a + b, 0) / theta.length;
  }
  const evalRng = createRng(seed + 1_000_003);
  const heldOut = Array.from({ length: 400 }, () => toySample(evalRng, tokens, dim, outliers));
  const { theta, keep } = await predict(heldOut);
  const stats = selectionStats(heldOut, keep);
  const randomSame = heldOut.map((_, b) => randomKeep(evalRng, tokens, keep[b]!.filter(Boolean).length));
  const randomHalf = heldOut.map(() => randomKeep(evalRng, tokens, Math.floor(tokens / 2)));
  tf.dispose([...mlp.variables, readout]);
  optimizer.dispose();
  return {
    mode,
    strict,
    ...stats,
    randomSameRatio: selectionStats(heldOut, randomSame),
    randomHalf: selectionStats(heldOut, randomHalf),
    theta: theta.reduce((a, b) => a + b, 0) / theta.length,
    trace,
  };
}
