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

test('column_search on the synthetic schema: upstream separators, keys and types', () => {
  const text = tools.columnSearch('labresults');
  assert.ok(
    text.startsWith(
      'CREATE TABLE labresults (\n\trecordid INTEGER NOT NULL,\n\tpatientid INTEGER NOT NULL,\n\tadmissionid INTEGER NOT NULL,\n\titemcode INTEGER NOT NULL,\n\tresultdatetime TEXT,\n\tresultvalue DOUBLE PRECISION,\n\tresultunit TEXT,\n\tPRIMARY KEY (recordid),\n\tFOREIGN KEY (itemcode) REFERENCES labtesttypes (itemcode),\n\tFOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid)\n)\n/*\n3 rows from labresults table:\nrecordid\tpatientid\t',
    ),
    text.slice(0, 600),
  );
  assert.doesNotMatch(text, /FOREIGN KEY\(|, \n|\)\n\n\/\*/);
  // The four foreign keys of costrecords.costid, one line each; a composite key gives one line per column.
  const costs = tools.columnSearch('costrecords');
  for (const table of ['admissiondiagnoses', 'admissionprocedures', 'labresults', 'medicationorders'])
    assert.ok(costs.includes(`\n\tFOREIGN KEY (costid) REFERENCES ${table} (recordid)`), table);
  const diagnoses = tools.columnSearch('admissiondiagnoses');
  assert.ok(diagnoses.includes('\n\tFOREIGN KEY (codeversion) REFERENCES diagnosiscodes (codeversion),'));
  assert.ok(diagnoses.includes('\n\tFOREIGN KEY (icdcode) REFERENCES diagnosiscodes (icdcode),'));
  // Unknown names get their own error block; the others still render; names are stripped and case-insensitive.
  assert.equal(tools.columnSearch('nope'), "Error: table_names {'nope'} not found in database");
  const mixed = tools.columnSearch(' Demographics ,nope,').split('\n\n\n');
  assert.equal(mixed.length, 3);
  assert.ok(mixed[0]!.startsWith('CREATE TABLE Demographics (\n\trecordid INTEGER NOT NULL,'));
  assert.deepEqual(mixed.slice(1), [
    "Error: table_names {'nope'} not found in database",
    "Error: table_names {''} not found in database",
  ]);
});

test('column_search is byte-identical to upstream on a schema with every quirk', async () => {
  // Expected text produced by upstream's column_search.py logic (sqlite3, same PRAGMAs) on this file.
  const Database = (await import('better-sqlite3')).default;
  const path = join(cacheDir, 'quirks.sqlite');
  const db = new Database(path);
  db.pragma('foreign_keys = OFF');
  db.exec(`
    CREATE TABLE parent (a INTEGER, b BIGINT NOT NULL, c TEXT, PRIMARY KEY (b, a), UNIQUE (c, a));
    CREATE TABLE child (id INT PRIMARY KEY, pa, pb BIGINT, at TIMESTAMP(0) NOT NULL, amount DOUBLE PRECISION,
      blob_col BLOB, note varchar(10) UNIQUE, FOREIGN KEY (pb, pa) REFERENCES parent (b, a), FOREIGN KEY (id) REFERENCES other);
    CREATE TABLE other (id INT PRIMARY KEY);
    CREATE TABLE empty (x timestamp with time zone);`);
  const insert = db.prepare('INSERT INTO child VALUES (?, ?, ?, ?, ?, ?, ?)');
  insert.run(1, 2n, 3, '2100-01-01 00:00:00', 1.5, Buffer.from([0, 255, 39]), "it's");
  insert.run(2, null, 30000000000, '2100-01-02', 3.0, null, 'tab\there');
  insert.run(3, 'x', -1, 't', 1e-5, Buffer.alloc(0), 'é\u2028');
  insert.run(4, 4n, 4, 't', 1e16, null, null); // bigint: an INTEGER where the column has no affinity
  db.close();
  const quirks = new EhrTools({
    dbPath: path,
    valueIndex: await new ValueIndex().build(openReadOnly(path), []),
    runner,
  });
  try {
    assert.equal(
      quirks.columnSearch('child, parent,empty'),
      "CREATE TABLE child (\n\tid INTEGER,\n\tpa,\n\tpb BIGINTEGER,\n\tat TIMESTAMP NOT NULL,\n\tamount DOUBLE PRECISION,\n\tblob_col BLOB,\n\tnote VARCHAR(10),\n\tPRIMARY KEY (id),\n\tFOREIGN KEY (id) REFERENCES other (None),\n\tFOREIGN KEY (pb) REFERENCES parent (b),\n\tFOREIGN KEY (pa) REFERENCES parent (a),\n\tUNIQUE (note)\n)\n/*\n3 rows from child table:\nid\tpa\tpb\tat\tamount\tblob_col\tnote\n1\t2\t3\t2100-01-01 00:00:00\t1.5\tb\"\\x00\\xff'\"\tit's\n2\tNone\t30000000000\t2100-01-02\t3.0\tNone\ttab\there\n3\tx\t-1\tt\t1e-05\tb''\té\u2028\n*/\n\n\nCREATE TABLE parent (\n\ta INTEGEREGER,\n\tb BIGINTEGER NOT NULL,\n\tc TEXT,\n\tPRIMARY KEY (a, b),\n\tUNIQUE (c)\n)\n/*\n3 rows from parent table:\na\tb\tc\n\n*/\n\n\nCREATE TABLE empty (\n\tx TIMESTAMP\n)\n/*\n3 rows from empty table:\nx\n\n*/",
    );
  } finally {
    quirks.close();
  }
});

test('value searches return the upstream sentences and validate names', async () => {
  assert.equal(
    await tools.valueSubstringSearch('labtesttypes', 'itemname', 'HEMO'),
    "Values in labtesttypes.itemname containing 'HEMO': ['hemoglobin', 'hemoglobin c', 'hemoglobin a2'].",
  );
  assert.equal(
    await tools.valueSubstringSearch('labtesttypes', 'itemname', 'lipitor'),
    "No values in labtesttypes.itemname contain 'lipitor'.",
  );
  assert.equal(
    await tools.valueSubstringSearch('labtesttypes; drop table x', 'itemname', 'a'),
    'Error retrieving matching values: no such table: labtesttypes; drop table x',
  );
  assert.match(
    await tools.valueSubstringSearch('labtesttypes', 'itemname"--', 'a'),
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
