// A KGE scorer for the KGE verifier: RotatE by default (KGARevion's code pretrains a RotatE-style
// model; its paper summaries say TransE), trained on 90% of the KG's facts (both rows of a fact on one side), threshold
// calibrated on the held-out 10% vs type-constrained corrupted tails. Trained once per KG: the model
// is saved under `<cacheDir>/kge/`, keyed by the KG's content hash and the training settings, and
// reloaded by later runs; `training` says whether it was trained or loaded, how long it took and
// the quality reached (calibration accuracy and F1 on the held-out facts).
import type { KnowledgeGraph } from '../../kg/graph.js';
import {
  calibrateOnTriples,
  kgeCacheBase,
  loadKge,
  saveKge,
  score,
  splitTriples,
  trainKge,
  type Calibration,
  type KgeKind,
  type KgeMeta,
} from '../../kg/kge/index.js';
import type { TripleScorer } from './verifiers.js';

export interface KgeTraining {
  /** 'trained' now (and saved when a cache folder was given) or 'loaded' from the cache. */
  source: 'trained' | 'loaded';
  /** The saved model's path without extension, when cached. */
  path: string | null;
  settings: KgeMeta['settings'];
  /** Wall time of the training run that produced the model (also when loaded), and of this load. */
  trainMs: number;
  loadMs: number | null;
  epochs: number;
  finalLoss: number | null;
  /** Why a cached model was not used (absent, corrupt, mismatched), when it was trained. */
  cacheMiss?: string;
}

export type TrainedScorer = TripleScorer & { calibration: Calibration; training: KgeTraining };

const cache = new WeakMap<KnowledgeGraph, Map<string, TrainedScorer>>();

/** One line for logs and run notes: model, source, time and quality. */
export function describeTraining(scorer: TrainedScorer): string {
  const { training, calibration } = scorer;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const quality = `calibration on ${calibration.positives} held-out facts vs ${calibration.negatives} corrupted tails: accuracy ${calibration.accuracy.toFixed(3)}, F1 ${calibration.f1.toFixed(3)}, threshold ${calibration.threshold.toFixed(3)}`;
  const where =
    training.source === 'loaded'
      ? `loaded in ${seconds(training.loadMs ?? 0)} from ${training.path} (trained earlier in ${seconds(training.trainMs)}, ${training.epochs} epochs)`
      : `trained in ${seconds(training.trainMs)} (${training.epochs} epochs, final loss ${training.finalLoss?.toFixed(4) ?? '-'})${training.path ? `, saved to ${training.path}` : ', not cached (no cache folder)'}`;
  return `KGE verifier ${scorer.model} (dim ${training.settings.dim}): ${where}; ${quality}`;
}

export async function trainedScorerFor(
  graph: KnowledgeGraph,
  options: { kind?: KgeKind; dim?: number; epochs?: number; seed?: number; cacheDir?: string } = {},
): Promise<TrainedScorer> {
  const kind = options.kind ?? 'rotate';
  const seed = options.seed ?? 1;
  // Everything that changes the trained model; the cache key is the KG's content hash plus these.
  const settings = {
    kind,
    dim: options.dim ?? 32,
    epochs: options.epochs ?? 60,
    seed,
    lr: 0.01,
    batchSize: 256,
    split: 'byFact valid 0.1',
  };
  const key = JSON.stringify({ ...settings, cacheDir: options.cacheDir ?? null });
  const perGraph = cache.get(graph) ?? new Map<string, TrainedScorer>();
  cache.set(graph, perGraph);
  const known = perGraph.get(key);
  if (known) return known;
  const graphHash = graph.contentHash();
  const base = options.cacheDir ? kgeCacheBase(options.cacheDir, graphHash, settings) : null;
  const expect = {
    graphHash,
    entityCount: graph.nodeCount,
    relationCount: Math.max(1, graph.relations.length),
    kind,
    dim: settings.dim,
  };
  const started = performance.now();
  const loaded = base ? loadKge(base, expect) : ({ ok: false, reason: 'no cache folder' } as const);
  let scorer: TrainedScorer;
  if (loaded.ok) {
    const { model, meta } = loaded;
    scorer = {
      model: kind,
      threshold: meta.calibration.threshold,
      calibration: meta.calibration,
      training: {
        source: 'loaded',
        path: base,
        settings,
        trainMs: meta.trainMs,
        loadMs: performance.now() - started,
        epochs: meta.epochs,
        finalLoss: meta.finalLoss,
      },
      score: (h, r, t) => score(model, h, r, t),
    };
  } else {
    const { train, valid } = splitTriples(graph, { valid: 0.1, test: 0 }, seed, { byFact: true });
    const { model, losses } = trainKge(graph, train, {
      kind,
      dim: settings.dim,
      epochs: settings.epochs,
      seed,
      lr: settings.lr,
      batchSize: settings.batchSize,
    });
    const calibration = calibrateOnTriples(model, graph, valid, train, seed);
    const trainMs = performance.now() - started;
    const finalLoss = losses.at(-1) ?? null;
    if (base)
      saveKge(base, model, {
        format: 1,
        graphHash,
        settings,
        kind,
        dim: settings.dim,
        gamma: model.gamma,
        entityCount: model.entityCount,
        relationCount: model.relationCount,
        trainMs,
        epochs: losses.length,
        finalLoss,
        calibration,
        created: new Date().toISOString(),
      });
    scorer = {
      model: kind,
      threshold: calibration.threshold,
      calibration,
      training: {
        source: 'trained',
        path: base,
        settings,
        trainMs,
        loadMs: null,
        epochs: losses.length,
        finalLoss,
        ...(base ? { cacheMiss: loaded.reason } : {}),
      },
      score: (h, r, t) => score(model, h, r, t),
    };
  }
  perGraph.set(key, scorer);
  return scorer;
}
