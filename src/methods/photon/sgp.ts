// Photon's trainable pieces in TensorFlow.js: the ThresholdMLP (12 → 256 GELU → 1 sigmoid, output bias −5), the
// straight-through keep mask, SGP as a custom gradient (`_STEGather_v3_ada`), and the band / FLIP / MISMATCH losses.
import type { Scalar, Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import { createRng } from '../../stats/random.js';
import type { loadTf } from '../autodiff.js';
import { KEEP_TEMPERATURE, SGP, THRESHOLD_SCALE } from './math.js';

type Tf = Awaited<ReturnType<typeof loadTf>>;

export interface ThresholdMlp {
  w1: Variable;
  b1: Variable;
  w2: Variable;
  b2: Variable;
  variables: Variable[];
}

/**
 * A ThresholdMLP initialised as Photon's `init_weights` does it (Xavier-uniform weights, zero biases: the activation
 * is not inferred, so the GELU branch is not taken) and then `mlp[2].bias = −5`. Hidden = hidden_size/8 (256 for
 * Qwen2.5-VL-3B).
 */
export function createThresholdMlp(tf: Tf, hidden = 256, seed = 0): ThresholdMlp {
  const rng = createRng(seed);
  const xavier = (fanIn: number, fanOut: number) => {
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    return tf.tensor2d(
      Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.next() - 1) * bound),
      [fanIn, fanOut],
    );
  };
  const w1 = tf.variable(xavier(12, hidden));
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(xavier(hidden, 1));
  const b2 = tf.variable(tf.fill([1], -5));
  return { w1, b1, w2, b2, variables: [w1, b1, w2, b2] };
}

/** torch.nn.GELU (exact, erf form). */
export const gelu = (tf: Tf, x: Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));

/** MLP(z) ∈ (0, 1) for features [B, 12] → [B, 1]. */
export function thresholdMlpForward(tf: Tf, mlp: ThresholdMlp, features: Tensor2D): Tensor2D {
  const hidden = gelu(tf, tf.add(tf.matMul(features, mlp.w1 as Tensor2D), mlp.b1));
  return tf.sigmoid(tf.add(tf.matMul(hidden as Tensor2D, mlp.w2 as Tensor2D), mlp.b2)) as Tensor2D;
}

/** θ = 0.9·MLP(z) [B, 1] and q = σ((ρ − θ)/0.2) [B, L]. */
export function keepProbability(tf: Tf, rho: Tensor2D, mlpOut: Tensor2D): { theta: Tensor2D; q: Tensor2D } {
  const theta = tf.mul(mlpOut, THRESHOLD_SCALE) as Tensor2D;
  return { theta, q: tf.sigmoid(tf.div(tf.sub(rho, theta), KEEP_TEMPERATURE)) as Tensor2D };
}

/** Straight-through keep mask M̃ = sg(M) − sg(q) + q: the forward value is the hard mask, the gradient is q's. */
export function straightThroughMask(tf: Tf, q: Tensor): Tensor {
  // tfjs has no stopGradient: sg(M) − sg(q) + q is written as its value (M) and its gradient (identity to q).
  const op = tf.customGrad(((input: Tensor) => ({
    value: tf.cast(tf.greater(input, 0.5), 'float32'),
    gradFunc: (dy: Tensor) => dy,
  })) as never);
  return op(q);
}

/**
 * SGP: forward gathers the kept rows of x [B, L, D] (right-padded with zero rows to the longest kept count M);
 * backward scatters the gradient to the kept rows (0 for dropped ones) and gives p [B, L] the surrogate
 * 0.8·dir·scale·sat (see `sgpGradient` in math.ts) on the visual tokens. `presence` and `vision` are constants.
 */
export function sgpGather(
  tf: Tf,
  x: Tensor3D,
  p: Tensor2D,
  presence: boolean[][],
  vision: boolean[][],
  strict = false,
): Tensor3D {
  const [batch, length, depth] = x.shape;
  const kept = presence.map((row) => row.flatMap((on, j) => (on ? [j] : [])));
  const width = Math.max(1, ...kept.map((rows) => rows.length));
  const zeroRow = batch * length; // index of an appended zero row
  const gatherIndex = kept.flatMap((rows, b) =>
    Array.from({ length: width }, (_, m) => (m < rows.length ? b * length + rows[m]! : zeroRow)),
  );
  const scatterIndex: number[] = [];
  for (let b = 0; b < batch; b++) {
    let position = 0;
    for (let j = 0; j < length; j++) scatterIndex.push(presence[b]![j] ? b * width + position++ : batch * width);
  }
  // Built inside the backward pass: tensors made during the forward are disposed before it runs.
  const visionRows = vision.map((row) => row.map((v) => (v ? 1 : 0)));
  const op = tf.customGrad(((xs: Tensor, ps: Tensor, save: (tensors: Tensor[]) => void) => {
    save([xs, ps]);
    const flat = tf.concat([tf.reshape(xs, [batch * length, depth]), tf.zeros([1, depth])], 0);
    const value = tf.reshape(tf.gather(flat, gatherIndex), [batch, width, depth]);
    const gradFunc = (dy: Tensor, saved: Tensor[]) => {
      const [xSaved, pSaved] = saved as [Tensor3D, Tensor2D];
      const vm = tf.tensor2d(visionRows, [batch, length]);
      const dyFlat = tf.concat([tf.reshape(dy, [batch * width, depth]), tf.zeros([1, depth])], 0);
      const gx = tf.reshape(tf.gather(dyFlat, scatterIndex), [batch, length, depth]);
      const count = tf.maximum(tf.sum(vm, 1, true), 1);
      const imp = tf.mul(tf.mul(tf.sum(tf.mul(xSaved, gx), -1), strict ? -1 : 1), vm);
      const mu = tf.div(tf.sum(tf.mul(imp, vm), 1, true), count);
      const variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(imp, mu)), vm), 1, true), count);
      const sigma = tf.maximum(tf.sqrt(variance), SGP.minSigma);
      const z = tf.clipByValue(tf.div(tf.sub(imp, mu), sigma), -SGP.zClip, SGP.zClip);
      const dirRaw = tf.sub(0.5, tf.add(0.5, tf.mul(0.5, tf.tanh(z))));
      const dir = tf.sub(dirRaw, tf.div(tf.sum(tf.mul(dirRaw, vm), 1, true), count));
      const mag = tf.mul(tf.sum(tf.abs(tf.mul(xSaved, gx)), -1), vm);
      const rowMean = tf.maximum(tf.div(tf.sum(mag, 1, true), count), SGP.eps);
      const scale = tf.clipByValue(tf.div(mag, rowMean), SGP.scaleMin, SGP.scaleMax);
      const sat = tf.maximum(tf.mul(pSaved, tf.sub(1, pSaved)), SGP.satFloor);
      const gp = tf.mul(tf.mul(tf.mul(tf.mul(dir, scale), sat), SGP.beta), vm);
      return [gx, gp];
    };
    return { value, gradFunc };
  }) as never);
  return op(x, p) as Tensor3D;
}

/** Band loss in tf: r = mean_j σ((ρ_j − θ)/0.2) per sample; mean over the batch of relu(r − 0.8) + relu(0.3 − r). */
export function bandLossTf(tf: Tf, rho: Tensor2D, theta: Tensor2D, low = 0.3, high = 0.8): Scalar {
  const ratio = tf.mean(tf.sigmoid(tf.div(tf.sub(rho, theta), KEEP_TEMPERATURE)), 1);
  return tf.mean(tf.add(tf.relu(tf.sub(ratio, high)), tf.relu(tf.sub(low, ratio)))) as Scalar;
}

/** FLIP loss: −mean log(1 − p_y + 1e−6) over rows of logits [N, V] with labels [N]. */
export function flipLossTf(tf: Tf, logits: Tensor2D, labels: number[]): Scalar {
  const py = tf.sum(tf.mul(tf.softmax(logits), tf.oneHot(labels, logits.shape[1])), 1);
  return tf.neg(tf.mean(tf.log(tf.add(tf.sub(1, py), 1e-6)))) as Scalar;
}

/** MISMATCH loss: −mean entropy of softmax(logits) over rows. */
export function mismatchLossTf(tf: Tf, logits: Tensor2D): Scalar {
  const logp = tf.logSoftmax(logits);
  return tf.mean(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as Scalar;
}
