// Issue 13: the run summary is computed from typed columns in one pass; it must give exactly what the
// old algorithm gave (test/support/summary-reference.ts, frozen) for the same seed: every value, CI bound,
// stderr, n, dropped and note, bit for bit (deepStrictEqual compares numbers with Object.is).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleRecord, Scorer, Task } from '../../src/core/index.js';
import { ScoreTable, summariseTable } from '../../src/runner/score-table.js';
import { createRng } from '../../src/stats/random.js';
import { ReferenceScoreTable, referenceSummary } from '../support/summary-reference.js';

type Row = Pick<SampleRecord, 'id' | 'epoch' | 'scores' | 'groups' | 'error'>;

/**
 * A seeded run: `samples` ids (some non-ASCII, some sharing prefixes), `epochs` each, finishing in a
 * shuffled order; a binary scorer with nulls, a record-valued rubric (graded overall, a tag some records
 * lack, quarter points), a judge whose 0/1 are not successes, a raw float score with > 256 distinct values,
 * errored units without scores, and two group keys (one sometimes missing).
 */
function seededRun(samples: number, epochs: number, seed: number): Row[] {
  const rng = createRng(seed);
  const ids = Array.from({ length: samples }, (_, index) =>
    index % 97 === 0 ? `é-${index}` : index % 13 === 0 ? `q${index % 50}-${index}` : `q${index}`,
  );
  const rows: Row[] = [];
  for (const id of ids)
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const skill = (id.length % 7) / 7;
      if (rng.next() < 0.03) {
        rows.push({ id, epoch, scores: {}, groups: { topic: `t${id.length % 5}` }, error: 'boom' });
        continue;
      }
      const graded = Math.round(rng.next() * 4) / 4;
      const rubric: Record<string, number | null> = { overall: rng.next() < 0.05 ? null : graded * skill };
      if (rng.next() < 0.6) rubric['tag:x'] = Math.round(rng.next() * 4) / 4;
      rows.push({
        id,
        epoch,
        scores: {
          choice: { value: rng.next() < 0.04 ? null : rng.next() < 0.3 + skill / 2 ? 1 : 0 } as never,
          rubric: { value: rng.next() < 0.02 ? null : rubric } as never,
          judge: { value: rng.next() < 0.2 } as never,
          raw: { value: rng.next() * 10 - 2 } as never,
        },
        groups: rng.next() < 0.05 ? {} : { topic: `t${id.length % 5}`, db: rng.next() < 0.5 ? 'mimic' : 'eicu' },
        error: null,
      });
    }
  return createRng(seed + 1).shuffle(rows);
}

const task = (epochs: number): Task =>
  ({
    name: 't',
    version: 1,
    dataset: () => [],
    solver: {} as never,
    scorers: [
      { name: 'choice' },
      { name: 'rubric' },
      { name: 'judge', successRates: false },
      { name: 'raw' },
    ] as Scorer[],
    epochs,
    args: {},
  }) as unknown as Task;

for (const [samples, epochs, seed] of [
  [3000, 1, 7],
  [1000, 3, 11],
  [700, 5, 0],
] as const)
  test(`summary over ${samples * epochs} units (${epochs} epoch(s), seed ${seed}) equals the old algorithm's, bit for bit`, () => {
    const rows = seededRun(samples, epochs, seed);
    const table = new ScoreTable(['topic', 'db']);
    const reference = new ReferenceScoreTable(['topic', 'db']);
    for (const row of rows) {
      table.add(row);
      reference.add(row);
    }
    const expected = referenceSummary(reference, { epochs, seed, noSuccess: new Set(['judge']) });
    const actual = summariseTable(table, task(epochs), seed);
    assert.deepEqual(Object.keys(actual.metrics), Object.keys(expected.metrics));
    assert.deepStrictEqual(actual.metrics, expected.metrics);
    assert.deepStrictEqual(actual.groups, expected.groups);
    // The fixture exercises what it claims to: pass@k rows, a > 256-level column, dropped units.
    if (epochs > 1) assert.ok(actual.metrics.choice!.some((row) => row.name === `pass^${epochs}`));
    assert.ok(actual.metrics.raw![0]!.ci);
    assert.ok((actual.metrics.choice![0]!.dropped ?? 0) > 0);
  });
