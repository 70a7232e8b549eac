// The reward's graph classifier: logistic regression over SGC-style pooled features (features.ts),
// trained in TypeScript by full-batch Adam with L2; deterministic for a given training set. It
// stands in for upstream's pretrained MOTASG GNN: P(class 1 = cancerous | subgraph).
import { createRng, type Rng } from '../../stats/random.js';
import { graphFeatures, GRAPH_DIM } from './features.js';
import type { PpiNetwork } from './ppi.js';

export interface TrainingExample {
  features: Float64Array;
  label: 0 | 1;
  /** Examples of one group (a cell line) are held out together. */
  group?: string;
}

export interface ClassifierReport {
  examples: number;
  positives: number;
  trainAccuracy: number;
  /** Accuracy on a held-out fifth of the groups (cell lines; seeded shuffle), trained on the rest. */
  heldOutAccuracy: number;
  kind: 'reference-profiles' | 'permutation-proxy';
  /** How reference examples were drawn ('whole-graph' | 'subgraphs'). */
  training?: string;
}

export class GraphClassifier {
  constructor(
    readonly weights: Float64Array,
    readonly bias: number,
    readonly center: Float64Array,
    readonly scale: Float64Array,
    public report?: ClassifierReport,
  ) {}

  /** P(class 1 | features). */
  probabilityOf(features: Float64Array): number {
    let logit = this.bias;
    for (let k = 0; k < GRAPH_DIM; k++) logit += this.weights[k]! * ((features[k]! - this.center[k]!) / this.scale[k]!);
    return 1 / (1 + Math.exp(-logit));
  }

  /** P(class 1 | subgraph); an empty graph carries no evidence and gets 1/2. */
  probability(nodes: readonly number[], edges: readonly (readonly [number, number])[], X: Float64Array): number {
    if (nodes.length === 0) return 0.5;
    return this.probabilityOf(graphFeatures(nodes, edges, X));
  }
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
}

export function trainClassifier(examples: readonly TrainingExample[], options: TrainOptions = {}): GraphClassifier {
  const epochs = options.epochs ?? 300;
  const lr = options.learningRate ?? 0.05;
  const l2 = options.l2 ?? 1e-3;
  const n = examples.length;
  const center = new Float64Array(GRAPH_DIM);
  const scale = new Float64Array(GRAPH_DIM).fill(1);
  if (n === 0) return new GraphClassifier(new Float64Array(GRAPH_DIM), 0, center, scale);
  for (const { features } of examples) for (let k = 0; k < GRAPH_DIM; k++) center[k]! += features[k]! / n;
  const variance = new Float64Array(GRAPH_DIM);
  for (const { features } of examples)
    for (let k = 0; k < GRAPH_DIM; k++) variance[k]! += (features[k]! - center[k]!) ** 2 / n;
  for (let k = 0; k < GRAPH_DIM; k++) scale[k] = Math.sqrt(variance[k]!) > 1e-9 ? Math.sqrt(variance[k]!) : 1;
  const rows = examples.map(({ features }) => features.map((value, k) => (value - center[k]!) / scale[k]!));
  const w = new Float64Array(GRAPH_DIM + 1); // last = bias
  const m = new Float64Array(GRAPH_DIM + 1);
  const v = new Float64Array(GRAPH_DIM + 1);
  const grad = new Float64Array(GRAPH_DIM + 1);
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      let logit = w[GRAPH_DIM]!;
      for (let k = 0; k < GRAPH_DIM; k++) logit += w[k]! * row[k]!;
      const error = 1 / (1 + Math.exp(-logit)) - examples[i]!.label;
      for (let k = 0; k < GRAPH_DIM; k++) grad[k]! += (error * row[k]!) / n;
      grad[GRAPH_DIM]! += error / n;
    }
    for (let k = 0; k < GRAPH_DIM; k++) grad[k]! += l2 * w[k]!;
    for (let k = 0; k <= GRAPH_DIM; k++) {
      m[k] = beta1 * m[k]! + (1 - beta1) * grad[k]!;
      v[k] = beta2 * v[k]! + (1 - beta2) * grad[k]! ** 2;
      const mHat = m[k]! / (1 - beta1 ** epoch);
      const vHat = v[k]! / (1 - beta2 ** epoch);
      w[k]! -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  }
  return new GraphClassifier(w.slice(0, GRAPH_DIM), w[GRAPH_DIM]!, center, scale);
}

/** Trains on 4/5 of the groups (seeded shuffle), reports held-out accuracy, then refits on all. */
export function trainWithReport(
  examples: TrainingExample[],
  seed: number,
  kind: ClassifierReport['kind'],
  options: TrainOptions = {},
): GraphClassifier {
  const groupOf = (example: TrainingExample, index: number) => example.group ?? `#${index}`;
  const groups = createRng(seed).shuffle([...new Set(examples.map(groupOf))]);
  const heldGroups = new Set(groups.slice(Math.floor(groups.length * 0.8)));
  const train = examples.filter((example, index) => !heldGroups.has(groupOf(example, index)));
  const held = examples.filter((example, index) => heldGroups.has(groupOf(example, index)));
  const accuracy = (model: GraphClassifier, set: TrainingExample[]) =>
    set.length === 0
      ? NaN
      : set.filter((example) => (model.probabilityOf(example.features) >= 0.5 ? 1 : 0) === example.label).length /
        set.length;
  const probe = trainClassifier(train, options);
  const model = trainClassifier(examples, options);
  model.report = {
    examples: examples.length,
    positives: examples.filter((example) => example.label === 1).length,
    trainAccuracy: accuracy(model, examples),
    heldOutAccuracy: accuracy(probe, held),
    kind,
  };
  return model;
}

/**
 * Random connected subgraphs like the ones the search builds: a tree grown from a random pool node
 * by adding PPI edges (to pool nodes with probability 0.7, else to any neighbour), 3–25 nodes.
 */
export function sampleSubgraphs(
  ppi: PpiNetwork,
  pool: readonly number[],
  rng: Rng,
  count: number,
  sizes: [number, number] = [3, 25],
): { nodes: number[]; edges: [number, number][] }[] {
  const graphs: { nodes: number[]; edges: [number, number][] }[] = [];
  if (pool.length === 0) return graphs;
  const inPool = new Set(pool);
  for (let g = 0; g < count; g++) {
    const target = sizes[0] + rng.int(sizes[1] - sizes[0] + 1);
    const nodes = [rng.pick(pool)];
    const members = new Set(nodes);
    const edges: [number, number][] = [];
    for (let tries = 0; nodes.length < target && tries < target * 20; tries++) {
      const from = rng.pick(nodes);
      const neighbours = ppi.neighbours(from).filter((node) => !members.has(node));
      if (neighbours.length === 0) continue;
      const preferred = neighbours.filter((node) => inPool.has(node));
      const to = preferred.length > 0 && rng.next() < 0.7 ? rng.pick(preferred) : rng.pick(neighbours);
      members.add(to);
      nodes.push(to);
      edges.push([from, to]);
    }
    graphs.push({ nodes, edges });
  }
  return graphs;
}
