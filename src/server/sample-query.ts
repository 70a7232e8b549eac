// Filtering, sorting and paging of a run's sample rows, over columns only (no file access): the
// server runs it on its byte-offset index, and the static bundle (medkit view --bundle) runs the same
// function in the browser on the rows it ships, so both show the same pages for the same query.

/** The columns a query reads; SampleIndex has them, and so do the bundle's rows. */
export interface SampleColumns {
  ids: readonly string[];
  epochs: readonly number[];
  errors: readonly (string | null)[];
  tokens: readonly number[];
  cost: readonly number[];
  /** scorer key → value per row (NaN = no numeric value). */
  scores: ReadonlyMap<string, readonly number[]>;
  /** group key → value per row ('' = none). */
  groups: ReadonlyMap<string, readonly string[]>;
}

export interface SampleQuery {
  page: number;
  pageSize: number;
  /** Keep rows whose score under this key lies in [min, max]; with neither bound, rows that have the key. */
  scoreKey?: string;
  min?: number;
  max?: number;
  group?: { key: string; value: string };
  error?: 'only' | 'none';
  /** Substring of the sample id. */
  q?: string;
  /** 'row' (file order), 'id', 'tokens', 'cost' or a score key. */
  sort?: string;
  desc?: boolean;
}

export function queryRows(index: SampleColumns, query: SampleQuery): { total: number; rows: number[] } {
  const count = index.ids.length;
  const sort = query.sort ?? 'row';
  const start = query.page * query.pageSize;
  if (sort === 'row' && query.scoreKey === undefined && !query.group && query.error === undefined && !query.q) {
    // Every row in file order: the page is a range, no list of a million row numbers to build.
    const rows: number[] = [];
    for (let position = start; position < Math.min(count, start + query.pageSize); position++)
      rows.push(query.desc ? count - 1 - position : position);
    return { total: count, rows };
  }
  const score = query.scoreKey !== undefined ? index.scores.get(query.scoreKey) : undefined;
  const group = query.group ? index.groups.get(query.group.key) : undefined;
  const keeps = (row: number): boolean => {
    if (query.error === 'only' && index.errors[row] === null) return false;
    if (query.error === 'none' && index.errors[row] !== null) return false;
    if (query.scoreKey !== undefined) {
      const value = score ? score[row]! : Number.NaN;
      if (Number.isNaN(value)) return false;
      if (query.min !== undefined && value < query.min) return false;
      if (query.max !== undefined && value > query.max) return false;
    }
    if (query.group && (!group || group[row] !== query.group.value)) return false;
    return !query.q || index.ids[row]!.includes(query.q);
  };
  // Rows are visited in the requested order and only the page is kept: a million-row run costs one
  // pass per request and no list of every match. A sorted order is computed once per run and column.
  const sorted = sort === 'row' ? undefined : sortedOrder(index, sort);
  const rows: number[] = [];
  let total = 0;
  const visit = (row: number) => {
    if (!keeps(row)) return;
    if (total >= start && total < start + query.pageSize) rows.push(row);
    total++;
  };
  if (!sorted) {
    // File order (also for an unknown sort column, which leaves the rows as they are).
    if (query.desc && sort === 'row') for (let row = count - 1; row >= 0; row--) visit(row);
    else for (let row = 0; row < count; row++) visit(row);
  } else if (!query.desc) for (const row of sorted.order) visit(row);
  else {
    // Descending keeps ties in file order: runs of equal keys, last run first, each run forwards.
    const { order, sameAsPrevious } = sorted;
    let end = order.length;
    while (end > 0) {
      let begin = end - 1;
      while (begin > 0 && sameAsPrevious[begin] === 1) begin--;
      for (let position = begin; position < end; position++) visit(order[position]!);
      end = begin;
    }
  }
  return { total, rows };
}

interface SortedOrder {
  /** Rows by the column ascending, ties in file order. */
  order: Uint32Array;
  /** 1 where the row at this position has the same key as the one before it. */
  sameAsPrevious: Uint8Array;
}

const sortedOrders = new WeakMap<SampleColumns, { count: number; orders: Map<string, SortedOrder | undefined> }>();

/** The rows sorted by `sort` ('id', 'tokens', 'cost' or a score key), cached until the run grows. */
function sortedOrder(index: SampleColumns, sort: string): SortedOrder | undefined {
  const count = index.ids.length;
  let cache = sortedOrders.get(index);
  if (!cache || cache.count !== count) sortedOrders.set(index, (cache = { count, orders: new Map() }));
  if (cache.orders.has(sort)) return cache.orders.get(sort);
  let compare: ((a: number, b: number) => number) | undefined;
  if (sort === 'id') {
    const { ids, epochs } = index;
    compare = (a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : epochs[a]! - epochs[b]!);
  } else {
    const column = sort === 'tokens' ? index.tokens : sort === 'cost' ? index.cost : index.scores.get(sort);
    if (column) {
      // NaN (no value) sorts below every number.
      const key = (row: number) => (Number.isNaN(column[row]!) ? Number.NEGATIVE_INFINITY : column[row]!);
      compare = (a, b) => key(a) - key(b) || 0;
    }
  }
  let sorted: SortedOrder | undefined;
  if (compare) {
    const byKey = compare;
    const order = Uint32Array.from({ length: count }, (_, row) => row).sort((a, b) => byKey(a, b) || a - b);
    const sameAsPrevious = new Uint8Array(count);
    for (let position = 1; position < count; position++)
      if (byKey(order[position - 1]!, order[position]!) === 0) sameAsPrevious[position] = 1;
    sorted = { order, sameAsPrevious };
  }
  cache.orders.set(sort, sorted);
  return sorted;
}
