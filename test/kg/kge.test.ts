import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMiniKg } from '../../src/kg/minikg.js';
import { generateScaleFreeKg } from '../../src/kg/generator.js';
import {
  accumulateGradient,
  calibrateThreshold,
  createModel,
  evaluateRanking,
  evaluateRankingParallel,
  score,
  splitTriples,
  trainKge,
  type KgeKind,
} from '../../src/kg/kge/index.js';
import { createRng } from '../../src/stats/random.js';

test('hand-derived gradients match finite differences (TransE, DistMult, RotatE)', () => {
  for (const kind of ['transe', 'distmult', 'rotate'] as KgeKind[]) {
    const rng = createRng(3);
    const model = createModel(kind, 4, 2, 5, rng.next);
    const gE = new Float32Array(model.entities.length);
    const gR = new Float32Array(model.relations.length);
    accumulateGradient(model, 0, 1, 2, 1, gE, gR);
    const check = (params: Float32Array, grads: Float32Array, index: number) => {
      const saved = params[index]!;
      params[index] = saved + 1e-3;
      const up = score(model, 0, 1, 2);
      params[index] = saved - 1e-3;
      const down = score(model, 0, 1, 2);
      params[index] = saved;
      assert.ok(
        Math.abs((up - down) / 2e-3 - grads[index]!) < 2e-2,
        `${kind} grad ${index}: ${(up - down) / 2e-3} vs ${grads[index]}`,
      );
    };
    for (let i = 0; i < model.entities.length; i++) check(model.entities, gE, i);
    for (let i = 0; i < model.relations.length; i++) check(model.relations, gR, i);
  }
});

test('training on the mini-KG lowers the loss and beats random ranking; seeded runs are identical', () => {
  const { graph } = loadMiniKg();
  const { train, test: held } = splitTriples(graph, { valid: 0, test: 0.05 }, 1);
  for (const kind of ['rotate', 'transe', 'distmult'] as KgeKind[]) {
    const a = trainKge(graph, train, { kind, dim: 16, epochs: 15, seed: 2, lr: 0.02, batchSize: 128, patience: 100 });
    assert.ok(a.losses.at(-1)! < a.losses[0]! * 0.8, `${kind}: ${a.losses[0]} -> ${a.losses.at(-1)}`);
    const metrics = evaluateRanking(a.model, graph, held);
    assert.ok(metrics.mrr > 5 / graph.nodeCount, `${kind} MRR ${metrics.mrr}`);
    if (kind === 'rotate') {
      const b = trainKge(graph, train, { kind, dim: 16, epochs: 15, seed: 2, lr: 0.02, batchSize: 128, patience: 100 });
      assert.deepEqual(a.model.entities, b.model.entities);
    }
  }
});

test('worker-thread ranking equals single-thread ranking', async () => {
  const graph = generateScaleFreeKg({ seed: 3, scale: 0.004 });
  const { train, test: held } = splitTriples(graph, { valid: 0, test: 0.01 }, 1);
  const { model } = trainKge(graph, train, { kind: 'distmult', dim: 8, epochs: 1, seed: 1 });
  const single = evaluateRanking(model, graph, held);
  const parallel = await evaluateRankingParallel(model, graph, held, 2);
  assert.equal(parallel.n, single.n);
  assert.ok(Math.abs(parallel.mrr - single.mrr) < 1e-12);
  assert.equal(parallel.hits10, single.hits10);
});

test('threshold calibration maximises accuracy', () => {
  const c = calibrateThreshold([0.9, 0.8, 0.7, 0.2], [0.1, 0.3, 0.35, 0.75]);
  assert.equal(c.accuracy, 0.75);
  assert.ok(c.threshold > 0.35 && c.threshold < 0.7, `${c.threshold}`);
  const perfect = calibrateThreshold([3, 4], [1, 2]);
  assert.deepEqual([perfect.threshold, perfect.accuracy, perfect.f1], [2.5, 1, 1]);
});
