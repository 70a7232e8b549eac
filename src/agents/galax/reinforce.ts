// A REINFORCE policy under the same graph reward (upstream: an XGNN-style GAT policy trained with
// −R · (CE_start + CE_end)). medkit's policy is a linear softmax over all actions (start in G, end in
// G ∪ candidates) on reward-free action features, trained per case from a uniform start:
// ≤ `epochs` × `stepsPerEpoch` sampled actions, θ += lr · R · ∇log π(a) (standard REINFORCE; upstream's
// loss −R·CE = R·log π has the opposite sign, see README), the state advancing only on
// R > 0 (upstream's training rule). Then `samples` graphs of ≤ maxSteps sampled steps are drawn and
// the one with the highest P(class 1) is kept, as upstream's generate_best_graph.
import { createRng, hashSeed, type Rng } from '../../stats/random.js';
import type { GraphClassifier } from './classifier.js';
import type { PpiNetwork } from './ppi.js';
import {
  DEFAULT_REWARD,
  edgeKey,
  graphReward,
  withEdge,
  type GraphState,
  type RewardConfig,
  type RewardContext,
} from './reward.js';
import { completeGraph, type SearchResult, type SearchStep } from './search.js';

export interface ReinforceOptions {
  epochs?: number;
  stepsPerEpoch?: number;
  learningRate?: number;
  samples?: number;
  maxSteps?: number;
  maxNodes?: number;
  seed?: number;
  reward?: Partial<RewardConfig>;
  signal?: AbortSignal;
  /** Node roles used as action features. */
  roles?: { disease?: readonly number[]; omics?: readonly number[]; llm?: readonly number[] };
}

const DIM = 12;

interface Policy {
  theta: Float64Array;
}

function actionFeatures(
  graph: GraphState,
  candidates: readonly number[],
  ppi: PpiNetwork,
  X: Float64Array,
  roleOf: Map<number, number>,
  maxNodes: number,
): { actions: [number, number][]; features: Float64Array } {
  const inGraph = new Set(graph.nodes);
  const present = new Set(graph.edges.map(([a, b]) => edgeKey(a, b)));
  const ends = [...graph.nodes, ...candidates.filter((node) => !inGraph.has(node))];
  const actions: [number, number][] = [];
  const seen = new Set<string>();
  for (const a of graph.nodes) {
    for (const b of ends) {
      if (a === b) continue;
      const key = edgeKey(a, b);
      if (present.has(key) || seen.has(key)) continue;
      if (!inGraph.has(b) && graph.nodes.length >= maxNodes) continue;
      seen.add(key);
      actions.push([a, b]);
    }
  }
  const features = new Float64Array(actions.length * DIM);
  actions.forEach(([a, b], i) => {
    const f = features.subarray(i * DIM, (i + 1) * DIM);
    for (let c = 0; c < 3; c++) {
      f[c] = X[b * 3 + c]!;
      f[3 + c] = X[a * 3 + c]!;
    }
    f[6] = ppi.isEdge(a, b) ? 1 : 0;
    f[7] = inGraph.has(b) ? 1 : 0;
    f[8] = Math.log1p(ppi.neighbours(b).length) / 3;
    const role = roleOf.get(b) ?? 0;
    f[9] = role & 1 ? 1 : 0;
    f[10] = role & 2 ? 1 : 0;
    f[11] = role & 4 ? 1 : 0;
  });
  return { actions, features };
}

function softmax(policy: Policy, features: Float64Array, count: number): Float64Array {
  const logits = new Float64Array(count);
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    let z = 0;
    for (let k = 0; k < DIM; k++) z += policy.theta[k]! * features[i * DIM + k]!;
    logits[i] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let i = 0; i < count; i++) sum += logits[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < count; i++) logits[i]! /= sum;
  return logits;
}

function sample(probabilities: Float64Array, rng: Rng): number {
  let u = rng.next();
  for (let i = 0; i < probabilities.length; i++) {
    u -= probabilities[i]!;
    if (u <= 0) return i;
  }
  return probabilities.length - 1;
}

export interface ReinforceReport {
  trainingSteps: number;
  meanRewardFirstEpoch: number;
  meanRewardLastEpoch: number;
  theta: number[];
}

export function reinforceSubgraph(
  start: readonly number[],
  candidates: readonly number[],
  classifier: GraphClassifier,
  ppi: PpiNetwork,
  X: Float64Array,
  options: ReinforceOptions = {},
): SearchResult & { training: ReinforceReport } {
  const epochs = options.epochs ?? 5;
  const stepsPerEpoch = options.stepsPerEpoch ?? 50;
  const lr = options.learningRate ?? 0.01;
  const samples = options.samples ?? 10;
  const maxSteps = options.maxSteps ?? 50;
  const maxNodes = options.maxNodes ?? 200;
  const seed = options.seed ?? 0;
  const context: RewardContext = { classifier, ppi, X, candidates, config: { ...DEFAULT_REWARD, ...options.reward } };
  const roleOf = new Map<number, number>();
  const flag = (nodes: readonly number[] | undefined, bit: number) =>
    nodes?.forEach((node) => roleOf.set(node, (roleOf.get(node) ?? 0) | bit));
  flag(options.roles?.disease, 1);
  flag(options.roles?.omics, 2);
  flag(options.roles?.llm, 4);
  const policy: Policy = { theta: new Float64Array(DIM) };
  const rng = createRng(hashSeed('galax/reinforce', seed));
  const initial: GraphState = { nodes: [...new Set(start)], edges: [] };
  const epochMeans: number[] = [];
  let trainingSteps = 0;
  let evaluations = 0;
  for (let epoch = 0; epoch < epochs && initial.nodes.length > 0; epoch++) {
    let graph = initial;
    let total = 0;
    let count = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      options.signal?.throwIfAborted();
      const { actions, features } = actionFeatures(graph, candidates, ppi, X, roleOf, maxNodes);
      if (actions.length === 0) break;
      const probabilities = softmax(policy, features, actions.length);
      const chosen = sample(probabilities, rng);
      const [a, b] = actions[chosen]!;
      const next = withEdge(graph, a, b);
      const reward = graphReward(next, context, rng).total;
      evaluations++;
      // ∇ log π(a) = φ(a) − E_π[φ]
      for (let k = 0; k < DIM; k++) {
        let expected = 0;
        for (let i = 0; i < actions.length; i++) expected += probabilities[i]! * features[i * DIM + k]!;
        policy.theta[k]! += lr * reward * (features[chosen * DIM + k]! - expected);
      }
      total += reward;
      count++;
      trainingSteps++;
      if (reward > 0) graph = next;
    }
    epochMeans.push(count > 0 ? total / count : 0);
  }
  // Generation: sample graphs, keep the one with the highest P(class 1).
  let best: { graph: GraphState; actions: [number, number][]; probability: number } | undefined;
  for (let s = 0; s < samples && initial.nodes.length > 0; s++) {
    let graph = initial;
    const taken: [number, number][] = [];
    for (let step = 0; step < maxSteps; step++) {
      options.signal?.throwIfAborted();
      const { actions, features } = actionFeatures(graph, candidates, ppi, X, roleOf, maxNodes);
      if (actions.length === 0) break;
      const [a, b] = actions[sample(softmax(policy, features, actions.length), rng)]!;
      graph = withEdge(graph, a, b);
      taken.push([a, b]);
    }
    const probability = classifier.probability(graph.nodes, graph.edges, X);
    if (!best || probability > best.probability) best = { graph, actions: taken, probability };
  }
  const selected = best ?? { graph: initial, actions: [], probability: classifier.probability(initial.nodes, [], X) };
  // Reward terms of the selected sample's steps, for the transcript.
  const steps: SearchStep[] = [];
  let replay = initial;
  selected.actions.forEach(([a, b], index) => {
    replay = withEdge(replay, a, b);
    const { pruned: _pruned, ...terms } = graphReward(replay, context, createRng(hashSeed(seed, 'replay', index)));
    evaluations++;
    steps.push({ step: index + 1, edge: [ppi.symbol(a), ppi.symbol(b)], ppi: ppi.isEdge(a, b), terms });
  });
  const completed = completeGraph(selected.graph, ppi);
  const order: number[] = [];
  for (const [a, b] of selected.graph.edges) for (const node of [a, b]) if (!order.includes(node)) order.push(node);
  const kept = new Set(completed.nodes);
  const ranked = [
    ...order.filter((node) => kept.has(node)),
    ...completed.nodes.filter((node) => !order.includes(node)),
  ];
  return {
    policy: 'reinforce',
    steps,
    selected: selected.graph,
    selectedProbability: selected.probability,
    completed,
    genes: ranked.map((node) => ppi.symbol(node)),
    edges: completed.edges.map(([a, b]) => [ppi.symbol(a), ppi.symbol(b)] as [string, string]),
    rewardEvaluations: evaluations,
    stopReason: initial.nodes.length === 0 ? 'no start nodes' : `best of ${samples} sampled graphs`,
    training: {
      trainingSteps,
      meanRewardFirstEpoch: epochMeans[0] ?? NaN,
      meanRewardLastEpoch: epochMeans.at(-1) ?? NaN,
      theta: [...policy.theta],
    },
  };
}
