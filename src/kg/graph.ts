// The graph store: interned node ids, types and relations; edges in two CSR arrays (out and in),
// each row sorted by neighbour, so PrimeKG (129k nodes, 8.1M edge rows) fits in ~100 MB of typed
// arrays plus the node strings. Build once with GraphBuilder, then query; the graph is immutable.
import { createHash } from 'node:crypto';

/** A relation as stored: PrimeKG's `relation` with its `display_relation` (drug_protein/target...). */
export interface RelationInfo {
  index: number;
  name: string;
  display: string;
}

export interface NodeRecord {
  index: number;
  id: string;
  type: string;
  name: string;
  source: string;
}

/** One edge with the relation resolved. */
export interface Triple {
  head: number;
  relation: number;
  tail: number;
}

const REL_SPAN = 65536; // relations fit in a Uint16; sort keys are neighbour * REL_SPAN + relation

/** A Uint32Array/Uint16Array that grows by doubling. */
class Growable<T extends Uint32Array | Uint16Array> {
  length = 0;
  constructor(public data: T) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as new (size: number) => T)(Math.max(16, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Interns strings to small integers (types, sources, relation keys). */
export class StringPool {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
  get(value: string): number | undefined {
    return this.ids.get(value);
  }
}

export class GraphBuilder {
  private readonly idIndex = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly names: string[] = [];
  private readonly typeOf = new Growable(new Uint16Array(1024));
  private readonly sourceOf = new Growable(new Uint16Array(1024));
  private readonly types = new StringPool();
  private readonly sources = new StringPool();
  private readonly relationKeys = new StringPool();
  private readonly relationList: RelationInfo[] = [];
  private readonly heads: Growable<Uint32Array>;
  private readonly tails: Growable<Uint32Array>;
  private readonly rels: Growable<Uint16Array>;
  private readonly synonyms = new Map<number, string[]>();
  private readonly xrefs = new Map<number, string[]>();

  constructor(options: { expectedEdges?: number } = {}) {
    const size = Math.max(1024, options.expectedEdges ?? 1024);
    this.heads = new Growable(new Uint32Array(size));
    this.tails = new Growable(new Uint32Array(size));
    this.rels = new Growable(new Uint16Array(size));
  }

  get nodeCount(): number {
    return this.ids.length;
  }
  get edgeCount(): number {
    return this.heads.length;
  }

  /** Adds a node, or returns the index of the node with this id (the first type/name given wins). */
  addNode(id: string, type: string, name: string, source = ''): number {
    const known = this.idIndex.get(id);
    if (known !== undefined) return known;
    const index = this.ids.length;
    this.idIndex.set(id, index);
    this.ids.push(id);
    this.names.push(name);
    this.typeOf.push(this.types.intern(type));
    this.sourceOf.push(this.sources.intern(source));
    return index;
  }

  nodeIndex(id: string): number {
    return this.idIndex.get(id) ?? -1;
  }

  /** The index of a relation (name, display), created on first use. */
  relation(name: string, display = name): number {
    const key = `${name}\u0000${display}`;
    const known = this.relationKeys.get(key);
    if (known !== undefined) return known;
    if (this.relationList.length >= REL_SPAN - 1) throw new RangeError(`more than ${REL_SPAN - 1} relations`);
    const index = this.relationKeys.intern(key);
    this.relationList.push({ index, name, display });
    return index;
  }

  addEdge(head: number, relation: number, tail: number): void {
    if (head >= this.ids.length || tail >= this.ids.length || head < 0 || tail < 0) {
      throw new RangeError(`edge ${head} -> ${tail}: node index out of range (${this.ids.length} nodes)`);
    }
    if (relation < 0 || relation >= this.relationList.length)
      throw new RangeError(`unknown relation index ${relation}`);
    this.heads.push(head);
    this.tails.push(tail);
    this.rels.push(relation);
  }

  addSynonym(node: number, text: string): void {
    const list = this.synonyms.get(node) ?? [];
    if (!list.includes(text)) list.push(text);
    this.synonyms.set(node, list);
  }

  addXref(node: number, xref: string): void {
    const list = this.xrefs.get(node) ?? [];
    if (!list.includes(xref)) list.push(xref);
    this.xrefs.set(node, list);
  }

  /** Freezes into CSR. `dedupe` drops repeated (head, relation, tail) rows. */
  build(options: { dedupe?: boolean } = {}): KnowledgeGraph {
    const n = this.ids.length;
    const heads = this.heads.data;
    const tails = this.tails.data;
    const rels = this.rels.data;
    const m = this.heads.length;
    const out = buildCsr(n, m, heads, tails, rels, options.dedupe ?? false);
    const inn = buildCsr(n, m, tails, heads, rels, options.dedupe ?? false);
    return new KnowledgeGraph({
      ids: this.ids,
      idIndex: this.idIndex,
      names: this.names,
      typeOf: this.typeOf.trimmed(),
      sourceOf: this.sourceOf.trimmed(),
      types: this.types.values,
      sources: this.sources.values,
      relations: this.relationList,
      out,
      inn,
      synonyms: this.synonyms,
      xrefs: this.xrefs,
    });
  }
}

interface Csr {
  offsets: Uint32Array;
  neighbours: Uint32Array;
  relations: Uint16Array;
}

function buildCsr(n: number, m: number, from: Uint32Array, to: Uint32Array, rels: Uint16Array, dedupe: boolean): Csr {
  const offsets = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) offsets[from[e]! + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const cursor = offsets.slice(0, n);
  const keys = new Float64Array(m);
  for (let e = 0; e < m; e++) keys[cursor[from[e]!]!++] = to[e]! * REL_SPAN + rels[e]!;
  for (let i = 0; i < n; i++) if (offsets[i + 1]! - offsets[i]! > 1) keys.subarray(offsets[i], offsets[i + 1]).sort();
  let neighbours = new Uint32Array(m);
  let relations = new Uint16Array(m);
  let write = 0;
  const newOffsets = dedupe ? new Uint32Array(n + 1) : offsets;
  for (let i = 0; i < n; i++) {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    for (let k = start; k < end; k++) {
      const key = keys[k]!;
      if (dedupe && k > start && keys[k - 1] === key) continue;
      neighbours[write] = Math.floor(key / REL_SPAN);
      relations[write] = key % REL_SPAN;
      write++;
    }
    if (dedupe) newOffsets[i + 1] = write;
  }
  if (write < m) {
    neighbours = neighbours.slice(0, write);
    relations = relations.slice(0, write);
  }
  return { offsets: newOffsets, neighbours, relations };
}

interface GraphParts {
  ids: string[];
  idIndex: Map<string, number>;
  names: string[];
  typeOf: Uint16Array;
  sourceOf: Uint16Array;
  types: string[];
  sources: string[];
  relations: RelationInfo[];
  out: Csr;
  inn: Csr;
  synonyms: Map<number, string[]>;
  xrefs: Map<number, string[]>;
}

export type Direction = 'out' | 'in' | 'both';

export class KnowledgeGraph {
  readonly relations: readonly RelationInfo[];
  private readonly parts: GraphParts;
  private typeIndex?: Map<number, Uint32Array>;
  private nameIndex?: Map<string, number[]>;
  private hash?: string;
  /** Scratch stamps for traversals (see subgraph.ts); one traversal at a time. */
  stamps?: Uint32Array;
  stampGeneration = 0;

  constructor(parts: GraphParts) {
    this.parts = parts;
    this.relations = parts.relations;
  }

  get nodeCount(): number {
    return this.parts.ids.length;
  }
  /** Stored (directed) edge rows; PrimeKG stores each undirected fact as two rows. */
  get edgeCount(): number {
    return this.parts.out.neighbours.length;
  }

  nodeId(node: number): string {
    return this.parts.ids[node]!;
  }
  nodeName(node: number): string {
    return this.parts.names[node]!;
  }
  nodeType(node: number): string {
    return this.parts.types[this.parts.typeOf[node]!]!;
  }
  nodeSource(node: number): string {
    return this.parts.sources[this.parts.sourceOf[node]!]!;
  }
  node(node: number): NodeRecord {
    return {
      index: node,
      id: this.nodeId(node),
      type: this.nodeType(node),
      name: this.nodeName(node),
      source: this.nodeSource(node),
    };
  }
  /** Index of a node id, or -1. */
  indexOf(id: string): number {
    return this.parts.idIndex.get(id) ?? -1;
  }
  synonymsOf(node: number): readonly string[] {
    return this.parts.synonyms.get(node) ?? [];
  }
  xrefsOf(node: number): readonly string[] {
    return this.parts.xrefs.get(node) ?? [];
  }
  /** Nodes with synonyms or cross-references (for the linker). */
  annotatedNodes(): { synonyms: ReadonlyMap<number, string[]>; xrefs: ReadonlyMap<number, string[]> } {
    return { synonyms: this.parts.synonyms, xrefs: this.parts.xrefs };
  }

  nodeTypes(): string[] {
    return [...this.parts.types];
  }
  nodesOfType(type: string): Uint32Array {
    if (!this.typeIndex) {
      const counts = new Map<number, number>();
      for (const t of this.parts.typeOf) counts.set(t, (counts.get(t) ?? 0) + 1);
      const index = new Map<number, Uint32Array>();
      const fill = new Map<number, number>();
      for (const [t, count] of counts) {
        index.set(t, new Uint32Array(count));
        fill.set(t, 0);
      }
      this.parts.typeOf.forEach((t, node) => {
        const at = fill.get(t)!;
        index.get(t)![at] = node;
        fill.set(t, at + 1);
      });
      this.typeIndex = index;
    }
    const typeId = this.parts.types.indexOf(type);
    return this.typeIndex.get(typeId) ?? new Uint32Array(0);
  }
  /** Nodes whose name equals `name`, case- and space-insensitively. */
  findByName(name: string): number[] {
    if (!this.nameIndex) {
      this.nameIndex = new Map();
      this.parts.names.forEach((value, node) => {
        const key = normalizeName(value);
        const list = this.nameIndex!.get(key);
        if (list) list.push(node);
        else this.nameIndex!.set(key, [node]);
      });
    }
    return this.nameIndex.get(normalizeName(name)) ?? [];
  }

  relationsNamed(nameOrDisplay: string): number[] {
    return this.relations.filter((r) => r.name === nameOrDisplay || r.display === nameOrDisplay).map((r) => r.index);
  }

  outDegree(node: number): number {
    return this.parts.out.offsets[node + 1]! - this.parts.out.offsets[node]!;
  }
  inDegree(node: number): number {
    return this.parts.inn.offsets[node + 1]! - this.parts.inn.offsets[node]!;
  }
  degree(node: number): number {
    return this.outDegree(node) + this.inDegree(node);
  }

  /** Raw CSR views (read-only by convention) for hot loops: offsets, neighbours, relations. */
  csr(direction: 'out' | 'in'): Readonly<Csr> {
    return direction === 'out' ? this.parts.out : this.parts.inn;
  }

  /** Calls fn(neighbour, relation, outgoing) for each edge of `node`. */
  forEachNeighbour(
    node: number,
    fn: (neighbour: number, relation: number, outgoing: boolean) => void,
    direction: Direction = 'both',
  ): void {
    if (direction !== 'in') {
      const { offsets, neighbours, relations } = this.parts.out;
      for (let k = offsets[node]!; k < offsets[node + 1]!; k++) fn(neighbours[k]!, relations[k]!, true);
    }
    if (direction !== 'out') {
      const { offsets, neighbours, relations } = this.parts.inn;
      for (let k = offsets[node]!; k < offsets[node + 1]!; k++) fn(neighbours[k]!, relations[k]!, false);
    }
  }

  /** Relations of stored edges head -> tail (binary search in head's sorted row). */
  relationsFrom(head: number, tail: number): number[] {
    const { offsets, neighbours, relations } = this.parts.out;
    let low = offsets[head]!;
    let high = offsets[head + 1]!;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (neighbours[mid]! < tail) low = mid + 1;
      else high = mid;
    }
    const found: number[] = [];
    for (let k = low; k < offsets[head + 1]! && neighbours[k] === tail; k++) found.push(relations[k]!);
    return found;
  }

  /** Whether the stored row head -> tail with this relation exists (no allocation; for hot loops). */
  hasRow(head: number, relation: number, tail: number): boolean {
    const { offsets, neighbours, relations } = this.parts.out;
    let low = offsets[head]!;
    let high = offsets[head + 1]!;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (neighbours[mid]! < tail) low = mid + 1;
      else high = mid;
    }
    for (let k = low; k < offsets[head + 1]! && neighbours[k] === tail; k++) if (relations[k] === relation) return true;
    return false;
  }

  /** Whether an edge links a and b (either direction), optionally with one of `relations`. */
  hasEdge(a: number, b: number, relations?: readonly number[], undirected = true): boolean {
    const match = (list: number[]) => list.some((r) => !relations || relations.includes(r));
    return match(this.relationsFrom(a, b)) || (undirected && match(this.relationsFrom(b, a)));
  }

  /** All stored edges as parallel arrays, in CSR order (heads sorted). */
  triples(): { heads: Uint32Array; relations: Uint16Array; tails: Uint32Array } {
    const { offsets, neighbours, relations } = this.parts.out;
    const heads = new Uint32Array(neighbours.length);
    for (let i = 0; i < this.nodeCount; i++) heads.fill(i, offsets[i], offsets[i + 1]);
    return { heads, relations, tails: neighbours };
  }

  /**
   * SHA-256 of what KG embeddings depend on: node ids in index order, relations, and every edge row.
   * Two graphs with the same hash get the same embeddings, so trained models are cached under it.
   */
  contentHash(): string {
    if (this.hash === undefined) {
      const hash = createHash('sha256');
      hash.update(`nodes ${this.nodeCount}\n${this.parts.ids.join('\n')}\n`);
      hash.update(`relations ${this.relations.map((r) => `${r.name}\t${r.display}`).join('\n')}\n`);
      const { offsets, neighbours, relations } = this.parts.out;
      for (const array of [offsets, neighbours, relations])
        hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      this.hash = hash.digest('hex');
    }
    return this.hash;
  }

  /** Bytes held in typed arrays (strings and maps excluded). */
  typedBytes(): number {
    const { out, inn, typeOf, sourceOf } = this.parts;
    return [
      out.offsets,
      out.neighbours,
      out.relations,
      inn.offsets,
      inn.neighbours,
      inn.relations,
      typeOf,
      sourceOf,
    ].reduce((sum, array) => sum + array.byteLength, 0);
  }
}

export function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
