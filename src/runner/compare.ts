// Paired comparison of two runs: per scorer key, the per-sample values (averaged over epochs)
// of the samples both runs scored, B − A with a paired bootstrap CI and a Wilcoxon test.
// Pairing by sample removes the between-question variance that unpaired CIs carry.
import type { SampleRecord } from '../core/index.js';
import { pairedBootstrap, wilcoxonSignedRank } from '../stats/index.js';
import { readRunSpec, readSampleRecords } from './run-dir.js';

export interface MetricComparison {
  key: string;
  meanA: number;
  meanB: number;
  difference: number;
  ci: { lower: number; upper: number; level: number };
  pValue: number;
  wilcoxonP: number;
  pairs: number;
  aBetter: number;
  bBetter: number;
  /** Per-sample differences (B − A), for viewers. */
  perSample: { id: string; a: number; b: number }[];
}

export interface RunComparison {
  labelA: string;
  labelB: string;
  metrics: MetricComparison[];
  notes: string[];
}

/** Numeric value of each scorer key in a record (records split into scorer.key). */
export function numericScores(record: Pick<SampleRecord, 'scores'>): Map<string, number> {
  const values = new Map<string, number>();
  for (const [name, score] of Object.entries(record.scores)) {
    const value = score.value;
    if (typeof value === 'number' && Number.isFinite(value)) values.set(name, value);
    else if (typeof value === 'boolean') values.set(name, value ? 1 : 0);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value))
        if (typeof inner === 'number' && Number.isFinite(inner)) values.set(`${name}.${key}`, inner);
    }
  }
  return values;
}

/** scorer key → sample id → mean over epochs. */
export function perSampleMeans(
  records: Iterable<Pick<SampleRecord, 'id' | 'scores'>>,
): Map<string, Map<string, number>> {
  const sums = new Map<string, Map<string, { sum: number; count: number }>>();
  for (const record of records) {
    for (const [key, value] of numericScores(record)) {
      let byId = sums.get(key);
      if (!byId) sums.set(key, (byId = new Map()));
      const entry = byId.get(record.id) ?? { sum: 0, count: 0 };
      entry.sum += value;
      entry.count++;
      byId.set(record.id, entry);
    }
  }
  const means = new Map<string, Map<string, number>>();
  for (const [key, byId] of sums)
    means.set(key, new Map([...byId].map(([id, entry]) => [id, entry.sum / entry.count])));
  return means;
}

export function compareRuns(
  directoryA: string,
  directoryB: string,
  options: { seed?: number; level?: number } = {},
): RunComparison {
  const specA = readRunSpec(directoryA);
  const specB = readRunSpec(directoryB);
  const notes: string[] = [];
  if (specA.benchmark !== specB.benchmark)
    notes.push(
      `different benchmarks (${specA.benchmark} vs ${specB.benchmark}): only samples with the same id are paired`,
    );
  if (specA.task.version !== specB.task.version)
    notes.push(`different task versions (${specA.task.version} vs ${specB.task.version})`);
  const meansA = perSampleMeans(readSampleRecords(directoryA));
  const meansB = perSampleMeans(readSampleRecords(directoryB));
  const metrics: MetricComparison[] = [];
  for (const [key, byIdA] of meansA) {
    const byIdB = meansB.get(key);
    if (!byIdB) {
      notes.push(`${key}: only in A`);
      continue;
    }
    const perSample = [...byIdA].filter(([id]) => byIdB.has(id)).map(([id, a]) => ({ id, a, b: byIdB.get(id)! }));
    const unpaired = byIdA.size + byIdB.size - 2 * perSample.length;
    if (unpaired > 0) notes.push(`${key}: ${unpaired} samples scored in only one run are left out`);
    if (perSample.length < 2) {
      notes.push(`${key}: fewer than 2 paired samples; no statistics`);
      continue;
    }
    const a = perSample.map((pair) => pair.a);
    const b = perSample.map((pair) => pair.b);
    const bootstrap = pairedBootstrap(b, a, { seed: options.seed ?? 0, level: options.level ?? 0.95 });
    let wilcoxonP = NaN;
    try {
      wilcoxonP = wilcoxonSignedRank(b, a).pValue;
    } catch {
      wilcoxonP = NaN;
    }
    metrics.push({
      key,
      meanA: a.reduce((sum, value) => sum + value, 0) / a.length,
      meanB: b.reduce((sum, value) => sum + value, 0) / b.length,
      difference: bootstrap.estimate,
      ci: { lower: bootstrap.lower, upper: bootstrap.upper, level: bootstrap.level },
      pValue: bootstrap.pValue,
      wilcoxonP,
      pairs: perSample.length,
      aBetter: perSample.filter((pair) => pair.a > pair.b).length,
      bBetter: perSample.filter((pair) => pair.b > pair.a).length,
      perSample,
    });
  }
  for (const key of meansB.keys()) if (!meansA.has(key)) notes.push(`${key}: only in B`);
  const label = (spec: typeof specA) =>
    `${spec.benchmark}, ${Object.entries(spec.models)
      .map(([role, model]) => `${role}=${model}`)
      .join(' ')}`;
  return { labelA: label(specA), labelB: label(specB), metrics, notes };
}
