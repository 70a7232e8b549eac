// The SQL executor must not outlive its parent: a parent killed with SIGKILL (no exit handler runs) leaves its
// executors to a watchdog in each of them. Checked with an idle executor and with one stuck inside sqlite3_step
// on an endless recursive query (its main thread never returns to JavaScript). Linux only (/proc).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const work = mkdtempSync(join(tmpdir(), 'sql-orphan-'));
const dbPath = join(work, 'task.sqlite');
{
  const db = new Database(dbPath);
  db.exec('CREATE TABLE t (x INT); INSERT INTO t VALUES (1);');
  db.close();
}
after(() => rmSync(work, { recursive: true, force: true }));

/** State letter of a live process (from /proc/PID/stat), or undefined once it is gone. */
function state(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
  } catch {
    return undefined;
  }
}
const alive = (pid: number) => {
  const s = state(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
};
/** The SQL executors (node processes running better-sqlite3) whose parent is `parent`. */
function executorsOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      if (Number(fields[1]) !== parent) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('better-sqlite3')) out.push(Number(entry));
    } catch {}
  }
  return out;
}

const PARENT = (query: string) => `
  const { SqlRunner } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../src/scoring/sql-sandbox.ts')).href)});
  const runner = new SqlRunner(${JSON.stringify(dbPath)}, 1);
  const first = await runner.execute('SELECT x FROM t', { timeoutMs: 60000, keep: 10 });
  if (!first.ok) throw new Error(first.error);
  ${query ? `runner.execute(${JSON.stringify(query)}, { timeoutMs: 600000, keep: 10 });` : ''}
  process.stdout.write('ready\\n');
  setInterval(() => {}, 1000);
`;

async function orphanCase(query: string) {
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PARENT(query)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let executors: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      parent.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve());
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the long query is inside sqlite3_step by now
    executors = executorsOf(parent.pid!);
  } finally {
    parent.kill('SIGKILL');
  }
  assert.equal(executors.length, 1, 'one executor under the parent');
  const [executor] = executors as [number];
  try {
    const deadline = Date.now() + 5000;
    while (alive(executor) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!alive(executor), `executor ${executor} still running 5 s after its parent was killed`);
  } finally {
    if (alive(executor)) process.kill(executor, 'SIGKILL');
  }
}

const linux = existsSync('/proc/self/stat');
test('an idle executor exits when its parent is killed with SIGKILL', { skip: !linux && 'needs /proc' }, () =>
  orphanCase(''),
);
test(
  'an executor stuck in an endless query exits when its parent is killed with SIGKILL',
  { skip: !linux && 'needs /proc' },
  () => orphanCase('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c'),
);
