// A KGE scorer for the KGE verifier: RotatE by default (KGARevion's code pretrains a RotatE-style
// model; its paper summaries say TransE), trained on 90% of the KG's facts (both rows of a fact on one side), threshold
// calibrated on the held-out 10% vs type-constrained corrupted tails. Trained once per graph and options.
import type { KnowledgeGraph } from '../../kg/graph.js';
import {
  calibrateOnTriples,
  score,
  splitTriples,
  trainKge,
  type Calibration,
  type KgeKind,
} from '../../kg/kge/index.js';
import type { TripleScorer } from './verifiers.js';

const cache = new WeakMap<KnowledgeGraph, Map<string, TripleScorer & { calibration: Calibration }>>();

export async function trainedScorerFor(
  graph: KnowledgeGraph,
  options: { kind?: KgeKind; dim?: number; epochs?: number; seed?: number } = {},
): Promise<TripleScorer & { calibration: Calibration }> {
  const kind = options.kind ?? 'rotate';
  const key = JSON.stringify({ kind, dim: options.dim, epochs: options.epochs, seed: options.seed });
  const perGraph = cache.get(graph) ?? new Map();
  cache.set(graph, perGraph);
  const known = perGraph.get(key);
  if (known) return known;
  const seed = options.seed ?? 1;
  const { train, valid } = splitTriples(graph, { valid: 0.1, test: 0 }, seed, { byFact: true });
  const { model } = trainKge(graph, train, {
    kind,
    dim: options.dim ?? 32,
    epochs: options.epochs ?? 60,
    seed,
    lr: 0.01,
    batchSize: 256,
  });
  const calibration = calibrateOnTriples(model, graph, valid, train, seed);
  const scorer = {
    model: kind,
    threshold: calibration.threshold,
    calibration,
    score: (h: number, r: number, t: number) => score(model, h, r, t),
  };
  perGraph.set(key, scorer);
  return scorer;
}
