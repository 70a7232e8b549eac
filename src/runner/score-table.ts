// Scores of a whole run kept column-wise (ids, epochs, one number array per scorer key), so a run
// of a million units stays within a few tens of MB; transcripts are never held, only written.
import type { MetricResult, ScoredUnit, SampleRecord, Task } from '../core/index.js';
import { summariseScores, type ScoreColumn } from '../stats/index.js';

export class ScoreTable {
  readonly ids: string[] = [];
  readonly epochs: number[] = [];
  private readonly groupValues: Map<string, string[]> = new Map();
  /** NaN marks "no value" (error or unscorable). */
  private readonly columns = new Map<string, number[]>();
  errors = 0;
  /** Which scorer each key came from ('rubric.points' → 'rubric'), to find its metadata. */
  private readonly keyScorer = new Map<string, string>();
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
    for (const key of groupBy) this.groupValues.set(key, []);
  }

  get size(): number {
    return this.ids.length;
  }

  add(record: Pick<SampleRecord, 'id' | 'epoch' | 'scores' | 'groups' | 'error'>): void {
    const row = this.ids.length;
    this.ids.push(record.id);
    this.epochs.push(record.epoch);
    if (record.error !== null) this.errors++;
    for (const key of this.groupBy) this.groupValues.get(key)!.push(record.groups[key] ?? '(none)');
    const seen = new Set<string>();
    for (const [name, score] of Object.entries(record.scores)) {
      const value = score.value;
      if (value !== null && typeof value === 'object') {
        mark(this.recordRows, name, row);
        for (const [subKey, subValue] of Object.entries(value))
          this.set(`${name}.${subKey}`, row, subValue ?? NaN, seen, name);
      } else if (typeof value === 'boolean') this.set(name, row, value ? 1 : 0, seen, name);
      else this.set(name, row, typeof value === 'number' ? value : NaN, seen, name);
      if (this.keepMetadataOf.has(name) && score.metadata) {
        let rows = this.metadata.get(name);
        if (!rows) this.metadata.set(name, (rows = []));
        rows[row] = score.metadata as Record<string, unknown>;
      }
    }
    // Keys this row lacks count as no value (an errored unit has no scores), except a key missing
    // from a record its scorer did return, which does not apply to this unit.
    for (const [key, column] of this.columns) {
      if (seen.has(key)) continue;
      column[row] = NaN;
      const scorer = this.keyScorer.get(key)!;
      if (key !== scorer && flagged(this.recordRows, scorer, row)) mark(this.absent, key, row);
    }
  }

  /** Whether the key does not apply to the row (its scorer's record lacked it). */
  private isAbsent(key: string, row: number): boolean {
    return flagged(this.absent, key, row);
  }

  private set(key: string, row: number, value: number, seen: Set<string>, scorer: string): void {
    let column = this.columns.get(key);
    if (!column) {
      this.keyScorer.set(key, scorer);
      column = new Array<number>(row).fill(NaN);
      this.columns.set(key, column);
      // Earlier rows whose record from this scorer had no such key: not applicable.
      if (key !== scorer)
        for (let earlier = 0; earlier < row; earlier++)
          if (flagged(this.recordRows, scorer, earlier)) mark(this.absent, key, earlier);
    }
    column[row] = value;
    seen.add(key);
  }

  /**
   * Keys with a summary row. A record-valued scorer that returned null for some unit also gets a bare
   * `name` column of NaN; it is left out when the scorer has `name.*` keys (an empty "rubric mean" row).
   */
  scorerKeys(): string[] {
    const keys = [...this.columns.keys()];
    return keys.filter(
      (key) => !(this.columns.get(key)!.every(Number.isNaN) && keys.some((other) => other.startsWith(`${key}.`))),
    );
  }

  /** The scorer a key came from ('rubric.overall_score' → 'rubric'). */
  scorerOf(key: string): string {
    return this.keyScorer.get(key) ?? key;
  }

  units(key: string, filter?: (row: number) => boolean): ScoredUnit[] {
    const column = this.columns.get(key) ?? [];
    const units: ScoredUnit[] = [];
    // One groups object per distinct combination, shared by its units: a million units with
    // no groupBy then cost one object, not a million.
    const sharedGroups = new Map<string, Record<string, string>>();
    const metadata = this.metadata.get(this.keyScorer.get(key) ?? key);
    for (let row = 0; row < this.ids.length; row++) {
      if (filter && !filter(row)) continue;
      if (this.isAbsent(key, row)) continue;
      const value = column[row];
      const values = this.groupBy.map((groupKey) => this.groupValues.get(groupKey)![row]!);
      const combination = JSON.stringify(values);
      let groups = sharedGroups.get(combination);
      if (!groups) {
        groups = Object.freeze(Object.fromEntries(this.groupBy.map((groupKey, index) => [groupKey, values[index]!])));
        sharedGroups.set(combination, groups);
      }
      const unit: ScoredUnit = {
        id: this.ids[row]!,
        epoch: this.epochs[row]!,
        value: value === undefined || Number.isNaN(value) ? null : value,
        groups,
      };
      const unitMetadata = metadata?.[row];
      if (unitMetadata) unit.metadata = unitMetadata;
      units.push(unit);
    }
    return units;
  }

  /**
   * The same scores as two parallel columns (NaN = no value), without an object per unit: the
   * run summary reads these, so a million-unit run is summarised without a million objects.
   */
  column(key: string, filter?: (row: number) => boolean): ScoreColumn {
    const values = this.columns.get(key) ?? [];
    if (this.absent.has(key)) {
      const applies = filter;
      filter = (row) => !this.isAbsent(key, row) && (applies === undefined || applies(row));
    }
    if (!filter)
      return {
        ids: this.ids,
        values: values.length === this.ids.length ? values : this.ids.map((_, row) => values[row] ?? NaN),
      };
    const ids: string[] = [];
    const picked: number[] = [];
    for (let row = 0; row < this.ids.length; row++) {
      if (!filter(row)) continue;
      ids.push(this.ids[row]!);
      picked.push(values[row] ?? NaN);
    }
    return { ids, values: picked };
  }

  groupValueList(key: string): string[] {
    return [...new Set(this.groupValues.get(key) ?? [])].sort();
  }

  groupOf(key: string, row: number): string {
    return this.groupValues.get(key)![row]!;
  }
}

function mark(flags: Map<string, Uint8Array>, key: string, row: number): void {
  let array = flags.get(key);
  if (!array || array.length <= row) {
    const grown = new Uint8Array(Math.max(1024, (row + 1) * 2));
    if (array) grown.set(array);
    flags.set(key, (array = grown));
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
  const metrics: SummaryMetrics['metrics'] = {};
  const groups: SummaryMetrics['groups'] = {};
  const base = { epochs: task.epochs, level, seed };
  const noSuccess = new Set(task.scorers.filter((scorer) => scorer.successRates === false).map((s) => s.name));
  const optionsFor = (key: string) => ({ ...base, passK: !noSuccess.has(table.scorerOf(key)) });
  for (const key of table.scorerKeys()) metrics[key] = summariseScores(table.column(key), optionsFor(key));
  for (const groupKey of table.groupBy) {
    groups[groupKey] = {};
    for (const groupValue of table.groupValueList(groupKey)) {
      const inGroup = (row: number) => table.groupOf(groupKey, row) === groupValue;
      const perKey: Record<string, MetricResult[]> = {};
      for (const key of table.scorerKeys()) perKey[key] = summariseScores(table.column(key, inGroup), optionsFor(key));
      groups[groupKey][groupValue] = perKey;
    }
  }
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
