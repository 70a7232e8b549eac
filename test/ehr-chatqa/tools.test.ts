import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDatabase, openReadOnly } from '../../src/benchmarks/ehr-chatqa/db.js';
import { SIMILARITY_COLUMNS } from '../../src/benchmarks/ehr-chatqa/schema.js';
import { EhrTools } from '../../src/benchmarks/ehr-chatqa/tools.js';
import { ValueIndex } from '../../src/benchmarks/ehr-chatqa/value-index.js';
import { SqlRunner } from '../../src/scoring/sql-sandbox.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'ehr-tools-'));
const dbPath = ensureDatabase(cacheDir, 'mimic_iv_star');
const index = await new ValueIndex().build(openReadOnly(dbPath), SIMILARITY_COLUMNS.mimic_iv_star);
const runner = new SqlRunner(dbPath, 1);
const tools = new EhrTools({ dbPath, valueIndex: index, runner });
test.after(() => {
  runner.close();
  tools.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

test('table_search lists the 17 tables alphabetically', () => {
  const names = tools.tableSearch().split(', ');
  assert.equal(names.length, 17);
  assert.deepEqual(names, [...names].sort());
});

test('column_search rebuilds CREATE TABLE with upstream quirks and 3 sample rows', () => {
  const text = tools.columnSearch('labresults');
  assert.match(text, /^CREATE TABLE labresults \(\n\trecordid INTEGER NOT NULL, \n/);
  assert.match(text, /resultvalue DOUBLE PRECISION, \n/);
  assert.match(text, /FOREIGN KEY\(itemcode\) REFERENCES labtesttypes \(itemcode\)/);
  assert.match(text, /\/\*\n3 rows from labresults table:\nrecordid\tpatientid\t/);
  assert.equal(tools.columnSearch('nope'), "Error: table_names {'nope'} not found in database");
  assert.equal(tools.columnSearch('demographics, labresults').split('\n\n\nCREATE TABLE').length, 2);
});

test('value searches return the upstream sentences and validate names', async () => {
  assert.equal(
    tools.valueSubstringSearch('labtesttypes', 'itemname', 'HEMO'),
    "Values in labtesttypes.itemname containing 'HEMO': ['hemoglobin', 'hemoglobin c', 'hemoglobin a2'].",
  );
  assert.equal(
    tools.valueSubstringSearch('labtesttypes', 'itemname', 'lipitor'),
    "No values in labtesttypes.itemname contain 'lipitor'.",
  );
  assert.equal(
    tools.valueSubstringSearch('labtesttypes; drop table x', 'itemname', 'a'),
    'Error retrieving matching values: no such table: labtesttypes; drop table x',
  );
  assert.match(
    tools.valueSubstringSearch('labtesttypes', 'itemname"--', 'a'),
    /^Error retrieving matching values: no such column/,
  );
  const similar = await tools.valueSimilaritySearch('medicationorders', 'medicationname', 'Isosorbide', 2);
  assert.equal(
    similar,
    "I found close matches in medicationorders.medicationname: ['isosorbide dinitrate', 'isosorbide mononitrate (extended release)'].",
  );
  assert.equal(
    await tools.valueSimilaritySearch('medicationorders', 'medicationname', 'isosorbide dinitrate', 1),
    "I found one close match in medicationorders.medicationname: 'isosorbide dinitrate'.",
  );
  assert.equal(
    await tools.valueSimilaritySearch('demographics', 'gender', 'f', 5),
    "No matches found in demographics.gender for 'f'.",
  );
});

test('sql_execute renders Python tuples, the truncation note and errors', async () => {
  assert.equal(await tools.sqlExecute("SELECT 3, 3.0, 'a', NULL, 1e-5", 100), "[(3, 3.0, 'a', None, 1e-05)]");
  assert.equal(await tools.sqlExecute('SELECT 1 WHERE 0'), '[]');
  assert.equal(await tools.sqlExecute("SELECT 'x'"), "[('x',)]");
  const many = await tools.sqlExecute('SELECT patientid FROM demographics ORDER BY patientid', 2);
  assert.match(
    many,
    /^\[\(\d+,\), \(\d+,\)\]\n\nNote: There are 118 results not shown \(out of 120 total results\)\.$/,
  );
  assert.equal(await tools.sqlExecute('SELEC 1'), 'Error: near "SELEC": syntax error');
  assert.equal(await tools.sqlExecute('SELECT nope FROM demographics'), 'Error: no such column: nope');
});

test('writes are rejected by the read-only connection', async () => {
  for (const sql of [
    'DELETE FROM demographics',
    "INSERT INTO demographics VALUES (1, 1, 'f', 'x', NULL)",
    'DROP TABLE demographics',
    'ALTER TABLE demographics ADD COLUMN x INT',
    'CREATE TABLE x (a)',
  ]) {
    assert.equal(await tools.sqlExecute(sql), 'Error: attempt to write a readonly database', sql);
  }
  assert.equal(await tools.sqlExecute('SELECT COUNT(*) FROM demographics'), '[(120,)]');
});

test('a runaway query is killed at the timeout and the next query runs', async () => {
  const started = Date.now();
  const text = await tools.sqlExecute(
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c',
    100,
    0.5,
  );
  assert.equal(text, 'Error: Query execution timed out after 0.5 seconds');
  assert.ok(Date.now() - started < 5000);
  assert.equal(runner.killed, 1);
  assert.equal(await tools.sqlExecute('SELECT 1'), '[(1,)]');
});

test('bad tool calls come back as error text', async () => {
  const outcome = await tools.call('sql_execute', { qury: 'SELECT 1' });
  assert.match(outcome.result, /^Error: invalid arguments for sql_execute: query/);
  assert.ok(outcome.error);
  assert.match((await tools.call('drop_everything', {})).result, /^Error: unknown tool 'drop_everything'/);
  assert.equal(
    (await tools.call('web_search', { query: 'what is lipitor' })).result,
    '["Lipitor is the brand name of atorvastatin, a statin (HMG-CoA reductase inhibitor)."]',
  );
});
