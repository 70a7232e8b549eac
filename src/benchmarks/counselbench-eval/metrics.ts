// Task metrics: one CounselBench aggregate per dimension (§1.4 rules) with how many items were
// dropped and why. Values arrive as numbers per key (Medical Advice Yes = 1, No = 0), so the mean
// of the kept values is the share of Yes among answers that are not "I am not sure".
import type { Metric, MetricResult, ScoredUnit } from '../../core/index.js';
import { DIMENSIONS } from './ratings.js';

export const JUDGE_SCORER = 'counsel-judge';

function dropReason(unit: ScoredUnit, scoreKey: string): string {
  const status = (unit.metadata?.status as Record<string, string> | undefined)?.[scoreKey];
  if (status === 'unsure') return '"I am not sure"';
  if (status === 'missing') return 'missing';
  if (status === 'invalid') return 'unparseable or out of range';
  return 'without a value ("I am not sure", missing or unparseable: `medkit judge-agreement <run> --aggregate` counts each reason)';
}

export function counselAggregateMetrics(): Metric[] {
  return DIMENSIONS.map((spec) => ({
    name: `counselbench ${spec.label}`,
    scorerKey: `${JUDGE_SCORER}.${spec.scoreKey}`,
    compute(units: ScoredUnit[]): MetricResult {
      const kept = units.filter((unit) => unit.value !== null).map((unit) => unit.value!);
      const reasons = new Map<string, number>();
      for (const unit of units)
        if (unit.value === null)
          reasons.set(dropReason(unit, spec.scoreKey), (reasons.get(dropReason(unit, spec.scoreKey)) ?? 0) + 1);
      const dropped = units.length - kept.length;
      const rule =
        spec.kind === 'yes-no'
          ? 'share of Yes among answers that are not "I am not sure"'
          : spec.allowsUnsure
            ? 'mean without "I am not sure"'
            : 'mean';
      const why = [...reasons].map(([reason, count]) => `${count} ${reason}`).join(', ');
      return {
        name: `counselbench ${spec.label}`,
        value: kept.length === 0 ? Number.NaN : kept.reduce((sum, value) => sum + value, 0) / kept.length,
        n: kept.length,
        dropped,
        note: `${rule}; ${dropped === 0 ? `all ${units.length} kept` : `dropped ${dropped} of ${units.length}: ${why}`}`,
      };
    },
  }));
}
