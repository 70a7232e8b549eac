// Seeded scale-free KG generator in Hetionet's shape: the same node kinds and metaedges with the
// same counts (47,031 nodes, 2,250,197 edges at scale 1), endpoints drawn with Zipf-like weights
// inside each kind (Chung-Lu style), so degrees are heavy-tailed as in real KGs. Used by benches
// and tests (scale 0.01 is ~470 nodes / 22k edges). Synthetic: no fact in it is true.
import { createRng } from '../stats/random.js';
import { GraphBuilder, type KnowledgeGraph } from './graph.js';
import { HETIONET_EDGE_COUNTS, HETIONET_METAEDGES, HETIONET_NODE_COUNTS } from './schema.js';

export interface GeneratorOptions {
  seed?: number;
  /** Multiplies every node and edge count (default 1 = Hetionet size). */
  scale?: number;
  /** Override the scale of node counts / edge counts separately (PrimeKG-size: nodeScale 2.75, edgeScale 3.6). */
  nodeScale?: number;
  edgeScale?: number;
  /** Zipf exponent of endpoint weights inside a kind (default 0.8; 0 = uniform). */
  exponent?: number;
  /** Drop repeated (head, relation, tail) rows (default false: exact edge counts). */
  dedupe?: boolean;
}

export function generateScaleFreeKg(options: GeneratorOptions = {}): KnowledgeGraph {
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 1;
  const nodeScale = options.nodeScale ?? scale;
  const edgeScale = options.edgeScale ?? scale;
  const exponent = options.exponent ?? 0.8;
  const rng = createRng(seed);
  const totalEdges = Object.values(HETIONET_EDGE_COUNTS).reduce((a, b) => a + b, 0);
  const builder = new GraphBuilder({ expectedEdges: Math.ceil(totalEdges * edgeScale) + 16 });
  const kinds = new Map<string, { first: number; count: number; cdf: Float64Array }>();
  for (const [kind, count] of Object.entries(HETIONET_NODE_COUNTS)) {
    const n = Math.max(2, Math.round(count * nodeScale));
    const first = builder.nodeCount;
    for (let i = 0; i < n; i++) builder.addNode(`${kind}::S${i}`, kind, `${kind.toLowerCase()} ${i}`, 'synthetic');
    // Weights (rank+1)^-exponent, assigned to nodes in a seeded random order.
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    const weights = new Float64Array(n);
    for (let rank = 0; rank < n; rank++) weights[order[rank]!] = Math.pow(rank + 1, -exponent);
    const cdf = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) cdf[i] = sum += weights[i]!;
    for (let i = 0; i < n; i++) cdf[i]! /= sum;
    kinds.set(kind, { first, count: n, cdf });
  }
  const draw = (kind: string): number => {
    const { first, cdf } = kinds.get(kind)!;
    const u = rng.next();
    let low = 0;
    let high = cdf.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cdf[mid]! < u) low = mid + 1;
      else high = mid;
    }
    return first + low;
  };
  for (const [abbreviation, [source, verb, target]] of Object.entries(HETIONET_METAEDGES)) {
    const relation = builder.relation(abbreviation, verb);
    const edges = Math.round(HETIONET_EDGE_COUNTS[abbreviation]! * edgeScale);
    for (let e = 0; e < edges; e++) {
      const head = draw(source);
      let tail = draw(target);
      while (tail === head) tail = draw(target);
      builder.addEdge(head, relation, tail);
    }
  }
  return builder.build({ dedupe: options.dedupe });
}
