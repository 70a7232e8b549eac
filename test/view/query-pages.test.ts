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

/** The query as it was before issue 13: every match listed, then sorted, then sliced. */
function listThenSort(index: SampleColumns, query: Parameters<typeof queryRows>[1]): { total: number; rows: number[] } {
  const matches: number[] = [];
  const score = query.scoreKey !== undefined ? index.scores.get(query.scoreKey) : undefined;
  for (let row = 0; row < index.ids.length; row++) {
    if (query.error === 'only' && index.errors[row] === null) continue;
    if (query.error === 'none' && index.errors[row] !== null) continue;
    if (query.scoreKey !== undefined) {
      const value = score ? score[row]! : Number.NaN;
      if (Number.isNaN(value) || (query.min !== undefined && value < query.min)) continue;
    }
    matches.push(row);
  }
  const sort = query.sort ?? 'row';
  const sign = query.desc ? -1 : 1;
  if (sort === 'id')
    matches.sort(
      (a, b) =>
        sign *
        (index.ids[a]! < index.ids[b]! ? -1 : index.ids[a]! > index.ids[b]! ? 1 : index.epochs[a]! - index.epochs[b]!),
    );
  else if (sort !== 'row') {
    const column = sort === 'tokens' ? index.tokens : index.scores.get(sort);
    if (column) {
      const key = (row: number) => (Number.isNaN(column[row]!) ? Number.NEGATIVE_INFINITY : column[row]!);
      matches.sort((a, b) => sign * (key(a) - key(b)) || a - b);
    }
  } else if (query.desc) matches.reverse();
  const start = query.page * query.pageSize;
  return { total: matches.length, rows: matches.slice(start, start + query.pageSize) };
}

test('sorted and filtered pages (cached sort order, one pass per page) equal sorting every match', () => {
  const rows = 257;
  const index: SampleColumns = {
    ids: Array.from({ length: rows }, (_, row) => `s${(row * 37) % 61}`),
    epochs: Array.from({ length: rows }, (_, row) => 1 + (row % 3)),
    errors: Array.from({ length: rows }, (_, row) => (row % 9 === 0 ? 'boom' : null)),
    tokens: Array.from({ length: rows }, (_, row) => (row * 13) % 17),
    cost: Array.from({ length: rows }, () => 0),
    scores: new Map([['acc', Array.from({ length: rows }, (_, row) => (row % 7 === 0 ? Number.NaN : (row % 4) / 4))]]),
    groups: new Map(),
  };
  for (const sort of ['id', 'tokens', 'acc', 'row', 'unknown'])
    for (const desc of [false, true])
      for (const filter of [{}, { error: 'none' as const }, { scoreKey: 'acc', min: 0.5 }])
        for (const page of [0, 1, 3]) {
          const query = { page, pageSize: 20, sort, desc, ...filter };
          assert.deepEqual(queryRows(index, query), listThenSort(index, query), JSON.stringify(query));
        }
});
