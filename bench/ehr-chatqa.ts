// EHR-ChatQA bench: generation time, tool-call latency p50/p95 on the synthetic databases (goal
// < 5 ms p50 for the search tools), and whole-benchmark throughput with the baseline agent and the
// scripted user. References in the same run: the same SQL through better-sqlite3 on the main thread
// (no IPC, no formatting) and through python3's sqlite3 module when python3 is on the machine.
//   node --import tsx bench/ehr-chatqa.ts [--quick]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDatabase, openReadOnly } from '../src/benchmarks/ehr-chatqa/db.js';
import { ehrChatqa } from '../src/benchmarks/ehr-chatqa/index.js';
import { SIMILARITY_COLUMNS, type DbId } from '../src/benchmarks/ehr-chatqa/schema.js';
import { ensureTaskFiles } from '../src/benchmarks/ehr-chatqa/tasks.js';
import { EhrTools } from '../src/benchmarks/ehr-chatqa/tools.js';
import { ValueIndex } from '../src/benchmarks/ehr-chatqa/value-index.js';
import { SqlRunner } from '../src/scoring/sql-sandbox.js';
import { newTaskState } from '../src/core/solvers.js';
import type { Sample } from '../src/core/index.js';
import { createTestContext } from '../src/runner/context.js';
import { runEval } from '../src/eval.js';

const quick = process.argv.includes('--quick');
const N = quick ? 60 : 300;
const dir = mkdtempSync(join(tmpdir(), 'ehr-bench-'));

function percentiles(values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}
const ms = (x: number) => x.toFixed(3);

async function time(fn: () => unknown | Promise<unknown>, n = N): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return percentiles(samples);
}

const rows: string[][] = [];
let started = performance.now();
const dbPaths = { mimic_iv_star: ensureDatabase(dir, 'mimic_iv_star'), eicu_star: '' } as Record<DbId, string>;
const mimicMs = performance.now() - started;
started = performance.now();
dbPaths.eicu_star = ensureDatabase(dir, 'eicu_star');
const eicuMs = performance.now() - started;
started = performance.now();
ensureTaskFiles(dir, 'mimic_iv_star');
ensureTaskFiles(dir, 'eicu_star');
const taskMs = performance.now() - started;
console.log(
  `generation: mimic ${mimicMs.toFixed(0)} ms, eicu ${eicuMs.toFixed(0)} ms, tasks (both, golds computed) ${taskMs.toFixed(0)} ms`,
);

const python = spawnSync('python3', ['-c', 'import sqlite3; print(sqlite3.sqlite_version)'], { encoding: 'utf8' });
const hasPython = python.status === 0;

function pythonTiming(dbPath: string, sql: string, n: number): { p50: number; p95: number } | undefined {
  if (!hasPython) return undefined;
  const code = `import sqlite3, time, json, sys
c = sqlite3.connect('file:${dbPath}?mode=ro', uri=True)
q = sys.argv[1]
for _ in range(5): c.execute(q).fetchall()
t = []
for _ in range(${n}):
    s = time.perf_counter(); c.execute(q).fetchall(); t.append((time.perf_counter() - s) * 1000)
t.sort(); print(json.dumps([t[len(t)//2], t[min(len(t)-1, int(0.95*len(t)))]]))`;
  const out = spawnSync('python3', ['-c', code, sql], { encoding: 'utf8' });
  if (out.status !== 0) return undefined;
  const [p50, p95] = JSON.parse(out.stdout) as [number, number];
  return { p50, p95 };
}

for (const dbId of ['mimic_iv_star', 'eicu_star'] as DbId[]) {
  const db = openReadOnly(dbPaths[dbId]);
  const index = await new ValueIndex().build(db, SIMILARITY_COLUMNS[dbId]);
  const runner = new SqlRunner(dbPaths[dbId], 1);
  const tools = new EhrTools({ dbPath: dbPaths[dbId], valueIndex: index, runner });
  const [labTable, labColumn, drugTable, drugColumn] =
    dbId === 'mimic_iv_star'
      ? ['labtesttypes', 'itemname', 'medicationorders', 'medicationname']
      : ['lab', 'lab_name', 'prescription', 'drug_name'];
  const terms = ['hemo', 'creat', 'gluc', 'potass', 'wbc', 'sod', 'lact', 'trop'];
  let i = 0;
  const substringSql = `SELECT DISTINCT "${drugColumn}" FROM "${drugTable}" WHERE "${drugColumn}" LIKE ? COLLATE NOCASE LIMIT 100`;
  const direct = db.prepare(substringSql);
  const heavy =
    dbId === 'mimic_iv_star'
      ? 'SELECT labtesttypes.itemname, COUNT(*), AVG(labresults.resultvalue) FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode GROUP BY labtesttypes.itemname'
      : 'SELECT lab_name, COUNT(*), AVG(lab_result) FROM lab GROUP BY lab_name';
  const light = dbId === 'mimic_iv_star' ? 'SELECT COUNT(*) FROM demographics' : 'SELECT COUNT(*) FROM icupatient';
  const heavyDirect = db.prepare(heavy);
  const cases: [string, () => unknown, (() => unknown) | undefined, string | undefined][] = [
    ['table_search', () => tools.tableSearch(), undefined, undefined],
    ['column_search (1 table)', () => tools.columnSearch(drugTable), undefined, undefined],
    [
      'value_substring_search',
      () => tools.valueSubstringSearch(drugTable, drugColumn, terms[i++ % terms.length]!),
      () => direct.all(`%${terms[i++ % terms.length]}%`),
      undefined,
    ],
    [
      'value_similarity_search (n-gram)',
      () => tools.valueSimilaritySearch(labTable, labColumn, terms[i++ % terms.length]!),
      undefined,
      undefined,
    ],
    ['sql_execute (count)', () => tools.sqlExecute(light), () => db.prepare(light).all(), light],
    ['sql_execute (group by over labs)', () => tools.sqlExecute(heavy), () => heavyDirect.all(), heavy],
  ];
  for (const [name, fn, reference, sql] of cases) {
    const ours = await time(fn);
    const ref = reference ? await time(reference) : undefined;
    const py = sql ? pythonTiming(dbPaths[dbId], sql, N) : undefined;
    rows.push([
      dbId,
      name,
      `${ms(ours.p50)} / ${ms(ours.p95)}`,
      ref ? `${ms(ref.p50)} / ${ms(ref.p95)} (×${(ours.p50 / ref.p50).toFixed(1)})` : '—',
      py
        ? `${ms(py.p50)} / ${ms(py.p95)} (×${(ours.p50 / py.p50).toFixed(1)})`
        : hasPython
          ? '—'
          : 'skipped (no python3)',
    ]);
  }
  runner.close();
  tools.close();
  db.close();
}

console.log(
  '\n| db | tool | medkit p50 / p95 ms | better-sqlite3 in-process p50 / p95 ms (ratio) | python3 sqlite3 p50 / p95 ms (ratio) |',
);
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

// Whole benchmark: baseline agent + scripted user, every task once, in process (no runner).
const options = { args: { database: 'both' }, seed: 0, cacheDir: dir };
const samples = [...((await ehrChatqa.dataset(options)) as Sample[])];
const solver = ehrChatqa.solvers.baseline(options);
const scorer = ehrChatqa.scorers(options)[0]!;
started = performance.now();
let solved = 0;
let steps = 0;
for (const sample of samples) {
  const context = createTestContext();
  const state = await solver.solve(newTaskState(sample, 1), context);
  steps += Number(state.metadata.steps);
  solved += Number((await scorer.score(state, context)).value);
}
const wholeMs = performance.now() - started;
console.log(
  `\nwhole benchmark, in process: ${samples.length} episodes, ${steps} agent steps in ${(wholeMs / 1000).toFixed(1)} s = ${(samples.length / (wholeMs / 1000)).toFixed(1)} episodes/s; baseline SR ${((100 * solved) / samples.length).toFixed(1)}`,
);

started = performance.now();
const summary = await runEval({
  benchmark: 'ehr-chatqa',
  epochs: quick ? 1 : 5,
  concurrency: 4,
  cacheDir: dir,
  cache: false,
  progress: 'none',
  args: { database: 'both' },
});
const evalMs = performance.now() - started;
const metric = (name: string) => summary.metrics.reward!.find((m) => m.name === name);
const fmt = (name: string) => {
  const m = metric(name);
  return m
    ? `${(100 * m.value).toFixed(1)}${m.ci ? ` [${(100 * m.ci.lower).toFixed(1)}, ${(100 * m.ci.upper).toFixed(1)}]` : ''}`
    : 'n/a';
};
console.log(
  `runEval (baseline, scripted user, ${summary.epochs} epochs, concurrency 4): ${summary.counts.units} units in ${(evalMs / 1000).toFixed(1)} s = ${(summary.counts.units / (evalMs / 1000)).toFixed(1)} units/s, errors ${summary.counts.errors}`,
);
console.log(
  `SR ${fmt('mean')}; pass@${summary.epochs} ${fmt(`pass@${summary.epochs}`)}; pass^${summary.epochs} ${fmt(`pass^${summary.epochs}`)}`,
);
for (const [group, values] of Object.entries(summary.groups)) {
  console.log(
    `  ${group}: ${Object.entries(values)
      .map(([value, perKey]) => `${value} ${(100 * perKey.reward!.find((m) => m.name === 'mean')!.value).toFixed(1)}`)
      .join(', ')}`,
  );
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
