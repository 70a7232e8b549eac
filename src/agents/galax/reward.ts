// The graph process reward of GALAX (motasg_explainer.py), as the reference states it:
//   R = (P(class 1 | G) − 1/C) + λ1 · mean over `rollouts` one-step rollouts of (P(class 1 | G') − 1/C)
//       + λ2 · validity,   λ1 = λ2 = 1, C = 2, validity = −1 if any edge of G is not a PPI edge, else 0.
// Rollouts add one uniformly drawn action (start in G, end in G ∪ candidates); upstream draws them
// from its policy network, which the greedy/beam search does not have (a stated deviation).
import type { Rng } from '../../stats/random.js';
import type { GraphClassifier } from './classifier.js';
import type { PpiNetwork } from './ppi.js';

export interface RewardConfig {
  lambda1: number;
  lambda2: number;
  numClasses: number;
  rollouts: number;
}

export const DEFAULT_REWARD: RewardConfig = { lambda1: 1, lambda2: 1, numClasses: 2, rollouts: 5 };

export interface RewardTerms {
  /** P(class 1 | G). */
  probability: number;
  /** P − 1/C. */
  classifier: number;
  /** Mean over rollouts of P(G') − 1/C (unweighted). */
  rollout: number;
  /** −1 if any edge is not in the PPI network, else 0 (unweighted). */
  validity: number;
  total: number;
}

export interface GraphState {
  nodes: number[];
  edges: [number, number][];
}

export interface RewardContext {
  classifier: GraphClassifier;
  ppi: PpiNetwork;
  X: Float64Array;
  candidates: readonly number[];
  config: RewardConfig;
}

export const edgeKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function withEdge(graph: GraphState, a: number, b: number): GraphState {
  const nodes = graph.nodes.includes(b) ? graph.nodes : [...graph.nodes, b];
  const withStart = nodes.includes(a) ? nodes : [...nodes, a];
  return { nodes: withStart, edges: [...graph.edges, [a, b]] };
}

/** A uniformly drawn action that is not already an edge: start in G, end in G ∪ candidates. */
export function randomAction(
  graph: GraphState,
  candidates: readonly number[],
  rng: Rng,
  present: Set<string>,
): [number, number] | undefined {
  if (graph.nodes.length === 0) return undefined;
  // uniform over graph ∪ candidates: draw from the concatenation, redraw duplicates (graph nodes that are candidates)
  const inGraph = new Set(graph.nodes);
  const extra = candidates.filter((node) => !inGraph.has(node));
  const total = graph.nodes.length + extra.length;
  for (let tries = 0; tries < 20; tries++) {
    const a = rng.pick(graph.nodes);
    const pick = rng.int(total);
    const b = pick < graph.nodes.length ? graph.nodes[pick]! : extra[pick - graph.nodes.length]!;
    if (a !== b && !present.has(edgeKey(a, b))) return [a, b];
  }
  return undefined;
}

export function validityOf(graph: GraphState, ppi: PpiNetwork): number {
  return graph.edges.every(([a, b]) => ppi.isEdge(a, b)) ? 0 : -1;
}

/**
 * R for a graph. `floor`: when given, rollouts are skipped once R cannot exceed it (the rollout
 * term is at most 1 − 1/C), and `total` is then an upper bound marked by `pruned`.
 */
export function graphReward(
  graph: GraphState,
  context: RewardContext,
  rng: Rng,
  floor = -Infinity,
): RewardTerms & { pruned: boolean } {
  const { classifier, ppi, X, candidates, config } = context;
  const base = 1 / config.numClasses;
  const probability = classifier.probability(graph.nodes, graph.edges, X);
  const validity = validityOf(graph, ppi);
  const partial = probability - base + config.lambda2 * validity;
  if (partial + config.lambda1 * (1 - base) <= floor) {
    return {
      probability,
      classifier: probability - base,
      rollout: 1 - base,
      validity,
      total: partial + config.lambda1 * (1 - base),
      pruned: true,
    };
  }
  const present = new Set(graph.edges.map(([a, b]) => edgeKey(a, b)));
  let sum = 0;
  let count = 0;
  for (let r = 0; r < config.rollouts; r++) {
    const action = randomAction(graph, candidates, rng, present);
    if (!action) continue;
    const next = withEdge(graph, action[0], action[1]);
    sum += classifier.probability(next.nodes, next.edges, X) - base;
    count++;
  }
  const rollout = count > 0 ? sum / count : 0;
  return {
    probability,
    classifier: probability - base,
    rollout,
    validity,
    total: partial + config.lambda1 * rollout,
    pruned: false,
  };
}
