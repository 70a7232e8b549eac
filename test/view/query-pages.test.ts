// Issue 13: an unfiltered page in file order is a range of rows (no list of a million row numbers);
// it must be the same page the general path gives, both directions, including the last partial page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryRows, type SampleColumns } from '../../src/server/sample-query.js';

const count = 103;
const columns: SampleColumns = {
  ids: Array.from({ length: count }, (_, row) => `s${row}`),
  epochs: Array.from({ length: count }, () => 1),
  errors: Array.from({ length: count }, () => null),
  tokens: Array.from({ length: count }, (_, row) => row),
  cost: Array.from({ length: count }, () => 0),
  scores: new Map(),
  groups: new Map([['g', Array.from({ length: count }, () => 'all')]]),
};

test('file-order pages without a filter equal the filtered path with a filter that keeps every row', () => {
  for (const desc of [false, true])
    for (const [page, pageSize] of [
      [0, 10],
      [10, 10],
      [11, 10],
      [0, 500],
      [2, 50],
    ] as const) {
      const fast = queryRows(columns, { page, pageSize, desc });
      const general = queryRows(columns, { page, pageSize, desc, group: { key: 'g', value: 'all' } });
      assert.deepEqual(fast, general, `page ${page} size ${pageSize} desc ${desc}`);
    }
  assert.deepEqual(queryRows(columns, { page: 10, pageSize: 10 }).rows, [100, 101, 102]);
  assert.deepEqual(queryRows(columns, { page: 0, pageSize: 3, desc: true }).rows, [102, 101, 100]);
});
