// Runs agent SQL off the main thread with a hard timeout. better-sqlite3 is synchronous, and a
// query stuck inside sqlite3_step cannot be stopped from a worker thread (Worker.terminate only
// acts when the thread returns to JavaScript: measured, a recursive CTE kept the thread and the
// process alive). So each executor is a small child process holding a read-only connection,
// fed over IPC; a query past its timeout gets the process SIGKILLed and a fresh one is started.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { SqlCell } from './sql-result.js';

export type SqlOutcome =
  | { ok: true; columns: string[]; rows: SqlCell[][]; total: number; truncated: boolean; durationMs: number }
  | { ok: false; error: string; timedOut: boolean; durationMs: number };

export interface ExecuteOptions {
  timeoutMs: number;
  /** Rows to send back (the rest are only counted). */
  keep: number;
  /** Stop reading after this many rows (memory bound). */
  cap?: number;
}

// Plain JavaScript: the child is a bare `node -e`, with no TypeScript loader.
const CHILD_SOURCE = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2], { readonly: true, fileMustExist: true });
db.pragma('query_only = ON');
process.on('message', (request) => {
  const { id, query, keep, cap } = request;
  try {
    const statement = db.prepare(query);
    if (!statement.reader) {
      statement.run();
      process.send({ id, columns: [], rows: [], total: 0, truncated: false });
      return;
    }
    statement.safeIntegers(true).raw(true);
    const columns = statement.columns().map((column) => column.name);
    const rows = [];
    let total = 0;
    let truncated = false;
    for (const row of statement.iterate()) {
      total++;
      if (rows.length < keep) rows.push(row);
      if (total >= cap) { truncated = true; break; }
    }
    process.send({ id, columns, rows, total, truncated });
  } catch (error) {
    process.send({ id, error: String(error && error.message ? error.message : error) });
  }
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
  /** How many executors were killed at a timeout (for logs and tests). */
  killed = 0;

  constructor(
    readonly dbPath: string,
    readonly size = 2,
  ) {}

  private spawnExecutor(): Executor {
    const child = spawn(process.execPath, ['-e', CHILD_SOURCE, BETTER_SQLITE3, this.dbPath], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced', // bigint (INTEGER cells) survives the trip
    });
    live.add(child);
    child.on('error', () => undefined); // a send to a killed child reports here; the exit handler settles the query
    child.once('exit', () => live.delete(child));
    child.unref();
    (child as unknown as { channel?: { unref(): void } }).channel?.unref();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
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
    const executor = await this.acquire();
    const id = ++this.nextId;
    return new Promise<SqlOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: SqlOutcome, keep: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(guard);
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
      }) => {
        if (message.id !== id) return;
        const durationMs = Date.now() - started;
        if (message.error !== undefined) finish({ ok: false, error: message.error, timedOut: false, durationMs }, true);
        else
          finish(
            {
              ok: true,
              columns: message.columns!,
              rows: message.rows!,
              total: message.total!,
              truncated: message.truncated!,
              durationMs,
            },
            true,
          );
      };
      const onExit = (code: number | null) =>
        finish(
          {
            ok: false,
            error: `the query process exited (${code ?? 'signal'})`,
            timedOut: false,
            durationMs: Date.now() - started,
          },
          false,
        );
      let timer: NodeJS.Timeout | undefined;
      // Keeps the event loop alive (the child is unref'd) and bounds a start that never completes.
      const guard = setTimeout(
        () =>
          finish(
            {
              ok: false,
              error: 'the SQL executor did not start in 30 s',
              timedOut: false,
              durationMs: Date.now() - started,
            },
            false,
          ),
        30_000,
      );
      executor.child.on('message', onMessage);
      executor.child.once('exit', onExit);
      // The clock starts once the executor is ready: a cold start is not the query's time.
      executor.ready.then(
        () => {
          clearTimeout(guard);
          if (settled) return;
          timer = setTimeout(() => {
            this.killed++;
            finish({ ok: false, error: 'timeout', timedOut: true, durationMs: Date.now() - started }, false);
          }, options.timeoutMs);
          executor.child.send({ id, query, keep: options.keep, cap: options.cap ?? 1_000_000 });
        },
        (error: Error) =>
          finish({ ok: false, error: error.message, timedOut: false, durationMs: Date.now() - started }, false),
      );
    });
  }

  close(): void {
    this.closed = true;
    for (const executor of this.idle) executor.child.kill('SIGKILL');
    this.idle = [];
  }
}

const shared = new Map<string, SqlRunner>();
/** One pool per database file for the whole process. */
export function sharedRunner(dbPath: string): SqlRunner {
  let runner = shared.get(dbPath);
  if (!runner) shared.set(dbPath, (runner = new SqlRunner(dbPath)));
  return runner;
}
