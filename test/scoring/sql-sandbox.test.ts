// Issue 11, item 4: model-written SQL must not read or write any file but the task database, nor
// exhaust the run. 38 escape and 5 exhaustion attempts against the real sandbox (child processes,
// better-sqlite3), each followed by checks that no file appeared or changed and no path leaked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlRefusal, tokenizeSql } from '../../src/scoring/sql-guard.js';
import { SqlRunner, type SqlOutcome } from '../../src/scoring/sql-sandbox.js';

const work = mkdtempSync(join(tmpdir(), 'sql-sandbox-'));
const dbPath = join(work, 'task.sqlite');
const secretPath = join(work, 'secret.sqlite');
{
  const db = new Database(dbPath);
  db.exec(`CREATE TABLE notes (id INT PRIMARY KEY, text TEXT);
    INSERT INTO notes VALUES (1, 'vacuum assisted closure'), (2, 'please attach the report'), (3, 'pragma of care');`);
  db.close();
  const secret = new Database(secretPath);
  secret.exec("CREATE TABLE keys (value TEXT); INSERT INTO keys VALUES ('secret-value-42');");
  secret.close();
}
const runner = new SqlRunner(dbPath, 2);
const snapshot = () =>
  readdirSync(work)
    .sort()
    .map((name) => `${name}:${statSync(join(work, name)).size}:${statSync(join(work, name)).mtimeMs}`)
    .join('|');
const before = snapshot();
test.after(() => {
  runner.close();
  rmSync(work, { recursive: true, force: true });
});

const run = (query: string, timeoutMs = 30_000, keep = 100) => runner.execute(query, { timeoutMs, keep });
function assertContained(outcome: SqlOutcome, query: string) {
  const text = JSON.stringify(outcome, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
  assert.ok(!text.includes(work), `a path leaked: ${query}`);
  assert.ok(!text.includes('secret-value'), `the other database was read: ${query}`);
  assert.equal(snapshot(), before, `a file appeared or changed: ${query}`);
}

const ESCAPES: [string, RegExp][] = [
  [`ATTACH '${secretPath}' AS s`, /ATTACH statements are not allowed/],
  [`attach database '${secretPath}' as s`, /ATTACH statements are not allowed/],
  [`/* hi */ -- there\n ATTACH '${secretPath}' AS s`, /ATTACH statements are not allowed/],
  [`SELECT 1; ATTACH '${secretPath}' AS s`, /more than one statement/],
  [`SELECT 1 -- ;\n; ATTACH '${secretPath}' AS s`, /more than one statement/],
  ['DETACH main', /DETACH statements are not allowed/],
  [`VACUUM INTO '${join(work, 'copy.sqlite')}'`, /VACUUM statements are not allowed/],
  ['vacuum', /VACUUM statements are not allowed/],
  [`EXPLAIN VACUUM INTO '${join(work, 'copy2.sqlite')}'`, /VACUUM statements are not allowed/],
  [`EXPLAIN QUERY PLAN ATTACH '${secretPath}' AS s`, /ATTACH statements are not allowed/],
  ['SELECT file FROM pragma_database_list', /'pragma_database_list' is not allowed/],
  ["SELECT * FROM 'pragma_database_list'", /is not allowed/],
  ['SELECT * FROM "pragma_database_list"', /is not allowed/],
  ['SELECT * FROM [pragma_database_list]', /is not allowed/],
  ['SELECT * FROM `PRAGMA_DATABASE_LIST`', /is not allowed/],
  ['SELECT * FROM main.pragma_database_list', /is not allowed/],
  ['SELECT * FROM pragma_database_list ( )', /is not allowed/],
  ['SELECT * FROM pragma_/**/database_list', /is not allowed/],
  ['SELECT * FROM pragma_compile_options', /is not allowed/],
  ['PRAGMA database_list', /PRAGMA statements are not allowed/],
  [`PRAGMA temp_store_directory = '${work}'`, /PRAGMA statements are not allowed/],
  ['PRAGMA query_only = OFF', /PRAGMA statements are not allowed/],
  ['EXPLAIN PRAGMA query_only = 0', /PRAGMA statements are not allowed/],
  [`SELECT load_extension('${join(work, 'evil.so')}')`, /load_extension is not allowed/],
  [`SELECT "load_extension"('${join(work, 'evil')}')`, /load_extension is not allowed/],
  ["SELECT readfile('/etc/passwd')", /readfile is not allowed/],
  [`SELECT writefile('${join(work, 'w.txt')}', 'x')`, /writefile is not allowed/],
  ["SELECT fts3_tokenizer('simple', x'0000000000000000')", /fts3_tokenizer is not allowed/],
  ['SELECT * FROM sqlite_dbpage', /sqlite_dbpage is not allowed/],
  ["SELECT sqlite_log(1, 'x')", /sqlite_log is not allowed/],
  ['CREATE TEMP TABLE t AS SELECT 1', /attempt to write a readonly database/],
  ['CREATE VIRTUAL TABLE temp.f USING fts5(x)', /attempt to write a readonly database/],
  ['WITH x AS (SELECT 9, 9) INSERT INTO notes SELECT * FROM x', /attempt to write a readonly database/],
  ["REPLACE INTO notes VALUES (1, 'x')", /attempt to write a readonly database/],
  ['DELETE FROM notes', /attempt to write a readonly database/],
  ['ANALYZE', /attempt to write a readonly database/],
  ['BEGIN IMMEDIATE', /BEGIN statements are not allowed/],
  ['SAVEPOINT x; RELEASE x', /more than one statement|SAVEPOINT statements are not allowed/],
];

test(`${ESCAPES.length} escape attempts are refused, and nothing outside the database is touched`, async () => {
  assert.ok(ESCAPES.length >= 30);
  for (const [query, expected] of ESCAPES) {
    const outcome = await run(query);
    assert.equal(outcome.ok, false, query);
    if (!outcome.ok) assert.match(outcome.error, expected, query);
    assertContained(outcome, query);
  }
  // Ordinary text that merely mentions the words still runs.
  const fine = await run(
    "SELECT text FROM notes WHERE text LIKE '%vacuum%' OR text LIKE '%attach%' OR text = 'pragma of care'",
  );
  assert.ok(fine.ok && fine.rows.length === 3);
  const introspection = await run("SELECT name FROM pragma_table_info('notes')");
  assert.ok(introspection.ok);
  assert.deepEqual(introspection.rows, [['id'], ['text']]);
});

test('exhaustion: a 300 MB blob, a 300 MB result, a runaway query and a memory hog leave the run standing', async () => {
  // Generous timeouts: on a loaded machine materialising 300 MB takes seconds; the caps are what is tested.
  const blob = await run('SELECT zeroblob(300000000)', 120_000);
  assert.ok(
    !blob.ok && /too large: row 1 alone is over the 16777216-byte result cap/.test(blob.error),
    JSON.stringify(blob),
  );
  // 300,000 rows of 1 kB: the rows kept stop at the byte cap; the rest are only counted.
  const big = await run(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000) SELECT printf('%1000c', 'x') FROM c",
    120_000,
    300_000,
  );
  assert.ok(big.ok);
  if (big.ok) {
    assert.equal(big.total, 300_000);
    assert.equal(big.bytesCapped, true);
    assert.ok(big.bytes <= 16 * 1024 * 1024 && big.rows.length === Math.floor((16 * 1024 * 1024) / 1000));
  }
  const started = Date.now();
  const runaway = await run(
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c',
    400,
  );
  assert.ok(!runaway.ok && runaway.timedOut);
  assert.ok(Date.now() - started < 10_000);
  const cartesian = await run(
    'SELECT COUNT(*) FROM notes a, notes b, notes c, notes d, notes e, notes f, notes g, notes h, notes i, notes j, notes k, notes l, notes m, notes n, notes o, notes p, notes q, notes r, notes s, notes t, notes u',
    400,
  );
  assert.ok(!cartesian.ok && cartesian.timedOut);
  // The memory ceiling: an executor past it is killed (Linux /proc), whatever the query does.
  if (process.platform === 'linux') {
    const small = new SqlRunner(dbPath, 1, { maxMemoryBytes: 200 * 1024 * 1024 });
    try {
      const hog = await small.execute('SELECT length(randomblob(500000000))', { timeoutMs: 120_000, keep: 1 });
      assert.ok(!hog.ok && /used more than 200 MiB of memory/.test(hog.error), JSON.stringify(hog));
      assert.equal(small.killed, 1);
      const after = await small.execute('SELECT COUNT(*) FROM notes', { timeoutMs: 60_000, keep: 1 });
      assert.ok(after.ok && after.rows[0]![0] === 3n);
    } finally {
      small.close();
    }
  }
  const after = await run('SELECT COUNT(*) FROM notes', 60_000);
  assert.ok(after.ok && after.rows[0]![0] === 3n);
  assert.equal(snapshot(), before);
});

test('bound parameters, the row cap and SQLite errors come back as before', async () => {
  const found = await runner.execute('SELECT id FROM notes WHERE text LIKE ? ORDER BY id', {
    timeoutMs: 5000,
    keep: 10,
    params: ['%a%'],
  });
  assert.ok(found.ok && found.rows.length === 3 && !found.bytesCapped);
  const capped = await runner.execute(
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c',
    {
      timeoutMs: 5000,
      keep: 2,
      cap: 50,
    },
  );
  assert.ok(capped.ok && capped.truncated && capped.total === 50 && capped.rows.length === 2);
  const syntax = await run('SELEC 1');
  assert.ok(!syntax.ok && syntax.error === 'near "SELEC": syntax error');
  const missing = await run('SELECT nope FROM notes');
  assert.ok(!missing.ok && missing.error === 'no such column: nope');
});

test("the statement check reads SQL with SQLite's tokenizer rules", () => {
  assert.deepEqual(
    tokenizeSql(`SELECT "a""b", [c d], 'it''s', x'00', :p -- ATTACH\n/* VACUUM */ 1.5e3`).map((t) => [t.kind, t.text]),
    [
      ['word', 'select'],
      ['quoted', 'a"b'],
      ['punct', ','],
      ['quoted', 'c d'],
      ['punct', ','],
      ['string', "it's"],
      ['punct', ','],
      ['blob', '00'],
      ['punct', ','],
      ['param', ':p'],
      ['word', '1.5e3'],
    ],
  );
  assert.equal(sqlRefusal('  -- just a comment'), undefined); // SQLite answers "contains no statements"
  assert.equal(sqlRefusal("SELECT 'PRAGMA x; ATTACH y'"), undefined);
  assert.equal(sqlRefusal('SELECT 1;;'), undefined);
  assert.match(sqlRefusal("SELECT * FROM 'Pragma_Database_List'")!, /not allowed/);
  assert.match(sqlRefusal('SELECT 1pragma_database_list')!, /not allowed/);
});

test('the SQLite build has no function or module that reaches files beyond those refused', () => {
  // Pinned: a better-sqlite3 upgrade that changes these lists must be reviewed for file access.
  const db = new Database(':memory:');
  const functions = [
    ...new Set((db.prepare('SELECT name FROM pragma_function_list').all() as { name: string }[]).map((r) => r.name)),
  ].sort();
  const modules = (db.prepare('SELECT name FROM pragma_module_list').all() as { name: string }[])
    .map((r) => r.name)
    .filter((name) => !name.startsWith('pragma_'))
    .sort();
  assert.throws(() => db.prepare("SELECT load_extension('x')").get(), /not authorized/);
  db.close();
  assert.deepEqual(modules, [
    'dbstat',
    'fts3',
    'fts3tokenize',
    'fts4',
    'fts4aux',
    'fts5',
    'fts5vocab',
    'geopoly',
    'rtree',
    'rtree_i32',
  ]);
  assert.equal(functions.length, 173);
  for (const name of ['readfile', 'writefile', 'edit', 'fsdir', 'zipfile', 'lsmode', 'sqlar_compress'])
    assert.ok(!functions.includes(name), name);
  const reaching = functions.filter((name) => ['load_extension', 'fts3_tokenizer', 'sqlite_log'].includes(name));
  assert.deepEqual(reaching, ['fts3_tokenizer', 'load_extension', 'sqlite_log']); // all three refused above
});
