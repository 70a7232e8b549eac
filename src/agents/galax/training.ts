// Where the reward classifier comes from. With labelled reference profiles (sample.files.reference,
// omics profile format with `label`), it learns cancerous (1) vs non-cancerous (0) lines from each
// line's whole candidate graph (as upstream's MOTASG classifies cell lines), or from random subgraphs
// of it. Without
// them (a Target-QA file has no non-cancerous lines) a proxy is trained per case: the case's real
// omics on random subgraphs (1) against the same subgraphs with omics permuted across genes (0).
import { readFile } from 'node:fs/promises';
import { createRng, hashSeed } from '../../stats/random.js';
import { buildCandidates } from './candidates.js';
import { parseOmicsProfiles, type OmicsProfile, type TargetCase } from './case.js';
import { sampleSubgraphs, trainWithReport, type GraphClassifier, type TrainingExample } from './classifier.js';
import { graphFeatures, nodeInputs } from './features.js';
import type { PpiNetwork } from './ppi.js';
import { SampleFormatError } from '../../core/index.js';

const top = (values: Record<string, number> | undefined, k: number) =>
  values
    ? Object.keys(values)
        .sort((a, b) => values[b]! - values[a]! || (a < b ? -1 : 1))
        .slice(0, k)
    : [];

/** A profile seen as a case (top-10 lists from its values), to build the same candidate pool GALAX searches. */
export function caseOfProfile(profile: OmicsProfile): TargetCase {
  return {
    cellLine: profile.cellLine,
    disease: profile.disease,
    topGenes: top(profile.omics.cnv, 10),
    topTranscripts: top(profile.omics.expression, 10),
    topProteins: top(profile.omics.protein, 10),
    diseaseProteins: profile.diseaseProteins ?? [],
    ppiNeighbors: [],
    relations: [],
    answerSize: 1,
    omics: profile.omics,
  };
}

/**
 * 'subgraphs' (default): 12 random subgraphs of each line's candidate pool, the kind of graph the reward
 * scores. 'whole-graph' (as MOTASG classifies a whole cell-line graph): one example per line, its pool
 * with every PPI edge among it; it separates held-out lines well (≈ 0.85) but scores held-out lines'
 * subgraphs worse (≈ 0.51 vs 0.61 over 2 worlds × 3 splits), so it is not the default.
 */
export type ClassifierTraining = 'whole-graph' | 'subgraphs';

export function referenceExamples(
  profiles: readonly OmicsProfile[],
  ppi: PpiNetwork,
  seed: number,
  mode: ClassifierTraining = 'subgraphs',
  perProfile = 12,
): TrainingExample[] {
  const rng = createRng(hashSeed('galax/reference', seed));
  const examples: TrainingExample[] = [];
  for (const profile of profiles) {
    if (profile.label === undefined) continue;
    const X = nodeInputs(ppi, profile.omics);
    const pool = buildCandidates(caseOfProfile(profile), ppi, []).candidates;
    if (mode === 'whole-graph') {
      const edges: [number, number][] = [];
      for (let i = 0; i < pool.length; i++)
        for (let j = i + 1; j < pool.length; j++) if (ppi.isEdge(pool[i]!, pool[j]!)) edges.push([pool[i]!, pool[j]!]);
      examples.push({ features: graphFeatures(pool, edges, X), label: profile.label, group: profile.id });
      continue;
    }
    for (const graph of sampleSubgraphs(ppi, pool, rng, perProfile)) {
      examples.push({ features: graphFeatures(graph.nodes, graph.edges, X), label: profile.label, group: profile.id });
    }
  }
  return examples;
}

const referenceCache = new Map<string, Promise<GraphClassifier>>();

/** Trains (once per file, network size and seed) the reference classifier. */
export function referenceClassifier(
  path: string,
  ppi: PpiNetwork,
  seed: number,
  mode: ClassifierTraining = 'subgraphs',
): Promise<GraphClassifier> {
  const key = `${path}\u0000${ppi.size}\u0000${seed}\u0000${mode}`;
  let cached = referenceCache.get(key);
  if (!cached) {
    cached = readFile(path, 'utf8').then((text) => {
      const profiles = parseOmicsProfiles(text, path);
      const labelled = profiles.filter((profile) => profile.label !== undefined);
      const labels = new Set(labelled.map((profile) => profile.label));
      if (labels.size < 2)
        throw new SampleFormatError(
          path,
          1,
          'label',
          'reference profiles need both labels (0 and 1) to train the reward classifier',
        );
      const model = trainWithReport(referenceExamples(labelled, ppi, seed, mode), seed, 'reference-profiles');
      if (model.report) model.report.training = mode;
      return model;
    });
    cached.catch(() => referenceCache.delete(key));
    referenceCache.set(key, cached);
  }
  return cached;
}

/** The per-case permutation proxy (see the file comment). */
export function proxyClassifier(
  X: Float64Array,
  pool: readonly number[],
  ppi: PpiNetwork,
  seed: number,
  count = 40,
): GraphClassifier {
  const rng = createRng(hashSeed('galax/proxy', seed));
  const channels = X.length / Math.max(1, ppi.size);
  const permuted = new Float64Array(X.length);
  const order = rng.shuffle(Array.from({ length: ppi.size }, (_, node) => node));
  order.forEach((from, to) => permuted.set(X.subarray(from * channels, (from + 1) * channels), to * channels));
  const examples: TrainingExample[] = [];
  sampleSubgraphs(ppi, pool, rng, count).forEach((graph, index) => {
    examples.push({ features: graphFeatures(graph.nodes, graph.edges, X), label: 1, group: `g${index}` });
    examples.push({ features: graphFeatures(graph.nodes, graph.edges, permuted), label: 0, group: `g${index}` });
  });
  return trainWithReport(examples, seed, 'permutation-proxy');
}
