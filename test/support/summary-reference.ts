// The run summary as it was computed before issue 13 (commit 6d4c576): the score table with one JS
// array per column, a sort of the ids per scorer key and per group, and the bootstrap through the
// closure RNG. Frozen here, not imported from src/, so the test of the typed-column summary
// (test/runner/summary-equality.test.ts) and bench/summary.ts compare the new code with the old
// algorithm itself: same seed, bit-identical intervals. Only metrics and groups (task metrics read
// ScoredUnits, which did not change). Do not "fix" this file; it is the reference.
import type { MetricResult, SampleRecord } from '../../src/core/index.js';
import { passAtK, passHatK } from '../../src/stats/pass-k.js';

// ---- src/stats/random.ts (mulberry32) ----
function createRng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n: number) => Math.floor(next() * n) };
}

// ---- src/stats/descriptive.ts ----
function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function sortedQuantile(sorted: readonly number[], probability: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const weight = position - below;
  return sorted[below]! + weight * (sorted[above]! - sorted[below]!);
}

// ---- src/stats/bootstrap.ts (the mean statistic, the only one the summary uses) ----
function bootstrapMeanCI(values: readonly number[], level: number, seed: number) {
  const estimate = mean(values);
  if (values.length === 1) return { estimate, note: 'one value: the bootstrap cannot estimate spread' };
  const size = values.length;
  const iterations = 1000;
  const rng = createRng(seed);
  const results = new Array<number>(iterations);
  const levels = [...new Set(values)];
  let read: Uint8Array | Float64Array;
  if (levels.length <= 256) {
    const codeOf = new Map(levels.map((value, code) => [value, code]));
    read = new Uint8Array(values.length);
    for (let index = 0; index < values.length; index++) read[index] = codeOf.get(values[index]!)!;
  } else read = Float64Array.from(values);
  const lookup = read instanceof Uint8Array ? Float64Array.from(levels) : undefined;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let sum = 0;
    if (lookup) for (let position = 0; position < size; position++) sum += lookup[read[rng.int(size)]!]!;
    else for (let position = 0; position < size; position++) sum += read[rng.int(size)]!;
    results[iteration] = sum / size;
  }
  results.sort((x, y) => x - y);
  return { estimate, lower: sortedQuantile(results, (1 - level) / 2), upper: sortedQuantile(results, (1 + level) / 2) };
}

// ---- src/stats/stderr.ts ----
function clusteredStdErrContiguous(values: ArrayLike<number>, offsets: ArrayLike<number>): number {
  const count = values.length;
  let total = 0;
  for (let index = 0; index < count; index++) total += values[index]!;
  const overallMean = total / count;
  const sums: number[] = [];
  for (let cluster = 0; cluster + 1 < offsets.length; cluster++) {
    let sum = 0;
    for (let index = offsets[cluster]!; index < offsets[cluster + 1]!; index++) sum += values[index]! - overallMean;
    sums.push(sum);
  }
  if (sums.length < 2) return Number.NaN;
  let variance = 0;
  for (const sum of sums) variance += sum * sum;
  return Math.sqrt((variance * sums.length) / (sums.length - 1)) / count;
}

// ---- src/stats/metrics.ts ----
interface SampleValues {
  ids: string[];
  offsets: Uint32Array;
  values: Float64Array;
  dropped: number;
}

function collectBySample(column: { ids: readonly string[]; values: ArrayLike<number> }): SampleValues {
  const count = column.ids.length;
  const idAt = (index: number) => column.ids[index]!;
  const valueAt = (index: number) => column.values[index]!;
  let dropped = 0;
  for (let index = 0; index < count; index++) if (!Number.isFinite(valueAt(index))) dropped++;
  const scored = count - dropped;
  const order = new Uint32Array(scored);
  for (let index = 0, position = 0; index < count; index++)
    if (Number.isFinite(valueAt(index))) order[position++] = index;
  order.sort((x, y) => {
    const a = idAt(x);
    const b = idAt(y);
    return a < b ? -1 : a > b ? 1 : x - y;
  });
  const ids: string[] = [];
  const starts = new Uint32Array(scored + 1);
  const values = new Float64Array(scored);
  for (let position = 0; position < scored; position++) {
    const id = idAt(order[position]!);
    if (position === 0 || id !== ids[ids.length - 1]) {
      starts[ids.length] = position;
      ids.push(id);
    }
    values[position] = valueAt(order[position]!)!;
  }
  starts[ids.length] = scored;
  return { ids, offsets: starts.subarray(0, ids.length + 1), values, dropped };
}

const countOf = (samples: SampleValues, index: number) => samples.offsets[index + 1]! - samples.offsets[index]!;
const droppedNote = (dropped: number) =>
  dropped > 0 ? `${dropped} unscored unit${dropped === 1 ? '' : 's'} (null value) left out` : undefined;
function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const present = notes.filter((note): note is string => Boolean(note));
  return present.length > 0 ? present.join('; ') : undefined;
}

function intervalFor(values: number[], seed: number, level: number): Pick<MetricResult, 'ci' | 'note'> {
  const interval = bootstrapMeanCI(values, level, seed);
  if (interval.note) return { note: interval.note };
  return { ci: { lower: interval.lower!, upper: interval.upper!, level, method: 'percentile-bootstrap' } };
}

function meanOfSamples(samples: SampleValues, seed: number, level: number): MetricResult {
  const { ids, dropped } = samples;
  if (ids.length === 0)
    return { name: 'mean', value: Number.NaN, n: 0, dropped, note: joinNotes('no scored units', droppedNote(dropped)) };
  const sampleMeans = ids.map((_, index) => {
    let sum = 0;
    for (let position = samples.offsets[index]!; position < samples.offsets[index + 1]!; position++)
      sum += samples.values[position]!;
    return sum / countOf(samples, index);
  });
  const unitCount = samples.values.length;
  const { ci, note: intervalNote } = intervalFor(sampleMeans, seed, level);
  const stderr = clusteredStdErrContiguous(samples.values, samples.offsets);
  const epochNote =
    unitCount > ids.length ? `${unitCount} units over ${ids.length} samples, averaged per sample first` : undefined;
  const result: MetricResult = { name: 'mean', value: mean(sampleMeans), n: ids.length, dropped };
  if (ci) result.ci = ci;
  if (Number.isFinite(stderr)) result.stderr = stderr;
  const note = joinNotes(epochNote, intervalNote, droppedNote(dropped));
  if (note) result.note = note;
  return result;
}

function estimateOfSamples(
  name: string,
  k: number,
  estimator: (n: number, c: number, k: number) => number,
  samples: SampleValues,
  seed: number,
  level: number,
): MetricResult {
  const { ids, dropped } = samples;
  if (ids.length === 0)
    return { name, value: Number.NaN, n: 0, dropped, note: joinNotes('no scored units', droppedNote(dropped)) };
  const short = ids.flatMap((_, index) => (countOf(samples, index) < k ? [index] : []));
  if (short.length > 0) {
    const example = short[0]!;
    return {
      name,
      value: Number.NaN,
      n: ids.length,
      dropped,
      note: joinNotes(
        `skipped: ${short.length} of ${ids.length} samples have fewer than ${k} scored epochs ` +
          `(e.g. ${JSON.stringify(ids[example])} has ${countOf(samples, example)})`,
        droppedNote(dropped),
      ),
    };
  }
  const estimates = ids.map((_, index) => {
    let successes = 0;
    for (let position = samples.offsets[index]!; position < samples.offsets[index + 1]!; position++)
      if (samples.values[position]! >= 1 - 1e-6) successes++;
    return estimator(countOf(samples, index), successes, k);
  });
  const { ci, note: intervalNote } = intervalFor(estimates, seed, level);
  const result: MetricResult = { name, value: mean(estimates), n: ids.length, dropped };
  if (ci) result.ci = ci;
  const note = joinNotes(intervalNote, droppedNote(dropped));
  if (note) result.note = note;
  return result;
}

function flipRateOfSamples(samples: SampleValues): MetricResult {
  const name = 'flip_rate';
  const { ids, dropped } = samples;
  const eligible = ids.flatMap((_, index) => (countOf(samples, index) >= 2 ? [index] : []));
  const single = ids.length - eligible.length;
  const singleNote =
    single > 0 ? `${single} sample${single === 1 ? '' : 's'} with fewer than 2 scored epochs left out` : undefined;
  if (eligible.length === 0)
    return {
      name,
      value: Number.NaN,
      n: 0,
      dropped,
      note: joinNotes('no sample has 2 scored epochs', singleNote, droppedNote(dropped)),
    };
  const flipped = eligible.filter((index) => {
    const values = samples.values.subarray(samples.offsets[index]!, samples.offsets[index + 1]!);
    let low = Infinity;
    let high = -Infinity;
    for (const value of values) (low = Math.min(low, value)), (high = Math.max(high, value));
    return high - low > 1e-9;
  }).length;
  const result: MetricResult = { name, value: flipped / eligible.length, n: eligible.length, dropped };
  const note = joinNotes(singleNote, droppedNote(dropped));
  if (note) result.note = note;
  return result;
}

// ---- src/stats/summary.ts ----
function summariseScores(
  column: { ids: readonly string[]; values: ArrayLike<number> },
  epochs: number,
  seed: number,
  passK: boolean,
  level: number,
): MetricResult[] {
  const samples = collectBySample(column);
  const results: MetricResult[] = [meanOfSamples(samples, seed, level)];
  if (epochs < 2) return results;
  const binary = passK && samples.values.length > 0 && samples.values.every((value) => value === 0 || value === 1);
  if (binary) {
    for (let k = 1; k <= epochs; k++) results.push(estimateOfSamples(`pass@${k}`, k, passAtK, samples, seed, level));
    for (let k = 1; k <= epochs; k++) results.push(estimateOfSamples(`pass^${k}`, k, passHatK, samples, seed, level));
  }
  results.push(flipRateOfSamples(samples));
  return results;
}

// ---- src/runner/score-table.ts (the columns and their summary) ----
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

export class ReferenceScoreTable {
  readonly ids: string[] = [];
  private readonly groupValues = new Map<string, string[]>();
  private readonly columns = new Map<string, number[]>();
  private readonly keyScorer = new Map<string, string>();
  private readonly recordRows = new Map<string, Uint8Array>();
  private readonly absent = new Map<string, Uint8Array>();

  constructor(readonly groupBy: readonly string[]) {
    for (const key of groupBy) this.groupValues.set(key, []);
  }

  add(record: Pick<SampleRecord, 'id' | 'epoch' | 'scores' | 'groups' | 'error'>): void {
    const row = this.ids.length;
    this.ids.push(record.id);
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
    }
    for (const [key, column] of this.columns) {
      if (seen.has(key)) continue;
      column[row] = NaN;
      const scorer = this.keyScorer.get(key)!;
      if (key !== scorer && flagged(this.recordRows, scorer, row)) mark(this.absent, key, row);
    }
  }

  private set(key: string, row: number, value: number, seen: Set<string>, scorer: string): void {
    let column = this.columns.get(key);
    if (!column) {
      this.keyScorer.set(key, scorer);
      column = new Array<number>(row).fill(NaN);
      this.columns.set(key, column);
      if (key !== scorer)
        for (let earlier = 0; earlier < row; earlier++)
          if (flagged(this.recordRows, scorer, earlier)) mark(this.absent, key, earlier);
    }
    column[row] = value;
    seen.add(key);
  }

  scorerKeys(): string[] {
    const keys = [...this.columns.keys()];
    return keys.filter(
      (key) => !(this.columns.get(key)!.every(Number.isNaN) && keys.some((other) => other.startsWith(`${key}.`))),
    );
  }

  scorerOf(key: string): string {
    return this.keyScorer.get(key) ?? key;
  }

  column(key: string, filter?: (row: number) => boolean): { ids: string[]; values: number[] } {
    const values = this.columns.get(key) ?? [];
    if (this.absent.has(key)) {
      const applies = filter;
      filter = (row) => !flagged(this.absent, key, row) && (applies === undefined || applies(row));
    }
    const ids: string[] = [];
    const picked: number[] = [];
    for (let row = 0; row < this.ids.length; row++) {
      if (filter && !filter(row)) continue;
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

/** summariseTable's metrics and groups, the old way. */
export function referenceSummary(
  table: ReferenceScoreTable,
  options: { epochs: number; seed: number; noSuccess?: ReadonlySet<string>; level?: number },
): { metrics: Record<string, MetricResult[]>; groups: Record<string, Record<string, Record<string, MetricResult[]>>> } {
  const level = options.level ?? 0.95;
  const passK = (key: string) => !(options.noSuccess ?? new Set()).has(table.scorerOf(key));
  const metrics: Record<string, MetricResult[]> = {};
  for (const key of table.scorerKeys())
    metrics[key] = summariseScores(table.column(key), options.epochs, options.seed, passK(key), level);
  const groups: Record<string, Record<string, Record<string, MetricResult[]>>> = {};
  for (const groupKey of table.groupBy) {
    groups[groupKey] = {};
    for (const groupValue of table.groupValueList(groupKey)) {
      const inGroup = (row: number) => table.groupOf(groupKey, row) === groupValue;
      const perKey: Record<string, MetricResult[]> = {};
      for (const key of table.scorerKeys())
        perKey[key] = summariseScores(table.column(key, inGroup), options.epochs, options.seed, passK(key), level);
      groups[groupKey][groupValue] = perKey;
    }
  }
  return { metrics, groups };
}
