// KG embedding models: TransE (L1), DistMult, RotatE. Parameters live in Float32Arrays; scores and
// hand-derived gradients are plain loops so they run the same in the main thread and in workers.
// Score = higher is more plausible; it is also the logit of the BCE loss (KGARevion: margin - distance).

export type KgeKind = 'transe' | 'distmult' | 'rotate';

export interface KgeModel {
  kind: KgeKind;
  dim: number;
  /** Margin gamma (TransE, RotatE): score = gamma - distance. */
  gamma: number;
  entityCount: number;
  relationCount: number;
  /** TransE/DistMult: entityCount*dim; RotatE: entityCount*2*dim (re then im per entity). */
  entities: Float32Array;
  /** TransE/DistMult: relationCount*dim; RotatE: relationCount*dim phases in radians. */
  relations: Float32Array;
}

export function entityWidth(model: Pick<KgeModel, 'kind' | 'dim'>): number {
  return model.kind === 'rotate' ? 2 * model.dim : model.dim;
}

/** cos/sin of every RotatE phase, so hot loops do not recompute them per triple (refresh after an update). */
export interface Trig {
  cos: Float32Array;
  sin: Float32Array;
}

export function rotateTrig(model: KgeModel): Trig {
  const cos = new Float32Array(model.relations.length);
  const sin = new Float32Array(model.relations.length);
  for (let i = 0; i < model.relations.length; i++) {
    cos[i] = Math.cos(model.relations[i]!);
    sin[i] = Math.sin(model.relations[i]!);
  }
  return { cos, sin };
}

export function score(model: KgeModel, h: number, r: number, t: number, trig?: Trig): number {
  const { dim, entities: E, relations: R } = model;
  if (model.kind === 'distmult') {
    let sum = 0;
    const ho = h * dim,
      ro = r * dim,
      to = t * dim;
    for (let i = 0; i < dim; i++) sum += E[ho + i]! * R[ro + i]! * E[to + i]!;
    return sum;
  }
  if (model.kind === 'transe') {
    let distance = 0;
    const ho = h * dim,
      ro = r * dim,
      to = t * dim;
    for (let i = 0; i < dim; i++) distance += Math.abs(E[ho + i]! + R[ro + i]! - E[to + i]!);
    return model.gamma - distance;
  }
  const w = 2 * dim;
  const ho = h * w,
    to = t * w,
    ro = r * dim;
  let distance = 0;
  for (let i = 0; i < dim; i++) {
    const c = trig ? trig.cos[ro + i]! : Math.cos(R[ro + i]!);
    const s = trig ? trig.sin[ro + i]! : Math.sin(R[ro + i]!);
    const hr = E[ho + i]!,
      hi = E[ho + dim + i]!;
    const a = hr * c - hi * s - E[to + i]!;
    const b = hr * s + hi * c - E[to + dim + i]!;
    distance += Math.sqrt(a * a + b * b);
  }
  return model.gamma - distance;
}

/**
 * Adds coefficient * d(score)/d(params) into the gradient buffers (same layout as the model).
 * coefficient = dLoss/dScore, so the buffers end up holding dLoss/dParams.
 */
export function accumulateGradient(
  model: KgeModel,
  h: number,
  r: number,
  t: number,
  coefficient: number,
  gE: Float32Array,
  gR: Float32Array,
  trig?: Trig,
): void {
  const { dim, entities: E, relations: R } = model;
  if (model.kind === 'distmult') {
    const ho = h * dim,
      ro = r * dim,
      to = t * dim;
    for (let i = 0; i < dim; i++) {
      const hv = E[ho + i]!,
        rv = R[ro + i]!,
        tv = E[to + i]!;
      gE[ho + i]! += coefficient * rv * tv;
      gR[ro + i]! += coefficient * hv * tv;
      gE[to + i]! += coefficient * hv * rv;
    }
    return;
  }
  if (model.kind === 'transe') {
    const ho = h * dim,
      ro = r * dim,
      to = t * dim;
    for (let i = 0; i < dim; i++) {
      const d = E[ho + i]! + R[ro + i]! - E[to + i]!;
      const sign = d > 0 ? 1 : d < 0 ? -1 : 0;
      gE[ho + i]! -= coefficient * sign;
      gR[ro + i]! -= coefficient * sign;
      gE[to + i]! += coefficient * sign;
    }
    return;
  }
  const w = 2 * dim;
  const ho = h * w,
    to = t * w,
    ro = r * dim;
  for (let i = 0; i < dim; i++) {
    const c = trig ? trig.cos[ro + i]! : Math.cos(R[ro + i]!);
    const s = trig ? trig.sin[ro + i]! : Math.sin(R[ro + i]!);
    const hr = E[ho + i]!,
      hi = E[ho + dim + i]!;
    const a = hr * c - hi * s - E[to + i]!;
    const b = hr * s + hi * c - E[to + dim + i]!;
    const m = Math.sqrt(a * a + b * b) + 1e-9;
    const da = a / m,
      db = b / m; // d distance / d(a, b); score = gamma - distance
    gE[ho + i]! -= coefficient * (da * c + db * s);
    gE[ho + dim + i]! -= coefficient * (-da * s + db * c);
    gE[to + i]! += coefficient * da;
    gE[to + dim + i]! += coefficient * db;
    gR[ro + i]! -= coefficient * (da * (-hr * s - hi * c) + db * (hr * c - hi * s));
  }
}

export function createModel(
  kind: KgeKind,
  entityCount: number,
  relationCount: number,
  dim: number,
  next: () => number,
  gamma?: number,
): KgeModel {
  const model: KgeModel = {
    kind,
    dim,
    gamma: gamma ?? (kind === 'distmult' ? 0 : kind === 'transe' ? dim / 4 : dim / 4),
    entityCount,
    relationCount,
    entities: new Float32Array(entityCount * entityWidth({ kind, dim })),
    relations: new Float32Array(relationCount * dim),
  };
  const scale = kind === 'distmult' ? 1 / Math.sqrt(dim) : 6 / Math.sqrt(dim) / 4;
  for (let i = 0; i < model.entities.length; i++) model.entities[i] = (next() * 2 - 1) * scale;
  for (let i = 0; i < model.relations.length; i++) {
    model.relations[i] = kind === 'rotate' ? next() * 2 * Math.PI : (next() * 2 - 1) * scale;
  }
  return model;
}
