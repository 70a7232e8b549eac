// The PPI network GALAX searches over, stored in src/kg's KnowledgeGraph (gene/protein nodes,
// one `protein_protein` relation, both directions kept as rows). Read from a TSV of symbol pairs
// or built from the case's "A -> B" relations.
import { readFile } from 'node:fs/promises';
import { SampleFormatError } from '../../core/index.js';
import { GraphBuilder, type KnowledgeGraph } from '../../kg/graph.js';
import { normaliseSymbol } from '../../scoring/gene-set.js';

export class PpiNetwork {
  private readonly adjacency: (number[] | undefined)[];
  constructor(readonly graph: KnowledgeGraph) {
    this.adjacency = new Array(graph.nodeCount);
  }
  get size(): number {
    return this.graph.nodeCount;
  }
  /** Node index of a symbol (case-insensitive), or -1. */
  index(symbol: string): number {
    return this.graph.indexOf(normaliseSymbol(symbol));
  }
  symbol(node: number): string {
    return this.graph.nodeName(node);
  }
  has(symbol: string): boolean {
    return this.index(symbol) >= 0;
  }
  isEdge(a: number, b: number): boolean {
    if (a < 0 || b < 0 || a === b) return false;
    // binary search in a's sorted, cached neighbour list (no allocation: this is the search's hot path)
    const list = this.neighbours(a);
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (list[mid]! < b) low = mid + 1;
      else high = mid;
    }
    return low < list.length && list[low] === b;
  }
  neighbours(node: number): readonly number[] {
    let list = this.adjacency[node];
    if (!list) {
      const seen = new Set<number>();
      this.graph.forEachNeighbour(node, (other) => {
        if (other !== node) seen.add(other);
      });
      list = [...seen].sort((x, y) => x - y);
      this.adjacency[node] = list;
    }
    return list;
  }
  symbols(): string[] {
    return Array.from({ length: this.size }, (_, node) => this.symbol(node));
  }
}

/** A network from symbol pairs (undirected; self-loops dropped) plus extra isolated symbols. */
export function buildPpi(pairs: Iterable<readonly [string, string]>, extraSymbols: Iterable<string> = []): PpiNetwork {
  const builder = new GraphBuilder();
  const relation = builder.relation('protein_protein', 'ppi');
  const node = (symbol: string) => {
    const key = normaliseSymbol(symbol);
    return builder.addNode(key, 'gene/protein', key, 'ppi');
  };
  for (const [a, b] of pairs) {
    const x = node(a);
    const y = node(b);
    if (x !== y) builder.addEdge(x, relation, y);
  }
  for (const symbol of extraSymbols) node(symbol);
  return new PpiNetwork(builder.build({ dedupe: true }));
}

/** Parses "A<TAB>B" lines (a header "source target" and '#' comments allowed); errors name file:line. */
export function parsePpiTsv(text: string, file: string): [string, string][] {
  const pairs: [string, string][] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split('\t').map((cell) => cell.trim());
    if (cells.length < 2 || !cells[0] || !cells[1]) {
      throw new SampleFormatError(
        file,
        index + 1,
        'edge',
        `expected two tab-separated gene symbols, got '${line.slice(0, 60)}'`,
      );
    }
    if (index === 0 && /^(source|gene_?a|protein_?a|head)$/i.test(cells[0])) return;
    pairs.push([cells[0], cells[1]]);
  });
  return pairs;
}

const fileCache = new Map<string, Promise<PpiNetwork>>();

/** Reads (once per path and process) a PPI TSV file. */
export function readPpiFile(path: string): Promise<PpiNetwork> {
  let cached = fileCache.get(path);
  if (!cached) {
    cached = readFile(path, 'utf8').then((text) => buildPpi(parsePpiTsv(text, path)));
    cached.catch(() => fileCache.delete(path));
    fileCache.set(path, cached);
  }
  return cached;
}
