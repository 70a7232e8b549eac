// The candidate set the subgraph search may add nodes from (upstream galax.py): disease proteins ∪
// top omics genes ∪ PPI neighbours ∪ the LLM's genes; start nodes are ≤ 20 disease proteins, else
// the LLM's genes, else the omics genes. Symbols missing from the PPI network are reported.
import type { TargetCase } from './case.js';
import type { PpiNetwork } from './ppi.js';

export interface CandidateOptions {
  /** Ranked omics genes taken per list (upstream k = 10). */
  topK?: number;
  /** Start nodes at most (upstream 20). */
  maxStart?: number;
  /** PPI neighbours added when the case lists none (neighbours of the top omics genes). */
  maxNeighbours?: number;
}

export interface CandidateSet {
  start: number[];
  startSource: 'disease-proteins' | 'llm-genes' | 'omics-genes' | 'none';
  candidates: number[];
  /** Symbols (any source) not found in the PPI network. */
  unknown: string[];
  counts: { disease: number; omics: number; neighbours: number; llm: number };
  /** Candidate nodes by source (a node may have several). */
  roles: { disease: number[]; omics: number[]; llm: number[] };
}

export function omicsGenes(targetCase: TargetCase, topK = 10): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of [targetCase.topGenes, targetCase.topTranscripts, targetCase.topProteins]) {
    for (const symbol of list.slice(0, topK)) {
      const key = symbol.toUpperCase();
      if (!seen.has(key)) {
        seen.add(key);
        out.push(key);
      }
    }
  }
  return out;
}

export function buildCandidates(
  targetCase: TargetCase,
  ppi: PpiNetwork,
  llmGenes: readonly string[],
  options: CandidateOptions = {},
): CandidateSet {
  const topK = options.topK ?? 10;
  const maxStart = options.maxStart ?? 20;
  const maxNeighbours = options.maxNeighbours ?? 50;
  const unknown = new Set<string>();
  const resolve = (symbols: readonly string[]) => {
    const nodes: number[] = [];
    for (const symbol of symbols) {
      const node = ppi.index(symbol);
      if (node < 0) unknown.add(symbol.toUpperCase());
      else if (!nodes.includes(node)) nodes.push(node);
    }
    return nodes;
  };
  const disease = resolve(targetCase.diseaseProteins);
  const omics = resolve(omicsGenes(targetCase, topK));
  const llm = resolve(llmGenes);
  let neighbours = resolve(targetCase.ppiNeighbors);
  if (targetCase.ppiNeighbors.length === 0) {
    // Neighbours of the omics genes, most-connected-to-omics first, then by index (deterministic).
    const hits = new Map<number, number>();
    for (const node of omics) for (const other of ppi.neighbours(node)) hits.set(other, (hits.get(other) ?? 0) + 1);
    neighbours = [...hits.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, maxNeighbours)
      .map(([node]) => node);
  }
  let start: number[] = [];
  let startSource: CandidateSet['startSource'] = 'none';
  if (disease.length > 0) [start, startSource] = [disease.slice(0, maxStart), 'disease-proteins'];
  else if (llm.length > 0) [start, startSource] = [llm.slice(0, maxStart), 'llm-genes'];
  else if (omics.length > 0) [start, startSource] = [omics.slice(0, maxStart), 'omics-genes'];
  const candidates = [...new Set([...disease, ...omics, ...neighbours, ...llm])].sort((a, b) => a - b);
  return {
    start,
    startSource,
    candidates,
    unknown: [...unknown],
    counts: { disease: disease.length, omics: omics.length, neighbours: neighbours.length, llm: llm.length },
    roles: { disease, omics, llm },
  };
}
