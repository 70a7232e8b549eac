// Filtered link-prediction metrics (MRR, Hits@1/3/10: rank the true tail and head against every
// entity, skipping other known true triples) and threshold calibration for triplet verification.
// `evaluateRankingParallel` shards the test triples over worker threads (read-only embeddings and
// CSR arrays are copied once per worker); the result is identical to the single-thread one.
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import type { KnowledgeGraph } from '../graph.js';
import { score, type KgeModel } from './models.js';
import type { Triples } from './train.js';
import { corruptTail, tailsByRelation } from './train.js';
import { createRng } from '../../stats/random.js';

export interface RankingMetrics {
  mrr: number;
  hits1: number;
  hits3: number;
  hits10: number;
  /** Rankings done (2 per test triple: tail and head). */
  n: number;
}

/** Read-only CSR view used for filtering: does (h, r, t) exist? */
export interface FilterCsr {
  offsets: Uint32Array;
  neighbours: Uint32Array;
  relations: Uint16Array;
}

export function isKnown(csr: FilterCsr, h: number, r: number, t: number): boolean {
  let low = csr.offsets[h]!;
  let high = csr.offsets[h + 1]!;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (csr.neighbours[mid]! < t) low = mid + 1;
    else high = mid;
  }
  for (let k = low; k < csr.offsets[h + 1]! && csr.neighbours[k] === t; k++) if (csr.relations[k] === r) return true;
  return false;
}

/** Sum of reciprocal ranks and hits for test triples [from, to): shared by the main thread and workers. */
export function rankRange(
  model: KgeModel,
  csr: FilterCsr,
  test: Triples,
  from: number,
  to: number,
): { rr: number; h1: number; h3: number; h10: number; n: number } {
  const acc = { rr: 0, h1: 0, h3: 0, h10: 0, n: 0 };
  const add = (rank: number) => {
    acc.rr += 1 / rank;
    if (rank <= 1) acc.h1++;
    if (rank <= 3) acc.h3++;
    if (rank <= 10) acc.h10++;
    acc.n++;
  };
  for (let i = from; i < to; i++) {
    const h = test.heads[i]!,
      r = test.relations[i]!,
      t = test.tails[i]!;
    const trueTail = score(model, h, r, t);
    let rankTail = 1;
    let rankHead = 1;
    for (let e = 0; e < model.entityCount; e++) {
      if (e !== t && score(model, h, r, e) > trueTail && !isKnown(csr, h, r, e)) rankTail++;
      if (e !== h && score(model, e, r, t) > trueTail && !isKnown(csr, e, r, t)) rankHead++;
    }
    add(rankTail);
    add(rankHead);
  }
  return acc;
}

function finish(acc: { rr: number; h1: number; h3: number; h10: number; n: number }): RankingMetrics {
  const n = Math.max(1, acc.n);
  return { mrr: acc.rr / n, hits1: acc.h1 / n, hits3: acc.h3 / n, hits10: acc.h10 / n, n: acc.n };
}

export function evaluateRanking(model: KgeModel, graph: KnowledgeGraph, test: Triples): RankingMetrics {
  return finish(rankRange(model, graph.csr('out'), test, 0, test.heads.length));
}

/** The same metrics with the test triples split over `workers` threads (default: CPU count, at most 4). */
export async function evaluateRankingParallel(
  model: KgeModel,
  graph: KnowledgeGraph,
  test: Triples,
  workers = Math.min(4, cpus().length),
): Promise<RankingMetrics> {
  const n = test.heads.length;
  if (workers <= 1 || n < 2 * workers) return evaluateRanking(model, graph, test);
  const csr = graph.csr('out');
  const chunk = Math.ceil(n / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, index) => {
      const from = index * chunk;
      const to = Math.min(n, from + chunk);
      return new Promise<{ rr: number; h1: number; h3: number; h10: number; n: number }>((resolve, reject) => {
        const worker = new Worker(workerSource(), {
          eval: true,
          workerData: {
            model,
            csr: { offsets: csr.offsets, neighbours: csr.neighbours, relations: csr.relations },
            test,
            from,
            to,
          },
        });
        worker.once('message', (result) => {
          resolve(result);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    }),
  );
  // Fixed summation order (by shard), so the result does not depend on which worker finished first.
  return finish(
    parts.reduce((a, b) => ({ rr: a.rr + b.rr, h1: a.h1 + b.h1, h3: a.h3 + b.h3, h10: a.h10 + b.h10, n: a.n + b.n })),
  );
}

/**
 * Workers cannot load .ts files by themselves (Node 20 ignores `--import tsx` in a worker's execArgv
 * for its entry module), so an eval'd stub registers tsx's loader first, then imports the worker.
 */
function workerSource(): string {
  const isTs = import.meta.url.endsWith('.ts');
  const target = new URL(isTs ? './rank-worker.ts' : './rank-worker.js', import.meta.url).href;
  if (!isTs) return `import(${JSON.stringify(target)});`;
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(target)}); });`;
}

export interface Calibration {
  threshold: number;
  accuracy: number;
  f1: number;
  positives: number;
  negatives: number;
}

/** The score threshold that maximises accuracy (ties: higher F1) on labelled scores. */
export function calibrateThreshold(positives: readonly number[], negatives: readonly number[]): Calibration {
  const all = [...positives.map((s) => [s, 1] as const), ...negatives.map((s) => [s, 0] as const)].sort(
    (a, b) => b[0] - a[0],
  );
  const P = positives.length,
    N = negatives.length;
  let best: Calibration = { threshold: Infinity, accuracy: N / Math.max(1, P + N), f1: 0, positives: P, negatives: N };
  let tp = 0,
    fp = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i]![1]) tp++;
    else fp++;
    if (i + 1 < all.length && all[i + 1]![0] === all[i]![0]) continue;
    const accuracy = (tp + (N - fp)) / (P + N);
    const f1 = (2 * tp) / (2 * tp + fp + (P - tp));
    const threshold = i + 1 < all.length ? (all[i]![0] + all[i + 1]![0]) / 2 : all[i]![0];
    if (accuracy > best.accuracy + 1e-12 || (Math.abs(accuracy - best.accuracy) <= 1e-12 && f1 > best.f1))
      best = { threshold, accuracy, f1, positives: P, negatives: N };
  }
  return best;
}

/** Scores held-out positives and one type-constrained corrupted negative each, and calibrates. */
export function calibrateOnTriples(
  model: KgeModel,
  graph: KnowledgeGraph,
  valid: Triples,
  train: Triples,
  seed = 1,
): Calibration {
  const rng = createRng(seed);
  const candidates = tailsByRelation(train, model.relationCount);
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < valid.heads.length; i++) {
    const h = valid.heads[i]!,
      r = valid.relations[i]!,
      t = valid.tails[i]!;
    positives.push(score(model, h, r, t));
    negatives.push(score(model, h, r, corruptTail(graph, candidates, h, r, t, rng)));
  }
  return calibrateThreshold(positives, negatives);
}
