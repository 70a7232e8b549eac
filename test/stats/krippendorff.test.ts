import { test } from 'node:test';
import assert from 'node:assert/strict';
import { krippendorffAlpha, type RatingValue } from '../../src/stats/index.js';

const _ = null;
// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 observers × 12 units
// example with missing values (also /work/shared/reference/counselbench.md §1.5 and the test
// suite of the `krippendorff` Python package). Unit 12 has a single value and must not count.
const CANONICAL: RatingValue[][] = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];

function near(actual: number, published: number, decimals: number): void {
  assert.ok(Math.abs(actual - published) <= 0.5 * 10 ** -decimals, `${actual} vs published ${published}`);
}

test("Krippendorff's canonical example at all four levels (published to 3 decimals)", () => {
  near(krippendorffAlpha(CANONICAL, 'nominal'), 0.743, 3);
  near(krippendorffAlpha(CANONICAL, 'ordinal'), 0.815, 3);
  near(krippendorffAlpha(CANONICAL, 'interval'), 0.849, 3);
  near(krippendorffAlpha(CANONICAL, 'ratio'), 0.797, 3);
});

test('units with fewer than two ratings are dropped', () => {
  const withoutUnit12 = CANONICAL.map((row) => row.slice(0, 11));
  for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
    assert.equal(krippendorffAlpha(withoutUnit12, level), krippendorffAlpha(CANONICAL, level));
  }
});

test('Wikipedia computational example: 3 coders × 15 units, nominal 0.691', () => {
  // Wikipedia, "Krippendorff's alpha", A computational example (α_nominal = 0.691); the
  // `krippendorff` package's tests give 0.691358 nominal and 0.810845 interval for the same data.
  const data: RatingValue[][] = [
    [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
    [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
    [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
  ];
  near(krippendorffAlpha(data, 'nominal'), 0.691358, 6);
  near(krippendorffAlpha(data, 'interval'), 0.810845, 6);
});

test('string labels work at the nominal level', () => {
  // `krippendorff` package test_string_labels_nominal: 0.722222.
  const data: RatingValue[][] = [
    ['pos', 'neg', 'neu', _],
    ['pos', 'neg', 'neu', 'pos'],
    ['pos', 'neg', 'pos', 'pos'],
  ];
  near(krippendorffAlpha(data, 'nominal'), 0.722222, 6);
});

test('ordinal alpha ignores spacing, interval alpha survives affine rescaling', () => {
  const squared = CANONICAL.map((row) => row.map((value) => (value === null ? null : (value as number) ** 2 + 10)));
  assert.ok(Math.abs(krippendorffAlpha(squared, 'ordinal') - krippendorffAlpha(CANONICAL, 'ordinal')) < 1e-12);
  assert.ok(Math.abs(krippendorffAlpha(squared, 'interval') - krippendorffAlpha(CANONICAL, 'interval')) > 0.01);
  const rescaled = CANONICAL.map((row) => row.map((value) => (value === null ? null : 3 * (value as number) - 7)));
  assert.ok(Math.abs(krippendorffAlpha(rescaled, 'interval') - krippendorffAlpha(CANONICAL, 'interval')) < 1e-12);
});

test('perfect agreement is 1; no variation or no pairable unit is NaN; NaN counts as missing', () => {
  assert.equal(
    krippendorffAlpha(
      [
        [1, 2, 3],
        [1, 2, 3],
      ],
      'interval',
    ),
    1,
  );
  assert.ok(
    Number.isNaN(
      krippendorffAlpha(
        [
          [4, 4],
          [4, 4],
        ],
        'nominal',
      ),
    ),
  );
  assert.ok(
    Number.isNaN(
      krippendorffAlpha(
        [
          [1, _],
          [_, 2],
        ],
        'nominal',
      ),
    ),
  );
  const withNaN = CANONICAL.map((row) => row.map((value) => (value === null ? Number.NaN : value)));
  assert.equal(krippendorffAlpha(withNaN, 'ordinal'), krippendorffAlpha(CANONICAL, 'ordinal'));
});

test('malformed data throws naming the offending row or cell', () => {
  assert.throws(() => krippendorffAlpha([], 'nominal'), /krippendorffAlpha: data is empty/);
  assert.throws(
    () =>
      krippendorffAlpha(
        [
          [1, 2, 3],
          [1, 2, 3],
          [1, 2],
        ],
        'nominal',
      ),
    /krippendorffAlpha: data\[2\] has 2 ratings; expected 3/,
  );
  assert.throws(
    () =>
      krippendorffAlpha(
        [
          ['low', 'high'],
          ['low', 'low'],
        ],
        'ordinal',
      ),
    /data\[0\]\[0\] is "low"; ordinal alpha needs numbers/,
  );
  assert.throws(
    () =>
      krippendorffAlpha(
        [
          [1, -2],
          [1, 2],
        ],
        'ratio',
      ),
    /data\[0\]\[1\] is -2; ratio alpha needs values ≥ 0/,
  );
  assert.throws(
    () =>
      krippendorffAlpha(
        [
          [1, 2],
          [1, 2],
        ],
        'circular' as 'nominal',
      ),
    /level is circular/,
  );
});
