// Score-table rules issue 11 asked for: a key a record lacks does not apply (not "dropped"), an
// all-null bare scorer column beside its record keys is no row, a scorer whose 0/1 values are not
// successes gets no pass@k rows, and a task metric's runNote reaches the run notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scorer, Task } from '../../src/core/index.js';
import { ScoreTable, summariseTable } from '../../src/runner/score-table.js';
import { runTask } from '../../src/runner/run-task.js';

const record = (id: string, epoch: number, scores: Record<string, { value: unknown }>) => ({
  id,
  epoch,
  scores: scores as never,
  groups: {},
  error: null,
});

const task = (scorers: Partial<Scorer>[], epochs = 1): Task =>
  ({ name: 't', version: 1, dataset: () => [], solver: {} as never, scorers, epochs, args: {} }) as unknown as Task;

test('a key missing from a record does not apply to that unit; explicit null and errored units are dropped', () => {
  const table = new ScoreTable([]);
  table.add(record('a', 1, { rubric: { value: { overall: 1, 'tag:x': 0.5 } } }));
  table.add(record('b', 1, { rubric: { value: { overall: 0 } } })); // no tag:x: not applicable
  table.add(record('c', 1, { rubric: { value: { overall: null, 'tag:x': null } } })); // ungraded: dropped
  table.add({ ...record('d', 1, {}), error: 'boom' }); // errored: dropped
  table.add(record('e', 1, { rubric: { value: null } }));
  const { metrics } = summariseTable(table, task([{ name: 'rubric' }]), 0);
  assert.deepEqual(Object.keys(metrics).sort(), ['rubric.overall', 'rubric.tag:x']); // no empty bare "rubric" row
  assert.equal(metrics['rubric.tag:x']![0]!.n, 1);
  assert.equal(metrics['rubric.tag:x']![0]!.dropped, 3);
  assert.equal(metrics['rubric.overall']![0]!.n, 2);
  assert.equal(metrics['rubric.overall']![0]!.dropped, 3);
  // A key first seen after rows that lacked it: those earlier records do not have it either.
  const late = new ScoreTable([]);
  late.add(record('a', 1, { rubric: { value: { overall: 1 } } }));
  late.add(record('b', 1, { rubric: { value: { overall: 1, 'tag:y': 1 } } }));
  assert.deepEqual(
    late.units('rubric.tag:y').map((unit) => unit.id),
    ['b'],
  );
});

test('a scorer with successRates false gets mean and flip rate but no pass@k / pass^k rows', () => {
  const table = new ScoreTable([]);
  for (const epoch of [1, 2, 3]) {
    table.add(record('q1', epoch, { judge: { value: { triggered: epoch === 1 ? 1 : 0 } }, choice: { value: 1 } }));
    table.add(record('q2', epoch, { judge: { value: { triggered: 0 } }, choice: { value: epoch % 2 } }));
  }
  const { metrics } = summariseTable(table, task([{ name: 'judge', successRates: false }, { name: 'choice' }], 3), 0);
  assert.deepEqual(
    metrics['judge.triggered']!.map((row) => row.name),
    ['mean', 'flip_rate'],
  );
  assert.ok(metrics.choice!.some((row) => row.name === 'pass@3'));
});

test("a task metric's runNote is copied into the run notes", async () => {
  const summary = await runTask(
    {
      name: 't',
      version: 1,
      dataset: () => [{ id: 's1', input: 'x', target: null }],
      solver: { name: 'noop', params: {}, solve: async (state) => state },
      scorers: [{ name: 'one', params: {}, score: async () => ({ value: 1 }) }],
      epochs: 1,
      args: {},
      metrics: [
        { name: 'm', compute: () => ({ name: 'share checked', value: 0.1, n: 1, runNote: 'too little checked' }) },
      ],
    },
    {
      roles: {},
      spec: { seed: 0, logFormat: 1, runId: 'r', benchmark: 't', task: { name: 't', version: 1, args: {} } } as never,
      concurrency: 1,
      resume: false,
      retryErrors: false,
    },
  );
  assert.ok(summary.notes.includes('share checked: too little checked'), summary.notes.join('\n'));
});
