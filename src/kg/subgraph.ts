// k-hop subgraphs around seed nodes, breadth first, with degree caps so a hub (a gene with 10k
// neighbours) does not swallow the graph. Deterministic: rows are sorted by neighbour index.
import type { Direction, KnowledgeGraph, Triple } from './graph.js';

export interface KHopOptions {
  /** Hops from the seeds (default 2). */
  hops?: number;
  /** At most this many edges are followed from one node; the rest are left out and the node is listed in `capped`. */
  maxDegree?: number;
  /** Stop adding nodes past this many (the subgraph is then `truncated`). */
  maxNodes?: number;
  /** Follow only these relation indices. */
  relations?: readonly number[];
  /** Enter only nodes of these types (seeds are always kept). */
  nodeTypes?: readonly string[];
  direction?: Direction;
  /** Record traversed edges (default true); false = node set only (faster on hubs). */
  edges?: boolean;
  /** Add every stored edge among the final nodes, not only the traversed ones. */
  induced?: boolean;
}

export interface Subgraph {
  seeds: number[];
  /** Nodes in discovery order; hop[i] is nodes[i]'s distance from the nearest seed. */
  nodes: number[];
  hop: number[];
  edges: Triple[];
  /** Nodes whose edges were cut by maxDegree. */
  capped: number[];
  truncated: boolean;
}

export function kHopSubgraph(graph: KnowledgeGraph, seeds: readonly number[], options: KHopOptions = {}): Subgraph {
  const hops = options.hops ?? 2;
  const maxDegree = options.maxDegree ?? Infinity;
  const maxNodes = options.maxNodes ?? Infinity;
  const direction = options.direction ?? 'both';
  const relationFilter = options.relations ? new Set(options.relations) : undefined;
  const typeFilter = options.nodeTypes ? new Set(options.nodeTypes) : undefined;
  // Stamps: seen[node] === generation means discovered in this call; a second array marks expanded.
  const stamps = (graph.stamps ??= new Uint32Array(graph.nodeCount * 2));
  if (graph.stampGeneration >= 0xfffffffe) {
    stamps.fill(0);
    graph.stampGeneration = 0;
  }
  const generation = ++graph.stampGeneration;
  const n = graph.nodeCount;
  const result: Subgraph = { seeds: [], nodes: [], hop: [], edges: [], capped: [], truncated: false };
  for (const seed of seeds) {
    if (seed < 0 || seed >= n) throw new RangeError(`seed ${seed} is not a node (graph has ${n})`);
    if (stamps[seed] === generation) continue;
    stamps[seed] = generation;
    result.seeds.push(seed);
    result.nodes.push(seed);
    result.hop.push(0);
  }
  const recordEdges = options.edges ?? true;
  const sides = [direction !== 'in' ? graph.csr('out') : undefined, direction !== 'out' ? graph.csr('in') : undefined];
  let frontierStart = 0;
  for (let depth = 0; depth < hops; depth++) {
    const frontierEnd = result.nodes.length;
    for (let f = frontierStart; f < frontierEnd; f++) {
      const u = result.nodes[f]!;
      stamps[n + u] = generation; // expanded
      let followed = 0;
      let cut = false;
      for (let side = 0; side < 2 && !cut; side++) {
        const csr = sides[side];
        if (!csr) continue;
        const { offsets, neighbours, relations } = csr;
        for (let k = offsets[u]!, end = offsets[u + 1]!; k < end; k++) {
          const v = neighbours[k]!;
          const relation = relations[k]!;
          if (relationFilter && !relationFilter.has(relation)) continue;
          if (stamps[n + v] === generation) continue; // the edge was recorded when v was expanded
          if (followed >= maxDegree) {
            cut = true;
            break;
          }
          if (stamps[v] !== generation) {
            if (typeFilter && !typeFilter.has(graph.nodeType(v))) continue;
            if (result.nodes.length >= maxNodes) {
              result.truncated = true;
              continue;
            }
            stamps[v] = generation;
            result.nodes.push(v);
            result.hop.push(depth + 1);
          }
          followed++;
          if (recordEdges)
            result.edges.push(side === 0 ? { head: u, relation, tail: v } : { head: v, relation, tail: u });
        }
      }
      if (cut) result.capped.push(u);
    }
    frontierStart = frontierEnd;
  }
  if (options.induced) {
    const seen = new Set(result.edges.map((e) => `${e.head},${e.relation},${e.tail}`));
    result.edges = [];
    const { offsets, neighbours, relations } = graph.csr('out');
    for (const u of result.nodes) {
      for (let k = offsets[u]!; k < offsets[u + 1]!; k++) {
        const v = neighbours[k]!;
        if (stamps[v] !== generation) continue;
        if (relationFilter && !relationFilter.has(relations[k]!)) continue;
        seen.add(`${u},${relations[k]},${v}`);
        result.edges.push({ head: u, relation: relations[k]!, tail: v });
      }
    }
  }
  return result;
}

/** Shortest relation paths (up to maxHops edges, undirected) between two nodes, for explanations and baselines. */
export function findPaths(
  graph: KnowledgeGraph,
  from: number,
  to: number,
  options: { maxHops?: number; maxPaths?: number; maxDegree?: number } = {},
): Triple[][] {
  const maxHops = options.maxHops ?? 2;
  const maxPaths = options.maxPaths ?? 5;
  const maxDegree = options.maxDegree ?? 5000;
  const paths: Triple[][] = [];
  // Iterative deepening so shorter paths come first.
  for (let limit = 1; limit <= maxHops && paths.length < maxPaths; limit++) {
    const visited = new Set([from]);
    const path: Triple[] = [];
    const walk = (node: number) => {
      if (node === to && path.length === limit) {
        paths.push([...path]);
        return;
      }
      if (node === to || path.length >= limit || paths.length >= maxPaths) return;
      if (path.length > 0 && graph.degree(node) > maxDegree) return;
      graph.forEachNeighbour(node, (v, relation, outgoing) => {
        if (visited.has(v) || paths.length >= maxPaths) return;
        visited.add(v);
        path.push(outgoing ? { head: node, relation, tail: v } : { head: v, relation, tail: node });
        walk(v);
        path.pop();
        visited.delete(v);
      });
    };
    walk(from);
  }
  return dedupePaths(paths);
}

function dedupePaths(paths: Triple[][]): Triple[][] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = path.map((t) => `${t.head}:${t.relation}:${t.tail}`).join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "Metformin -[indication]- type 2 diabetes mellitus" */
export function describeEdge(graph: KnowledgeGraph, head: number, relation: number, tail: number): string {
  return `${graph.nodeName(head)} -[${graph.relations[relation]!.display}]- ${graph.nodeName(tail)}`;
}
