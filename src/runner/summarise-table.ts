// The run summary from the score table's typed columns: the rows are sorted by sample id once (not
// once per scorer key and group), each group's rows are picked out of that order by one counting
// pass over the group codes, and each (key, group) is then one linear pass that gathers its values
// by sample, whose statistics (src/stats) resample typed arrays. The result is the same, bit for bit,
// as summarising each key's ScoredUnits on their own (test/runner/summary-equality.test.ts).
import type { MetricResult } from '../core/index.js';
import { sortIndicesById } from '../stats/sort-ids.js';
import { summariseSampleValues, type SampleValues } from '../stats/summary.js';
import type { ScoreTable } from './score-table.js';

export interface TableSummaryOptions {
  epochs: number;
  level: number;
  seed: number;
  /** Whether the key's values are successes (pass@k / pass^k rows). */
  passK: (key: string) => boolean;
}

/** Rows sorted by (id, row), and each row's sample number in that order (equal ids, equal numbers). */
function sampleOrder(table: ScoreTable): { rows: Uint32Array; sampleOfRow: Uint32Array } {
  const ids = table.ids;
  const rows = sortIndicesById(
    ids,
    new Uint32Array(ids.length).map((_, row) => row),
  );
  const sampleOfRow = new Uint32Array(ids.length);
  let sample = 0;
  for (let position = 0; position < rows.length; position++) {
    if (position > 0 && ids[rows[position]!] !== ids[rows[position - 1]!]) sample++;
    sampleOfRow[rows[position]!] = sample;
  }
  return { rows, sampleOfRow };
}

/** Buffers for one (key, group) at a time: each SampleValues is summarised before the next is gathered. */
interface Scratch {
  values: Float64Array;
  starts: Uint32Array;
  /** The first row of each sample, whose id is the sample's. */
  firstRows: Uint32Array;
}

/**
 * One key's values over `rows` (already in sample order), grouped by sample: what collectBySample
 * gives for the same units, in `scratch`. Rows where the key does not apply are skipped; NaN values
 * are dropped.
 */
function gather(
  ids: readonly string[],
  values: Float64Array,
  absent: Uint8Array | undefined,
  rows: Uint32Array,
  sampleOfRow: Uint32Array,
  scratch: Scratch,
): SampleValues {
  let dropped = 0;
  let scored = 0;
  let count = 0;
  let previous = -1;
  for (let position = 0; position < rows.length; position++) {
    const row = rows[position]!;
    if (absent !== undefined && row < absent.length && absent[row] === 1) continue;
    const value = values[row]!;
    if (!Number.isFinite(value)) {
      dropped++;
      continue;
    }
    const sample = sampleOfRow[row]!;
    if (sample !== previous) {
      scratch.starts[count] = scored;
      scratch.firstRows[count++] = row;
      previous = sample;
    }
    scratch.values[scored++] = value;
  }
  scratch.starts[count] = scored;
  const firstRows = scratch.firstRows;
  return {
    count,
    idAt: (index) => ids[firstRows[index]!]!,
    offsets: scratch.starts.subarray(0, count + 1),
    values: scratch.values.subarray(0, scored),
    dropped,
  };
}

/** The positions of `rows` split by group code, each part still in sample order (a stable counting sort). */
function splitByGroup(rows: Uint32Array, codes: Uint32Array, groupCount: number): Uint32Array[] {
  const counts = new Uint32Array(groupCount + 1);
  for (let position = 0; position < rows.length; position++) counts[codes[rows[position]!]! + 1]!++;
  for (let code = 1; code <= groupCount; code++) counts[code]! += counts[code - 1]!;
  const sorted = new Uint32Array(rows.length);
  const next = counts.slice(0, groupCount);
  for (let position = 0; position < rows.length; position++) {
    const row = rows[position]!;
    sorted[next[codes[row]!]!++] = row;
  }
  return Array.from({ length: groupCount }, (_, code) => sorted.subarray(counts[code]!, counts[code + 1]!));
}

export function summariseTableColumns(
  table: ScoreTable,
  options: TableSummaryOptions,
): {
  metrics: Record<string, MetricResult[]>;
  groups: Record<string, Record<string, Record<string, MetricResult[]>>>;
} {
  const { rows, sampleOfRow } = sampleOrder(table);
  const keys = table.scorerKeys();
  const scratch: Scratch = {
    values: new Float64Array(rows.length),
    starts: new Uint32Array(rows.length + 1),
    firstRows: new Uint32Array(rows.length),
  };
  const summarise = (key: string, subset: Uint32Array) =>
    summariseSampleValues(gather(table.ids, table.valuesOf(key), table.absentRows(key), subset, sampleOfRow, scratch), {
      epochs: options.epochs,
      level: options.level,
      seed: options.seed,
      passK: options.passK(key),
    });
  const metrics: Record<string, MetricResult[]> = {};
  for (const key of keys) metrics[key] = summarise(key, rows);
  const groups: Record<string, Record<string, Record<string, MetricResult[]>>> = {};
  for (const groupKey of table.groupBy) {
    const { codes, names } = table.groupCodes(groupKey);
    const parts = splitByGroup(rows, codes, names.length);
    groups[groupKey] = {};
    const codeOf = new Map(names.map((name, code) => [name, code]));
    for (const name of [...names].sort()) {
      const subset = parts[codeOf.get(name)!]!;
      const perKey: Record<string, MetricResult[]> = {};
      for (const key of keys) perKey[key] = summarise(key, subset);
      groups[groupKey][name] = perKey;
    }
  }
  return { metrics, groups };
}
