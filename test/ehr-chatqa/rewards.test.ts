import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  firstColumnSetMatch,
  normalizeCell,
  normalizeRows,
  pyFloatStr,
  pyRound,
  pyRowsRepr,
} from '../../src/scoring/sql-result.js';
import {
  adaptReward,
  answerSpan,
  increReward,
  NUMBER_WORDS,
  normalizeAnswer,
} from '../../src/benchmarks/ehr-chatqa/rewards.js';

test('pyRound matches Python round (ties to even on the exact binary value)', () => {
  assert.equal(pyRound(1.03125, 4), 1.0312); // toFixed gives 1.0313
  assert.equal(pyRound(-1.03125, 4), -1.0312);
  assert.equal(pyRound(1.09375, 4), 1.0938); // tie, 7 is odd -> 8
  assert.equal(pyRound(2.675, 2), 2.67); // below the tie in binary
  assert.equal(pyRound(72.666666, 4), 72.6667);
  assert.equal(pyRound(0.00005, 4), 0.0001);
});

test('pyFloatStr matches Python float str', () => {
  const cases: [number, string][] = [
    [3, '3.0'],
    [1e-5, '1e-05'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [0.0001, '0.0001'],
    [123.456, '123.456'],
    [-0, '-0.0'],
    [1e22, '1e+22'],
    [NaN, 'nan'],
    [0.1 + 0.2, '0.30000000000000004'],
  ];
  for (const [x, text] of cases) assert.equal(pyFloatStr(x), text, String(x));
  assert.equal(pyRowsRepr([[3n, 3, "it's", null]]), `[(3, 3.0, "it's", None)]`);
});

test('cell and rows normalisers follow upstream', () => {
  assert.equal(normalizeCell(null), 'None');
  assert.equal(normalizeCell(3), '3.0');
  assert.equal(normalizeCell('12'), '12.0');
  assert.equal(normalizeCell('nan'), 'nan');
  assert.equal(normalizeCell('inf'), 'inf');
  assert.equal(normalizeCell('abc'), 'abc');
  assert.equal(normalizeCell(1.03125), '1.0312');
  assert.deepEqual(
    normalizeRows([
      ['b', 2],
      ['a', 1],
    ]),
    [
      ['a', '1.0'],
      ['b', '2.0'],
    ],
  );
  assert.deepEqual(normalizeRows("[('x', 1)]"), [['x', '1.0']]);
  assert.equal(normalizeRows('not a literal ('), 'not a literal (');
  assert.equal((normalizeRows(Array.from({ length: 150 }, (_, i) => [i])) as string[][]).length, 100);
});

test('IncreQA comparison: first gold column as a set against any predicted column, None dropped', () => {
  assert.ok(
    firstColumnSetMatch(
      [[1], [2]],
      [
        [2n, 'x'],
        [1n, 'y'],
        [1n, 'z'],
      ],
    ),
  ); // order and duplicates ignored
  assert.ok(
    firstColumnSetMatch(
      [['a']],
      [
        [5n, 'a'],
        [6n, null],
      ],
    ),
  ); // extra columns, None dropped from the prediction
  assert.ok(!firstColumnSetMatch([['a']], []));
  assert.ok(!firstColumnSetMatch([[null]], [[null]])); // a NULL gold is unsolvable
  assert.ok(!firstColumnSetMatch([[1], [2]], [[1n]]));
  assert.ok(firstColumnSetMatch([[72.66666]], [[72.666661]]));
});

test('increReward: any executed query counts; the final scope only the last', async () => {
  const results: Record<string, unknown[][] | string> = { good: [[5n]], bad: [[7n]], broken: 'no such table' };
  const run = async (query: string) =>
    typeof results[query] === 'string'
      ? { query, error: results[query] as string }
      : { query, rows: results[query] as unknown[][] };
  assert.deepEqual(await increReward([[5]], ['broken', 'good', 'bad'], run), {
    reward: 1,
    matched: 1,
    errors: 1,
    executed: 2,
  });
  assert.equal((await increReward([[5]], ['broken', 'good', 'bad'], run, 'final')).reward, 0);
  assert.equal((await increReward([[5]], ['bad', 'good'], run, 'final')).reward, 1);
  assert.equal((await increReward([[5]], [], run)).reward, 0);
});

test('AdaptQA worked examples of the reference', () => {
  const cases: [unknown, string, 0 | 1][] = [
    [72.6667, '72.6667', 1],
    [72.6667, '72.67', 0],
    [6, 'six', 1],
    ['six', 'six', 1],
    [6, 'six patients', 0],
    [6, '6 patients', 0],
    [3, '3 days', 1],
    [12.5, '12.50%', 1],
    ['a,b,c', 'b, a, c', 0],
  ];
  for (const [gold, span, reward] of cases) {
    assert.equal(
      adaptReward([[gold]], [`The answer is <answer>${span}</answer> (units outside).`]).reward,
      reward,
      `${gold} vs ${span}`,
    );
  }
});

test('AdaptQA spans, number words and scopes', () => {
  assert.equal(answerSpan('x ```answer\n 42\n``` y'), '\n 42\n');
  assert.equal(answerSpan('```\nfoo```'), 'foo');
  assert.equal(answerSpan('``` \t\nfoo```'), 'foo');
  assert.equal(answerSpan('no tags'), undefined);
  assert.equal(normalizeAnswer('3.0'), '3');
  assert.equal(normalizeAnswer(' 72.666666 '), '72.6667');
  assert.equal(normalizeAnswer('Atorvastatin'), 'atorvastatin');
  // Twelve is not in upstream's table: the word form fails.
  assert.equal(adaptReward([[12]], ['<answer>twelve</answer>']).reward, 0);
  assert.equal(adaptReward([[247]], ['<answer>two hundred and forty-seven</answer>']).reward, 1);
  assert.equal(adaptReward([[28]], ['<answer>twenty eight</answer>']).reward, 1);
  // Several gold rows must all be contained.
  assert.equal(adaptReward([['a'], ['b']], ['<answer>a and b</answer>']).reward, 1);
  // First passing message wins under 'any'; 'final' reads only the last tagged reply.
  const replies = ['<answer>5</answer>', 'let me check', '<answer>4</answer>'];
  assert.deepEqual(adaptReward([[5]], replies).matched, 0);
  assert.equal(adaptReward([[5]], replies, 'final').reward, 0);
  assert.equal(adaptReward([[4]], replies, 'final').reward, 1);
});

test('AdaptQA span: a bare fence needs a newline after it, as upstream', () => {
  // Upstream (src/envs/base.py) gives 0: "```19```" opens no span, and there is no <answer>.
  assert.equal(answerSpan('The count is ```19```'), undefined);
  assert.equal(adaptReward([[19]], ['The count is ```19```']).reward, 0);
  // Upstream gives 1: the code fence opens no span (no newline after ```), the <answer> tag does.
  assert.equal(answerSpan('```python\nx``` <answer>19</answer>'), '19');
  assert.equal(adaptReward([[19]], ['```python\nx``` <answer>19</answer>']).reward, 1);
  assert.equal(adaptReward([[19]], ['Here:\n```\n19\n```']).reward, 1);
  assert.equal(adaptReward([[19]], ['```answer19```']).reward, 1);
});

test("AdaptQA number words are upstream's table exactly", () => {
  // numeric_to_words of upstream src/envs/base.py (commit 5696da8c), as a set of (words, digits).
  const upstream = [
    ['two hundred and forty-seven', '247'],
    ['two hundred forty-seven', '247'],
    ['six hundred and fifty-nine', '659'],
    ['six hundred fifty-nine', '659'],
    ['thirty five', '35'],
    ['thirty-five', '35'],
    ['forty-eight', '48'],
    ['forty eight', '48'],
    ['thirty-seven', '37'],
    ['thirty seven', '37'],
    ['twenty-eight', '28'],
    ['twenty eight', '28'],
    ['seventy-two', '72'],
    ['seventy two', '72'],
    ['eleven', '11'],
    ['thirty', '30'],
    ['three', '3'],
    ['four', '4'],
    ['five', '5'],
    ['six', '6'],
    ['seven', '7'],
    ['eight', '8'],
    ['nine', '9'],
    ['ten', '10'],
    ['fourteen', '14'],
    ['sixteen', '16'],
    ['nineteen', '19'],
    ['zero', '0'],
    ['two', '2'],
    ['one', '1'],
  ];
  assert.deepEqual(Object.entries(NUMBER_WORDS).sort(), upstream.sort());
  // Not in the table: space forms of the hundreds, and prototype keys.
  assert.equal(adaptReward([[247]], ['<answer>two hundred forty seven</answer>']).reward, 0);
  assert.equal(adaptReward([['constructor']], ['<answer>constructor</answer>']).reward, 1);
  assert.equal(adaptReward([[5]], ['<answer>toString</answer>']).reward, 0);
});

test('AdaptQA leftover check follows Python strip/rstrip', () => {
  // rstrip('.') removes every trailing dot; strip() removes Python whitespace (\x1c-\x1f, \x85 too).
  assert.equal(adaptReward([[5]], ['<answer>5..</answer>']).reward, 1);
  assert.equal(adaptReward([[5]], ['<answer>\x1c5\x85</answer>']).reward, 1);
  assert.equal(adaptReward([[5]], ['<answer>\ufeff5</answer>']).reward, 0); // not whitespace in Python
  // Golds are deleted longest first, once each.
  assert.equal(adaptReward([['a'], ['ab']], ['<answer>ab, a</answer>']).reward, 1);
  // No gold rows: upstream scores a reply whose span leaves nothing (validate flags such tasks).
  assert.equal(adaptReward([], ['<answer> and </answer>']).reward, 1);
  assert.equal(adaptReward([], ['<answer>x</answer>']).reward, 0);
});
