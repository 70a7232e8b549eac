import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossValidatedScores, fitLogistic, linearCka, predictLogistic } from '../../../src/methods/retmae/analysis.js';
import { correlatedGaussians, estimateMine, gaussianMutualInformation } from '../../../src/methods/retmae/mine.js';
import { auroc, aurocWithCI } from '../../../src/stats/auroc.js';

describe('RetMAE analysis tools', () => {
  it('linear CKA: 1 for the same features up to rotation and scale, hand-computed value otherwise', () => {
    const x = [
      [1, 2],
      [3, 1],
      [0, 5],
      [4, 4],
    ];
    const rotated = x.map(([a, b]) => [3 * (0.6 * a! - 0.8 * b!), 3 * (0.8 * a! + 0.6 * b!)]);
    assert.ok(Math.abs(linearCka(x, rotated) - 1) < 1e-12);
    // One-column case: CKA = squared correlation (centred), here x1 vs [1, 0, 0, 1].
    const y = [[1], [0], [0], [1]];
    const a = [1, 3, 0, 4].map((v) => v - 2);
    const b = [1, 0, 0, 1].map((v) => v - 0.5);
    const r =
      a.reduce((s, v, i) => s + v * b[i]!, 0) /
      Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
    assert.ok(
      Math.abs(
        linearCka(
          x.map((row) => [row[0]!]),
          y,
        ) -
          r * r,
      ) < 1e-12,
    );
    assert.throws(() => linearCka(x, y.slice(1)), /same samples/);
  });

  it('AUROC equals the Mann–Whitney count with ties at 1/2; the bootstrap CI brackets it', () => {
    assert.equal(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
    assert.equal(auroc([0.5, 0.5, 0.5, 0.9], [0, 1, 0, 1]), 0.75);
    assert.throws(() => auroc([1, 2], [1, 1]), /both positive and negative/);
    const scores = Array.from({ length: 60 }, (_, i) => (i % 2) + Math.sin(i) * 0.8);
    const labels = scores.map((_, i) => (i % 2) as 0 | 1);
    const ci = aurocWithCI(scores, labels, { seed: 3 });
    assert.ok(ci.lower <= ci.estimate && ci.estimate <= ci.upper && ci.upper <= 1);
  });

  it('logistic regression (IRLS) matches the closed form on a one-feature problem and separates classes', () => {
    // One binary feature, no penalty: the fitted probability in each group equals the group's positive rate.
    const features = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const labels = [0, 0, 0, 1, 1, 1, 1, 0];
    const model = fitLogistic(features, labels, 0);
    assert.ok(Math.abs(predictLogistic(model, [0]) - 0.25) < 1e-9);
    assert.ok(Math.abs(predictLogistic(model, [1]) - 0.75) < 1e-9);
    const data = correlatedGaussians(200, 3, 0, 5).x;
    const truth = data.map((row) => (row[0]! - row[1]! > 0 ? 1 : 0));
    const oof = crossValidatedScores(data, truth, { folds: 5 });
    assert.ok(auroc(oof, truth as (0 | 1)[]) > 0.95, 'a linearly separable rule is recovered out of fold');
  });

  it('MINE (DV bound, shuffled negatives) recovers the true MI of correlated Gaussians within 0.1 nats', async () => {
    const rho = 0.8;
    const train = correlatedGaussians(2048, 1, rho, 1);
    const test = correlatedGaussians(2048, 1, rho, 2);
    const result = await estimateMine(
      train.x,
      train.y,
      { steps: 600, batch: 128, hidden: 32, learningRate: 3e-3 },
      { zc: test.x, z: test.y },
    );
    const truth = gaussianMutualInformation(1, rho);
    assert.ok(
      Math.abs(result.estimate - truth) < 0.1,
      `estimate ${result.estimate.toFixed(3)} vs true ${truth.toFixed(3)}`,
    );
    const independent = correlatedGaussians(2048, 1, 0, 3);
    const zero = await estimateMine(independent.x, independent.y, { steps: 200, batch: 128, hidden: 32 });
    assert.ok(Math.abs(zero.estimate) < 0.05, `independent: ${zero.estimate}`);
  });
});
