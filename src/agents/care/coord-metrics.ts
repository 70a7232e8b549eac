// CARE-Coord's edits as task metrics, as the paper reports them (it edits 7.89% of samples: 4.84% wrong→right,
// 3.05% right→wrong; multimodal-methods.md §1, unconfirmed). The solver stores each unit's outcome against the
// target once its answer is final (state.metadata.care.coord, never shown to a model); the scorer below carries it
// to the metric, which counts edits and their outcomes over all units.
import type { JsonObject, Metric, MetricResult, Scorer } from '../../core/index.js';

export const COORD_EDIT_SCORER = 'care_coord_edit';
const OUTCOMES = ['wrong→right', 'right→wrong', 'wrong→wrong', 'right→right'] as const;
const slug = (outcome: string) => outcome.replace('→', '_to_');

/** 1 when the coordinator changed the answer, 0 when not; the outcome (wrong→right, …) in metadata. */
export function coordEditScorer(): Scorer {
  return {
    name: COORD_EDIT_SCORER,
    params: { value: '1 when the coordinator changed the answer; metadata.outcome against the target' },
    successRates: false,
    async score(state) {
      const coord = ((state.metadata.care ?? {}) as JsonObject).coord as JsonObject | undefined;
      if (!coord) return { value: null, explanation: 'no CARE-Coord record (the solver failed before its review)' };
      const outcome = typeof coord.edit_outcome === 'string' ? coord.edit_outcome : null;
      const edits = Array.isArray(coord.edits) ? coord.edits.length : 0;
      return {
        value: outcome ? 1 : 0,
        answer: String(coord.final ?? ''),
        explanation: outcome
          ? `the coordinator changed ${String(coord.initial)} → ${String(coord.final)} (${outcome}) in ${edits} edit(s)`
          : `no change to the first answer (${String(coord.initial)}); ${edits} edit(s) along the way`,
        metadata: { outcome: outcome ?? 'none', edits, coordinator: String(coord.coordinator ?? '') },
      };
    },
  };
}

/** Counts and rates over scored units: edits, and each outcome (wrong→right, right→wrong, wrong→wrong). */
export function coordEditMetrics(): Metric {
  return {
    name: 'care-coord edits',
    scorerKey: COORD_EDIT_SCORER,
    compute(units): MetricResult[] {
      const scored = units.filter((unit) => unit.value !== null);
      const n = scored.length;
      const dropped = units.length - n;
      const count = (outcome: string) => scored.filter((unit) => unit.metadata?.outcome === outcome).length;
      const edited = scored.filter((unit) => unit.value === 1).length;
      const rows: [string, number, string][] = [
        ['coord_edits', edited, 'units whose final answer differs from the first'],
      ];
      for (const outcome of OUTCOMES.slice(0, 3)) rows.push([`coord_${slug(outcome)}`, count(outcome), outcome]);
      const results: MetricResult[] = [];
      for (const [name, k, what] of rows) {
        results.push({ name, value: k, n, dropped, note: `count: ${what}` });
        results.push({
          name: `${name}_rate`,
          value: n === 0 ? Number.NaN : k / n,
          n,
          dropped,
          note: `${k} of ${n} units: ${what}`,
        });
      }
      const fixed = count('wrong→right');
      results.push({
        name: 'coord_edit_success',
        value: edited === 0 ? Number.NaN : fixed / edited,
        n: edited,
        note: edited === 0 ? 'no edits' : `${fixed} of ${edited} edits turned a wrong answer right`,
      });
      return results;
    },
  };
}
