// Agreement between two raters (Cohen's kappa) and confusion-matrix scores (MCC, precision,
// recall, F1, HealthBench's balanced F1) for judge meta-evaluation.
import { StatsInputError, requireSameLength } from './errors.js';

export type Label = string | number;

export interface CohenKappaOptions {
  /** Disagreement weights for ordered categories: |i − j| ('linear') or (i − j)² ('quadratic'). */
  weights?: 'linear' | 'quadratic';
  /**
   * The categories in order. Weighted kappa measures distance by position in this list (as
   * scikit-learn does), so list unused categories too when the scale has them; otherwise the
   * observed labels are used, numbers sorted ascending. Required for weighted kappa on strings.
   */
  categories?: readonly Label[];
}

/**
 * Cohen's kappa = (p_o − p_e)/(1 − p_e) between two raters labelling the same items, or the
 * weighted form 1 − Σ w·observed / Σ w·expected (Cohen 1968). Returns NaN when chance agreement is
 * already total (both raters used one and the same category), where kappa is undefined.
 * Throws when a and b differ in length, are empty, or hold a label outside `categories`.
 */
export function cohenKappa(a: readonly Label[], b: readonly Label[], options: CohenKappaOptions = {}): number {
  requireSameLength('cohenKappa', ['a', a], ['b', b]);
  if (a.length === 0) throw new StatsInputError('cohenKappa', 'a', 'is empty');
  const { weights, categories } = options;
  if (weights !== undefined && weights !== 'linear' && weights !== 'quadratic') {
    throw new StatsInputError('cohenKappa', 'weights', `is ${String(weights)}; expected linear or quadratic`);
  }
  for (const [name, labels] of [
    ['a', a],
    ['b', b],
  ] as const) {
    labels.forEach((label, index) => {
      if (
        (typeof label !== 'string' && typeof label !== 'number') ||
        (typeof label === 'number' && !Number.isFinite(label))
      ) {
        throw new StatsInputError(
          'cohenKappa',
          `${name}[${index}]`,
          `is ${String(label)}; expected a string or finite number`,
        );
      }
    });
  }
  let order: Label[];
  if (categories) {
    order = [...categories];
  } else {
    order = [...new Set<Label>([...a, ...b])];
    const allNumbers = order.every((label) => typeof label === 'number');
    if (weights && !allNumbers) {
      throw new StatsInputError(
        'cohenKappa',
        'categories',
        'must be given for weighted kappa on string labels (their order is unknown)',
      );
    }
    if (allNumbers) (order as number[]).sort((x, y) => x - y);
  }
  const index = new Map<Label, number>(order.map((label, position) => [label, position]));
  const size = order.length;
  const table = Array.from({ length: size }, () => new Float64Array(size));
  a.forEach((label, item) => {
    const row = index.get(label);
    const column = index.get(b[item]!);
    if (row === undefined)
      throw new StatsInputError('cohenKappa', `a[${item}]`, `is ${String(label)}, which is not in categories`);
    if (column === undefined)
      throw new StatsInputError('cohenKappa', `b[${item}]`, `is ${String(b[item])}, which is not in categories`);
    table[row]![column] += 1;
  });
  const total = a.length;
  const rowTotals = table.map((row) => row.reduce((sum, value) => sum + value, 0));
  const columnTotals = order.map((_, column) => table.reduce((sum, row) => sum + row[column]!, 0));
  const weight = (row: number, column: number): number => {
    if (weights === 'linear') return Math.abs(row - column);
    if (weights === 'quadratic') return (row - column) ** 2;
    return row === column ? 0 : 1;
  };
  let observedDisagreement = 0;
  let expectedDisagreement = 0;
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      observedDisagreement += weight(row, column) * table[row]![column]!;
      expectedDisagreement += (weight(row, column) * rowTotals[row]! * columnTotals[column]!) / total;
    }
  }
  if (expectedDisagreement === 0) return Number.NaN;
  return 1 - observedDisagreement / expectedDisagreement;
}

function requireCount(functionName: string, argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new StatsInputError(functionName, argument, `is ${String(value)}; expected a non-negative integer count`);
  }
}

/**
 * Matthews correlation coefficient (tp·tn − fp·fn)/√((tp+fp)(tp+fn)(tn+fp)(tn+fn)).
 * Returns 0 when any of the four marginals is 0 (the limit scikit-learn also uses): a rater that
 * never says "yes" carries no information about the truth.
 */
export function matthewsCorrelation(tp: number, tn: number, fp: number, fn: number): number {
  for (const [name, value] of [
    ['tp', tp],
    ['tn', tn],
    ['fp', fp],
    ['fn', fn],
  ] as const) {
    requireCount('matthewsCorrelation', name, value);
  }
  const denominator = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
  if (denominator === 0) return 0;
  return (tp * tn - fp * fn) / Math.sqrt(denominator);
}

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Precision tp/(tp+fp), recall tp/(tp+fn) and their harmonic mean, with HealthBench's rules for
 * empty denominators (simple-evals healthbench_meta_eval.py, compute_f1_metric): a ratio with no
 * cases is NaN (upstream None), F1 is NaN when either is, and 0 when both are 0.
 */
export function precisionRecallF1({ tp, fp, fn }: { tp: number; fp: number; fn: number }): PrecisionRecallF1 {
  for (const [name, value] of [
    ['tp', tp],
    ['fp', fp],
    ['fn', fn],
  ] as const)
    requireCount('precisionRecallF1', name, value);
  const precision = tp + fp === 0 ? Number.NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? Number.NaN : tp / (tp + fn);
  let f1: number;
  if (Number.isNaN(precision) || Number.isNaN(recall)) f1 = Number.NaN;
  else if (precision === 0 && recall === 0) f1 = 0;
  else f1 = (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * HealthBench's meta-evaluation score `pairwise_model_f1_balanced`: the mean of the F1 of the
 * positive class ("criterion met") and of the negative class, each pair (grader label, physician
 * label) being one comparison. `predicted` is the grader, `actual` the reference. NaN when a
 * class never appears on one side (its precision or recall has no cases), as upstream's None.
 */
export function balancedF1(predicted: readonly boolean[], actual: readonly boolean[]): number {
  requireSameLength('balancedF1', ['predicted', predicted], ['actual', actual]);
  if (predicted.length === 0) throw new StatsInputError('balancedF1', 'predicted', 'is empty');
  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  let trueNegative = 0;
  predicted.forEach((label, index) => {
    const reference = actual[index];
    if (typeof label !== 'boolean')
      throw new StatsInputError('balancedF1', `predicted[${index}]`, `is ${String(label)}; expected a boolean`);
    if (typeof reference !== 'boolean')
      throw new StatsInputError('balancedF1', `actual[${index}]`, `is ${String(reference)}; expected a boolean`);
    if (label && reference) truePositive++;
    else if (label) falsePositive++;
    else if (reference) falseNegative++;
    else trueNegative++;
  });
  const positive = precisionRecallF1({ tp: truePositive, fp: falsePositive, fn: falseNegative });
  // The negative class's "positives" are the items both sides call false.
  const negative = precisionRecallF1({ tp: trueNegative, fp: falseNegative, fn: falsePositive });
  return (positive.f1 + negative.f1) / 2;
}
