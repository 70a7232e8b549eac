// Loaders for user-supplied KG files: PrimeKG `kg.csv` and Hetionet nodes TSV + edges SIF (.gz).
// Bad rows throw SampleFormatError(file, line, field, problem); with `lenient: true` they are
// reported to onError, counted and skipped, and loading goes on.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { SampleFormatError } from '../core/errors.js';
import { GraphBuilder, type KnowledgeGraph } from './graph.js';
import { HETIONET_METAEDGES, PRIMEKG_RELATIONS } from './schema.js';

export interface LoadOptions {
  /** Skip bad rows (reported to onError) instead of stopping at the first. */
  lenient?: boolean;
  onError?: (error: SampleFormatError) => void;
  /** Accept relation names outside the known vocabulary (PrimeKG's 30, Hetionet's 24). */
  allowUnknownRelations?: boolean;
  /** Stop after this many data rows (for previews and tests). */
  limit?: number;
  dedupe?: boolean;
}

export interface LoadStats {
  rows: number;
  skipped: number;
  /** The first 20 problems seen in lenient mode. */
  problems: string[];
}

export interface LoadedGraph {
  graph: KnowledgeGraph;
  stats: LoadStats;
}

/** Lines of a text file (gunzipped when it ends in .gz), numbered from 1. */
export async function* readLines(file: string): AsyncGenerator<[string, number]> {
  const raw = createReadStream(file);
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) yield [line, ++number];
}

/** One CSV record (RFC 4180 quoting, no embedded newlines). Returns null on an unterminated quote. */
export function parseCsvLine(line: string): string[] | null {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

class RowReporter {
  readonly stats: LoadStats = { rows: 0, skipped: 0, problems: [] };
  constructor(private readonly file: string, private readonly options: LoadOptions) {}
  /** Throws in strict mode; in lenient mode records the problem and returns (caller skips the row). */
  fail(line: number, field: string, problem: string): void {
    const error = new SampleFormatError(this.file, line, field, problem);
    if (!this.options.lenient) throw error;
    this.stats.skipped++;
    if (this.stats.problems.length < 20) this.stats.problems.push(error.message);
    this.options.onError?.(error);
  }
}

const PRIMEKG_COLUMNS = ['relation', 'display_relation', 'x_index', 'x_id', 'x_type', 'x_name', 'x_source', 'y_index', 'y_id', 'y_type', 'y_name', 'y_source'];

/** PrimeKG `kg.csv` (or .csv.gz). Node id = `x_index`; `x_source:x_id` becomes a cross-reference. */
export async function loadPrimeKg(file: string, options: LoadOptions = {}): Promise<LoadedGraph> {
  const builder = new GraphBuilder({ expectedEdges: 1 << 20 });
  const report = new RowReporter(file, options);
  let columns: Map<string, number> | undefined;
  for await (const [line, number] of readLines(file)) {
    if (line.trim() === '') continue;
    const fields = parseCsvLine(line);
    if (!columns) {
      if (!fields) throw new SampleFormatError(file, number, 'header', 'unterminated quote');
      columns = new Map(fields.map((name, index) => [name.trim(), index]));
      const missing = PRIMEKG_COLUMNS.filter((name) => !columns!.has(name));
      if (missing.length) throw new SampleFormatError(file, number, 'header', `missing column(s) ${missing.join(', ')}; expected ${PRIMEKG_COLUMNS.join(',')}`);
      continue;
    }
    if (options.limit !== undefined && report.stats.rows >= options.limit) break;
    if (!fields) {
      report.fail(number, 'row', 'unterminated quoted field');
      continue;
    }
    if (fields.length !== columns.size) {
      report.fail(number, 'row', `expected ${columns.size} fields, found ${fields.length}`);
      continue;
    }
    const get = (name: string) => fields[columns!.get(name)!]!;
    const relation = get('relation');
    const display = get('display_relation') || PRIMEKG_RELATIONS[relation] || relation;
    if (!(relation in PRIMEKG_RELATIONS) && !options.allowUnknownRelations) {
      report.fail(number, 'relation', `unknown relation '${relation}' (PrimeKG has ${Object.keys(PRIMEKG_RELATIONS).length}; pass allowUnknownRelations to keep it)`);
      continue;
    }
    let bad = false;
    const endpoint = (side: 'x' | 'y'): number => {
      const index = get(`${side}_index`);
      if (!/^\d+$/.test(index)) {
        report.fail(number, `${side}_index`, `not a non-negative integer: '${index}'`);
        bad = true;
        return -1;
      }
      const type = get(`${side}_type`);
      if (!type) {
        report.fail(number, `${side}_type`, 'empty');
        bad = true;
        return -1;
      }
      const before = builder.nodeCount;
      const node = builder.addNode(index, type, get(`${side}_name`), get(`${side}_source`));
      if (node === before && get(`${side}_id`)) builder.addXref(node, `${get(`${side}_source`)}:${get(`${side}_id`)}`);
      return node;
    };
    const head = endpoint('x');
    if (bad) continue;
    const tail = endpoint('y');
    if (bad) continue;
    builder.addEdge(head, builder.relation(relation, display), tail);
    report.stats.rows++;
  }
  if (!columns) throw new SampleFormatError(file, 1, 'header', 'empty file');
  return { graph: builder.build({ dedupe: options.dedupe }), stats: report.stats };
}

/**
 * Hetionet v1.0: nodes TSV (`id<TAB>name<TAB>kind`) and, optionally, edges SIF(.gz)
 * (`source<TAB>metaedge<TAB>target`). Relations are stored as (metaedge abbreviation, verb).
 */
export async function loadHetionet(paths: { nodes: string; edges?: string }, options: LoadOptions = {}): Promise<LoadedGraph> {
  const builder = new GraphBuilder({ expectedEdges: paths.edges ? 1 << 21 : 1024 });
  const nodeReport = new RowReporter(paths.nodes, options);
  let header = true;
  for await (const [line, number] of readLines(paths.nodes)) {
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    if (header) {
      header = false;
      if (fields[0] !== 'id' || fields[1] !== 'name' || fields[2] !== 'kind') {
        throw new SampleFormatError(paths.nodes, number, 'header', `expected 'id<TAB>name<TAB>kind', found '${line.slice(0, 60)}'`);
      }
      continue;
    }
    if (fields.length !== 3) {
      nodeReport.fail(number, 'row', `expected 3 tab-separated fields, found ${fields.length}`);
      continue;
    }
    const [id, name, kind] = fields as [string, string, string];
    if (!id.includes('::')) {
      nodeReport.fail(number, 'id', `expected 'Kind::identifier', found '${id}'`);
      continue;
    }
    if (builder.nodeIndex(id) >= 0) {
      nodeReport.fail(number, 'id', `duplicate node id '${id}'`);
      continue;
    }
    const node = builder.addNode(id, kind, name, 'Hetionet');
    builder.addXref(node, id.slice(id.indexOf('::') + 2));
    nodeReport.stats.rows++;
  }
  const stats: LoadStats = { ...nodeReport.stats };
  if (paths.edges) {
    const edgeReport = new RowReporter(paths.edges, options);
    header = true;
    for await (const [line, number] of readLines(paths.edges)) {
      if (line.trim() === '') continue;
      const fields = line.split('\t');
      if (header) {
        header = false;
        if (fields[0] === 'source' && fields[1] === 'metaedge') continue;
      }
      if (options.limit !== undefined && edgeReport.stats.rows >= options.limit) break;
      if (fields.length !== 3) {
        edgeReport.fail(number, 'row', `expected 3 tab-separated fields, found ${fields.length}`);
        continue;
      }
      const [source, metaedge, target] = fields as [string, string, string];
      const known = HETIONET_METAEDGES[metaedge];
      if (!known && !options.allowUnknownRelations) {
        edgeReport.fail(number, 'metaedge', `unknown metaedge '${metaedge}' (Hetionet v1.0 has ${Object.keys(HETIONET_METAEDGES).length})`);
        continue;
      }
      const head = builder.nodeIndex(source);
      const tail = builder.nodeIndex(target);
      if (head < 0 || tail < 0) {
        edgeReport.fail(number, head < 0 ? 'source' : 'target', `node '${head < 0 ? source : target}' is not in ${paths.nodes}`);
        continue;
      }
      builder.addEdge(head, builder.relation(metaedge, known ? known[1] : metaedge), tail);
      edgeReport.stats.rows++;
    }
    stats.rows += edgeReport.stats.rows;
    stats.skipped += edgeReport.stats.skipped;
    stats.problems.push(...edgeReport.stats.problems.slice(0, 20 - stats.problems.length));
  }
  return { graph: builder.build({ dedupe: options.dedupe }), stats };
}
