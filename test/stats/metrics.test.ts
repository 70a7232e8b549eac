import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricContext, MetricResult, ScoredUnit } from '../../src/core/metrics.js';
import {
  flipRate,
  groupedMetrics,
  meanMetric,
  passAtKMetric,
  passHatKMetric,
  summariseScores,
} from '../../src/stats/index.js';

const CONTEXT: MetricContext = { seed: 3, epochs: 3, level: 0.95 };

function unit(id: string, epoch: number, value: number | null, groups: Record<string, string> = {}): ScoredUnit {
  return { id, epoch, value, groups };
}

/** Units for samples given as lists of epoch values. */
function unitsOf(
  samples: Record<string, (number | null)[]>,
  groups: Record<string, Record<string, string>> = {},
): ScoredUnit[] {
  return Object.entries(samples).flatMap(([id, values]) =>
    values.map((value, epoch) => unit(id, epoch + 1, value, groups[id] ?? {})),
  );
}

function single(result: MetricResult | MetricResult[]): MetricResult {
  assert.ok(!Array.isArray(result));
  return result;
}

test('meanMetric averages epochs per sample, drops nulls, and clusters the stderr by sample (by hand)', () => {
  // a: 1, 0  b: 1, 1  c: 0, null → sample means 0.5, 1, 0 → value 0.5, n = 3, dropped 1.
  // Clustered stderr over the 5 scored units (mean 0.6): residual sums a = −0.2, b = 0.8, c = −0.6,
  // so SE = √(3/2 · (0.04 + 0.64 + 0.36)) / 5 = √1.56 / 5.
  const result = single(meanMetric().compute(unitsOf({ a: [1, 0], b: [1, 1], c: [0, null] }), CONTEXT));
  assert.equal(result.name, 'mean');
  assert.equal(result.value, 0.5);
  assert.equal(result.n, 3);
  assert.equal(result.dropped, 1);
  assert.ok(Math.abs(result.stderr! - Math.sqrt(1.56) / 5) < 1e-15);
  assert.ok(result.ci && result.ci.lower <= 0.5 && 0.5 <= result.ci.upper && result.ci.level === 0.95);
  assert.match(result.note ?? '', /5 units over 3 samples/);
  assert.match(result.note ?? '', /1 unscored unit/);
});

test('meanMetric does not depend on the order in which units arrive', () => {
  const units = unitsOf({ s1: [0.2, 0.4], s2: [0.9, 1], s3: [0.1, 0.3], s4: [0.5, 0.5], s5: [0, 0.2] });
  const shuffled = [
    units[7]!,
    units[2]!,
    units[9]!,
    units[0]!,
    units[5]!,
    units[1]!,
    units[8]!,
    units[3]!,
    units[6]!,
    units[4]!,
  ];
  assert.deepEqual(meanMetric().compute(shuffled, CONTEXT), meanMetric().compute(units, CONTEXT));
});

test('meanMetric: a level option overrides the run level; no scored units gives NaN with a note', () => {
  const units = unitsOf({ a: [0.1], b: [0.9], c: [0.4], d: [0.6] });
  const narrow = single(meanMetric({ level: 0.5 }).compute(units, CONTEXT));
  const wide = single(meanMetric().compute(units, CONTEXT));
  assert.equal(narrow.ci!.level, 0.5);
  assert.ok(narrow.ci!.upper - narrow.ci!.lower < wide.ci!.upper - wide.ci!.lower);
  assert.equal(meanMetric({ scorerKey: 'judge.overall' }).scorerKey, 'judge.overall');
  const empty = single(meanMetric().compute(unitsOf({ a: [null, null] }), CONTEXT));
  assert.ok(Number.isNaN(empty.value));
  assert.equal(empty.dropped, 2);
  assert.match(empty.note ?? '', /no scored units/);
});

test('pass@k and pass^k metrics over samples, worked by hand', () => {
  // s1: 1,1,0 (c = 2)  s2: 0,0,0  s3: 1,1,1, n = 3 epochs each.
  // pass@2 = mean(1 − C(1,2)/C(3,2), 0, 1) = 2/3; pass^2 = mean(C(2,2)/C(3,2), 0, 1) = 4/9.
  const units = unitsOf({ s1: [1, 1, 0], s2: [0, 0, 0], s3: [1, 1, 1] });
  const at = single(passAtKMetric(2).compute(units, CONTEXT));
  const hat = single(passHatKMetric(2).compute(units, CONTEXT));
  assert.equal(at.name, 'pass@2');
  assert.equal(hat.name, 'pass^2');
  assert.ok(Math.abs(at.value - 2 / 3) < 1e-15);
  assert.ok(Math.abs(hat.value - 4 / 9) < 1e-15);
  assert.equal(at.n, 3);
  assert.ok(at.ci !== undefined);
});

test('pass^k is skipped with a note when a sample has fewer than k scored epochs', () => {
  const units = unitsOf({ s1: [1, 1, 0], s2: [1, null, 0] });
  const result = single(passHatKMetric(3).compute(units, CONTEXT));
  assert.ok(Number.isNaN(result.value));
  assert.match(result.note ?? '', /skipped: 1 of 2 samples have fewer than 3 scored epochs \(e.g. "s2" has 2\)/);
  assert.equal(result.dropped, 1);
  assert.throws(() => passAtKMetric(0), /passAtKMetric: k is 0/);
});

test('flip rate counts samples whose epochs disagree', () => {
  // s1 flips, s2 and s3 agree, s4 has one scored epoch and is left out: 1/3.
  const units = unitsOf({ s1: [1, 0, 1], s2: [0, 0, 0], s3: [1, 1, 1], s4: [1, null, null] });
  const result = single(flipRate().compute(units, CONTEXT));
  assert.equal(result.name, 'flip_rate');
  assert.ok(Math.abs(result.value - 1 / 3) < 1e-15);
  assert.equal(result.n, 3);
  assert.match(result.note ?? '', /1 sample with fewer than 2 scored epochs left out/);
});

test('groupedMetrics computes the metric per group value and names results name[key=value]', () => {
  const units = unitsOf(
    { e1: [1], e2: [0], h1: [0], h2: [0], x: [1] },
    { e1: { difficulty: 'easy' }, e2: { difficulty: 'easy' }, h1: { difficulty: 'hard' }, h2: { difficulty: 'hard' } },
  );
  const results = groupedMetrics(meanMetric(), 'difficulty').compute(units, CONTEXT) as MetricResult[];
  assert.deepEqual(
    results.map((result) => [result.name, result.value, result.n]),
    [
      ['mean[difficulty=(none)]', 1, 1],
      ['mean[difficulty=easy]', 0.5, 2],
      ['mean[difficulty=hard]', 0, 2],
    ],
  );
});

test('summariseScores: mean only for one epoch; pass@k, pass^k and flip rate for binary epochs', () => {
  const oneEpoch = summariseScores(unitsOf({ a: [1], b: [0] }), { epochs: 1 });
  assert.deepEqual(
    oneEpoch.map((result) => result.name),
    ['mean'],
  );

  const units = unitsOf({ s1: [1, 1, 0], s2: [0, 0, 0], s3: [1, 1, 1], s4: [0, 1, 1] });
  const results = summariseScores(units, { epochs: 3, seed: 1 });
  assert.deepEqual(
    results.map((result) => result.name),
    ['mean', 'pass@1', 'pass@2', 'pass@3', 'pass^1', 'pass^2', 'pass^3', 'flip_rate'],
  );
  const byName = new Map(results.map((result) => [result.name, result.value]));
  // pass@1 and pass^1 are both the success rate, here 7/12 = the mean.
  assert.ok(Math.abs(byName.get('pass@1')! - 7 / 12) < 1e-15);
  assert.ok(Math.abs(byName.get('pass^1')! - 7 / 12) < 1e-15);
  // pass^3: only s3 succeeds three times → 1/4; pass@3: every sample but s2 has a success → 3/4.
  assert.equal(byName.get('pass^3'), 0.25);
  assert.equal(byName.get('pass@3'), 0.75);
  assert.equal(byName.get('flip_rate'), 0.5);
});

test('summariseScores skips pass@k for graded scores and rejects bad options', () => {
  const graded = summariseScores(unitsOf({ s1: [0.5, 1], s2: [0.25, 0.25] }), { epochs: 2 });
  assert.deepEqual(
    graded.map((result) => result.name),
    ['mean', 'flip_rate'],
  );
  assert.throws(() => summariseScores([], { epochs: 0 }), /summariseScores: epochs is 0/);
  assert.throws(() => summariseScores([], { epochs: 2, level: 2 }), /summariseScores: level is 2/);
});

test('NaN values count as unscored, like null', () => {
  const units = unitsOf({ s1: [1, Number.NaN], s2: [0, 1] });
  const results = summariseScores(units, { epochs: 2 });
  assert.deepEqual(
    results.map((result) => result.name),
    ['mean', 'pass@1', 'pass@2', 'pass^1', 'pass^2', 'flip_rate'],
  );
  assert.equal(results[0]!.dropped, 1);
  assert.match(results[2]!.note ?? '', /skipped: 1 of 2 samples have fewer than 2 scored epochs/);
});
