import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { ensureDatabases, openReadOnly, tableCounts } from '../../src/benchmarks/ehr-chatqa/db.js';
import { generateMimic } from '../../src/benchmarks/ehr-chatqa/gen-mimic.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'ehr-db-'));
const started = Date.now();
const paths = ensureDatabases(cacheDir);
const elapsed = Date.now() - started;
test.after(() => rmSync(cacheDir, { recursive: true, force: true }));

test('both databases are generated quickly with the documented tables', () => {
  assert.ok(elapsed < 60_000, `generation took ${elapsed} ms`);
  const mimic = openReadOnly(paths.mimic_iv_star);
  const eicu = openReadOnly(paths.eicu_star);
  assert.equal(Object.keys(tableCounts(mimic)).length, 17);
  assert.equal(Object.keys(tableCounts(eicu)).length, 11);
  for (const [table, n] of Object.entries({ ...tableCounts(mimic), ...tableCounts(eicu) }))
    assert.ok(n > 0, `${table} is empty`);
  mimic.close();
  eicu.close();
});

test('MIMIC content follows the conventions', () => {
  const db = openReadOnly(paths.mimic_iv_star);
  const one = (sql: string) => Object.values(db.prepare(sql).get() as object)[0];
  assert.ok((one('SELECT COUNT(DISTINCT patientid) FROM demographics') as number) >= 100);
  const current = one(
    'SELECT COUNT(DISTINCT patientid) FROM hospitaladmissions WHERE dischargedatetime IS NULL',
  ) as number;
  assert.ok(current >= 8 && current <= 16, `still admitted: ${current}`);
  assert.ok((one('SELECT MAX(admitdatetime) FROM hospitaladmissions') as string) <= '2100-12-31 23:59:00');
  assert.equal(one('SELECT COUNT(DISTINCT codeversion) FROM admissiondiagnoses'), 2);
  assert.equal(
    one("SELECT COUNT(*) FROM medicationorders WHERE medicationname LIKE '%lipitor%' OR medicationname LIKE '%lasix%'"),
    0,
  );
  assert.ok((one("SELECT COUNT(*) FROM medicationorders WHERE medicationname = 'atorvastatin'") as number) > 0);
  assert.equal(one("SELECT COUNT(*) FROM labtesttypes WHERE itemname = 'chloride'"), 2);
  assert.equal(
    one(
      "SELECT COUNT(*) FROM labtesttypes WHERE itemname LIKE '%troponin i%' OR itemname LIKE '%bnp%' AND itemname <> 'ntprobnp'",
    ),
    0,
  );
  assert.deepEqual(
    (db.prepare('SELECT DISTINCT eventtype FROM costrecords ORDER BY 1').all() as { eventtype: string }[]).map(
      (r) => r.eventtype,
    ),
    ['admissiondiagnoses', 'admissionprocedures', 'labresults', 'medicationorders'],
  );
  // Cost rows point at real events.
  assert.equal(
    one(
      "SELECT COUNT(*) FROM costrecords c LEFT JOIN labresults l ON c.costid = l.recordid WHERE c.eventtype = 'labresults' AND l.recordid IS NULL",
    ),
    0,
  );
  assert.equal(
    one('SELECT COUNT(*) FROM diagnosiscodes WHERE description <> lower(description) OR icdcode <> lower(icdcode)'),
    0,
  );
  db.close();
});

test('eICU content follows the conventions', () => {
  const db = openReadOnly(paths.eicu_star);
  const one = (sql: string) => Object.values(db.prepare(sql).get() as object)[0];
  assert.ok((one('SELECT COUNT(DISTINCT patient_id) FROM icupatient') as number) >= 100);
  assert.match(one('SELECT patient_id FROM icupatient LIMIT 1') as string, /^\d{3}-\d{6}$/);
  const current = one(
    'SELECT COUNT(DISTINCT patient_id) FROM icupatient WHERE hospital_discharge_time IS NULL',
  ) as number;
  assert.ok(current >= 8 && current <= 16, `still in hospital: ${current}`);
  assert.equal(one("SELECT COUNT(DISTINCT condition_name) FROM condition WHERE condition_name LIKE '%ards%'"), 4);
  assert.deepEqual(
    (db.prepare('SELECT DISTINCT event_type FROM cost ORDER BY 1').all() as { event_type: string }[]).map(
      (r) => r.event_type,
    ),
    ['condition', 'lab', 'prescription', 'treatment'],
  );
  db.close();
});

test('the generator is deterministic', () => {
  const a = new Database(':memory:');
  const b = new Database(':memory:');
  generateMimic(a, 7);
  generateMimic(b, 7);
  const dump = (db: Database.Database) =>
    createHash('sha256')
      .update(JSON.stringify(db.prepare('SELECT * FROM labresults ORDER BY recordid').all()))
      .digest('hex');
  assert.equal(dump(a), dump(b));
  assert.ok(readFileSync(paths.mimic_iv_star).length > 100_000);
});
