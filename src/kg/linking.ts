// Entity linking (names, synonyms, cross-references, normalised forms; fuzzy trigram + edit-distance
// scores only when asked) and relation linking onto KGARevion's 18 relations. Pure TS; replaces
// upstream's scispaCy/UMLS linker and UMLSBert relation embeddings (see src/agents/kgarevion/README.md).
// Fuzzy matching is off by default because it merges distinct entities (prednisolone → Prednisone
// at 0.75, insulins → Insulin glargine): a wrong link then "verifies" a triplet about another drug.
import type { KnowledgeGraph } from './graph.js';
import { KGAREVION_RELATIONS, RELATION_SCHEMA, kgarevionRelationOf, type KgarevionRelation } from './schema.js';

export interface LinkCandidate {
  node: number;
  name: string;
  type: string;
  /** 1 = exact name or cross-reference; synonyms 0.97; normalised forms 0.95; fuzzy matches below 0.9. */
  score: number;
  matchedOn: 'name' | 'synonym' | 'xref' | 'normalised' | 'fuzzy';
  matchedText: string;
}

export interface LinkOptions {
  types?: readonly string[];
  limit?: number;
  /**
   * Fuzzy matching (trigram Dice + edit distance) when no exact, synonym, cross-reference or normalised
   * form matches, keeping candidates scoring at least this (e.g. 0.85). Off when undefined (default).
   */
  fuzzy?: number;
}

/** Score of a normalised-form match (plural and spacing differences only). */
export const NORMALISED_SCORE = 0.95;

/**
 * A second, looser key for exact lookup: each word of the link key singularised ("statins" →
 * "statin", "arteries" → "artery"; words ending in ss/us/is kept) and the spaces removed ("beta
 * blocker" = "beta-blocker" = "betablocker"). Only whole-key equality counts, never similarity.
 */
export function normalisedKey(key: string): string {
  return key
    .split(' ')
    .map((word) =>
      word.length <= 3 || /(ss|us|is)$/.test(word)
        ? word
        : word.endsWith('ies')
          ? `${word.slice(0, -3)}y`
          : word.endsWith('s')
            ? word.slice(0, -1)
            : word,
    )
    .join('');
}

/** Lower case, accents and possessives removed, punctuation as spaces. */
export function linkKey(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’]s\b/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function trigrams(key: string): string[] {
  const padded = `  ${key} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return [...grams];
}

export function levenshteinRatio(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return 1 - previous[b.length]! / Math.max(a.length, b.length);
}

export class EntityLinker {
  private readonly exact = new Map<string, { node: number; on: 'name' | 'synonym'; text: string }[]>();
  private readonly normalised = new Map<string, { node: number; text: string }[]>();
  private readonly xref = new Map<string, number[]>();
  private readonly keys: { key: string; node: number; text: string }[] = [];
  private readonly gramIndex = new Map<string, number[]>();

  constructor(readonly graph: KnowledgeGraph) {
    const add = (text: string, node: number, on: 'name' | 'synonym') => {
      const key = linkKey(text);
      if (!key) return;
      const list = this.exact.get(key) ?? [];
      if (!list.some((entry) => entry.node === node)) list.push({ node, on, text });
      this.exact.set(key, list);
      const loose = normalisedKey(key);
      const looseList = this.normalised.get(loose) ?? [];
      if (!looseList.some((entry) => entry.node === node)) looseList.push({ node, text });
      this.normalised.set(loose, looseList);
      const id = this.keys.length;
      this.keys.push({ key, node, text });
      for (const gram of trigrams(key)) {
        const posting = this.gramIndex.get(gram);
        if (posting) posting.push(id);
        else this.gramIndex.set(gram, [id]);
      }
    };
    for (let node = 0; node < graph.nodeCount; node++) add(graph.nodeName(node), node, 'name');
    const { synonyms, xrefs } = graph.annotatedNodes();
    for (const [node, list] of synonyms) for (const text of list) add(text, node, 'synonym');
    for (const [node, list] of xrefs) {
      for (const ref of list) {
        const full = ref.toLowerCase();
        this.xref.set(full, [...(this.xref.get(full) ?? []), node]);
        const bare = full.slice(full.indexOf(':') + 1);
        if (bare !== full && !/^\d+$/.test(bare)) this.xref.set(bare, [...(this.xref.get(bare) ?? []), node]);
      }
    }
  }

  /** Candidates, best first: exact name/synonym/xref hits, else normalised forms, else (only with `fuzzy`) fuzzy ones. */
  link(text: string, options: LinkOptions = {}): LinkCandidate[] {
    const limit = options.limit ?? 5;
    const typeOk = (node: number) => !options.types || options.types.includes(this.graph.nodeType(node));
    const out = new Map<number, LinkCandidate>();
    const offer = (candidate: LinkCandidate) => {
      if (!typeOk(candidate.node)) return;
      const known = out.get(candidate.node);
      if (!known || known.score < candidate.score) out.set(candidate.node, candidate);
    };
    const candidate = (
      node: number,
      score: number,
      matchedOn: LinkCandidate['matchedOn'],
      matchedText: string,
    ): LinkCandidate => ({
      node,
      name: this.graph.nodeName(node),
      type: this.graph.nodeType(node),
      score,
      matchedOn,
      matchedText,
    });
    const raw = text.trim().toLowerCase();
    for (const node of this.xref.get(raw) ?? []) offer(candidate(node, 1, 'xref', text.trim()));
    const key = linkKey(text);
    for (const hit of this.exact.get(key) ?? [])
      offer(candidate(hit.node, hit.on === 'name' ? 1 : 0.97, hit.on, hit.text));
    if (out.size === 0 && key.length >= 3)
      for (const hit of this.normalised.get(normalisedKey(key)) ?? [])
        offer(candidate(hit.node, NORMALISED_SCORE, 'normalised', hit.text));
    const fuzzy = options.fuzzy;
    if (out.size === 0 && key.length >= 3 && fuzzy !== undefined) {
      const shared = new Map<number, number>();
      const grams = trigrams(key);
      for (const gram of grams)
        for (const id of this.gramIndex.get(gram) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
      const scored: [number, number][] = [];
      for (const [id, count] of shared) {
        const entry = this.keys[id]!;
        const dice = (2 * count) / (grams.length + trigrams(entry.key).length);
        if (dice < fuzzy * 0.6) continue;
        scored.push([id, dice]);
      }
      scored.sort((a, b) => b[1] - a[1]);
      for (const [id, dice] of scored.slice(0, 50)) {
        const entry = this.keys[id]!;
        const score = 0.9 * (0.5 * dice + 0.5 * levenshteinRatio(key, entry.key));
        if (score >= fuzzy) offer(candidate(entry.node, Number(score.toFixed(4)), 'fuzzy', entry.text));
      }
    }
    return [...out.values()].sort((a, b) => b.score - a.score || a.node - b.node).slice(0, limit);
  }

  /**
   * Exact mentions of KG entities in free text (names and synonyms, longest first, no overlaps).
   * One-word mentions of 3 letters or fewer must be written in capitals ("CF", "AR"), so "is" or "ad" do not link.
   */
  mentions(
    text: string,
    options: { types?: readonly string[]; maxWords?: number } = {},
  ): (LinkCandidate & { start: number; end: number })[] {
    const tokens = [...text.matchAll(/[A-Za-z0-9][A-Za-z0-9'’\-/]*/g)].map((m) => ({
      word: m[0],
      start: m.index!,
      end: m.index! + m[0].length,
    }));
    const maxWords = options.maxWords ?? 8;
    const taken = new Uint8Array(tokens.length);
    const found: (LinkCandidate & { start: number; end: number })[] = [];
    for (let size = Math.min(maxWords, tokens.length); size >= 1; size--) {
      for (let i = 0; i + size <= tokens.length; i++) {
        if (taken.subarray(i, i + size).some(Boolean)) continue;
        const phrase = text.slice(tokens[i]!.start, tokens[i + size - 1]!.end);
        if (size === 1 && phrase.replace(/[^A-Za-z0-9]/g, '').length <= 3 && phrase !== phrase.toUpperCase()) continue;
        const hits = this.exact.get(linkKey(phrase));
        const hit = hits?.find((entry) => !options.types || options.types.includes(this.graph.nodeType(entry.node)));
        if (!hit) continue;
        taken.fill(1, i, i + size);
        found.push({
          node: hit.node,
          name: this.graph.nodeName(hit.node),
          type: this.graph.nodeType(hit.node),
          score: hit.on === 'name' ? 1 : 0.97,
          matchedOn: hit.on,
          matchedText: phrase,
          start: tokens[i]!.start,
          end: tokens[i + size - 1]!.end,
        });
      }
    }
    return found.sort((a, b) => a.start - b.start);
  }

  best(text: string, options: LinkOptions = {}): LinkCandidate | undefined {
    return this.link(text, { ...options, limit: 1 })[0];
  }
}

/** Phrases that name each relation (lexical table; embeddings are optional upstream-style extras). */
const RELATION_PHRASES: Record<KgarevionRelation, string[]> = {
  protein_protein: [
    'ppi',
    'protein protein',
    'protein protein interaction',
    'physically interacts',
    'binds protein',
    'forms complex with',
    'complex with',
  ],
  carrier: ['carrier', 'carried by', 'plasma protein binding', 'bound in plasma by'],
  enzyme: ['enzyme', 'metabolized by', 'metabolised by', 'substrate of', 'metabolism', 'metabolizes'],
  target: [
    'target',
    'targets',
    'inhibits',
    'inhibitor of',
    'binds',
    'binds to',
    'antagonist of',
    'agonist of',
    'blocks',
    'activates',
    'acts on',
    'mechanism of action',
  ],
  transporter: ['transporter', 'transported by', 'efflux', 'uptake transporter'],
  contraindication: [
    'contraindication',
    'contraindicated',
    'contraindicated in',
    'should not be used in',
    'must not be used',
  ],
  indication: [
    'indication',
    'indicated for',
    'treats',
    'treatment',
    'treatment for',
    'used to treat',
    'therapy for',
    'approved for',
    'cures',
    'manages',
    'first line treatment for',
  ],
  'off-label use': ['off label use', 'off label', 'used off label for'],
  'synergistic interaction': [
    'synergistic interaction',
    'drug interaction',
    'interacts with drug',
    'synergistic',
    'potentiates',
    'drug drug interaction',
  ],
  'associated with': [
    'associated with',
    'associated',
    'gene associated',
    'caused by mutation in',
    'mutation in',
    'mutated in',
    'risk gene',
    'causal gene',
    'linked gene',
    'genetic cause',
  ],
  'parent-child': ['parent child', 'is a', 'subtype of', 'type of', 'subclass of', 'kind of', 'form of'],
  'phenotype absent': ['phenotype absent', 'does not present with', 'absent phenotype', 'not a feature of'],
  'phenotype present': [
    'phenotype present',
    'presents with',
    'symptom',
    'has symptom',
    'sign',
    'manifests as',
    'has phenotype',
    'characterized by',
    'feature',
    'clinical feature',
  ],
  'side effect': [
    'side effect',
    'adverse effect',
    'adverse reaction',
    'adverse event',
    'toxicity',
    'causes side effect',
  ],
  'interacts with': ['interacts with', 'participates in', 'pathway member', 'involved in', 'member of pathway'],
  'linked to': ['linked to', 'exposure', 'risk factor for', 'carcinogen for', 'increases risk of'],
  'expression present': ['expression present', 'expressed in', 'expression in', 'is expressed'],
  'expression absent': ['expression absent', 'not expressed in', 'absent expression'],
};

export interface RelationLink {
  relation: KgarevionRelation;
  score: number;
  via: 'exact' | 'phrase' | 'tokens' | 'types';
}

/** Which (head type, tail type) pairs a KGARevion relation connects in PrimeKG's schema. */
export function relationFits(relation: KgarevionRelation, headType?: string, tailType?: string): boolean {
  if (!headType || !tailType) return true;
  const display = relation === 'protein_protein' ? 'ppi' : relation;
  return RELATION_SCHEMA.some(
    ([d, h, t]) => d === display && ((h === headType && t === tailType) || (h === tailType && t === headType)),
  );
}

/** Links free relation text ("is used to treat", "causes") onto one of the 18; undefined = unlinkable. */
export function linkRelation(
  text: string,
  context: { headType?: string; tailType?: string } = {},
): RelationLink | undefined {
  const key = linkKey(text.replace(/_/g, ' '));
  const fits = (relation: KgarevionRelation) => relationFits(relation, context.headType, context.tailType);
  const candidates: RelationLink[] = [];
  for (const relation of KGAREVION_RELATIONS) {
    const phrases = RELATION_PHRASES[relation].map(linkKey);
    if (key === linkKey(relation.replace(/_/g, ' '))) candidates.push({ relation, score: 1, via: 'exact' });
    else if (phrases.includes(key)) candidates.push({ relation, score: 0.95, via: 'phrase' });
    else {
      const words = new Set(key.split(' '));
      let best = 0;
      for (const phrase of phrases) {
        const tokens = phrase.split(' ');
        if (` ${key} `.includes(` ${phrase} `))
          best = Math.max(best, 0.85 * Math.min(1, tokens.length / words.size + 0.3));
        const overlap = tokens.filter((t) => words.has(t)).length;
        const jaccard = overlap / new Set([...tokens, ...words]).size;
        best = Math.max(best, 0.8 * jaccard);
      }
      if (best >= 0.4) candidates.push({ relation, score: Number(best.toFixed(4)), via: 'tokens' });
    }
  }
  const fitting = candidates.filter((c) => fits(c.relation));
  const pool = fitting.length ? fitting : candidates;
  pool.sort((a, b) => b.score - a.score);
  if (pool[0]) return pool[0];
  // Nothing lexical: if the node types allow exactly one relation ("causes" between a drug and a phenotype), take it.
  if (context.headType && context.tailType) {
    const allowed = KGAREVION_RELATIONS.filter(fits);
    if (allowed.length === 1) return { relation: allowed[0]!, score: 0.5, via: 'types' };
  }
  return undefined;
}

/** Relations whose phrases appear in a text ("indicated for" -> indication). Generic one-word phrases are ignored. */
export function relationsMentioned(text: string): KgarevionRelation[] {
  const key = ` ${linkKey(text)} `;
  const generic = new Set(['sign', 'feature', 'binds', 'associated', 'treatment', 'exposure', 'metabolism', 'symptom']);
  return KGAREVION_RELATIONS.filter((relation) =>
    [relation.replace(/_/g, ' '), ...RELATION_PHRASES[relation]].some(
      (phrase) => !generic.has(phrase) && key.includes(` ${linkKey(phrase)} `),
    ),
  );
}

/** Graph relation indices that answer to a KGARevion relation. */
export function graphRelationsFor(graph: KnowledgeGraph, relation: KgarevionRelation): number[] {
  return graph.relations.filter((r) => kgarevionRelationOf(r.name, r.display) === relation).map((r) => r.index);
}
