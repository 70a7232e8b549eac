// Seeded synthetic omics + PPI with planted ground truth, for the embedded default. Nothing here is
// biology: symbols are SYN0001..., diseases are "synthetic cancer type N". The plant:
// - PPI: a Barabási–Albert graph (m = 2) plus dense "pathway modules" and one common-essential complex.
// - Each synthetic cancer type owns `modulesPerDisease` modules; its KG disease proteins are ~70% of
//   those modules' genes plus random genes, so the KG says which modules may matter, not which do.
// - A cancerous line activates 1–2 of its disease's modules: most of their genes are elevated in
//   expression and protein (some also amplified), and all of them become essential (CRISPR effect
//   ≈ −1.2). Common-essential genes are essential in every line and highly expressed everywhere.
// - Every line (cancerous or not) has passenger genes elevated in two omics channels but not
//   essential; non-cancerous lines activate no module. Ground truth = the `answerSize` genes with the
//   most negative effect (upstream: nsmallest(100) of CRISPRGeneEffect).
import { createRng, hashSeed, type Rng } from '../../stats/random.js';

export interface SyntheticOptions {
  genes: number;
  modules: number;
  moduleSize: [number, number];
  diseases: number;
  commonEssential: number;
  passengers: number;
  answerSize: number;
  /** Omics genes per ranked list in a case (upstream k = 10). */
  topK: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = {
  genes: 600,
  modules: 12,
  moduleSize: [8, 12],
  diseases: 4,
  commonEssential: 8,
  passengers: 12,
  answerSize: 20,
  topK: 10,
};

export interface SyntheticWorld {
  seed: number;
  options: SyntheticOptions;
  genes: string[];
  ppi: [string, string][];
  modules: string[][];
  common: string[];
  diseases: { name: string; modules: number[]; proteins: string[] }[];
  /** Per-gene expression baseline shared by all lines. */
  baseline: Record<string, number>;
}

export interface SyntheticLine {
  id: string;
  cellLine: string;
  disease: string;
  label: 0 | 1;
  activeModules: number[];
  omics: { cnv: Record<string, number>; expression: Record<string, number>; protein: Record<string, number> };
  effect: Record<string, number>;
  truth: string[];
}

const symbolOf = (index: number) => `SYN${String(index + 1).padStart(4, '0')}`;
const round = (value: number) => Math.round(value * 1000) / 1000;

export function generateWorld(seed: number, partial: Partial<SyntheticOptions> = {}): SyntheticWorld {
  const options = { ...DEFAULT_SYNTHETIC, ...partial };
  const planted = options.commonEssential + options.modules * options.moduleSize[1];
  if (planted > options.genes * 0.6) {
    throw new RangeError(
      `target-qa-synthetic: ${options.modules} modules of up to ${options.moduleSize[1]} genes and ${options.commonEssential} common essentials need more than ${options.genes} genes (at most 60% may be planted)`,
    );
  }
  if (options.diseases < 1 || options.diseases > options.modules)
    throw new RangeError(`target-qa-synthetic: diseases must be between 1 and modules (${options.modules})`);
  const rng = createRng(hashSeed('target-qa-synthetic/world', seed));
  const genes = Array.from({ length: options.genes }, (_, index) => symbolOf(index));
  const edges = new Set<string>();
  const ppi: [string, string][] = [];
  const link = (a: number, b: number) => {
    if (a === b) return;
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (edges.has(key)) return;
    edges.add(key);
    ppi.push([genes[a]!, genes[b]!]);
  };
  // Barabási–Albert, m = 2: each new node links to 2 nodes drawn by degree (the endpoint list).
  const endpoints: number[] = [0, 1];
  link(0, 1);
  for (let node = 2; node < genes.length; node++) {
    const targets = new Set<number>();
    while (targets.size < Math.min(2, node)) targets.add(endpoints[rng.int(endpoints.length)]!);
    for (const target of targets) {
      link(node, target);
      endpoints.push(node, target);
    }
  }
  const order = rng.shuffle(genes.map((_, index) => index));
  let cursor = 0;
  const take = (count: number) => order.slice(cursor, (cursor += count));
  const wire = (members: number[], density: number) => {
    for (let i = 1; i < members.length; i++) link(members[i]!, members[rng.int(i)]!); // connected
    for (let i = 0; i < members.length; i++)
      for (let j = i + 1; j < members.length; j++) if (rng.next() < density) link(members[i]!, members[j]!);
  };
  const commonIndex = take(options.commonEssential);
  wire(commonIndex, 0.6);
  const moduleIndex: number[][] = [];
  for (let m = 0; m < options.modules; m++) {
    const size = options.moduleSize[0] + rng.int(options.moduleSize[1] - options.moduleSize[0] + 1);
    const members = take(size);
    wire(members, 0.35);
    moduleIndex.push(members);
  }
  const baseline: Record<string, number> = {};
  genes.forEach((gene) => (baseline[gene] = round(rng.normal() * 0.5)));
  for (const index of commonIndex) baseline[genes[index]!] = round(1.5 + rng.normal() * 0.3);
  const perDisease = Math.max(1, Math.floor(options.modules / options.diseases));
  const diseases = Array.from({ length: options.diseases }, (_, d) => {
    const modules = Array.from({ length: perDisease }, (_, k) => d * perDisease + k).filter((m) => m < options.modules);
    const proteins = new Set<string>();
    for (const m of modules) for (const index of moduleIndex[m]!) if (rng.next() < 0.7) proteins.add(genes[index]!);
    const extra = Math.min(8, Math.max(0, 50 - proteins.size));
    for (let added = 0; added < extra; ) {
      const gene = genes[rng.int(genes.length)]!;
      if (!proteins.has(gene)) {
        proteins.add(gene);
        added++;
      }
    }
    return { name: `synthetic cancer type ${d + 1}`, modules, proteins: rng.shuffle([...proteins]) };
  });
  return {
    seed,
    options,
    genes,
    ppi,
    modules: moduleIndex.map((members) => members.map((index) => genes[index]!)),
    common: commonIndex.map((index) => genes[index]!),
    diseases,
    baseline,
  };
}

export function generateLine(
  world: SyntheticWorld,
  id: string,
  label: 0 | 1,
  diseaseIndex: number,
  rng: Rng,
): SyntheticLine {
  const { genes, options } = world;
  const disease = world.diseases[diseaseIndex % world.diseases.length]!;
  const cnv: Record<string, number> = {};
  const expression: Record<string, number> = {};
  const protein: Record<string, number> = {};
  const effect: Record<string, number> = {};
  for (const gene of genes) {
    cnv[gene] = rng.normal() * 0.8;
    expression[gene] = world.baseline[gene]! + rng.normal() * 0.8;
    effect[gene] = rng.normal() * 0.3;
  }
  const activeModules: number[] = [];
  if (label === 1) {
    const choices = rng.shuffle([...disease.modules]);
    activeModules.push(...choices.slice(0, rng.next() < 0.5 ? 2 : 1));
    for (const m of activeModules) {
      const amplified = rng.next() < 0.5;
      for (const gene of world.modules[m]!) {
        effect[gene] = -1.2 + rng.normal() * 0.4;
        if (rng.next() < 0.75) {
          expression[gene]! += 2.0;
          if (amplified) cnv[gene]! += 1.5;
          protein[gene] = 0; // marks "elevated" for the protein channel below
        }
      }
    }
  }
  for (const gene of world.common) effect[gene] = -2 + rng.normal() * 0.3;
  for (let k = 0; k < 5; k++) effect[genes[rng.int(genes.length)]!] = -1 + rng.normal() * 0.3; // unpredictable essentials
  const passengers = new Set<string>();
  while (passengers.size < options.passengers) passengers.add(genes[rng.int(genes.length)]!);
  for (const gene of passengers) {
    if (rng.next() < 0.5) cnv[gene]! += 2.5;
    expression[gene]! += 2.5;
  }
  for (const gene of genes) {
    const elevated = protein[gene] === 0;
    protein[gene] = 0.6 * expression[gene]! + rng.normal() * 0.6 + (elevated ? 0.4 : 0);
  }
  for (const record of [cnv, expression, protein, effect])
    for (const gene of genes) record[gene] = round(record[gene]!);
  const truth = [...genes].sort((a, b) => effect[a]! - effect[b]! || (a < b ? -1 : 1)).slice(0, options.answerSize);
  return {
    id,
    cellLine: `SYNLINE-${id}`,
    disease: disease.name,
    label,
    activeModules,
    omics: { cnv, expression, protein },
    effect,
    truth,
  };
}

/** Evaluation lines (all cancerous, as Target-QA's lines with CRISPR data) or reference lines (both labels). */
export function generateLines(world: SyntheticWorld, split: 'test' | 'reference', count: number): SyntheticLine[] {
  const rng = createRng(hashSeed('target-qa-synthetic/lines', world.seed, split));
  const lines: SyntheticLine[] = [];
  for (let i = 0; i < count; i++) {
    const label: 0 | 1 = split === 'test' ? 1 : i % 2 === 0 ? 1 : 0;
    const id = `${split === 'test' ? 'T' : 'R'}${String(i + 1).padStart(3, '0')}`;
    lines.push(generateLine(world, id, label, rng.int(world.diseases.length), rng));
  }
  return lines;
}

/** The top `k` genes of a channel, highest first (ties by symbol). */
export function topOf(values: Record<string, number>, k: number): string[] {
  return Object.keys(values)
    .sort((a, b) => values[b]! - values[a]! || (a < b ? -1 : 1))
    .slice(0, k);
}
