// The scorers task files pick by name: text matches, numbers, ROUGE-L, boxes and SQL result sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { newTaskState, type JsonValue, type Scorer } from '../../src/core/index.js';
import { createTestContext } from '../../src/runner/context.js';
import { boxIouScorer } from '../../src/scoring/box-iou.js';
import { rougeScorer } from '../../src/scoring/rouge.js';
import { extractSql, sqlResultScorer } from '../../src/scoring/sql-scorer.js';
import {
  exactScorer,
  includesScorer,
  normalizeAnswerText,
  numbersIn,
  numericScorer,
  regexScorer,
} from '../../src/scoring/text-match.js';

async function scoreOf(scorer: Scorer, output: string, target: JsonValue) {
  const state = newTaskState({ id: 's1', input: 'question', target }, 1);
  state.output = { ...state.output, text: output };
  const context = createTestContext();
  const score = await scorer.score(state, context);
  return { ...score, events: context.events };
}

test('exact normalises case, punctuation, articles and number formats, but keeps word order', async () => {
  assert.equal(normalizeAnswerText('The  Metformin.'), 'metformin');
  assert.equal((await scoreOf(exactScorer(), 'Metformin!', 'metformin')).value, 1);
  assert.equal((await scoreOf(exactScorer(), '5.0', '5')).value, 1);
  assert.equal((await scoreOf(exactScorer(), 'type 2 diabetes', ['diabetes type 2', 'type 2 diabetes'])).value, 1);
  assert.equal((await scoreOf(exactScorer(), 'diabetes type 2', 'type 2 diabetes')).value, 0);
  assert.equal((await scoreOf(exactScorer(), '', '')).value, 0, 'an empty answer never matches');
});

test('includes finds a target anywhere, case-insensitively unless told otherwise', async () => {
  assert.equal((await scoreOf(includesScorer(), 'Start N-acetylcysteine now.', 'n-acetylcysteine')).value, 1);
  assert.equal(
    (await scoreOf(includesScorer({ ignoreCase: false }), 'Start N-ACETYLCYSTEINE', 'N-acetylcysteine')).value,
    0,
  );
  assert.equal((await scoreOf(includesScorer(), 'anything', '')).value, 0, 'an empty target is not found everywhere');
});

test('regex extracts the last match (its first group) and compares it with the targets', async () => {
  const scorer = regexScorer({ pattern: 'ANSWER:\\s*(\\w+)' });
  const first = await scoreOf(scorer, 'ANSWER: yes\nOn reflection, ANSWER: no', 'no');
  assert.equal(first.value, 1);
  assert.equal(first.answer, 'no');
  const miss = await scoreOf(scorer, 'I am not sure', 'no');
  assert.equal(miss.value, 0);
  assert.equal(miss.answer, undefined);
  assert.throws(() => regexScorer({ pattern: '(' }), SyntaxError);
});

test('numeric reads separators, signs and decimals, and honours absolute or relative tolerance', async () => {
  assert.deepEqual(numbersIn('costs $1,250.50, then −3 and .5'), [1250.5, -3, 0.5]);
  assert.equal((await scoreOf(numericScorer(), 'MAP ≈ 93.3 mmHg', '93.3')).value, 1);
  assert.equal((await scoreOf(numericScorer(), 'between 90 and 93', '93.3')).value, 0);
  assert.equal((await scoreOf(numericScorer({ tolerance: 0.5 }), 'about 93', '93.3')).value, 1);
  assert.equal((await scoreOf(numericScorer({ relative: 0.05 }), '1,030 mg', '1000')).value, 1);
  assert.equal((await scoreOf(numericScorer({ pick: 'first' }), '20, not 25', '20')).value, 1);
  assert.equal((await scoreOf(numericScorer(), 'no number', '3')).value, 0);
  assert.equal((await scoreOf(numericScorer(), '3', 'three')).value, 0, 'a target that is no number never matches');
});

test('ROUGE-L takes the best reference; a sample without reference text is not scored', async () => {
  const score = await scoreOf(rougeScorer(), 'small left pleural effusion', ['no effusion', 'left pleural effusion']);
  assert.ok(Math.abs((score.value as number) - (2 * ((3 / 4) * 1)) / (3 / 4 + 1)) < 1e-12);
  assert.equal((await scoreOf(rougeScorer(), 'text', '')).value, null);
});

test('box IoU unions the boxes on each side; an answer without a box is a miss, no target is unscored', async () => {
  const target = [[0, 0, 10, 10]];
  const half = await scoreOf(boxIouScorer(), 'The opacity is at [0, 0, 10, 5].', target);
  assert.deepEqual(half.value, { iou: 0.5, iop: 1, iot: 0.5, 'hit@0.3': 1 });
  assert.equal(half.metadata?.intersection, 50);
  const none = await scoreOf(boxIouScorer({ threshold: 0.5 }), 'No finding.', target);
  assert.deepEqual(none.value, { iou: 0, iop: 0, iot: 0, 'hit@0.5': 0 });
  assert.equal((await scoreOf(boxIouScorer(), '[0, 0, 1, 1]', null)).value, null);
});

test('the SQL scorer compares result sets from the sandbox and records both queries as evidence', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'medkit-sql-'));
  const file = join(directory, 'ward.sqlite');
  const db = new Database(file);
  db.exec(`CREATE TABLE patients (id INTEGER, ward TEXT, age INTEGER, weight REAL);
    INSERT INTO patients VALUES (1, 'ICU', 71, 80.12344), (2, 'ICU', 45, 62.5), (3, 'ward 4', 88, 55.0);`);
  db.close();
  const scorer = sqlResultScorer({ database: file });
  const gold = "SELECT id FROM patients WHERE ward = 'ICU'";
  const same = await scoreOf(scorer, '```sql\nSELECT id FROM patients WHERE age < 80 ORDER BY id DESC;\n```', gold);
  assert.equal(same.value, 1, same.explanation);
  assert.equal(same.events.filter((event) => event.type === 'evidence' && event.kind === 'sql-result').length, 2);
  assert.equal((await scoreOf(scorer, 'SELECT id FROM patients', gold)).value, 0);
  const broken = await scoreOf(scorer, 'SELECT nope FROM patients', gold);
  assert.equal(broken.value, 0);
  assert.match(broken.explanation ?? '', /no such column: nope/);
  // Expected rows instead of a gold query; cells are rounded to 4 decimals as EHRSQL does.
  assert.equal((await scoreOf(scorer, 'SELECT weight FROM patients WHERE id = 1', [[80.1234]])).value, 1);
  const firstColumn = sqlResultScorer({ database: file, compare: 'first-column-set' });
  assert.equal((await scoreOf(firstColumn, 'SELECT ward, id FROM patients WHERE age < 80', gold)).value, 1);
  assert.equal((await scoreOf(scorer, 'SELECT ward, id FROM patients WHERE age < 80', gold)).value, 0);
  // A reference query that fails is the task's bug: the unit errors instead of scoring 0.
  await assert.rejects(scoreOf(scorer, 'SELECT 1', 'SELECT * FROM nowhere'), /reference query failed: no such table/);
  // The database is opened read-only: a write is refused, not applied.
  const write = await scoreOf(scorer, 'DELETE FROM patients', gold);
  assert.equal(write.value, 0);
  assert.equal(extractSql('Here:\n```\nSELECT 1\n```\nand\n```sql\nSELECT 2;\n```'), 'SELECT 2');
});
