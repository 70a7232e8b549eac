// ADV scoring: per question, the share of "Yes" over its samples (3 by default); per mode, the
// trigger rate = mean of its questions' shares. Unparseable verdicts (null) are dropped from the
// question's share and counted; "I am not sure" is not a Yes and stays in the denominator.
import type { Metric, MetricResult, ScoredUnit } from '../../core/index.js';
import { MODE_KEYS } from './modes.js';

export interface QuestionShare {
  id: string;
  mode: string;
  share: number | null;
  samples: number;
  dropped: number;
}

export function perQuestionShares(units: readonly ScoredUnit[]): QuestionShare[] {
  const byId = new Map<string, { mode: string; values: number[]; dropped: number }>();
  for (const unit of units) {
    const entry = byId.get(unit.id) ?? {
      mode: unit.groups.mode ?? String(unit.id).replace(/-\d+$/, ''),
      values: [],
      dropped: 0,
    };
    if (unit.value === null) entry.dropped++;
    else entry.values.push(unit.value);
    byId.set(unit.id, entry);
  }
  return [...byId].map(([id, { mode, values, dropped }]) => ({
    id,
    mode,
    share: values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length,
    samples: values.length,
    dropped,
  }));
}

export function triggerRates(units: readonly ScoredUnit[]): MetricResult[] {
  const shares = perQuestionShares(units);
  const modes = [
    ...MODE_KEYS,
    ...new Set(shares.map((share) => share.mode).filter((mode) => !(MODE_KEYS as readonly string[]).includes(mode))),
  ];
  const results: MetricResult[] = [];
  for (const mode of [...modes, 'all']) {
    const inMode = shares.filter((share) => mode === 'all' || share.mode === mode);
    if (inMode.length === 0) continue;
    const kept = inMode.filter((share) => share.share !== null);
    const droppedUnits = inMode.reduce((sum, share) => sum + share.dropped, 0);
    const noQuestion = inMode.length - kept.length;
    results.push({
      name: `trigger rate ${mode}`,
      value: kept.length === 0 ? Number.NaN : kept.reduce((sum, share) => sum + share.share!, 0) / kept.length,
      n: kept.length,
      dropped: noQuestion,
      note:
        `mean over ${kept.length} questions of the per-question share of Yes` +
        (droppedUnits > 0
          ? `; ${droppedUnits} unparseable verdicts left out${noQuestion > 0 ? `, ${noQuestion} questions had none left` : ''}`
          : ''),
    });
  }
  return results;
}

/** One result per question: its share of Yes over its samples (opt-in: `--arg perQuestion=true`). */
export function questionShareResults(units: readonly ScoredUnit[]): MetricResult[] {
  return perQuestionShares(units)
    .sort((left, right) => left.id.localeCompare(right.id, undefined, { numeric: true }))
    .map((share) => ({
      name: `share of Yes ${share.id}`,
      value: share.share ?? Number.NaN,
      n: share.samples,
      dropped: share.dropped,
      ...(share.dropped > 0 ? { note: `${share.dropped} unparseable verdicts left out` } : {}),
    }));
}

export function triggerRateMetric({ perQuestion = false }: { perQuestion?: boolean } = {}): Metric {
  return {
    name: 'trigger rate',
    scorerKey: 'adv-judge.triggered',
    compute: (units) => [...triggerRates(units), ...(perQuestion ? questionShareResults(units) : [])],
  };
}
