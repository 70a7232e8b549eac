import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleFormatError } from '../../src/core/index.js';
import { ensureDatabase, openReadOnly } from '../../src/benchmarks/ehr-chatqa/db.js';
import { ensureTaskFiles, readTaskFile, validateTasks } from '../../src/benchmarks/ehr-chatqa/tasks.js';
import { CATEGORIES } from '../../src/benchmarks/ehr-chatqa/task-types.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'ehr-tasks-'));
test.after(() => rmSync(cacheDir, { recursive: true, force: true }));

for (const dbId of ['mimic_iv_star', 'eicu_star'] as const) {
  test(`${dbId}: enough tasks, every category, all valid`, () => {
    const paths = ensureTaskFiles(cacheDir, dbId);
    const incre = readTaskFile(paths.incre);
    const adapt = readTaskFile(paths.adapt);
    assert.ok(incre.length >= 140, `incre ${incre.length}`);
    assert.ok(adapt.length >= 40, `adapt ${adapt.length}`);
    const db = openReadOnly(ensureDatabase(cacheDir, dbId));
    assert.deepEqual(validateTasks(db, [...incre, ...adapt]), []);
    db.close();
    const seen = new Set([...incre, ...adapt].flatMap((task) => task.categories ?? []));
    for (const category of CATEGORIES) assert.ok(seen.has(category), `${dbId} lacks ${category}`);
    // Varied wording: many distinct opening turns.
    assert.ok(new Set(incre.map((task) => task.user_turns![0])).size > 100);
  });
}

test('validate catches a broken gold, a wrong answer and a non-deterministic fallback', () => {
  const db = openReadOnly(ensureDatabase(cacheDir, 'mimic_iv_star'));
  const base = { task_type: 'adapt' as const, db_id: 'mimic_iv_star' as const, instruction: 'x' };
  const problems = validateTasks(db, [
    { ...base, task_id: 'a', gold_sql: 'SELEC 1', gold_answer: [[1]] },
    { ...base, task_id: 'b', gold_sql: 'SELECT 2', gold_answer: [[1]] },
    { ...base, task_id: 'c', gold_sql: 'SELECT NULL', gold_answer: [[null]] },
    {
      ...base,
      task_id: 'd',
      gold_sql: 'SELECT 1',
      gold_answer: [[1]],
      fallback_check_sql: "SELECT COUNT(*) FROM medicationorders WHERE medicationname LIKE '%atorvastatin%'",
    },
  ]);
  db.close();
  assert.deepEqual(
    problems.map((p) => p.task),
    ['mimic_iv_star-adapt-a', 'mimic_iv_star-adapt-b', 'mimic_iv_star-adapt-c', 'mimic_iv_star-adapt-d'],
  );
  assert.match(problems[0]!.problem, /gold_sql fails: near "SELEC"/);
  assert.match(problems[1]!.problem, /differs/);
  assert.match(problems[2]!.problem, /NULL/);
  assert.match(problems[3]!.problem, /not deterministic/);
});

test('malformed task files give file, line, task id and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ehr-bad-'));
  const file = join(dir, 'eval_incre.jsonl');
  writeFileSync(
    file,
    '[\n {"task_id": "0", "task_type": "incre", "db_id": "mimic_iv_star", "instruction": "a", "gold_sql": "SELECT 1", "gold_answer": [[1]]},\n {"task_id": "7", "task_type": "incre", "db_id": "mimic_iv_star", "instruction": "a", "gold_answer": [[1]]}\n]',
  );
  assert.throws(
    () => readTaskFile(file),
    (error: unknown) => {
      assert.ok(SampleFormatError.isInstance(error));
      assert.match((error as Error).message, /eval_incre\.jsonl:3: task 7: gold_sql: /);
      return true;
    },
  );
  writeFileSync(file, '{"task_id": 1}');
  assert.throws(() => readTaskFile(file), /eval_incre\.jsonl:1: \(file\): expected a JSON array/);
  writeFileSync(file, '[{"task_id": "1"');
  assert.throws(() => readTaskFile(file), /not valid JSON/);
  writeFileSync(
    file,
    '[{"task_id": "1", "task_type": "incre", "db_id": "mimic_iv_star", "instruction": "a", "gold_sql": "x", "gold_answer": [[1]]}, {"task_id": "1", "task_type": "incre", "db_id": "mimic_iv_star", "instruction": "a", "gold_sql": "x", "gold_answer": [[1]]}]',
  );
  assert.throws(() => readTaskFile(file), /task 1: task_id: duplicate task id/);
  rmSync(dir, { recursive: true, force: true });
});

test('an upstream-style checkout (--arg upstreamDir) is read and validated', async () => {
  const { copyFileSync, mkdirSync } = await import('node:fs');
  const { validateAll } = await import('../../src/benchmarks/ehr-chatqa/cli.js');
  const { ehrChatqa } = await import('../../src/benchmarks/ehr-chatqa/index.js');
  const upstream = mkdtempSync(join(tmpdir(), 'ehr-upstream-'));
  const envDir = join(upstream, 'src', 'envs', 'eicu_star');
  mkdirSync(envDir, { recursive: true });
  copyFileSync(ensureDatabase(cacheDir, 'eicu_star'), join(envDir, 'eicu_star.sqlite'));
  const files = ensureTaskFiles(cacheDir, 'eicu_star');
  // Upstream items carry no medkit extras.
  const strip = (path: string) =>
    JSON.stringify(
      readTaskFile(path)
        .slice(0, 5)
        .map(({ task_id, task_type, db_id, instruction, gold_sql, gold_answer }) => ({
          task_id,
          task_type,
          db_id,
          instruction,
          gold_sql,
          gold_answer,
        })),
    );
  writeFileSync(join(envDir, 'eval_incre.jsonl'), strip(files.incre));
  writeFileSync(join(envDir, 'eval_adapt.jsonl'), strip(files.adapt));
  const report = validateAll({ database: 'eicu', upstreamDir: upstream, cacheDir });
  assert.deepEqual(report.counts, { 'eicu_star incre': 5, 'eicu_star adapt': 5 });
  assert.deepEqual(report.problems, []);
  const samples = [
    ...((await ehrChatqa.dataset({
      args: { database: 'eicu', upstreamDir: upstream },
      seed: 0,
      cacheDir,
    })) as Iterable<{ id: string; files?: Record<string, string> }>),
  ];
  assert.equal(samples.length, 10);
  assert.equal(samples[0]!.files!.database, join(envDir, 'eicu_star.sqlite'));
  rmSync(upstream, { recursive: true, force: true });
});

test('task files are the same in two fresh caches', async () => {
  const { readFileSync } = await import('node:fs');
  const other = mkdtempSync(join(tmpdir(), 'ehr-tasks-b-'));
  const a = ensureTaskFiles(cacheDir, 'eicu_star');
  const b = ensureTaskFiles(other, 'eicu_star');
  assert.equal(readFileSync(a.incre, 'utf8'), readFileSync(b.incre, 'utf8'));
  assert.equal(readFileSync(a.adapt, 'utf8'), readFileSync(b.adapt, 'utf8'));
  rmSync(other, { recursive: true, force: true });
});
