// How much of KGARevion's evidence the KG could check. Review only verifies a triplet whose head,
// relation and tail all link to the KG; the rest fall under the unlinkable policy (upstream keeps
// them as true with p = 0.5). With a small KG almost nothing is checked (MIRAGE on the mini-KG:
// 99.8% accepted unchecked), so every run reports these shares and warns below one half.
import type { JsonObject, Metric, MetricResult, Scorer, ScoredUnit } from '../../core/index.js';
import type { ReviewCoverage } from './types.js';

/** Below this share of reviewed triplets verified against the KG, the run notes warn. */
export const MIN_VERIFIED_SHARE = 0.5;

const COUNT_KEYS = [
  'reviewed',
  'linked',
  'headLinked',
  'tailLinked',
  'relationLinked',
  'verified',
  'acceptedUnchecked',
  'rejectedUnchecked',
  'dropped',
] as const;

/** Per unit: shares of its reviewed triplets linked / verified / accepted unchecked; counts in metadata. */
export function coverageScorer(): Scorer {
  return {
    name: 'kg-coverage',
    params: { of: 'every triplet Review saw (generated and revised)', warnBelow: MIN_VERIFIED_SHARE },
    successRates: false,
    async score(state) {
      const meta = (state.metadata.kgarevion ?? {}) as JsonObject;
      const coverage = meta.coverage as unknown as ReviewCoverage | undefined;
      if (!coverage) return { value: null, explanation: 'the solver recorded no KGARevion coverage' };
      const share = (count: number) => (coverage.reviewed === 0 ? null : count / coverage.reviewed);
      return {
        value: {
          linked: share(coverage.linked),
          verified: share(coverage.verified),
          accepted_unchecked: share(coverage.acceptedUnchecked),
        },
        explanation: `${coverage.verified} of ${coverage.reviewed} reviewed triplets verified against the KG, ${coverage.acceptedUnchecked} accepted unchecked, ${coverage.rejectedUnchecked} rejected unchecked, ${coverage.dropped} dropped`,
        metadata: {
          ...Object.fromEntries(COUNT_KEYS.map((key) => [key, coverage[key]])),
          linking: String(meta.linking ?? ''),
          kg: String(meta.kg ?? ''),
          ...(typeof meta.kge === 'string'
            ? { kge: meta.kge, kgeAccuracy: Number(meta.kgeAccuracy), kgeHeldOut: Number(meta.kgeHeldOut) }
            : {}),
        },
      };
    },
  };
}

/** Pooled over the run: Σ count / Σ reviewed. */
export function pooledCoverage(units: readonly ScoredUnit[]): ReviewCoverage & { units: number } {
  const total = Object.fromEntries(COUNT_KEYS.map((key) => [key, 0])) as unknown as ReviewCoverage & {
    units: number;
  };
  total.units = 0;
  for (const unit of units) {
    if (!unit.metadata || typeof unit.metadata.reviewed !== 'number') continue;
    total.units++;
    for (const key of COUNT_KEYS) total[key] += Number(unit.metadata[key] ?? 0);
  }
  return total;
}

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;

export function coverageResults(units: readonly ScoredUnit[]): MetricResult[] {
  const c = pooledCoverage(units);
  const first = units.find((unit) => unit.metadata?.linking)?.metadata;
  const linking = String(first?.linking ?? '');
  const kg = String(first?.kg ?? '');
  const share = (count: number) => (c.reviewed === 0 ? Number.NaN : count / c.reviewed);
  const of = `of ${c.reviewed} triplets Review saw in ${c.units} units`;
  const verified = share(c.verified);
  const results: MetricResult[] = [
    {
      name: 'kg triplets linked',
      value: share(c.linked),
      n: c.reviewed,
      note: `${of}: head, relation and tail all linked to the KG (${kg}); heads ${c.headLinked}, tails ${c.tailLinked}, relations ${c.relationLinked} linked (dropped triplets count as unlinked); linking: ${linking}`,
    },
    {
      name: 'kg triplets verified',
      value: verified,
      n: c.reviewed,
      note: `${of}: checked by the verifier against the KG`,
      ...(c.reviewed > 0 && verified < MIN_VERIFIED_SHARE
        ? {
            runNote: `only ${percent(verified)} of ${c.reviewed} triplets were checked against the KG (${kg}); ${percent(share(c.acceptedUnchecked))} were accepted unchecked, ${c.rejectedUnchecked} rejected unchecked, ${c.dropped} dropped (unlinkable policy). Review barely ran: the KG does not cover these questions (for MIRAGE-scale questions give PrimeKG: --arg primekg=kg.csv)`,
          }
        : {}),
    },
    {
      name: 'kg triplets accepted unchecked',
      value: share(c.acceptedUnchecked),
      n: c.reviewed,
      note: `${of}: unlinkable and kept as true with p = 0.5 (unlinkable=keep, upstream's policy); ${c.rejectedUnchecked} rejected unchecked, ${c.dropped} dropped`,
    },
  ];
  const kge = units.find((unit) => typeof unit.metadata?.kge === 'string')?.metadata;
  if (kge) {
    results.push({
      name: 'kge verifier calibration accuracy',
      value: Number(kge.kgeAccuracy),
      n: Number(kge.kgeHeldOut),
      note: String(kge.kge),
      runNote: String(kge.kge),
    });
  }
  return results;
}

export function coverageMetric(): Metric {
  return { name: 'kg coverage', scorerKey: 'kg-coverage.verified', compute: (units) => coverageResults(units) };
}
