// CARE-Coord's edit metrics over hand-made units: counts and rates of edits and of each outcome.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coordEditMetrics, coordEditScorer } from '../../src/agents/care/coord-metrics.js';
import type { ScoredUnit, TaskState } from '../../src/core/index.js';

const unit = (id: string, outcome: string | null): ScoredUnit => ({
  id,
  epoch: 1,
  value: outcome === null ? null : outcome === 'none' ? 0 : 1,
  groups: {},
  metadata: { outcome: outcome ?? 'none' },
});

test('edits counted and rated over scored units; units without a record are dropped, not counted as no edit', () => {
  const units = [
    unit('a', 'wrong→right'),
    unit('b', 'wrong→right'),
    unit('c', 'right→wrong'),
    unit('d', 'none'),
    unit('e', 'none'),
    unit('f', 'wrong→wrong'),
    unit('g', 'none'),
    unit('h', 'none'),
    unit('x', null),
  ];
  const rows = coordEditMetrics().compute(units, { seed: 0, epochs: 1, level: 0.95 }) as {
    name: string;
    value: number;
    n: number;
    dropped?: number;
  }[];
  const by = Object.fromEntries(rows.map((row) => [row.name, row]));
  assert.equal(by.coord_edits!.value, 4);
  assert.equal(by.coord_edits_rate!.value, 0.5);
  assert.equal(by.coord_edits_rate!.n, 8);
  assert.equal(by.coord_edits_rate!.dropped, 1);
  assert.equal(by.coord_wrong_to_right!.value, 2);
  assert.equal(by.coord_wrong_to_right_rate!.value, 0.25);
  assert.equal(by.coord_right_to_wrong_rate!.value, 0.125);
  assert.equal(by.coord_wrong_to_wrong!.value, 1);
  assert.equal(by.coord_edit_success!.value, 0.5);
});

test('the scorer reads the solver record; a unit without one is unscorable (null), not "no edit"', async () => {
  const scorer = coordEditScorer();
  const state = (care: unknown) => ({ metadata: care === undefined ? {} : { care } }) as unknown as TaskState;
  const none = await scorer.score(state(undefined), {} as never);
  assert.equal(none.value, null);
  const edited = await scorer.score(
    state({ coord: { initial: 'no', final: 'yes', edits: [{}], edit_outcome: 'wrong→right', coordinator: 'rule' } }),
    {} as never,
  );
  assert.equal(edited.value, 1);
  assert.equal(edited.metadata?.outcome, 'wrong→right');
});
