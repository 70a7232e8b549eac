import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Scalar, Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import { finiteDifferenceGradient, loadTf, maxRelativeError } from '../../../src/methods/autodiff.js';
import {
  bandLoss,
  flipLoss,
  itsSaliency,
  keepProbabilities,
  mismatchLoss,
  sgpGradient,
  thresholdFeatures,
} from '../../../src/methods/photon/math.js';
import {
  bandLossTf,
  createThresholdMlp,
  flipLossTf,
  keepProbability,
  mismatchLossTf,
  sgpGather,
  straightThroughMask,
  thresholdMlpForward,
} from '../../../src/methods/photon/sgp.js';
import { trainToySelector } from '../../../src/methods/photon/toy.js';
import { createRng } from '../../../src/stats/random.js';

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('Photon reference math', () => {
  it('ITS saliency: centrality weights, visual scores and min-max, by hand', () => {
    // One head, d = 1 (√d = 1); q = k = [1, 2, 1, 3]; tokens 0, 1 are the instruction, 2, 3 visual.
    const v = [[1], [2], [1], [3]];
    const out = itsSaliency({ q: [v], k: [v] }, [0, 1], [2, 3]);
    assert.deepEqual(out.centrality, [2, 2]); // c₀ = max(1·2, 0), c₁ = max(2·1, 0)
    assert.deepEqual(out.weights, [0.5, 0.5]); // Σc = 4
    assert.deepEqual(out.u, [0.5 * 1 + 0.5 * 2, 0.5 * 3 + 0.5 * 6]);
    close(out.rho[0]!, 0);
    close(out.rho[1]!, 1);
    // Σc < 1: weights are the raw centralities (w = c / max(Σc, 1)); negative products do not count.
    const small = itsSaliency({ q: [[[0.5], [-1], [1]]], k: [[[0.5], [0.2], [1]]] }, [0, 1], [2]);
    assert.deepEqual(small.centrality, [0.1, 0]); // max(0.5·0.2, 0), max(−1·0.5, 0)
    assert.deepEqual(small.weights, [0.1, 0]);
  });

  it('the 12 ThresholdMLP features, in order', () => {
    const f = thresholdFeatures([0, 1, 2, 3, 4]);
    const slog = [0, 1, 2, 3, 4].map((x) => Math.log1p(x));
    const expected = [
      0.5,
      Math.sqrt(0.125),
      0,
      1,
      0.25,
      0.5,
      2,
      Math.SQRT2,
      0,
      4,
      slog.reduce((a, b) => a + b) / 5,
      Math.log(5),
    ];
    assert.equal(f.length, 12);
    f.forEach((value, i) => close(value, expected[i]!, 1e-7));
  });

  it('keep rule: θ = 0.9·MLP(z), kept iff σ((ρ − θ)/0.2) > 0.5; the MLP starts near 0 (bias −5)', async () => {
    const { theta, q, keep } = keepProbabilities([0.45, 0.46, 0.1], 0.5);
    close(theta, 0.45);
    close(q[0]!, 0.5);
    assert.deepEqual(keep, [false, true, false]);
    const tf = await loadTf();
    const mlp = createThresholdMlp(tf, 256, 3);
    const out = thresholdMlpForward(tf, mlp, tf.zeros([1, 12]));
    close(out.dataSync()[0]!, 1 / (1 + Math.exp(5)), 1e-6); // θ ≈ 0.006: almost everything kept at the start
  });

  it('SGP backward equals hand-computed surrogate values (non-strict and strict)', () => {
    // x = [1, 2, 0], g = [1, 1, 0] (token 2 dropped), p = [.5, .5, .1].
    // imp = [1, 2, 0]; μ = 1; σ = √(2/3); z = [0, √1.5, −√1.5]; rel = ½ + ½ tanh z; dir = ½ − rel (mean 0);
    // |x·g| = [1, 2, 0], row mean 1 → scale = [1, 2, 0.5 (clip)]; sat = [.25, .25, .09].
    const t = Math.tanh(Math.sqrt(1.5));
    const grad = sgpGradient([[1], [2], [0]], [[1], [1], [0]], [0.5, 0.5, 0.1], [true, true, true]);
    const expected = [0, 0.8 * (-0.5 * t) * 2 * 0.25, 0.8 * (0.5 * t) * 0.5 * 0.09];
    grad.forEach((value, i) => close(value, expected[i]!, 1e-12));
    // Strict: importance −⟨x, g⟩ flips every direction.
    const strict = sgpGradient([[1], [2], [0]], [[1], [1], [0]], [0.5, 0.5, 0.1], [true, true, true], true);
    strict.forEach((value, i) => close(value, -expected[i]!, 1e-12));
    // z clipped at ±1.5; sat floor 5e−3; non-visual tokens get 0.
    // imp = [0, 0, 0, 10]: μ = 2.5, σ = √18.75, z₃ = 7.5/σ = 1.73 → 1.5; z₀₋₂ = −0.577.
    const clipped = sgpGradient(
      [[0], [0], [0], [10], [5]],
      [[1], [1], [1], [1], [1]],
      [0.5, 0.5, 0.5, 1, 0.5],
      [true, true, true, true, false],
    );
    const zLow = -2.5 / Math.sqrt(18.75);
    const dirs = [0.5 - (0.5 + 0.5 * Math.tanh(zLow)), 0.5 - (0.5 + 0.5 * Math.tanh(1.5))];
    const dirMean = (3 * dirs[0]! + dirs[1]!) / 4;
    close(clipped[0]!, 0.8 * (dirs[0]! - dirMean) * 0.5 * 0.25, 1e-12); // |x·g| = 0 → scale clipped to 0.5
    close(clipped[3]!, 0.8 * (dirs[1]! - dirMean) * 2 * 5e-3, 1e-12); // 10 / 2.5 → scale 2; p = 1 → sat floor
    assert.equal(clipped[4], 0);
  });

  it('the tfjs custom gradient gathers kept rows, scatters their gradient and gives p the SGP surrogate', async () => {
    const tf = await loadTf();
    const rng = createRng(7);
    const x = Array.from({ length: 2 }, () =>
      Array.from({ length: 5 }, () => [rng.normal(), rng.normal(), rng.normal()]),
    );
    const p = [
      [0.9, 0.2, 0.7, 0.6, 0.55],
      [0.1, 0.8, 0.95, 0.3, 0.6],
    ];
    const presence = p.map((row) => row.map((v) => v > 0.5));
    const vision = [
      [true, true, true, true, false],
      [true, true, true, true, true],
    ];
    const weights = [0.3, -1.2, 0.7];
    for (const strict of [false, true]) {
      const loss = (xs: Tensor, ps: Tensor) =>
        tf.sum(tf.mul(tf.square(sgpGather(tf, xs as Tensor3D, ps as Tensor2D, presence, vision, strict)), weights));
      const value = sgpGather(tf, tf.tensor3d(x), tf.tensor2d(p), presence, vision, strict);
      assert.deepEqual(value.shape, [2, 4, 3]); // sample 0 keeps 4 rows, sample 1 keeps 3 (right-padded)
      assert.deepEqual(value.arraySync()[1]![3], [0, 0, 0]);
      const [gx, gp] = tf.grads(loss)([tf.tensor3d(x), tf.tensor2d(p)]);
      const gxRows = gx!.arraySync() as number[][][];
      for (let b = 0; b < 2; b++) {
        const g = x[b]!.map((row, j) => row.map((v, d) => (presence[b]![j] ? 2 * v * weights[d]! : 0)));
        gxRows[b]!.forEach((row, j) => row.forEach((v, d) => close(v, g[j]![d]!, 1e-5)));
        const expected = sgpGradient(x[b]!, g, p[b]!, vision[b]!, strict);
        (gp!.arraySync() as number[][])[b]!.forEach((v, j) => close(v, expected[j]!, 1e-5));
      }
    }
  });

  it('straight-through mask: hard forward, q gradient', async () => {
    const tf = await loadTf();
    const q = tf.tensor1d([0.2, 0.7]);
    assert.deepEqual(Array.from(straightThroughMask(tf, q).dataSync()), [0, 1]);
    assert.deepEqual(
      Array.from(
        tf
          .grad((v) => tf.sum(tf.mul(straightThroughMask(tf, v), [3, 5])))(q)
          .dataSync(),
      ),
      [3, 5],
    );
  });

  it('band, FLIP and MISMATCH losses: closed-form values and finite-difference gradients', async () => {
    const tf = await loadTf();
    // Band: all ρ = θ → r = ½, inside [0.3, 0.8] → 0; ρ far above θ → r → 1 → loss 0.2.
    assert.equal(bandLoss([0.5, 0.5], 0.5).loss, 0);
    close(bandLoss([10, 10], 0).loss, 0.2, 1e-9);
    const rho = [0.9, 0.95, 0.7, 0.99];
    const bandAt = (v: Float64Array) => bandLoss(Array.from(v.subarray(0, 4)), v[4]!).loss;
    const [gRho, gTheta] = tf.grads((r: Tensor, t: Tensor) => bandLossTf(tf, r as Tensor2D, t as Tensor2D))([
      tf.tensor2d([rho]),
      tf.tensor2d([[0.1]]),
    ]);
    const fd = finiteDifferenceGradient(bandAt, [...rho, 0.1]);
    assert.ok(maxRelativeError([...gRho!.dataSync(), ...gTheta!.dataSync()], fd) < 1e-3);
    close(
      bandLossTf(tf, tf.tensor2d([rho]), tf.tensor2d([[0.1]])).dataSync()[0]!,
      bandAt(Float64Array.from([...rho, 0.1])),
      1e-6,
    );

    // FLIP: uniform logits over V = 4 → p_y = ¼ → −log(¾ + 1e−6). MISMATCH: uniform → −log 4.
    close(flipLoss([[0, 0, 0, 0]], [2]), -Math.log(0.75 + 1e-6), 1e-12);
    close(mismatchLoss([[0, 0, 0, 0]]), -Math.log(4), 1e-12);
    const logits = [
      [0.3, -1, 2, 0.1],
      [1.5, 0.2, -0.4, 0.9],
    ];
    const labels = [2, 0];
    const flat = logits.flat();
    const reshape = (v: Float64Array) => [Array.from(v.subarray(0, 4)), Array.from(v.subarray(4, 8))];
    const checks: [
      string,
      (t: import('@tensorflow/tfjs').Tensor2D) => import('@tensorflow/tfjs').Scalar,
      (v: Float64Array) => number,
    ][] = [
      ['flip', (t) => flipLossTf(tf, t as Tensor2D, labels), (v) => flipLoss(reshape(v), labels)],
      ['mismatch', (t) => mismatchLossTf(tf, t as Tensor2D), (v) => mismatchLoss(reshape(v))],
    ];
    for (const [name, tfLoss, jsLoss] of checks) {
      const analytic = tf
        .grad(tfLoss as (t: Tensor) => Tensor)(tf.tensor2d(logits))
        .dataSync();
      const error = maxRelativeError(analytic, finiteDifferenceGradient(jsLoss, flat));
      assert.ok(error < 1e-3, `${name}: relative error ${error}`);
      close(tfLoss(tf.tensor2d(logits)).dataSync()[0]!, jsLoss(Float64Array.from(flat)), 1e-5);
    }
  });

  it('the threshold MLP gradient matches finite differences through the keep probability', async () => {
    const tf = await loadTf();
    const mlp = createThresholdMlp(tf, 8, 11);
    const features = tf.tensor2d([thresholdFeatures([0.3, -1, 2, 0.5, 1.1, 4])]);
    const rho = tf.tensor2d([[0.2, 0.6, 0.9]]);
    const f = () => tf.sum(keepProbability(tf, rho, thresholdMlpForward(tf, mlp, features)).q);
    const { grads } = tf.variableGrads(f as () => Scalar, [mlp.w2]);
    const w2 = mlp.w2.dataSync();
    const numeric = finiteDifferenceGradient(
      (v) => {
        mlp.w2.assign(tf.tensor2d(Float32Array.from(v), [8, 1]));
        return f().dataSync()[0]!;
      },
      w2,
      1e-2,
    );
    mlp.w2.assign(tf.tensor2d(w2, [8, 1]));
    assert.ok(maxRelativeError(grads[mlp.w2.name]!.dataSync(), numeric) < 2e-2);
  });

  it('toy training: SGP drives the threshold to the signal tokens (recall ≥ 0.9 at keep ≤ 0.5)', async () => {
    const sgp = await trainToySelector({ mode: 'sgp', strict: true, steps: 300, learningRate: 1e-3, seed: 1 });
    assert.ok(sgp.recall >= 0.9 && sgp.keepRatio <= 0.5, `SGP: recall ${sgp.recall}, keep ${sgp.keepRatio}`);
    // Random selection at the same per-sample keep count recovers only about that share of the signal.
    assert.ok(Math.abs(sgp.randomSameRatio.recall - sgp.keepRatio) < 0.05 && sgp.randomSameRatio.success < 0.05);
    // The band loss alone gives θ no gradient once the soft ratio is inside [0.3, 0.8]: it has no pull towards the
    // signal, wherever the optimizer leaves θ (README: measured figures).
    const tf = await loadTf();
    const inside = tf.grad((t: Tensor) => bandLossTf(tf, tf.tensor2d([[0.2, 0.5, 0.9]]), t as Tensor2D));
    assert.equal(Math.abs(inside(tf.tensor2d([[0.5]])).dataSync()[0]!), 0);
  });
});
