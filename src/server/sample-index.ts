// A byte-offset index of a run's samples.jsonl: built once per run (and extended when the file
// grows, as it does while a run is in progress), it keeps per line only what the table filters and
// sorts on (id, epoch, numeric scores, groups, error, tokens, cost). A page of the sample table
// reads just its own lines from disk, so a run with 100,000 samples never goes to the browser whole.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { numericScores } from '../runner/compare.js';
import type { SampleRecord } from '../core/index.js';

export interface SampleIndex {
  path: string;
  ino: number;
  /** Bytes indexed: the end of the last complete line. */
  end: number;
  mtimeMs: number;
  offsets: number[];
  lengths: number[];
  ids: string[];
  epochs: number[];
  errors: (string | null)[];
  tokens: number[];
  cost: number[];
  /** scorer key → value per row (NaN = no numeric value). */
  scores: Map<string, number[]>;
  /** group key → value per row ('' = none). */
  groups: Map<string, string[]>;
  /**
   * One shared string per distinct group value and error message (a million rows of 15 topics hold
   * 15 strings, not a million); `undefined` once a column has too many distinct values to be worth it.
   */
  interned: Map<string, Map<string, string> | undefined>;
  /** Lines that are not a JSON object with id and epoch: line number and problem. */
  malformed: { line: number; problem: string }[];
  lines: number;
  buildMs: number;
}

const MAX_INTERNED = 10_000;

/** The shared copy of `value` for `column` (see SampleIndex.interned). */
function intern(index: SampleIndex, column: string, value: string): string {
  let strings = index.interned.get(column);
  if (!index.interned.has(column)) index.interned.set(column, (strings = new Map()));
  if (strings === undefined) return value;
  const shared = strings.get(value);
  if (shared !== undefined) return shared;
  if (strings.size >= MAX_INTERNED) index.interned.set(column, undefined);
  else strings.set(value, value);
  return value;
}
const CHUNK = 1 << 20;

function emptyIndex(path: string, ino: number): SampleIndex {
  return {
    path,
    ino,
    end: 0,
    mtimeMs: 0,
    offsets: [],
    lengths: [],
    ids: [],
    epochs: [],
    errors: [],
    tokens: [],
    cost: [],
    scores: new Map(),
    groups: new Map(),
    interned: new Map(),
    malformed: [],
    lines: 0,
    buildMs: 0,
  };
}

function addRow(index: SampleIndex, offset: number, length: number, text: string): void {
  index.lines++;
  if (text.trim() === '') return;
  let value: Partial<SampleRecord>;
  try {
    value = JSON.parse(text) as Partial<SampleRecord>;
  } catch {
    if (index.malformed.length < 100) index.malformed.push({ line: index.lines, problem: 'is not JSON' });
    return;
  }
  if (value === null || typeof value !== 'object' || typeof value.id !== 'string' || typeof value.epoch !== 'number') {
    if (index.malformed.length < 100)
      index.malformed.push({ line: index.lines, problem: 'has no string id and number epoch' });
    return;
  }
  const row = index.ids.length;
  index.offsets.push(offset);
  index.lengths.push(length);
  index.ids.push(value.id);
  index.epochs.push(value.epoch);
  index.errors.push(typeof value.error === 'string' ? intern(index, '\u0000error', value.error) : null);
  index.tokens.push(typeof value.tokens === 'number' ? value.tokens : 0);
  index.cost.push(typeof value.cost === 'number' ? value.cost : 0);
  const values =
    value.scores && typeof value.scores === 'object'
      ? numericScores({ scores: value.scores })
      : new Map<string, number>();
  for (const [key, score] of values) {
    let column = index.scores.get(key);
    if (!column) index.scores.set(key, (column = new Array<number>(row).fill(Number.NaN)));
    column.push(score);
  }
  for (const column of index.scores.values()) if (column.length === row) column.push(Number.NaN);
  const groups = value.groups && typeof value.groups === 'object' ? value.groups : {};
  for (const [key, group] of Object.entries(groups)) {
    let column = index.groups.get(key);
    if (!column) index.groups.set(key, (column = new Array<string>(row).fill('')));
    column.push(intern(index, key, String(group)));
  }
  for (const column of index.groups.values()) if (column.length === row) column.push('');
}

/** Reads new complete lines from `index.end` on. */
function extend(index: SampleIndex, descriptor: number, size: number): void {
  const buffer = Buffer.alloc(CHUNK);
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = index.end;
  let position = index.end;
  while (position < size) {
    const read = readSync(descriptor, buffer, 0, Math.min(CHUNK, size - position), position);
    if (read <= 0) break;
    position += read;
    const chunk = carry.length ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      addRow(index, carryStart + start, newline - start, chunk.toString('utf8', start, newline));
      start = newline + 1;
    }
    carry = Buffer.from(chunk.subarray(start));
    carryStart += start;
  }
  // A trailing partial line (a run still writing, or a crash) waits for its newline.
  index.end = carryStart;
}

/** The index of `path`, reusing `previous` when the file only grew. */
export function indexSamples(path: string, previous?: SampleIndex): SampleIndex {
  const started = performance.now();
  const descriptor = openSync(path, 'r');
  try {
    const stat = fstatSync(descriptor);
    if (previous && previous.ino === stat.ino && stat.size >= previous.end && stat.mtimeMs === previous.mtimeMs)
      return previous;
    const reuse = previous && previous.ino === stat.ino && stat.size >= previous.end;
    const index = reuse ? previous : emptyIndex(path, stat.ino);
    extend(index, descriptor, stat.size);
    index.mtimeMs = stat.mtimeMs;
    index.buildMs = performance.now() - started;
    return index;
  } finally {
    closeSync(descriptor);
  }
}

/** True when the file changed since the index was built. */
export function isStale(index: SampleIndex): boolean {
  const stat = statSync(index.path);
  return stat.ino !== index.ino || stat.mtimeMs !== index.mtimeMs || stat.size < index.end;
}

/** Parses the given rows' lines, reading only those bytes. */
export function readRows(index: SampleIndex, rows: readonly number[]): SampleRecord[] {
  const descriptor = openSync(index.path, 'r');
  try {
    return rows.map((row) => {
      const buffer = Buffer.alloc(index.lengths[row]!);
      readSync(descriptor, buffer, 0, buffer.length, index.offsets[row]!);
      return JSON.parse(buffer.toString('utf8')) as SampleRecord;
    });
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The row of (id, epoch): a scan of the ids (a few ms for a million rows, once per opened sample)
 * instead of a Map of a million "epoch + id" keys, which cost ~100 MB.
 */
export function findRow(index: SampleIndex, id: string, epoch: number): number | undefined {
  const { ids, epochs } = index;
  for (let row = 0; row < ids.length; row++) if (ids[row] === id && epochs[row] === epoch) return row;
  return undefined;
}

export { queryRows, type SampleColumns, type SampleQuery } from './sample-query.js';

/** Distinct values per group key with counts (for the filter menus), at most `limit` per key. */
const groupCache = new WeakMap<
  SampleIndex,
  { rows: number; values: Record<string, { value: string; count: number }[]> }
>();

export function groupValues(index: SampleIndex, limit = 200): Record<string, { value: string; count: number }[]> {
  const cached = groupCache.get(index);
  if (cached && cached.rows === index.ids.length) return cached.values;
  const result: Record<string, { value: string; count: number }[]> = {};
  for (const [key, column] of index.groups) {
    const counts = new Map<string, number>();
    for (const value of column) if (value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
    result[key] = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([value, count]) => ({ value, count }));
  }
  groupCache.set(index, { rows: index.ids.length, values: result });
  return result;
}
