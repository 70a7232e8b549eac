// KGE training: BCE with logits on the score, one type-constrained negative per positive (a tail
// seen with that relation but not linked to h, as KGARevion's pretraining does), lazy Adam on the
// rows a batch touches. Single-threaded and deterministic per seed (fixed order and summation).
import { createRng, type Rng } from '../../stats/random.js';
import type { KnowledgeGraph } from '../graph.js';
import {
  accumulateGradient,
  createModel,
  entityWidth,
  rotateTrig,
  score,
  type KgeKind,
  type KgeModel,
  type Trig,
} from './models.js';

export interface Triples {
  heads: Uint32Array;
  relations: Uint16Array;
  tails: Uint32Array;
}

export interface TrainOptions {
  kind?: KgeKind;
  dim?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  gamma?: number;
  /** L2 penalty on the embeddings a batch touches (DistMult benefits). */
  l2?: number;
  /** Stop when the epoch loss has not improved by 1e-4 for this many epochs (KGARevion: 5). */
  patience?: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

export function subsetTriples(all: Triples, indices: ArrayLike<number>): Triples {
  const out: Triples = {
    heads: new Uint32Array(indices.length),
    relations: new Uint16Array(indices.length),
    tails: new Uint32Array(indices.length),
  };
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    out.heads[i] = all.heads[k]!;
    out.relations[i] = all.relations[k]!;
    out.tails[i] = all.tails[k]!;
  }
  return out;
}

/**
 * Seeded split of a graph's edges into train / valid / test. `byFact` keeps the two rows of an
 * undirected fact (h, r, t) and (t, r, h), as PrimeKG stores them, on the same side, so a held-out
 * fact's reverse row cannot leak into training.
 */
export function splitTriples(
  graph: KnowledgeGraph,
  fractions: { valid: number; test: number },
  seed = 1,
  options: { byFact?: boolean } = {},
): { train: Triples; valid: Triples; test: Triples } {
  const all = graph.triples();
  const rows = all.heads.length;
  const key = (i: number) => {
    const h = all.heads[i]!,
      t = all.tails[i]!;
    return options.byFact ? `${Math.min(h, t)},${all.relations[i]},${Math.max(h, t)}` : String(i);
  };
  const groups = new Map<string, number[]>();
  for (let i = 0; i < rows; i++) {
    const k = key(i);
    const list = groups.get(k);
    if (list) list.push(i);
    else groups.set(k, [i]);
  }
  const order = createRng(seed).shuffle([...groups.values()]);
  const nTest = Math.round(order.length * fractions.test);
  const nValid = Math.round(order.length * fractions.valid);
  return {
    test: subsetTriples(all, order.slice(0, nTest).flat()),
    valid: subsetTriples(all, order.slice(nTest, nTest + nValid).flat()),
    train: subsetTriples(all, order.slice(nTest + nValid).flat()),
  };
}

/** Tails seen per relation, for type-constrained negatives. */
export function tailsByRelation(triples: Triples, relationCount: number): Uint32Array[] {
  const sets = Array.from({ length: relationCount }, () => new Set<number>());
  for (let i = 0; i < triples.heads.length; i++) sets[triples.relations[i]!]!.add(triples.tails[i]!);
  return sets.map((set) => Uint32Array.from([...set].sort((a, b) => a - b)));
}

/** A tail seen with r that is not linked to h by r in the graph (uniform fallback after 10 tries). */
export function corruptTail(
  graph: KnowledgeGraph,
  candidates: Uint32Array[],
  h: number,
  r: number,
  t: number,
  rng: Rng,
): number {
  const pool = candidates[r]!;
  for (let attempt = 0; attempt < 10; attempt++) {
    const e = pool.length > 1 ? pool[rng.int(pool.length)]! : rng.int(graph.nodeCount);
    if (e !== t && e !== h && !graph.hasRow(h, r, e)) return e;
  }
  return rng.int(graph.nodeCount);
}

export class KgeTrainer {
  readonly model: KgeModel;
  private readonly gE: Float32Array;
  private readonly gR: Float32Array;
  private readonly mE: Float32Array;
  private readonly vE: Float32Array;
  private readonly mR: Float32Array;
  private readonly vR: Float32Array;
  private readonly touchedE: Uint8Array;
  private readonly touchedR: Uint8Array;
  private readonly rng: Rng;
  private readonly candidates: Uint32Array[];
  private step = 0;
  readonly options: Required<Omit<TrainOptions, 'onEpoch' | 'gamma'>> & { gamma?: number };

  constructor(
    readonly graph: KnowledgeGraph,
    readonly train: Triples,
    options: TrainOptions = {},
  ) {
    this.options = {
      kind: options.kind ?? 'rotate',
      dim: options.dim ?? 64,
      epochs: options.epochs ?? 100,
      batchSize: options.batchSize ?? 512,
      lr: options.lr ?? 0.005,
      seed: options.seed ?? 1,
      l2: options.l2 ?? 0,
      patience: options.patience ?? 5,
      gamma: options.gamma,
    };
    this.rng = createRng(this.options.seed);
    this.model = createModel(
      this.options.kind,
      graph.nodeCount,
      Math.max(1, graph.relations.length),
      this.options.dim,
      this.rng.next,
      options.gamma,
    );
    const { entities, relations } = this.model;
    this.gE = new Float32Array(entities.length);
    this.gR = new Float32Array(relations.length);
    this.mE = new Float32Array(entities.length);
    this.vE = new Float32Array(entities.length);
    this.mR = new Float32Array(relations.length);
    this.vR = new Float32Array(relations.length);
    this.touchedE = new Uint8Array(graph.nodeCount);
    this.touchedR = new Uint8Array(this.model.relationCount);
    this.candidates = tailsByRelation(train, this.model.relationCount);
  }

  /** One pass over the training triples in a seeded order; returns the mean BCE loss. */
  epoch(): number {
    const n = this.train.heads.length;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
    }
    let loss = 0;
    const touchedRowsE: number[] = [];
    const touchedRowsR: number[] = [];
    for (let start = 0; start < n; start += this.options.batchSize) {
      const end = Math.min(n, start + this.options.batchSize);
      const scale = 1 / (end - start);
      const trig: Trig | undefined = this.model.kind === 'rotate' ? rotateTrig(this.model) : undefined;
      for (let k = start; k < end; k++) {
        const i = order[k]!;
        const h = this.train.heads[i]!,
          r = this.train.relations[i]!,
          t = this.train.tails[i]!;
        const negative = corruptTail(this.graph, this.candidates, h, r, t, this.rng);
        // Positive (label 1), then its negative (label 0): dLoss/dScore = sigmoid(score) - label.
        const sp = score(this.model, h, r, t, trig);
        loss += softplus(-sp);
        accumulateGradient(this.model, h, r, t, (1 / (1 + Math.exp(-sp)) - 1) * scale, this.gE, this.gR, trig);
        const sn = score(this.model, h, r, negative, trig);
        loss += softplus(sn);
        accumulateGradient(this.model, h, r, negative, (1 / (1 + Math.exp(-sn))) * scale, this.gE, this.gR, trig);
        if (!this.touchedE[h]) (this.touchedE[h] = 1), touchedRowsE.push(h);
        if (!this.touchedE[t]) (this.touchedE[t] = 1), touchedRowsE.push(t);
        if (!this.touchedE[negative]) (this.touchedE[negative] = 1), touchedRowsE.push(negative);
        if (!this.touchedR[r]) (this.touchedR[r] = 1), touchedRowsR.push(r);
      }
      this.apply(touchedRowsE, touchedRowsR);
      touchedRowsE.length = 0;
      touchedRowsR.length = 0;
    }
    return loss / (2 * n);
  }

  private apply(rowsE: number[], rowsR: number[]): void {
    this.step++;
    const { lr, l2 } = this.options;
    const b1 = 0.9,
      b2 = 0.999,
      eps = 1e-8;
    const c1 = 1 - Math.pow(b1, this.step),
      c2 = 1 - Math.pow(b2, this.step);
    const update = (
      params: Float32Array,
      g: Float32Array,
      m: Float32Array,
      v: Float32Array,
      row: number,
      width: number,
      decay: number,
    ) => {
      for (let k = row * width; k < (row + 1) * width; k++) {
        const grad = g[k]! + decay * params[k]!;
        g[k] = 0;
        m[k] = b1 * m[k]! + (1 - b1) * grad;
        v[k] = b2 * v[k]! + (1 - b2) * grad * grad;
        params[k]! -= (lr * (m[k]! / c1)) / (Math.sqrt(v[k]! / c2) + eps);
      }
    };
    const width = entityWidth(this.model);
    for (const e of rowsE) {
      update(this.model.entities, this.gE, this.mE, this.vE, e, width, l2);
      this.touchedE[e] = 0;
    }
    for (const r of rowsR) {
      update(this.model.relations, this.gR, this.mR, this.vR, r, this.model.dim, this.model.kind === 'rotate' ? 0 : l2);
      this.touchedR[r] = 0;
    }
  }

  /** Epochs until `epochs` or early stopping on the training loss. */
  fit(onEpoch?: (epoch: number, loss: number) => void): { epochs: number; losses: number[] } {
    const losses: number[] = [];
    let best = Infinity;
    let stale = 0;
    for (let epoch = 1; epoch <= this.options.epochs; epoch++) {
      const loss = this.epoch();
      losses.push(loss);
      onEpoch?.(epoch, loss);
      if (loss < best - 1e-4) {
        best = loss;
        stale = 0;
      } else if (++stale >= this.options.patience) break;
    }
    return { epochs: losses.length, losses };
  }
}

function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

export function trainKge(
  graph: KnowledgeGraph,
  train: Triples,
  options: TrainOptions = {},
): { model: KgeModel; losses: number[] } {
  const trainer = new KgeTrainer(graph, train, options);
  const { losses } = trainer.fit(options.onEpoch);
  return { model: trainer.model, losses };
}
