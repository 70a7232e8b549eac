import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedF1, cohenKappa, createRng, matthewsCorrelation, precisionRecallF1 } from '../../src/stats/index.js';

/** Expands a 2×2 table (rows: rater A yes/no, columns: rater B yes/no) into label lists. */
function fromTable(yesYes: number, yesNo: number, noYes: number, noNo: number): [string[], string[]] {
  const a: string[] = [];
  const b: string[] = [];
  const add = (count: number, first: string, second: string) => {
    for (let index = 0; index < count; index++) {
      a.push(first);
      b.push(second);
    }
  };
  add(yesYes, 'yes', 'yes');
  add(yesNo, 'yes', 'no');
  add(noYes, 'no', 'yes');
  add(noNo, 'no', 'no');
  return [a, b];
}

test("Cohen's kappa on Wikipedia's worked 2×2 tables", () => {
  // Wikipedia, "Cohen's kappa", simple example: 20/5/10/15 of 50 → p_o = 0.7, p_e = 0.5, κ = 0.4.
  assert.ok(Math.abs(cohenKappa(...fromTable(20, 5, 10, 15)) - 0.4) < 1e-12);
  // Same article, equal agreement 60/100 but different marginals: κ = 0.1304 and 0.2593.
  assert.ok(Math.abs(cohenKappa(...fromTable(45, 15, 25, 15)) - 0.06 / 0.46) < 1e-12);
  assert.ok(Math.abs(cohenKappa(...fromTable(25, 35, 5, 35)) - 0.14 / 0.54) < 1e-12);
});

test('weighted kappa on an ordinal 3-point scale, worked by hand', () => {
  // Table (A rows × B columns, categories 1..3): (1,1)=1 (1,2)=1 (2,2)=1 (2,3)=1 (3,3)=2.
  // Row totals 2,2,2; column totals 1,2,3; N = 6.
  // Unweighted: p_o = 4/6, p_e = 12/36 → κ = 0.5.
  // Linear: observed Σ|i−j|·o = 2, expected Σ|i−j|·r·c/N = 32/6 → κ = 1 − 2/(32/6) = 0.625.
  // Quadratic: observed 2, expected 48/6 = 8 → κ = 0.75.
  const a = [1, 1, 2, 2, 3, 3];
  const b = [1, 2, 2, 3, 3, 3];
  assert.ok(Math.abs(cohenKappa(a, b) - 0.5) < 1e-12);
  assert.ok(Math.abs(cohenKappa(a, b, { weights: 'linear' }) - 0.625) < 1e-12);
  assert.ok(Math.abs(cohenKappa(a, b, { weights: 'quadratic' }) - 0.75) < 1e-12);
  // String labels give the same answer once their order is stated.
  const names = ['low', 'mid', 'high'];
  const named = (labels: number[]) => labels.map((label) => names[label - 1]!);
  assert.ok(Math.abs(cohenKappa(named(a), named(b), { weights: 'linear', categories: names }) - 0.625) < 1e-12);
});

test('weighted kappa measures distance on the stated scale, including unused categories', () => {
  // a = 1,2,4,4 and b = 2,2,4,1 (worked by hand; N = 4, row totals 1,1,2, column totals 1,2,1).
  // On the scale 1..4 the linear distances are 1 (1–2), 2 (2–4), 3 (1–4): observed 1 + 3 = 4,
  // expected (5 + 3 + 14)/4 = 5.5, κ = 1 − 4/5.5 = 3/11.
  // Without `categories` only 1, 2, 4 are known and sit at positions 0, 1, 2: observed 1 + 2 = 3,
  // expected (4 + 2 + 8)/4 = 3.5, κ = 1 − 3/3.5 = 1/7.
  const a = [1, 2, 4, 4];
  const b = [2, 2, 4, 1];
  assert.ok(Math.abs(cohenKappa(a, b, { weights: 'linear', categories: [1, 2, 3, 4] }) - 3 / 11) < 1e-12);
  assert.ok(Math.abs(cohenKappa(a, b, { weights: 'linear' }) - 1 / 7) < 1e-12);
});

test('kappa edge cases and bad input', () => {
  assert.ok(Number.isNaN(cohenKappa(['x', 'x'], ['x', 'x'])));
  assert.equal(cohenKappa(['a', 'b', 'a'], ['a', 'b', 'a']), 1);
  assert.throws(() => cohenKappa(['a'], ['a', 'b']), /cohenKappa: a and b must have the same length \(got 1 and 2\)/);
  assert.throws(() => cohenKappa([], []), /cohenKappa: a is empty/);
  assert.throws(() => cohenKappa(['low', 'high'], ['low', 'low'], { weights: 'linear' }), /categories must be given/);
  assert.throws(() => cohenKappa([1, 4], [1, 2], { categories: [1, 2, 3] }), /a\[1\] is 4, which is not in categories/);
});

test('Matthews correlation: scikit-learn documentation example and the zero-marginal rule', () => {
  // sklearn.metrics.matthews_corrcoef docs: y_true = [+1, +1, +1, −1], y_pred = [+1, −1, +1, +1]
  // → −0.33…: tp = 2, fn = 1, fp = 1, tn = 0, so (0 − 1)/√(3·3·1·1) = −1/3.
  assert.ok(Math.abs(matthewsCorrelation(2, 0, 1, 1) + 1 / 3) < 1e-15);
  // By hand: tp 6, tn 3, fp 1, fn 2 → (18 − 2)/√(7·8·4·5) = 16/√1120.
  assert.ok(Math.abs(matthewsCorrelation(6, 3, 1, 2) - 16 / Math.sqrt(1120)) < 1e-15);
  assert.equal(matthewsCorrelation(5, 5, 0, 0), 1);
  assert.equal(matthewsCorrelation(4, 0, 3, 0), 0); // never a negative prediction or truth
  assert.throws(() => matthewsCorrelation(1, -1, 0, 0), /matthewsCorrelation: tn is -1/);
});

test('precision, recall and F1, with HealthBench’s rules for empty denominators', () => {
  // tp 6, fp 2, fn 4: precision 0.75, recall 0.6, F1 = 2·0.45/1.35 = 2/3.
  const scores = precisionRecallF1({ tp: 6, fp: 2, fn: 4 });
  assert.equal(scores.precision, 0.75);
  assert.equal(scores.recall, 0.6);
  assert.ok(Math.abs(scores.f1 - 2 / 3) < 1e-15);
  assert.equal(precisionRecallF1({ tp: 0, fp: 3, fn: 2 }).f1, 0);
  assert.ok(Number.isNaN(precisionRecallF1({ tp: 0, fp: 0, fn: 2 }).f1));
  assert.throws(() => precisionRecallF1({ tp: 1.5, fp: 0, fn: 0 }), /precisionRecallF1: tp is 1.5/);
});

test('balanced F1 worked by hand', () => {
  // predicted T,T,F,F,T vs actual T,F,F,T,T. Positive class: tp 2, fp 1, fn 1 → F1 2/3.
  // Negative class: both-false 1, predicted-false-actually-true 1, predicted-true-actually-false 1 → F1 1/2.
  const predicted = [true, true, false, false, true];
  const actual = [true, false, false, true, true];
  assert.ok(Math.abs(balancedF1(predicted, actual) - (2 / 3 + 1 / 2) / 2) < 1e-15);
});

test('balanced F1 agrees with simple-evals’ agreement-list formulation', () => {
  // healthbench_meta_eval.py compute_metrics_for_rater_by_class: precision of a class is the share
  // of agreements among items the grader put in that class; recall is the share among items the
  // reference put in it. Re-expressed here independently of the confusion-matrix code.
  const rng = createRng(17);
  const predicted = Array.from({ length: 300 }, () => rng.next() < 0.6);
  const actual = predicted.map((label) => (rng.next() < 0.75 ? label : !label));
  const share = (mask: boolean[]) => {
    const chosen = mask.flatMap((include, index) => (include ? [predicted[index] === actual[index]] : []));
    return chosen.filter(Boolean).length / chosen.length;
  };
  const f1 = (precision: number, recall: number) => (2 * precision * recall) / (precision + recall);
  const positive = f1(share(predicted), share(actual));
  const negative = f1(share(predicted.map((label) => !label)), share(actual.map((label) => !label)));
  assert.ok(Math.abs(balancedF1(predicted, actual) - (positive + negative) / 2) < 1e-12);
});

test('balanced F1 is NaN when a class is missing on one side; bad input throws', () => {
  assert.ok(Number.isNaN(balancedF1([true, true], [true, false])));
  assert.throws(() => balancedF1([true], [true, false]), /balancedF1: predicted and actual must have the same length/);
  assert.throws(() => balancedF1([], []), /balancedF1: predicted is empty/);
});
