// The compare page's data: `compareRuns` (paired bootstrap + Wilcoxon per metric) plus what the
// plots need, reduced on the server so a 100,000-sample pair of runs sends kilobytes: histogram
// counts per run, the largest per-sample differences, CI bars and pass^k against k per run.
import type { MetricResult, RunSummary } from '../core/index.js';
import { compareRuns, type MetricComparison } from '../runner/compare.js';
import type { RunStore } from './runs.js';

export interface Histogram {
  edges: number[];
  a: number[];
  b: number[];
}

export interface MetricView extends Omit<MetricComparison, 'perSample'> {
  histogram: Histogram;
  /** Samples whose values differ, largest |B − A| first (at most `top`). */
  differences: { id: string; a: number; b: number }[];
  differing: number;
}

export interface CompareView {
  a: string;
  b: string;
  labelA: string;
  labelB: string;
  notes: string[];
  metrics: MetricView[];
  /** scorer key → mean with CI per run (A, B). */
  ciBars: Record<string, { a: Interval | null; b: Interval | null }>;
  /** scorer key → pass^k for k = 1.. per run. */
  passHatK: Record<string, { a: PassPoint[]; b: PassPoint[] }>;
}

interface Interval {
  value: number;
  lower: number | null;
  upper: number | null;
}
interface PassPoint extends Interval {
  k: number;
}

/** Shared bins for A and B: 0/1 values get two bins, small integer ranges one bin per integer. */
export function histogram(a: readonly number[], b: readonly number[], bins = 10): Histogram {
  // Loops, not Math.min(...values): a spread of 100,000 arguments overflows the stack.
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let binary = true;
  let integers = true;
  for (const list of [a, b]) {
    for (const value of list) {
      if (value < low) low = value;
      if (value > high) high = value;
      if (value !== 0 && value !== 1) binary = false;
      if (!Number.isInteger(value)) integers = false;
    }
  }
  if (a.length + b.length === 0) [low, high] = [0, 1];
  let edges: number[];
  if (binary) edges = [-0.5, 0.5, 1.5];
  else if (integers && high - low <= 20)
    edges = Array.from({ length: high - low + 2 }, (_, index) => low - 0.5 + index);
  else {
    if (low === high) [low, high] = [low - 0.5, high + 0.5];
    edges = Array.from({ length: bins + 1 }, (_, index) => low + ((high - low) * index) / bins);
  }
  const count = (values: readonly number[]) => {
    const counts = new Array<number>(edges.length - 1).fill(0);
    for (const value of values) {
      let bin = 0;
      while (bin < counts.length - 1 && value >= edges[bin + 1]!) bin++;
      counts[bin]!++;
    }
    return counts;
  };
  return { edges, a: count(a), b: count(b) };
}

function meanOf(summary: RunSummary | null, key: string): Interval | null {
  const mean = summary?.metrics[key]?.find((result) => result.name === 'mean');
  return mean && Number.isFinite(mean.value)
    ? { value: mean.value, lower: mean.ci?.lower ?? null, upper: mean.ci?.upper ?? null }
    : null;
}

function passPoints(summary: RunSummary | null, key: string): PassPoint[] {
  const results: MetricResult[] = summary?.metrics[key] ?? [];
  return results
    .map((result) => ({ result, match: /^pass\^(\d+)$/.exec(result.name) }))
    .filter(({ result, match }) => match && Number.isFinite(result.value))
    .map(({ result, match }) => ({
      k: Number(match![1]),
      value: result.value,
      lower: result.ci?.lower ?? null,
      upper: result.ci?.upper ?? null,
    }))
    .sort((x, y) => x.k - y.k);
}

export function compareView(store: RunStore, a: string, b: string, top = 100): CompareView {
  const comparison = compareRuns(store.runDir(a), store.runDir(b));
  const summaryA = store.summary(a);
  const summaryB = store.summary(b);
  const metrics = comparison.metrics.map(({ perSample, ...rest }) => {
    const differing = perSample.filter((pair) => pair.a !== pair.b);
    differing.sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a) || (x.id < y.id ? -1 : 1));
    return {
      ...rest,
      histogram: histogram(
        perSample.map((pair) => pair.a),
        perSample.map((pair) => pair.b),
      ),
      differences: differing.slice(0, top),
      differing: differing.length,
    };
  });
  const keys = new Set([...Object.keys(summaryA?.metrics ?? {}), ...Object.keys(summaryB?.metrics ?? {})]);
  const ciBars: CompareView['ciBars'] = {};
  const passHatK: CompareView['passHatK'] = {};
  for (const key of keys) {
    ciBars[key] = { a: meanOf(summaryA, key), b: meanOf(summaryB, key) };
    const pa = passPoints(summaryA, key);
    const pb = passPoints(summaryB, key);
    if (pa.length || pb.length) passHatK[key] = { a: pa, b: pb };
  }
  return {
    a,
    b,
    labelA: comparison.labelA,
    labelB: comparison.labelB,
    notes: comparison.notes,
    metrics,
    ciBars,
    passHatK,
  };
}
