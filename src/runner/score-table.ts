// Scores of a whole run kept column-wise: the ids, then typed arrays (epochs, group codes, one
// Float64Array per scorer key), so a run of a million units stays within a few tens of MB and is
// summarised without an object per unit; transcripts are never held, only written.
import type { MetricResult, ScoredUnit, SampleRecord, Task } from '../core/index.js';
import type { ScoreColumn } from '../stats/index.js';
import { summariseTableColumns } from './summarise-table.js';

interface Column {
  values: Float64Array;
  /** The scorer the key came from ('rubric.points' → 'rubric'), to find its metadata. */
  scorer: string;
  /** The last row that set a value (a row that did not leaves NaN: "no value"). */
  lastRow: number;
}

/** One group key's values as codes into a list of the distinct values seen. */
interface GroupColumn {
  codes: Uint32Array;
  names: string[];
  codeOf: Map<string, number>;
}

function grown<T extends Float64Array | Uint32Array>(array: T, capacity: number, fill?: number): T {
  const larger = new (array.constructor as new (length: number) => T)(capacity);
  if (fill !== undefined) larger.fill(fill, array.length);
  larger.set(array);
  return larger;
}

export class ScoreTable {
  readonly ids: string[] = [];
  private epochColumn = new Uint32Array(1024);
  private capacity = 1024;
  private readonly groupColumns = new Map<string, GroupColumn>();
  /** NaN marks "no value" (error or unscorable). */
  private readonly columns = new Map<string, Column>();
  errors = 0;
  /** Rows where a scorer returned a record (1 byte per row and scorer). */
  private readonly recordRows = new Map<string, Uint8Array>();
  /**
   * Rows whose record lacked a key its scorer gives other rows (a HealthBench tag the example does not
   * have): not applicable, so left out of that key's rows and metrics instead of counted as dropped.
   * Only keys that have such rows get a map.
   */
  private readonly absent = new Map<string, Uint8Array>();
  /** Score metadata by scorer name and row, kept only for scorers a task metric reads. */
  private readonly metadata = new Map<string, (Record<string, unknown> | undefined)[]>();

  /**
   * @param keepMetadataOf scorer names whose score metadata task metrics need (pixel counts for
   * pooled IoU, rubric statuses); everything else is dropped, so a large run stays small.
   */
  constructor(
    readonly groupBy: readonly string[],
    private readonly keepMetadataOf: ReadonlySet<string> = new Set(),
  ) {
    for (const key of groupBy)
      this.groupColumns.set(key, { codes: new Uint32Array(this.capacity), names: [], codeOf: new Map() });
  }

  get size(): number {
    return this.ids.length;
  }

  add(record: Pick<SampleRecord, 'id' | 'epoch' | 'scores' | 'groups' | 'error'>): void {
    const row = this.ids.length;
    if (row === this.capacity) this.grow();
    this.ids.push(record.id);
    this.epochColumn[row] = record.epoch;
    if (record.error !== null) this.errors++;
    for (const [key, group] of this.groupColumns) {
      const name = record.groups[key] ?? '(none)';
      let code = group.codeOf.get(name);
      if (code === undefined) {
        code = group.names.length;
        group.names.push(name);
        group.codeOf.set(name, code);
      }
      group.codes[row] = code;
    }
    let records = false;
    for (const name in record.scores) {
      const score = record.scores[name]!;
      const value = score.value;
      if (value !== null && typeof value === 'object') {
        records = true;
        mark(this.recordRows, name, row);
        for (const subKey in value) this.set(`${name}.${subKey}`, row, value[subKey] ?? NaN, name);
      } else if (typeof value === 'boolean') this.set(name, row, value ? 1 : 0, name);
      else this.set(name, row, typeof value === 'number' ? value : NaN, name);
      if (this.keepMetadataOf.has(name) && score.metadata) {
        let rows = this.metadata.get(name);
        if (!rows) this.metadata.set(name, (rows = []));
        rows[row] = score.metadata as Record<string, unknown>;
      }
    }
    // Keys this row lacks have no value (the columns are NaN-filled; an errored unit has no scores),
    // except a key missing from a record its scorer did return, which does not apply to this unit.
    if (records)
      for (const [key, column] of this.columns)
        if (column.lastRow !== row && key !== column.scorer && flagged(this.recordRows, column.scorer, row))
          mark(this.absent, key, row);
  }

  private grow(): void {
    this.capacity *= 2;
    this.epochColumn = grown(this.epochColumn, this.capacity);
    for (const group of this.groupColumns.values()) group.codes = grown(group.codes, this.capacity);
    for (const column of this.columns.values()) column.values = grown(column.values, this.capacity, NaN);
  }

  /** Whether the key does not apply to the row (its scorer's record lacked it). */
  isAbsent(key: string, row: number): boolean {
    return flagged(this.absent, key, row);
  }

  /** The rows of `key` that do not apply (undefined: every row applies). */
  absentRows(key: string): Uint8Array | undefined {
    return this.absent.get(key);
  }

  private set(key: string, row: number, value: number, scorer: string): void {
    let column = this.columns.get(key);
    if (!column) {
      column = { values: new Float64Array(this.capacity).fill(NaN), scorer, lastRow: -1 };
      this.columns.set(key, column);
      // Earlier rows whose record from this scorer had no such key: not applicable.
      if (key !== scorer)
        for (let earlier = 0; earlier < row; earlier++)
          if (flagged(this.recordRows, scorer, earlier)) mark(this.absent, key, earlier);
    }
    column.values[row] = value;
    column.lastRow = row;
  }

  /** The key's values by row (NaN = no value), a view of the first `size` rows. */
  valuesOf(key: string): Float64Array {
    return this.columns.get(key)?.values.subarray(0, this.size) ?? new Float64Array(this.size).fill(NaN);
  }

  /**
   * Keys with a summary row. A record-valued scorer that returned null for some unit also gets a bare
   * `name` column of NaN; it is left out when the scorer has `name.*` keys (an empty "rubric mean" row).
   */
  scorerKeys(): string[] {
    const keys = [...this.columns.keys()];
    return keys.filter(
      (key) => !(this.valuesOf(key).every(Number.isNaN) && keys.some((other) => other.startsWith(`${key}.`))),
    );
  }

  /** The scorer a key came from ('rubric.overall_score' → 'rubric'). */
  scorerOf(key: string): string {
    return this.columns.get(key)?.scorer ?? key;
  }

  units(key: string, filter?: (row: number) => boolean): ScoredUnit[] {
    const values = this.valuesOf(key);
    const units: ScoredUnit[] = [];
    // One groups object per distinct combination, shared by its units: a million units with
    // no groupBy then cost one object, not a million.
    const sharedGroups = new Map<string, Record<string, string>>();
    const metadata = this.metadata.get(this.scorerOf(key));
    const groups = [...this.groupColumns.values()];
    for (let row = 0; row < this.ids.length; row++) {
      if (filter && !filter(row)) continue;
      if (this.isAbsent(key, row)) continue;
      const value = values[row]!;
      const combination = groups.map((group) => group.codes[row]).join(',');
      let shared = sharedGroups.get(combination);
      if (!shared) {
        shared = Object.freeze(
          Object.fromEntries(
            this.groupBy.map((groupKey, index) => [groupKey, groups[index]!.names[groups[index]!.codes[row]!]!]),
          ),
        );
        sharedGroups.set(combination, shared);
      }
      const unit: ScoredUnit = {
        id: this.ids[row]!,
        epoch: this.epochColumn[row]!,
        value: Number.isNaN(value) ? null : value,
        groups: shared,
      };
      const unitMetadata = metadata?.[row];
      if (unitMetadata) unit.metadata = unitMetadata;
      units.push(unit);
    }
    return units;
  }

  /** The same scores as two parallel columns (NaN = no value), rows that do not apply left out. */
  column(key: string, filter?: (row: number) => boolean): ScoreColumn {
    const values = this.valuesOf(key);
    const absent = this.absent.get(key);
    if (!filter && !absent) return { ids: this.ids, values };
    const ids: string[] = [];
    const picked: number[] = [];
    for (let row = 0; row < this.ids.length; row++) {
      if ((filter && !filter(row)) || this.isAbsent(key, row)) continue;
      ids.push(this.ids[row]!);
      picked.push(values[row]!);
    }
    return { ids, values: picked };
  }

  /** The distinct values of a group key, sorted. */
  groupValueList(key: string): string[] {
    return [...(this.groupColumns.get(key)?.names ?? [])].sort();
  }

  groupOf(key: string, row: number): string {
    const group = this.groupColumns.get(key)!;
    return group.names[group.codes[row]!]!;
  }

  /** A group key's value codes by row (into `groupNames(key)`), a view of the first `size` rows. */
  groupCodes(key: string): { codes: Uint32Array; names: readonly string[] } {
    const group = this.groupColumns.get(key)!;
    return { codes: group.codes.subarray(0, this.size), names: group.names };
  }
}

function mark(flags: Map<string, Uint8Array>, key: string, row: number): void {
  let array = flags.get(key);
  if (!array || array.length <= row) {
    const larger = new Uint8Array(Math.max(1024, (row + 1) * 2));
    if (array) larger.set(array);
    flags.set(key, (array = larger));
  }
  array[row] = 1;
}

function flagged(flags: Map<string, Uint8Array>, key: string, row: number): boolean {
  const array = flags.get(key);
  return array !== undefined && row < array.length && array[row] === 1;
}

export interface SummaryMetrics {
  metrics: Record<string, MetricResult[]>;
  groups: Record<string, Record<string, Record<string, MetricResult[]>>>;
  taskMetrics: MetricResult[];
}

export function summariseTable(table: ScoreTable, task: Task, seed: number, level = 0.95): SummaryMetrics {
  const noSuccess = new Set(task.scorers.filter((scorer) => scorer.successRates === false).map((s) => s.name));
  const { metrics, groups } = summariseTableColumns(table, {
    epochs: task.epochs,
    level,
    seed,
    passK: (key) => !noSuccess.has(table.scorerOf(key)),
  });
  const taskMetrics: MetricResult[] = [];
  for (const metric of task.metrics ?? []) {
    const keys = metric.scorerKey ? [metric.scorerKey] : table.scorerKeys();
    for (const key of keys) {
      const result = metric.compute(table.units(key), { seed, epochs: task.epochs, level });
      taskMetrics.push(...(Array.isArray(result) ? result : [result]));
    }
  }
  return { metrics, groups, taskMetrics };
}
