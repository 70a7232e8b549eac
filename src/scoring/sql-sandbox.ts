// Runs untrusted SQL (agent queries, user task files, RL rewards) against one SQLite file with a hard
// timeout, a memory ceiling and result caps, and without touching any other file. Guarantees
// (src/scoring/README.md): the statement check of sql-guard.ts runs first; the executor is a child
// process holding a read-only, query_only connection with temp_store = MEMORY (no temp files) and
// trusted_schema = OFF; it runs only statements SQLite reports read-only (sqlite3_stmt_readonly),
// never `.run()`s anything, and checks after each query that no database was attached and query_only is
// still on (else it exits and is replaced). better-sqlite3 is synchronous, and a query stuck inside
// sqlite3_step cannot be stopped from a worker thread (Worker.terminate only acts when the thread
// returns to JavaScript: measured, a recursive CTE kept the thread and the process alive); a child
// process past its timeout or its memory ceiling is SIGKILLed and a fresh one started, and an executor whose parent
// dies (even by SIGKILL) ends itself within ~0.2 s. The rows kept
// are capped in number and in bytes inside the child, so a 300 MB result never reaches this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sqlRefusal } from './sql-guard.js';
import type { SqlCell } from './sql-result.js';

export type SqlOutcome =
  | {
      ok: true;
      columns: string[];
      rows: SqlCell[][];
      /** Rows the query produced (counted up to `cap`). */
      total: number;
      /** Reading stopped at `cap` rows: `total` is a lower bound. */
      truncated: boolean;
      /** Fewer than `keep` rows came back because the next one would have passed `maxBytes`. */
      bytesCapped: boolean;
      /** Size of the rows kept (strings as UTF-8, blobs as bytes, numbers as 8). */
      bytes: number;
      durationMs: number;
    }
  | {
      ok: false;
      error: string;
      timedOut: boolean;
      /** The statement check refused it; SQLite never saw it. */
      refused?: boolean;
      durationMs: number;
    };

export interface ExecuteOptions {
  timeoutMs: number;
  /** Rows to send back (the rest are only counted). */
  keep: number;
  /** Stop reading after this many rows (time and memory bound; default 1,000,000). */
  cap?: number;
  /** Bytes of rows to send back (default: the runner's `maxResultBytes`). */
  maxBytes?: number;
  /** Values bound to `?` parameters. */
  params?: (string | number | bigint | null)[];
}

export interface SandboxLimits {
  /** Default byte cap on the rows a query sends back (16 MiB). */
  maxResultBytes?: number;
  /** Resident memory an executor may reach while a query runs before it is killed (1 GiB; Linux /proc only). */
  maxMemoryBytes?: number;
}

export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_MEMORY_BYTES = 1024 * 1024 * 1024;

// Plain JavaScript: the child is a bare `node -e`, with no TypeScript loader.
const CHILD_SOURCE = `
const Database = require(process.argv[1]);
try { require('fs').writeFileSync('/proc/self/oom_score_adj', '1000'); } catch {} // the kernel kills this process first
// Never outlive the parent (killed with SIGKILL, its exit handler never runs): the channel closing ends an idle
// executor; a query stuck in sqlite3_step never returns to JavaScript, so a worker thread watches the parent's pid
// (reparented once it dies) and kills the whole process from beside the blocked main thread.
process.on('disconnect', () => process.exit(0));
new (require('worker_threads').Worker)(
  'const p = ' + Number(process.argv[3]) + '; setInterval(() => { if (process.ppid !== p) process.kill(process.pid, "SIGKILL"); }, 200);',
  { eval: true },
).unref();
const db = new Database(process.argv[2], { readonly: true, fileMustExist: true });
db.pragma('query_only = ON');
db.pragma('foreign_keys = OFF'); // as Python's sqlite3 (upstream): a DELETE fails as a write, not on key checks
db.pragma('trusted_schema = OFF');
db.pragma('temp_store = MEMORY');
// The temp schema appears once a statement compiles against it; with temp_store = MEMORY it has no file.
// The two checks run after every query; prepared once (a prepare per check was two SQL compiles per tool call).
const databaseCount = db.prepare("SELECT COUNT(*) AS n FROM pragma_database_list WHERE name <> 'temp' OR file <> ''");
const queryOnly = db.prepare('PRAGMA query_only').pluck();
const databases = () => databaseCount.get().n;
const baseline = databases();
const size = (cell) =>
  typeof cell === 'string' ? Buffer.byteLength(cell) : cell instanceof Uint8Array ? cell.length : cell === null ? 1 : 8;
process.on('message', (request) => {
  const { id, query, keep, cap, maxBytes, params } = request;
  let reply;
  try {
    const statement = db.prepare(query);
    // Writes are refused before they run: SQLite's own message, as upstream's immutable connection gives.
    if (!statement.readonly) throw new Error('attempt to write a readonly database');
    const columns = statement.reader ? statement.columns().map((column) => column.name) : [];
    const rows = [];
    let total = 0, bytes = 0, truncated = false, bytesCapped = false;
    if (statement.reader) {
      statement.safeIntegers(true).raw(true);
      for (const row of statement.iterate(...(params || []))) {
        total++;
        if (rows.length < keep && !bytesCapped) {
          let rowBytes = 0;
          for (const cell of row) rowBytes += size(cell);
          if (bytes + rowBytes > maxBytes) bytesCapped = true;
          else { rows.push(row); bytes += rowBytes; }
        }
        if (total >= cap) { truncated = true; break; }
      }
    }
    if (bytesCapped && rows.length === 0) throw new Error('the result is too large: row 1 alone is over the ' + maxBytes + '-byte result cap');
    reply = { id, columns, rows, total, truncated, bytesCapped, bytes };
  } catch (error) {
    reply = { id, error: String(error && error.message ? error.message : error) };
  }
  // Belt and braces behind the statement check: nothing attached, query_only still on.
  if (databases() !== baseline || queryOnly.get() !== 1)
    process.send({ id, fatal: true, error: 'refused by the SQL sandbox: the connection changed (a database attached or query_only off); executor replaced' }, () => process.exit(70));
  else process.send(reply);
});
process.send({ ready: true });
`;

const require = createRequire(import.meta.url);
const BETTER_SQLITE3 = require.resolve('better-sqlite3');
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

interface Executor {
  child: ChildProcess;
  ready: Promise<void>;
}

/** A pool of query processes for one database file. */
export class SqlRunner {
  private idle: Executor[] = [];
  private busy = 0;
  private waiting: ((executor: Executor) => void)[] = [];
  private nextId = 0;
  private closed = false;
  /** How many executors were killed at a timeout or at the memory ceiling (for logs and tests). */
  killed = 0;
  readonly limits: Required<SandboxLimits>;

  constructor(
    readonly dbPath: string,
    readonly size = 2,
    limits: SandboxLimits = {},
  ) {
    this.limits = {
      maxResultBytes: limits.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
      maxMemoryBytes: limits.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES,
    };
  }

  private spawnExecutor(): Executor {
    const child = spawn(process.execPath, ['-e', CHILD_SOURCE, BETTER_SQLITE3, this.dbPath, String(process.pid)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced', // bigint (INTEGER cells) survives the trip
      env: {}, // nothing of this process's environment (API keys) is in the executor
    });
    live.add(child);
    child.on('error', () => undefined); // a send to a killed child reports here; the exit handler settles the query
    child.once('exit', () => live.delete(child));
    child.unref();
    (child as unknown as { channel?: { unref(): void } }).channel?.unref();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr = (stderr + String(chunk)).slice(-4000)));
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (message?.ready) {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) =>
        reject(new Error(`SQL executor exited (${code}) before it was ready: ${stderr.trim()}`)),
      );
    });
    ready.catch(() => undefined);
    return { child, ready };
  }

  private acquire(): Promise<Executor> {
    if (this.closed) return Promise.reject(new Error('SqlRunner is closed'));
    const executor = this.idle.pop();
    if (executor) {
      this.busy++;
      return Promise.resolve(executor);
    }
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve(this.spawnExecutor());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(executor: Executor | undefined): void {
    const next = this.waiting.shift();
    if (next) {
      next(executor ?? this.spawnExecutor());
      return;
    }
    this.busy--;
    if (executor && !this.closed) this.idle.push(executor);
    else executor?.child.kill('SIGKILL');
  }

  async execute(query: string, options: ExecuteOptions): Promise<SqlOutcome> {
    const started = Date.now();
    const refusal = sqlRefusal(query);
    if (refusal !== undefined) return { ok: false, error: refusal, timedOut: false, refused: true, durationMs: 0 };
    const executor = await this.acquire();
    const id = ++this.nextId;
    return new Promise<SqlOutcome>((resolve) => {
      let settled = false;
      const fail = (error: string, keep: boolean, timedOut = false) =>
        finish({ ok: false, error, timedOut, durationMs: Date.now() - started }, keep);
      const finish = (outcome: SqlOutcome, keep: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(guard);
        clearInterval(watchdog);
        executor.child.off('message', onMessage);
        executor.child.off('exit', onExit);
        if (!keep) executor.child.kill('SIGKILL');
        this.release(keep ? executor : undefined);
        resolve(outcome);
      };
      const onMessage = (message: {
        id?: number;
        error?: string;
        columns?: string[];
        rows?: SqlCell[][];
        total?: number;
        truncated?: boolean;
        bytesCapped?: boolean;
        bytes?: number;
        fatal?: boolean;
      }) => {
        if (message.id !== id) return;
        // A peak between two polls still counts: the high-water mark is checked once more here.
        if (overMemory()) return;
        if (message.error !== undefined) return fail(message.error, message.fatal !== true);
        finish(
          {
            ok: true,
            columns: message.columns!,
            rows: message.rows!,
            total: message.total!,
            truncated: message.truncated!,
            bytesCapped: message.bytesCapped!,
            bytes: message.bytes!,
            durationMs: Date.now() - started,
          },
          true,
        );
      };
      const onExit = (code: number | null) => fail(`the query process exited (${code ?? 'signal'})`, false);
      const overMemory = (): boolean => {
        const peak = executor.child.pid === undefined ? undefined : peakResidentBytes(executor.child.pid);
        if (peak === undefined || peak <= this.limits.maxMemoryBytes) return false;
        this.killed++;
        fail(`the query used more than ${mebibytes(this.limits.maxMemoryBytes)} of memory and was stopped`, false);
        return true;
      };
      let timer: NodeJS.Timeout | undefined;
      let watchdog: NodeJS.Timeout | undefined;
      // Keeps the event loop alive (the child is unref'd) and bounds a start that never completes.
      const guard = setTimeout(() => fail('the SQL executor did not start in 30 s', false), 30_000);
      executor.child.on('message', onMessage);
      executor.child.once('exit', onExit);
      // The clock starts once the executor is ready: a cold start is not the query's time.
      executor.ready.then(
        () => {
          clearTimeout(guard);
          if (settled) return;
          timer = setTimeout(() => {
            this.killed++;
            fail('timeout', false, true);
          }, options.timeoutMs);
          watchdog = setInterval(overMemory, 100);
          executor.child.send({
            id,
            query,
            keep: options.keep,
            cap: options.cap ?? 1_000_000,
            maxBytes: options.maxBytes ?? this.limits.maxResultBytes,
            params: options.params ?? [],
          });
        },
        (error: Error) => fail(error.message, false),
      );
    });
  }

  close(): void {
    this.closed = true;
    for (const executor of this.idle) executor.child.kill('SIGKILL');
    this.idle = [];
  }
}

/**
 * Peak resident set size of a process (VmHWM from /proc, Linux; undefined elsewhere). The peak, not the current
 * size: a query that allocates and frees between two polls is still caught. An executor over the ceiling is
 * killed, so the next query starts from a fresh process's peak.
 */
function peakResidentBytes(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function mebibytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

const shared = new Map<string, SqlRunner>();
/** One pool per database file for the whole process. */
export function sharedRunner(dbPath: string): SqlRunner {
  let runner = shared.get(dbPath);
  if (!runner) shared.set(dbPath, (runner = new SqlRunner(dbPath)));
  return runner;
}
