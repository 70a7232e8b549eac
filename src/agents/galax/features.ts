// Node and graph features for the reward classifier. A node's input is its per-sample omics
// (CNV, expression, protein); a graph is read out SGC-style (Wu et al. 2019): one round of mean
// aggregation over the subgraph's own edges, then mean and max pooling over its nodes.
import type { Omics, TargetCase } from './case.js';
import type { PpiNetwork } from './ppi.js';

export const CHANNELS = ['cnv', 'expression', 'protein'] as const;
const C = CHANNELS.length;
/** Per node: x (3), neighbour mean a (3), x*a (3), capped degree (1). */
export const NODE_DIM = 3 * C + 1;
/** Graph: mean-pooled and max-pooled node vectors, log size, edge density. */
export const GRAPH_DIM = 2 * NODE_DIM + 2;

/** Pseudo-values from a ranked list where no per-gene values are given: 3 for the first, → 0 at the end. */
function rankValues(list: readonly string[]): Map<string, number> {
  const values = new Map<string, number>();
  list.forEach((symbol, rank) => {
    const key = symbol.toUpperCase();
    if (!values.has(key)) values.set(key, (3 * (list.length - rank)) / list.length);
  });
  return values;
}

/**
 * A (ppi.size × 3) matrix of node inputs: per-gene omics where given (missing genes 0), else values
 * from the case's ranked lists (top genes = CNV, top transcripts = expression, top proteins = protein).
 */
export function nodeInputs(
  ppi: PpiNetwork,
  omics: Omics | undefined,
  ranked?: Pick<TargetCase, 'topGenes' | 'topTranscripts' | 'topProteins'>,
): Float64Array {
  const matrix = new Float64Array(ppi.size * C);
  const fallbacks = [ranked?.topGenes ?? [], ranked?.topTranscripts ?? [], ranked?.topProteins ?? []];
  CHANNELS.forEach((channel, c) => {
    const given = omics?.[channel];
    const values = given
      ? new Map(Object.entries(given).map(([symbol, value]) => [symbol.toUpperCase(), value]))
      : rankValues(fallbacks[c]!);
    for (const [symbol, value] of values) {
      const node = ppi.index(symbol);
      if (node >= 0) matrix[node * C + c] = value;
    }
  });
  return matrix;
}

/** Features of the graph (nodes, edges given as PPI node indices) under node inputs X. */
export function graphFeatures(
  nodes: readonly number[],
  edges: readonly (readonly [number, number])[],
  X: Float64Array,
): Float64Array {
  const out = new Float64Array(GRAPH_DIM);
  const n = nodes.length;
  if (n === 0) return out;
  const local = new Map<number, number>();
  nodes.forEach((node, position) => local.set(node, position));
  const degree = new Float64Array(n);
  const sums = new Float64Array(n * C);
  for (const [a, b] of edges) {
    const i = local.get(a);
    const j = local.get(b);
    if (i === undefined || j === undefined || i === j) continue;
    degree[i]!++;
    degree[j]!++;
    for (let c = 0; c < C; c++) {
      sums[i * C + c]! += X[b * C + c]!;
      sums[j * C + c]! += X[a * C + c]!;
    }
  }
  const mean = out.subarray(0, NODE_DIM);
  const max = out.subarray(NODE_DIM, 2 * NODE_DIM);
  max.fill(-Infinity);
  const z = new Float64Array(NODE_DIM);
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    const d = degree[i]!;
    for (let c = 0; c < C; c++) {
      const x = X[node * C + c]!;
      const a = d > 0 ? sums[i * C + c]! / d : 0;
      z[c] = x;
      z[C + c] = a;
      z[2 * C + c] = x * a;
    }
    z[3 * C] = Math.min(d, 5) / 5;
    for (let k = 0; k < NODE_DIM; k++) {
      mean[k]! += z[k]! / n;
      if (z[k]! > max[k]!) max[k] = z[k]!;
    }
  }
  out[2 * NODE_DIM] = Math.log1p(n);
  out[2 * NODE_DIM + 1] = n > 1 ? (2 * edges.length) / (n * (n - 1)) : 0;
  return out;
}
