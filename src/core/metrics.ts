// Metric and epoch-reducer contracts. The implementations live in src/stats (core imports nothing
// of ours); a task names extra metrics, and the runner computes them from the finished samples.

/** One scored (sample, epoch) as metrics see it: a number per scorer key, and the sample's groups. */
export interface ScoredUnit {
  id: string;
  epoch: number;
  /** null = the scorer could not score this unit (error or unscorable answer). */
  value: number | null;
  groups: Record<string, string>;
  /** Small scorer metadata a metric needs (e.g. rubric points); large things stay in samples.jsonl. */
  metadata?: Record<string, unknown>;
}

export interface MetricResult {
  name: string;
  value: number;
  /** Confidence interval at `level` (0.95 by default), where the metric has one. */
  ci?: { lower: number; upper: number; level: number; method: string };
  stderr?: number;
  n: number;
  /** Units left out (null values) and why, so aggregates say what they dropped. */
  dropped?: number;
  note?: string;
  /**
   * A line the runner copies into the run notes (the terminal prints them): a warning a reader must
   * not miss (most triplets went unchecked) or how a model behind the metric was obtained.
   */
  runNote?: string;
}

export interface MetricContext {
  seed: number;
  epochs: number;
  level: number;
}

export interface Metric {
  readonly name: string;
  /** Which scorer key it reads ('scorer' or 'scorer.key'); undefined = every numeric key. */
  readonly scorerKey?: string;
  compute(units: ScoredUnit[], context: MetricContext): MetricResult | MetricResult[];
}

/** How several epochs of one sample become one value: mean, pass@k, pass^k, at-least-k. */
export interface EpochReducer {
  readonly name: string;
  reduce(values: number[]): number;
}
