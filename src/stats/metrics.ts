// Metric implementations over scored units (one unit = one sample × epoch for one scorer key).
// A value of NaN with a `note` means the metric could not be computed on these units; the note
// says why, so a report shows a reason instead of a silent zero.
import type { Metric, MetricContext, MetricResult, ScoredUnit } from '../core/metrics.js';
import { bootstrapCI, bootstrapMeanBounds } from './bootstrap.js';
import { requirePositiveInteger } from './errors.js';
import { isSuccess, passAtK, passHatK } from './pass-k.js';
import { sortIndicesById } from './sort-ids.js';
import { clusteredStdErrContiguous } from './stderr.js';

/**
 * Scored values grouped by sample, kept flat (one Float64Array plus offsets) because a run can
 * hold a million units and a Map of per-sample arrays costs ~100 bytes per sample.
 */
export interface SampleValues {
  /** Samples, in id order, so results do not depend on the order in which epochs finished. */
  count: number;
  /** The id of sample i (a function, so a million-sample summary need not build an array of ids). */
  idAt(index: number): string;
  /** Values of sample i are values[offsets[i] .. offsets[i+1]), in the order the units came. */
  offsets: Uint32Array;
  values: Float64Array;
  dropped: number;
}

/** Scores of one key as two parallel columns (the run's score table); null or NaN = no value. */
export interface ScoreColumn {
  ids: readonly string[];
  values: ArrayLike<number | null>;
}

export function collectBySample(input: readonly ScoredUnit[] | ScoreColumn): SampleValues {
  const units = Array.isArray(input) ? (input as readonly ScoredUnit[]) : undefined;
  const column = units ? undefined : (input as ScoreColumn);
  const count = units ? units.length : column!.ids.length;
  const idAt = units ? (index: number) => units[index]!.id : (index: number) => column!.ids[index]!;
  const valueAt = units ? (index: number) => units[index]!.value : (index: number) => column!.values[index]!;
  // Typed arrays and two passes instead of pushes: this runs over every unit of a run.
  let dropped = 0;
  for (let index = 0; index < count; index++) {
    const value = valueAt(index);
    if (value === null || value === undefined || !Number.isFinite(value)) dropped++;
  }
  const scored = count - dropped;
  const order = new Uint32Array(scored);
  for (let index = 0, position = 0; index < count; index++) {
    const value = valueAt(index);
    if (value !== null && value !== undefined && Number.isFinite(value)) order[position++] = index;
  }
  // Stable sort by id: the epochs of one sample stay in arrival order.
  sortIndicesById(units ? units.map((unit) => unit.id) : column!.ids, order);
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
  const offsets = starts.subarray(0, ids.length + 1);
  return { count: ids.length, idAt: (index) => ids[index]!, offsets, values, dropped };
}

function countOf(samples: SampleValues, index: number): number {
  return samples.offsets[index + 1]! - samples.offsets[index]!;
}

// The loops below index values by offsets instead of taking subarrays: a subarray is an object,
// and a summary of a million samples should not allocate a million of them.
function sampleMean(samples: SampleValues, index: number): number {
  const { offsets, values } = samples;
  let sum = 0;
  for (let position = offsets[index]!; position < offsets[index + 1]!; position++) sum += values[position]!;
  return sum / (offsets[index + 1]! - offsets[index]!);
}

function sampleSuccesses(samples: SampleValues, index: number): number {
  const { offsets, values } = samples;
  let successes = 0;
  for (let position = offsets[index]!; position < offsets[index + 1]!; position++)
    if (isSuccess(values[position]!)) successes++;
  return successes;
}

function droppedNote(dropped: number): string | undefined {
  return dropped > 0 ? `${dropped} unscored unit${dropped === 1 ? '' : 's'} (null value) left out` : undefined;
}

function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const present = notes.filter((note): note is string => Boolean(note));
  return present.length > 0 ? present.join('; ') : undefined;
}

/**
 * Bootstrap interval of the mean of per-sample values (finite, at least one) for a MetricResult, or a
 * note when there is a single sample: bootstrapCI(values)'s interval, without copying a million values
 * into an array first.
 */
function intervalFor(values: Float64Array, context: MetricContext, level: number): Pick<MetricResult, 'ci' | 'note'> {
  if (values.length === 1) return { note: bootstrapCI([values[0]!]).note };
  const { lower, upper } = bootstrapMeanBounds(values, { level, seed: context.seed });
  return { ci: { lower, upper, level, method: 'percentile-bootstrap' } };
}

/** The mean of values in order (as `mean`, for a typed array that holds only finite numbers). */
function meanOf(values: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index]!;
  return sum / values.length;
}

export interface MeanMetricOptions {
  scorerKey?: string;
  /** Interval coverage; defaults to the run's `context.level`. */
  level?: number;
}

/**
 * Mean score with a percentile-bootstrap CI and a clustered standard error.
 * With several epochs the epochs of a sample are averaged first and the bootstrap resamples
 * samples, because epochs of one sample are not independent draws; `stderr` is
 * clusteredStdErr over all units clustered by sample id (inspect_ai's stderr(cluster=...)).
 * `value` is the mean of per-sample means, which equals the mean over units when every sample
 * has the same number of scored epochs. `n` counts samples; null values are left out and
 * counted in `dropped`.
 */
export function meanMetric({ scorerKey, level }: MeanMetricOptions = {}): Metric {
  return {
    name: 'mean',
    ...(scorerKey !== undefined ? { scorerKey } : {}),
    compute: (units, context) => meanOfSamples(collectBySample(units), context, level),
  };
}

/** meanMetric on units already grouped by sample. */
export function meanOfSamples(samples: SampleValues, context: MetricContext, level?: number): MetricResult {
  const { count, dropped } = samples;
  if (count === 0) {
    return { name: 'mean', value: Number.NaN, n: 0, dropped, note: joinNotes('no scored units', droppedNote(dropped)) };
  }
  const sampleMeans = new Float64Array(count);
  for (let index = 0; index < count; index++) sampleMeans[index] = sampleMean(samples, index);
  const unitCount = samples.values.length;
  const { ci, note: intervalNote } = intervalFor(sampleMeans, context, level ?? context.level);
  const stderr = clusteredStdErrContiguous(samples.values, samples.offsets);
  const epochNote =
    unitCount > count ? `${unitCount} units over ${count} samples, averaged per sample first` : undefined;
  const result: MetricResult = { name: 'mean', value: meanOf(sampleMeans), n: count, dropped };
  if (ci) result.ci = ci;
  if (Number.isFinite(stderr)) result.stderr = stderr;
  const note = joinNotes(epochNote, intervalNote, droppedNote(dropped));
  if (note) result.note = note;
  return result;
}

function perSampleEstimator(name: string, k: number, estimator: (n: number, c: number, k: number) => number): Metric {
  return { name, compute: (units, context) => estimateOfSamples(name, k, estimator, collectBySample(units), context) };
}

function estimateOfSamples(
  name: string,
  k: number,
  estimator: (n: number, c: number, k: number) => number,
  samples: SampleValues,
  context: MetricContext,
): MetricResult {
  const { count, dropped } = samples;
  if (count === 0) {
    return { name, value: Number.NaN, n: 0, dropped, note: joinNotes('no scored units', droppedNote(dropped)) };
  }
  let short = 0;
  let example = -1;
  for (let index = 0; index < count; index++)
    if (countOf(samples, index) < k) {
      if (short++ === 0) example = index;
    }
  if (short > 0) {
    return {
      name,
      value: Number.NaN,
      n: count,
      dropped,
      note: joinNotes(
        `skipped: ${short} of ${count} samples have fewer than ${k} scored epochs ` +
          `(e.g. ${JSON.stringify(samples.idAt(example))} has ${countOf(samples, example)})`,
        droppedNote(dropped),
      ),
    };
  }
  const estimates = new Float64Array(count);
  for (let index = 0; index < count; index++)
    estimates[index] = estimator(countOf(samples, index), sampleSuccesses(samples, index), k);
  const { ci, note: intervalNote } = intervalFor(estimates, context, context.level);
  const result: MetricResult = { name, value: meanOf(estimates), n: count, dropped };
  if (ci) result.ci = ci;
  const note = joinNotes(intervalNote, droppedNote(dropped));
  if (note) result.note = note;
  return result;
}

/** passAtKMetric / passHatKMetric on units already grouped by sample. */
export function passKOfSamples(
  kind: 'pass@' | 'pass^',
  k: number,
  samples: SampleValues,
  context: MetricContext,
): MetricResult {
  return estimateOfSamples(`${kind}${k}`, k, kind === 'pass@' ? passAtK : passHatK, samples, context);
}

/** Mean over samples of pass@k, with n = a sample's scored epochs and c = those ≥ 1 − 1e−6. */
export function passAtKMetric(k: number): Metric {
  requirePositiveInteger('passAtKMetric', 'k', k);
  return perSampleEstimator(`pass@${k}`, k, passAtK);
}

/** Mean over samples of pass^k (tau-bench): the chance that k epochs all succeed. */
export function passHatKMetric(k: number): Metric {
  requirePositiveInteger('passHatKMetric', 'k', k);
  return perSampleEstimator(`pass^${k}`, k, passHatK);
}

/**
 * Share of samples whose scored epochs disagree (max − min > 1e−9), the run-to-run variance that
 * tau-bench reports (43–64% of tasks flip across trials, sierra-research/tau-bench#57).
 * Only samples with at least 2 scored epochs count; `n` is how many did.
 */
export function flipRate(): Metric {
  return {
    name: 'flip_rate',
    compute: (units) => flipRateOfSamples(collectBySample(units)),
  };
}

/** flipRate on units already grouped by sample. */
export function flipRateOfSamples(samples: SampleValues): MetricResult {
  const name = 'flip_rate';
  const { count, dropped } = samples;
  let eligible = 0;
  let flipped = 0;
  for (let index = 0; index < count; index++) {
    if (countOf(samples, index) < 2) continue;
    eligible++;
    let low = Infinity;
    let high = -Infinity;
    for (let position = samples.offsets[index]!; position < samples.offsets[index + 1]!; position++) {
      const value = samples.values[position]!;
      (low = Math.min(low, value)), (high = Math.max(high, value));
    }
    if (high - low > 1e-9) flipped++;
  }
  const single = count - eligible;
  const singleNote =
    single > 0 ? `${single} sample${single === 1 ? '' : 's'} with fewer than 2 scored epochs left out` : undefined;
  if (eligible === 0) {
    return {
      name,
      value: Number.NaN,
      n: 0,
      dropped,
      note: joinNotes('no sample has 2 scored epochs', singleNote, droppedNote(dropped)),
    };
  }
  const result: MetricResult = { name, value: flipped / eligible, n: eligible, dropped };
  const note = joinNotes(singleNote, droppedNote(dropped));
  if (note) result.note = note;
  return result;
}

/**
 * Computes `metric` separately for each value of `unit.groups[groupKey]` and names each result
 * `name[groupKey=value]`, groups in sorted order. Units without that group form the group
 * "(none)", so nothing disappears from a grouped report unannounced.
 */
export function groupedMetrics(metric: Metric, groupKey: string): Metric {
  return {
    name: `${metric.name}[${groupKey}]`,
    ...(metric.scorerKey !== undefined ? { scorerKey: metric.scorerKey } : {}),
    compute(units, context): MetricResult[] {
      const byGroup = new Map<string, ScoredUnit[]>();
      for (const unit of units) {
        const group = unit.groups?.[groupKey] ?? '(none)';
        const members = byGroup.get(group) ?? [];
        members.push(unit);
        byGroup.set(group, members);
      }
      const results: MetricResult[] = [];
      for (const group of [...byGroup.keys()].sort()) {
        const computed = metric.compute(byGroup.get(group)!, context);
        for (const result of Array.isArray(computed) ? computed : [computed]) {
          results.push({ ...result, name: `${result.name}[${groupKey}=${group}]` });
        }
      }
      return results;
    },
  };
}
