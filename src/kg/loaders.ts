// Loaders for user-supplied KG files: PrimeKG `kg.csv` and Hetionet nodes TSV + edges SIF (.gz).
// Bad rows throw SampleFormatError(file, line, field, problem); with `lenient: true` they are
// reported to onError, counted and skipped, and loading goes on.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { forEachCsvRow } from '../core/csv-file.js';
import { SampleFormatError } from '../core/errors.js';
import { stripBom } from '../core/json-file.js';
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

/**
 * Calls fn(line, number) for every line (gunzipped for .gz), chunk by chunk: no promise per line, so
 * millions of rows load several times faster than through readline. Stops early when fn returns false.
 */
export async function forEachLine(file: string, fn: (line: string, number: number) => boolean | void): Promise<void> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let number = 0;
  const emit = (line: string) => {
    const text = number === 0 ? stripBom(line) : line; // a UTF-8 BOM is accepted
    return fn(text.endsWith('\r') ? text.slice(0, -1) : text, ++number) !== false;
  };
  try {
    for await (const chunk of stream) {
      const text = rest + decoder.write(chunk as Buffer);
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        if (!emit(text.slice(start, newline))) return;
        start = newline + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest) emit(rest);
  } finally {
    raw.destroy();
  }
}

class RowReporter {
  readonly stats: LoadStats = { rows: 0, skipped: 0, problems: [] };
  constructor(
    private readonly file: string,
    private readonly options: LoadOptions,
  ) {}
  /** Throws in strict mode; in lenient mode records the problem and returns (caller skips the row). */
  fail(line: number, field: string, problem: string): void {
    const error = new SampleFormatError(this.file, line, field, problem);
    if (!this.options.lenient) throw error;
    this.stats.skipped++;
    if (this.stats.problems.length < 20) this.stats.problems.push(error.message);
    this.options.onError?.(error);
  }
}

const PRIMEKG_COLUMNS = [
  'relation',
  'display_relation',
  'x_index',
  'x_id',
  'x_type',
  'x_name',
  'x_source',
  'y_index',
  'y_id',
  'y_type',
  'y_name',
  'y_source',
];

/** A data file's bytes, gunzipped when it ends in .gz. */
function openData(file: string): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/** PrimeKG `kg.csv` (or .csv.gz). Node id = `x_index`; `x_source:x_id` becomes a cross-reference. */
export async function loadPrimeKg(file: string, options: LoadOptions = {}): Promise<LoadedGraph> {
  const builder = new GraphBuilder({ expectedEdges: 1 << 20 });
  const report = new RowReporter(file, options);
  let columns: Map<string, number> | undefined;
  const relationOf = new Map<string, number>();
  await forEachCsvRow(openData(file), file, ({ line: number, fields }) => {
    if (fields.length === 1 && fields[0]!.trim() === '') return;
    if (!columns) {
      columns = new Map(fields.map((name, index) => [name.trim(), index]));
      const missing = PRIMEKG_COLUMNS.filter((name) => !columns!.has(name));
      if (missing.length)
        throw new SampleFormatError(
          file,
          number,
          'header',
          `missing column(s) ${missing.join(', ')}; expected ${PRIMEKG_COLUMNS.join(',')}`,
        );
      return;
    }
    if (options.limit !== undefined && report.stats.rows >= options.limit) return false;
    if (fields.length !== columns.size)
      return report.fail(number, 'row', `expected ${columns.size} fields, found ${fields.length}`);
    const get = (name: string) => fields[columns!.get(name)!]!;
    const relation = get('relation');
    const display = get('display_relation') || PRIMEKG_RELATIONS[relation] || relation;
    if (!(relation in PRIMEKG_RELATIONS) && !options.allowUnknownRelations) {
      return report.fail(
        number,
        'relation',
        `unknown relation '${relation}' (PrimeKG has ${Object.keys(PRIMEKG_RELATIONS).length}; pass allowUnknownRelations to keep it)`,
      );
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
    if (bad) return;
    const tail = endpoint('y');
    if (bad) return;
    const key = `${relation}\u0000${display}`;
    let relationIndex = relationOf.get(key);
    if (relationIndex === undefined) relationOf.set(key, (relationIndex = builder.relation(relation, display)));
    builder.addEdge(head, relationIndex, tail);
    report.stats.rows++;
  });
  if (!columns) throw new SampleFormatError(file, 1, 'header', 'empty file');
  return { graph: builder.build({ dedupe: options.dedupe }), stats: report.stats };
}

/**
 * Hetionet v1.0: nodes TSV (`id<TAB>name<TAB>kind`) and, optionally, edges SIF(.gz)
 * (`source<TAB>metaedge<TAB>target`). Relations are stored as (metaedge abbreviation, verb).
 */
export async function loadHetionet(
  paths: { nodes: string; edges?: string },
  options: LoadOptions = {},
): Promise<LoadedGraph> {
  const builder = new GraphBuilder({ expectedEdges: paths.edges ? 1 << 21 : 1024 });
  const nodeReport = new RowReporter(paths.nodes, options);
  let header = true;
  await forEachLine(paths.nodes, (line, number) => {
    if (line.trim() === '') return;
    const fields = line.split('\t');
    if (header) {
      header = false;
      if (fields[0] !== 'id' || fields[1] !== 'name' || fields[2] !== 'kind') {
        throw new SampleFormatError(
          paths.nodes,
          number,
          'header',
          `expected 'id<TAB>name<TAB>kind', found '${line.slice(0, 60)}'`,
        );
      }
      return;
    }
    if (fields.length !== 3)
      return nodeReport.fail(number, 'row', `expected 3 tab-separated fields, found ${fields.length}`);
    const [id, name, kind] = fields as [string, string, string];
    if (!id.includes('::')) return nodeReport.fail(number, 'id', `expected 'Kind::identifier', found '${id}'`);
    if (builder.nodeIndex(id) >= 0) return nodeReport.fail(number, 'id', `duplicate node id '${id}'`);
    const node = builder.addNode(id, kind, name, 'Hetionet');
    builder.addXref(node, id.slice(id.indexOf('::') + 2));
    nodeReport.stats.rows++;
  });
  const stats: LoadStats = { ...nodeReport.stats };
  if (paths.edges) {
    const edgeReport = new RowReporter(paths.edges, options);
    const relationOf = new Map<string, number>();
    header = true;
    await forEachLine(paths.edges, (line, number) => {
      if (line.trim() === '') return;
      const fields = line.split('\t');
      if (header) {
        header = false;
        if (fields[0] === 'source' && fields[1] === 'metaedge') return;
      }
      if (options.limit !== undefined && edgeReport.stats.rows >= options.limit) return false;
      if (fields.length !== 3)
        return edgeReport.fail(number, 'row', `expected 3 tab-separated fields, found ${fields.length}`);
      const [source, metaedge, target] = fields as [string, string, string];
      const known = HETIONET_METAEDGES[metaedge];
      if (!known && !options.allowUnknownRelations) {
        return edgeReport.fail(
          number,
          'metaedge',
          `unknown metaedge '${metaedge}' (Hetionet v1.0 has ${Object.keys(HETIONET_METAEDGES).length})`,
        );
      }
      const head = builder.nodeIndex(source);
      const tail = builder.nodeIndex(target);
      if (head < 0 || tail < 0) {
        return edgeReport.fail(
          number,
          head < 0 ? 'source' : 'target',
          `node '${head < 0 ? source : target}' is not in ${paths.nodes}`,
        );
      }
      let relation = relationOf.get(metaedge);
      if (relation === undefined)
        relationOf.set(metaedge, (relation = builder.relation(metaedge, known ? known[1] : metaedge)));
      builder.addEdge(head, relation, tail);
      edgeReport.stats.rows++;
    });
    stats.rows += edgeReport.stats.rows;
    stats.skipped += edgeReport.stats.skipped;
    stats.problems.push(...edgeReport.stats.problems.slice(0, 20 - stats.problems.length));
  }
  return { graph: builder.build({ dedupe: options.dedupe }), stats };
}

/** Writes a graph as Hetionet TSV nodes + SIF edges (relation name as the metaedge), e.g. for other tools. */
export async function writeHetionet(graph: KnowledgeGraph, paths: { nodes: string; edges: string }): Promise<void> {
  const write = async (file: string, lines: Iterable<string>) => {
    const stream = createWriteStream(file);
    let buffer = '';
    for (const line of lines) {
      buffer += line + '\n';
      if (buffer.length > 1 << 16) {
        if (!stream.write(buffer)) await once(stream, 'drain');
        buffer = '';
      }
    }
    stream.end(buffer);
    await once(stream, 'finish');
  };
  await write(
    paths.nodes,
    (function* () {
      yield 'id\tname\tkind';
      for (let node = 0; node < graph.nodeCount; node++)
        yield `${graph.nodeId(node)}\t${graph.nodeName(node)}\t${graph.nodeType(node)}`;
    })(),
  );
  const { offsets, neighbours, relations } = graph.csr('out');
  await write(
    paths.edges,
    (function* () {
      yield 'source\tmetaedge\ttarget';
      for (let node = 0; node < graph.nodeCount; node++) {
        for (let k = offsets[node]!; k < offsets[node + 1]!; k++)
          yield `${graph.nodeId(node)}\t${graph.relations[relations[k]!]!.name}\t${graph.nodeId(neighbours[k]!)}`;
      }
    })(),
  );
}
