// KGE quality on the mini-KG: TransE / DistMult / RotatE trained on 80% of the facts (both rows of a fact
// stay on the same side), filtered MRR and Hits@1/3/10 on 10% held-out facts (tail and head ranking,
// worker threads), and the verifier threshold calibrated on the other 10% (accuracy vs corrupted tails).
// A random-scores reference is computed in the same run. Usage: node --import tsx bench/kg-kge-quality.ts [--dim 32] [--epochs 100]
import { loadMiniKg } from '../src/kg/minikg.js';
import {
  calibrateOnTriples,
  createModel,
  evaluateRankingParallel,
  splitTriples,
  trainKge,
  type KgeKind,
} from '../src/kg/kge/index.js';
import { createRng } from '../src/stats/random.js';

const argv = process.argv.slice(2);
const value = (name: string, fallback: number) =>
  argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback;
const dim = value('dim', 32);
const epochs = value('epochs', 100);
const { graph } = loadMiniKg();
const { train, valid, test } = splitTriples(graph, { valid: 0.1, test: 0.1 }, 1, { byFact: true });
const facts = (train.heads.length + valid.heads.length + test.heads.length) / 2;
console.log(
  `mini-KG: ${graph.nodeCount} nodes, ${facts} facts (${graph.edgeCount} rows); rows train ${train.heads.length} / valid ${valid.heads.length} / test ${test.heads.length}; dim ${dim}, <= ${epochs} epochs`,
);
const random = createModel('distmult', graph.nodeCount, graph.relations.length, dim, createRng(9).next);
const reference = await evaluateRankingParallel(random, graph, test, 2);
console.log(
  `random DistMult (untrained)  MRR ${reference.mrr.toFixed(3)}  Hits@1 ${reference.hits1.toFixed(3)}  @3 ${reference.hits3.toFixed(3)}  @10 ${reference.hits10.toFixed(3)}`,
);
for (const kind of ['transe', 'distmult', 'rotate'] as KgeKind[]) {
  const started = performance.now();
  const { model, losses } = trainKge(graph, train, {
    kind,
    dim,
    epochs,
    seed: 1,
    lr: 0.01,
    batchSize: 256,
    l2: kind === 'distmult' ? 1e-4 : 0,
  });
  const seconds = (performance.now() - started) / 1000;
  const metrics = await evaluateRankingParallel(model, graph, test, 2);
  const calibration = calibrateOnTriples(model, graph, valid, train, 1);
  console.log(
    `${kind.padEnd(8)} ${losses.length} epochs ${seconds.toFixed(1)} s, loss ${losses.at(-1)!.toFixed(3)}  MRR ${metrics.mrr.toFixed(3)}  Hits@1 ${metrics.hits1.toFixed(3)}  @3 ${metrics.hits3.toFixed(3)}  @10 ${metrics.hits10.toFixed(3)}  ` +
      `threshold ${calibration.threshold.toFixed(3)} (valid accuracy ${calibration.accuracy.toFixed(3)}, F1 ${calibration.f1.toFixed(3)}) (${(metrics.mrr / reference.mrr).toFixed(1)}x random MRR)`,
  );
}
