// Vocabularies: PrimeKG's node types and relations, KGARevion's 18 relations, Hetionet's metaedges.

/** KGARevion's relation vocabulary: PrimeKG `protein_protein` + 17 PrimeKG display relations. */
export const KGAREVION_RELATIONS = [
  'protein_protein',
  'carrier',
  'enzyme',
  'target',
  'transporter',
  'contraindication',
  'indication',
  'off-label use',
  'synergistic interaction',
  'associated with',
  'parent-child',
  'phenotype absent',
  'phenotype present',
  'side effect',
  'interacts with',
  'linked to',
  'expression present',
  'expression absent',
] as const;
export type KgarevionRelation = (typeof KGAREVION_RELATIONS)[number];

export const PRIMEKG_NODE_TYPES = [
  'gene/protein',
  'drug',
  'effect/phenotype',
  'disease',
  'biological_process',
  'molecular_function',
  'cellular_component',
  'exposure',
  'pathway',
  'anatomy',
] as const;

/** PrimeKG `relation` -> its usual `display_relation` (drug_protein also has enzyme/transporter/carrier). */
export const PRIMEKG_RELATIONS: Record<string, string> = {
  protein_protein: 'ppi',
  drug_protein: 'target',
  contraindication: 'contraindication',
  indication: 'indication',
  'off-label use': 'off-label use',
  drug_drug: 'synergistic interaction',
  drug_effect: 'side effect',
  phenotype_protein: 'associated with',
  phenotype_phenotype: 'parent-child',
  disease_phenotype_positive: 'phenotype present',
  disease_phenotype_negative: 'phenotype absent',
  disease_protein: 'associated with',
  disease_disease: 'parent-child',
  bioprocess_bioprocess: 'parent-child',
  molfunc_molfunc: 'parent-child',
  exposure_protein: 'interacts with',
  exposure_disease: 'linked to',
  exposure_exposure: 'parent-child',
  exposure_bioprocess: 'interacts with',
  exposure_molfunc: 'interacts with',
  exposure_cellcomp: 'interacts with',
  pathway_pathway: 'parent-child',
  pathway_protein: 'interacts with',
  anatomy_anatomy: 'parent-child',
  anatomy_protein_present: 'expression present',
  anatomy_protein_absent: 'expression absent',
  bioprocess_protein: 'interacts with',
  molfunc_protein: 'interacts with',
  cellcomp_protein: 'interacts with',
  cellcomp_cellcomp: 'parent-child',
};

/** The KGARevion relation a stored PrimeKG (relation, display) pair answers to. */
export function kgarevionRelationOf(relation: string, display: string): KgarevionRelation | undefined {
  if (relation === 'protein_protein') return 'protein_protein';
  return (KGAREVION_RELATIONS as readonly string[]).includes(display) ? (display as KgarevionRelation) : undefined;
}

/** Hetionet v1.0 metaedges: abbreviation -> [source kind, verb, target kind]. */
export const HETIONET_METAEDGES: Record<string, [string, string, string]> = {
  AdG: ['Anatomy', 'downregulates', 'Gene'],
  AeG: ['Anatomy', 'expresses', 'Gene'],
  AuG: ['Anatomy', 'upregulates', 'Gene'],
  CbG: ['Compound', 'binds', 'Gene'],
  CcSE: ['Compound', 'causes', 'Side Effect'],
  CdG: ['Compound', 'downregulates', 'Gene'],
  CpD: ['Compound', 'palliates', 'Disease'],
  CrC: ['Compound', 'resembles', 'Compound'],
  CtD: ['Compound', 'treats', 'Disease'],
  CuG: ['Compound', 'upregulates', 'Gene'],
  DaG: ['Disease', 'associates', 'Gene'],
  DdG: ['Disease', 'downregulates', 'Gene'],
  DlA: ['Disease', 'localizes', 'Anatomy'],
  DpS: ['Disease', 'presents', 'Symptom'],
  DrD: ['Disease', 'resembles', 'Disease'],
  DuG: ['Disease', 'upregulates', 'Gene'],
  GcG: ['Gene', 'covaries', 'Gene'],
  GiG: ['Gene', 'interacts', 'Gene'],
  GpBP: ['Gene', 'participates', 'Biological Process'],
  GpCC: ['Gene', 'participates', 'Cellular Component'],
  GpMF: ['Gene', 'participates', 'Molecular Function'],
  GpPW: ['Gene', 'participates', 'Pathway'],
  'Gr>G': ['Gene', 'regulates', 'Gene'],
  PCiC: ['Pharmacologic Class', 'includes', 'Compound'],
};

/** Hetionet v1.0 metaedge edge counts (describe/edges/metaedges.tsv), used by the generator. */
export const HETIONET_EDGE_COUNTS: Record<string, number> = {
  AdG: 102240,
  AeG: 526407,
  AuG: 97848,
  CbG: 11571,
  CcSE: 138944,
  CdG: 21102,
  CpD: 390,
  CrC: 6486,
  CtD: 755,
  CuG: 18756,
  DaG: 12623,
  DdG: 7623,
  DlA: 3602,
  DpS: 3357,
  DrD: 543,
  DuG: 7731,
  GcG: 61690,
  GiG: 147164,
  GpBP: 559504,
  GpCC: 73566,
  GpMF: 97222,
  GpPW: 84372,
  'Gr>G': 265672,
  PCiC: 1029,
};

/** Hetionet v1.0 node counts per kind (47,031 in all). */
export const HETIONET_NODE_COUNTS: Record<string, number> = {
  Gene: 20945,
  'Biological Process': 11381,
  'Side Effect': 5734,
  'Molecular Function': 2884,
  Pathway: 1822,
  Compound: 1552,
  'Cellular Component': 1391,
  Symptom: 438,
  Anatomy: 402,
  'Pharmacologic Class': 345,
  Disease: 137,
};

/** (display, head type, tail type) -> PrimeKG relation. */
export const RELATION_SCHEMA: [display: string, head: string, tail: string, relation: string][] = [
  ['indication', 'drug', 'disease', 'indication'],
  ['contraindication', 'drug', 'disease', 'contraindication'],
  ['off-label use', 'drug', 'disease', 'off-label use'],
  ['target', 'drug', 'gene/protein', 'drug_protein'],
  ['enzyme', 'drug', 'gene/protein', 'drug_protein'],
  ['transporter', 'drug', 'gene/protein', 'drug_protein'],
  ['carrier', 'drug', 'gene/protein', 'drug_protein'],
  ['synergistic interaction', 'drug', 'drug', 'drug_drug'],
  ['side effect', 'drug', 'effect/phenotype', 'drug_effect'],
  ['associated with', 'disease', 'gene/protein', 'disease_protein'],
  ['associated with', 'effect/phenotype', 'gene/protein', 'phenotype_protein'],
  ['phenotype present', 'disease', 'effect/phenotype', 'disease_phenotype_positive'],
  ['phenotype absent', 'disease', 'effect/phenotype', 'disease_phenotype_negative'],
  ['ppi', 'gene/protein', 'gene/protein', 'protein_protein'],
  ['interacts with', 'pathway', 'gene/protein', 'pathway_protein'],
  ['interacts with', 'biological_process', 'gene/protein', 'bioprocess_protein'],
  ['interacts with', 'exposure', 'gene/protein', 'exposure_protein'],
  ['expression present', 'anatomy', 'gene/protein', 'anatomy_protein_present'],
  ['expression absent', 'anatomy', 'gene/protein', 'anatomy_protein_absent'],
  ['linked to', 'exposure', 'disease', 'exposure_disease'],
  ['parent-child', 'disease', 'disease', 'disease_disease'],
  ['parent-child', 'effect/phenotype', 'effect/phenotype', 'phenotype_phenotype'],
  ['parent-child', 'anatomy', 'anatomy', 'anatomy_anatomy'],
  ['parent-child', 'pathway', 'pathway', 'pathway_pathway'],
];

export function primeKgRelationFor(display: string, headType: string, tailType: string): string | undefined {
  return RELATION_SCHEMA.find(([d, h, t]) => d === display && h === headType && t === tailType)?.[3];
}
