// The Target-QA question (GALAX's step-1 prompt, in medkit's own words) and the case shape both
// the benchmark and the GALAX agent read from `sample.metadata.case`.
export interface TargetCaseJson {
  cellLine: string;
  disease: string;
  topGenes: string[];
  topTranscripts: string[];
  topProteins: string[];
  diseaseProteins: string[];
  ppiNeighbors: string[];
  relations: string[];
  answerSize: number;
  omics?: { cnv?: Record<string, number>; expression?: Record<string, number>; protein?: Record<string, number> };
}

const clip = (items: readonly string[], max: number, what: string) =>
  items.length > max ? [...items.slice(0, max), `... (${items.length - max} more ${what} not shown)`] : [...items];

/** Upstream truncation: 10 per omics list, 50 disease proteins, 100 relations. */
export function targetQuestion(targetCase: TargetCaseJson): string {
  const k = 10;
  return [
    `Task: list the ${targetCase.answerSize} genes whose knockout most reduces the viability or proliferation of the ` +
      `${targetCase.cellLine} cell line (${targetCase.disease}). Use the multi-omics profile and the knowledge-graph context below.`,
    'Context:',
    `- Most amplified genes (copy number), top ${k}: ${targetCase.topGenes.slice(0, k).join(', ')}`,
    `- Most expressed transcripts, top ${k}: ${targetCase.topTranscripts.slice(0, k).join(', ')}`,
    `- Most abundant or activated proteins, top ${k}: ${targetCase.topProteins.slice(0, k).join(', ')}`,
    `- Disease proteins from the knowledge graph: ${clip(targetCase.diseaseProteins, 50, 'proteins').join(', ')}`,
    `- Protein-protein and disease-protein links from the knowledge graph: ${clip(targetCase.relations, 100, 'links').join(', ')}`,
    `Answer with the gene symbols, most important first, comma-separated.`,
  ].join('\n');
}
