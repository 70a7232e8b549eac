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
  const matches: number[] = [];
  for (let row = 0; row < count; row++) {
    if (query.error === 'only' && index.errors[row] === null) continue;
    if (query.error === 'none' && index.errors[row] !== null) continue;
    if (query.scoreKey !== undefined) {
      const value = score ? score[row]! : Number.NaN;
      if (Number.isNaN(value)) continue;
      if (query.min !== undefined && value < query.min) continue;
      if (query.max !== undefined && value > query.max) continue;
    }
    if (query.group && (!group || group[row] !== query.group.value)) continue;
    if (query.q && !index.ids[row]!.includes(query.q)) continue;
    matches.push(row);
  }
  if (sort !== 'row') {
    const column = sort === 'tokens' ? index.tokens : sort === 'cost' ? index.cost : index.scores.get(sort);
    const sign = query.desc ? -1 : 1;
    if (sort === 'id')
      matches.sort(
        (a, b) =>
          sign *
          (index.ids[a]! < index.ids[b]!
            ? -1
            : index.ids[a]! > index.ids[b]!
              ? 1
              : index.epochs[a]! - index.epochs[b]!),
      );
    else if (column) {
      const key = (row: number) => (Number.isNaN(column[row]!) ? Number.NEGATIVE_INFINITY : column[row]!);
      matches.sort((a, b) => sign * (key(a) - key(b)) || a - b);
    }
  } else if (query.desc) matches.reverse();
  return { total: matches.length, rows: matches.slice(start, start + query.pageSize) };
}
