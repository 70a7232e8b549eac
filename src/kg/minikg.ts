// medkit's embedded mini-KG: hand-written true facts in PrimeKG's schema (src/kg/data/), each
// with its source. Stored like PrimeKG: every fact as two rows (forward and reverse).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SampleFormatError } from '../core/errors.js';
import { GraphBuilder, type KnowledgeGraph } from './graph.js';
import { primeKgRelationFor } from './schema.js';

export interface MiniKgFact {
  head: string;
  /** PrimeKG `relation` (drug_protein, disease_protein...). */
  relation: string;
  /** PrimeKG `display_relation` (target, associated with...). */
  display: string;
  tail: string;
  /** Source code (FDA, DrugBank, OMIM, HPO, CPIC, UniProt, Reactome, HPA, IARC, MONDO...); see data/README.md. */
  source: string;
  line: number;
}

export interface MiniKg {
  graph: KnowledgeGraph;
  facts: MiniKgFact[];
  /** Sources of the facts linking two node indices (either direction). */
  sourcesBetween(a: number, b: number): string[];
}

const DATA_DIR = fileURLToPath(new URL('./data/', import.meta.url));
export const MINIKG_NODES_FILE = `${DATA_DIR}nodes.txt`;
export const MINIKG_FACTS_FILE = `${DATA_DIR}facts.tsv`;

let cached: MiniKg | undefined;

/** The embedded mini-KG (parsed once per process). */
export function loadMiniKg(): MiniKg {
  cached ??= parseMiniKg(readFileSync(MINIKG_NODES_FILE, 'utf8'), readFileSync(MINIKG_FACTS_FILE, 'utf8'), {
    nodes: MINIKG_NODES_FILE,
    facts: MINIKG_FACTS_FILE,
  });
  return cached;
}

/** Parses the two text files; throws SampleFormatError naming file, line and field. */
export function parseMiniKg(
  nodesText: string,
  factsText: string,
  files = { nodes: 'nodes.txt', facts: 'facts.tsv' },
): MiniKg {
  const builder = new GraphBuilder({ expectedEdges: 4096 });
  const byName = new Map<string, number>();
  const typeOf = new Map<string, string>();
  let type: string | undefined;
  nodesText.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const header = /^# type: (.+)$/.exec(line);
    if (header) {
      type = header[1]!.trim();
      return;
    }
    if (line.startsWith('#')) return;
    if (!type) throw new SampleFormatError(files.nodes, index + 1, 'type', 'node before any "# type:" line');
    const [name, ...rest] = line.split(' | ').map((part) => part.trim());
    if (byName.has(name!)) throw new SampleFormatError(files.nodes, index + 1, 'name', `duplicate node '${name}'`);
    const node = builder.addNode(`${type}::${name}`, type, name!, 'medkit-minikg');
    byName.set(name!, node);
    typeOf.set(name!, type);
    for (const part of rest) {
      if (/^[A-Za-z][A-Za-z0-9]*:\S+$/.test(part)) builder.addXref(node, part);
      else builder.addSynonym(node, part);
    }
  });
  const facts: MiniKgFact[] = [];
  const sources = new Map<string, string[]>();
  factsText.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim() || raw.startsWith('#')) return;
    const fields = raw.split('\t');
    if (fields.length !== 4)
      throw new SampleFormatError(
        files.facts,
        line,
        'row',
        `expected 4 tab-separated fields (head, relation, tail, source), found ${fields.length}`,
      );
    const [head, display, tail, source] = fields.map((f) => f.trim()) as [string, string, string, string];
    for (const [field, name] of [
      ['head', head],
      ['tail', tail],
    ] as const) {
      if (!byName.has(name))
        throw new SampleFormatError(files.facts, line, field, `'${name}' is not a node in ${files.nodes}`);
    }
    if (!source) throw new SampleFormatError(files.facts, line, 'source', 'every fact needs a source');
    const relation = primeKgRelationFor(display, typeOf.get(head)!, typeOf.get(tail)!);
    if (!relation) {
      throw new SampleFormatError(
        files.facts,
        line,
        'relation',
        `'${display}' does not link ${typeOf.get(head)} -> ${typeOf.get(tail)} in PrimeKG's schema`,
      );
    }
    const h = byName.get(head)!;
    const t = byName.get(tail)!;
    const rel = builder.relation(relation, display);
    builder.addEdge(h, rel, t);
    builder.addEdge(t, rel, h);
    facts.push({ head, relation, display, tail, source, line });
    const key = h < t ? `${h},${t}` : `${t},${h}`;
    sources.set(key, [...(sources.get(key) ?? []), source]);
  });
  const graph = builder.build({ dedupe: true });
  return {
    graph,
    facts,
    sourcesBetween: (a, b) => sources.get(a < b ? `${a},${b}` : `${b},${a}`) ?? [],
  };
}
