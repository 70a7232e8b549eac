// Subgraph search under the graph reward: greedy or beam edge addition. Each step adds one edge
// (start in G, end in G ∪ candidates), the one with the highest R (optionally only when R > 0). Of the graphs
// visited, the one with the highest P(class 1) is kept (upstream keeps the best of 10 samples), then
// completed with every PPI edge among its nodes, and isolated nodes are dropped.
import { createRng, hashSeed } from '../../stats/random.js';
import {
  DEFAULT_REWARD,
  edgeKey,
  graphReward,
  withEdge,
  type GraphState,
  type RewardConfig,
  type RewardContext,
  type RewardTerms,
} from './reward.js';
import type { GraphClassifier } from './classifier.js';
import type { PpiNetwork } from './ppi.js';

export type SearchPolicy = 'greedy' | 'beam' | 'reinforce';

export interface SearchOptions {
  policy?: SearchPolicy;
  beamWidth?: number;
  /** Edges added at most (upstream 50). */
  maxSteps?: number;
  /** Nodes in the graph at most (upstream 200). */
  maxNodes?: number;
  /** 'best-probability' (upstream's selection) or 'last' (the end of the trajectory). */
  selection?: 'best-probability' | 'last';
  /**
   * 'always' (default): take the best action each step even when R ≤ 0, as sampling from a trained
   * policy does; 'positive': advance only on R > 0, upstream's rule while training the policy.
   */
  advance?: 'always' | 'positive';
  seed?: number;
  reward?: Partial<RewardConfig>;
  /** Checked before every step; an aborted run stops with the signal's reason. */
  signal?: AbortSignal;
}

export interface SearchStep {
  step: number;
  edge: [string, string];
  ppi: boolean;
  terms: RewardTerms;
}

export interface SearchResult {
  policy: SearchPolicy;
  /** Steps of the trajectory that led to the selected graph. */
  steps: SearchStep[];
  selected: GraphState;
  selectedProbability: number;
  completed: GraphState;
  /** Genes of the completed graph: in the order the search connected them, then those only the completion connected. */
  genes: string[];
  /** Edges of the completed graph as symbol pairs. */
  edges: [string, string][];
  rewardEvaluations: number;
  stopReason: string;
}

interface Beam {
  graph: GraphState;
  keys: Set<string>;
  steps: SearchStep[];
  probability: number;
}

function actionsOf(beam: Beam, candidates: readonly number[], maxNodes: number): [number, number][] {
  const ends = [...new Set([...beam.graph.nodes, ...candidates])];
  const inGraph = new Set(beam.graph.nodes);
  const seen = new Set<string>();
  const actions: [number, number][] = [];
  for (const a of beam.graph.nodes) {
    for (const b of ends) {
      if (a === b) continue;
      const key = edgeKey(a, b);
      if (beam.keys.has(key) || seen.has(key)) continue;
      if (!inGraph.has(b) && beam.graph.nodes.length >= maxNodes) continue;
      seen.add(key);
      actions.push([a, b]);
    }
  }
  return actions;
}

/** Adds every PPI edge among the nodes, then drops nodes left without an edge. */
export function completeGraph(graph: GraphState, ppi: PpiNetwork): GraphState {
  const edges: [number, number][] = [];
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) if (ppi.isEdge(nodes[i]!, nodes[j]!)) edges.push([nodes[i]!, nodes[j]!]);
  }
  const touched = new Set(edges.flat());
  return { nodes: nodes.filter((node) => touched.has(node)), edges };
}

export function searchSubgraph(
  start: readonly number[],
  candidates: readonly number[],
  classifier: GraphClassifier,
  ppi: PpiNetwork,
  X: Float64Array,
  options: SearchOptions = {},
): SearchResult {
  const policy = options.policy ?? 'greedy';
  if (policy === 'reinforce')
    throw new Error('searchSubgraph runs greedy or beam; use reinforceSubgraph for reinforce');
  const width = policy === 'greedy' ? 1 : Math.max(1, options.beamWidth ?? 4);
  const maxSteps = options.maxSteps ?? 50;
  const maxNodes = options.maxNodes ?? 200;
  const seed = options.seed ?? 0;
  const positiveOnly = options.advance === 'positive';
  const context: RewardContext = { classifier, ppi, X, candidates, config: { ...DEFAULT_REWARD, ...options.reward } };
  const initial: GraphState = { nodes: [...new Set(start)], edges: [] };
  let beams: Beam[] = [
    { graph: initial, keys: new Set(), steps: [], probability: classifier.probability(initial.nodes, [], X) },
  ];
  const visited: Beam[] = [];
  let evaluations = 0;
  let stopReason = `reached ${maxSteps} steps`;
  if (initial.nodes.length === 0) stopReason = 'no start nodes';
  for (let step = 1; step <= maxSteps && initial.nodes.length > 0; step++) {
    options.signal?.throwIfAborted();
    const children: { beam: Beam; a: number; b: number; terms: RewardTerms; graph: GraphState }[] = [];
    const gate = positiveOnly ? 0 : -Infinity;
    const floorOf = () => (children.length < width ? gate : Math.max(gate, children[width - 1]!.terms.total));
    // PPI actions first. A non-PPI action scores at most (1 − 1/C)·(1 + λ1) − λ2 (validity −1), so
    // once the floor reaches that bound no non-PPI action can be chosen and they are skipped: exact.
    const config = context.config;
    const invalidBound = (1 - 1 / config.numClasses) * (1 + config.lambda1) - config.lambda2;
    for (const pass of ['ppi', 'other'] as const) {
      if (pass === 'other' && children.length >= width && floorOf() >= invalidBound) break;
      beams.forEach((beam, beamIndex) => {
        for (const [a, b] of actionsOf(beam, candidates, maxNodes)) {
          if (ppi.isEdge(a, b) !== (pass === 'ppi')) continue;
          const graph = withEdge(beam.graph, a, b);
          const rng = createRng(hashSeed(seed, step, beamIndex, a, b));
          const terms = graphReward(graph, context, rng, floorOf());
          evaluations++;
          if (terms.pruned || terms.total <= floorOf()) continue;
          // keep children sorted by total (desc), at most `width`, distinct edge sets
          const key = [...beam.keys, edgeKey(a, b)].sort().join(',');
          if (children.some((child) => [...child.beam.keys, edgeKey(child.a, child.b)].sort().join(',') === key))
            continue;
          const { pruned: _pruned, ...plain } = terms;
          children.push({ beam, a, b, terms: plain, graph });
          children.sort((x, y) => y.terms.total - x.terms.total);
          if (children.length > width) children.length = width;
        }
      });
    }
    if (children.length === 0) {
      stopReason = positiveOnly ? `no action with R > 0 at step ${step}` : `no action left at step ${step}`;
      break;
    }
    beams = children.map(({ beam, a, b, terms, graph }) => ({
      graph,
      keys: new Set([...beam.keys, edgeKey(a, b)]),
      steps: [
        ...beam.steps,
        { step, edge: [ppi.symbol(a), ppi.symbol(b)] as [string, string], ppi: ppi.isEdge(a, b), terms },
      ],
      probability: terms.probability,
    }));
    visited.push(...beams);
  }
  const pool = visited.length > 0 ? visited : beams;
  const selected =
    (options.selection ?? 'best-probability') === 'last'
      ? beams[0]!
      : pool.reduce((best, beam) => (beam.probability > best.probability ? beam : best), pool[0]!);
  const completed = completeGraph(selected.graph, ppi);
  const order: number[] = [];
  for (const [a, b] of selected.graph.edges) for (const node of [a, b]) if (!order.includes(node)) order.push(node);
  const kept = new Set(completed.nodes);
  // connected by the search first; start nodes that only the completion connected come last
  const ranked = [
    ...order.filter((node) => kept.has(node)),
    ...completed.nodes.filter((node) => !order.includes(node)),
  ];
  const genes = ranked.map((node) => ppi.symbol(node));
  return {
    policy,
    steps: selected.steps,
    selected: selected.graph,
    selectedProbability: selected.probability,
    completed,
    genes,
    edges: completed.edges.map(([a, b]) => [ppi.symbol(a), ppi.symbol(b)] as [string, string]),
    rewardEvaluations: evaluations,
    stopReason,
  };
}
