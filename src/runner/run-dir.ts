// The run directory on disk. samples.jsonl is append-only: each finished unit is one write(2) of
// one whole line to an O_APPEND descriptor, so a kill -9 can at worst leave a partial last
// line, which `openForResume` cuts off before the run goes on. That gives exactly-once lines.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import {
  ConfigError,
  redactSecrets,
  runSpecSchema,
  sampleRecordSchema,
  SampleFormatError,
  type RunSpec,
  type RunSummary,
  type SampleRecord,
} from '../core/index.js';

export const SPEC_FILE = 'spec.json';
export const SAMPLES_FILE = 'samples.jsonl';
export const SUMMARY_FILE = 'summary.json';

export function unitKey(id: string, epoch: number): string {
  return `${epoch}\u0000${id}`;
}

function writeJsonAtomic(path: string, value: unknown): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, redactSecrets(JSON.stringify(value, null, 2)) + '\n');
  renameSync(temporary, path);
}

export class SampleWriter {
  private readonly descriptor: number;
  constructor(readonly path: string) {
    this.descriptor = openSync(path, 'a');
  }
  append(record: SampleRecord): void {
    // Keys a provider registered (or shaped like keys) never reach the log, whatever echoed them.
    writeSync(this.descriptor, redactSecrets(JSON.stringify(record)) + '\n');
  }
  close(): void {
    closeSync(this.descriptor);
  }
}

export function createRunDirectory(directory: string, spec: RunSpec): void {
  if (existsSync(join(directory, SPEC_FILE))) {
    throw new ConfigError(
      `${directory} already holds a run; use --resume ${directory} to finish it, or choose another --out`,
    );
  }
  mkdirSync(directory, { recursive: true });
  writeJsonAtomic(join(directory, SPEC_FILE), spec);
  writeFileSync(join(directory, SAMPLES_FILE), '');
}

export function readRunSpec(directory: string): RunSpec {
  const path = join(directory, SPEC_FILE);
  if (!existsSync(path)) {
    const below = runsBelow(directory);
    const hint = below.length
      ? ` It holds ${below.length} run(s); the newest: ${below[below.length - 1]}`
      : ` A run folder is what medkit eval writes (${runsRoot()}/<benchmark>/<time>-<id>, or --out DIR).`;
    throw new ConfigError(`${directory} is not a medkit run (no ${SPEC_FILE}).${hint}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new SampleFormatError(path, 1, '(file)', 'is not JSON', { cause });
  }
  const parsed = runSpecSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SampleFormatError(path, 1, issue.path.join('.') || '(file)', issue.message);
  }
  return value as RunSpec;
}

export function writeSummary(directory: string, summary: RunSummary): void {
  writeJsonAtomic(join(directory, SUMMARY_FILE), summary);
}

/** A finished line's key and error, read by `openForResume`; throw SampleFormatError for a line it cannot key. */
export type ResumeKeyOf = (
  value: Record<string, unknown>,
  at: { file: string; line: number },
) => { key: string; error: string | null };

/** samples.jsonl's key: (id, epoch). */
const sampleKeyOf: ResumeKeyOf = (value, at) => {
  if (typeof value.id !== 'string' || typeof value.epoch !== 'number')
    throw new SampleFormatError(at.file, at.line, typeof value.id !== 'string' ? 'id' : 'epoch', 'is missing');
  return { key: unitKey(value.id, value.epoch), error: (value.error as string | null) ?? null };
};

/**
 * Makes an append-only JSONL file whole again after a crash: cuts a partial last line, and (with
 * dropErrors) removes lines of failed units so they run again. Returns the finished keys. By default
 * the file is samples.jsonl keyed by (id, epoch); `file` and `keyOf` serve other such files (the
 * stage file of `medkit synth`, keyed by figure), so there is one exactly-once implementation.
 */
export function openForResume(
  directory: string,
  options: { dropErrors?: boolean; file?: string; keyOf?: ResumeKeyOf } = {},
): Set<string> {
  const path = join(directory, options.file ?? SAMPLES_FILE);
  if (!existsSync(path)) writeFileSync(path, '');
  const descriptor = openSync(path, 'r+');
  try {
    const size = fstatSync(descriptor).size;
    // Find the end of the last complete line by scanning back from the end.
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    let found = size === 0;
    while (!found && end > 0) {
      const start = Math.max(0, end - chunk.length);
      const length = end - start;
      readSync(descriptor, chunk, 0, length, start);
      const newline = chunk.subarray(0, length).lastIndexOf(10);
      if (newline >= 0) {
        end = start + newline + 1;
        found = true;
      } else end = start;
    }
    if (end < size) ftruncateSync(descriptor, end);
  } finally {
    closeSync(descriptor);
  }
  const keyOf = options.keyOf ?? sampleKeyOf;
  const done = new Set<string>();
  const temporary = `${path}.tmp-${process.pid}`;
  const kept = options.dropErrors ? openSync(temporary, 'w') : undefined;
  let dropped = 0;
  try {
    for (const { line, value, lineNumber } of iterateLines(path)) {
      const { key, error } = keyOf(value, { file: path, line: lineNumber });
      if (options.dropErrors && error !== null) {
        dropped++;
        continue;
      }
      if (done.has(key)) {
        dropped++; // a duplicate can only come from a hand-edited file; keep the first
        continue;
      }
      done.add(key);
      if (kept !== undefined) writeSync(kept, `${line}\n`);
    }
  } finally {
    if (kept !== undefined) closeSync(kept);
  }
  if (kept !== undefined) {
    if (dropped > 0) renameSync(temporary, path);
    else rmSync(temporary, { force: true });
  }
  return done;
}

/** The lines of a JSONL file, read in 1 MB chunks (a file of any size in bounded memory). */
function* iterateLines(path: string): Generator<{ line: string; value: Record<string, unknown>; lineNumber: number }> {
  const descriptor = openSync(path, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let carry = Buffer.alloc(0);
  let lineNumber = 0;
  const parse = (bytes: Buffer) => {
    lineNumber++;
    const line = bytes.toString('utf8');
    if (line.trim() === '') return undefined;
    try {
      return { line, value: JSON.parse(line) as Record<string, unknown>, lineNumber };
    } catch (cause) {
      throw new SampleFormatError(path, lineNumber, '(whole line)', 'is not JSON', { cause });
    }
  };
  try {
    for (;;) {
      const read = readSync(descriptor, chunk, 0, chunk.length, null);
      if (read === 0) break;
      let buffer = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let newline = buffer.indexOf(10);
      while (newline >= 0) {
        const parsed = parse(buffer.subarray(0, newline));
        if (parsed) yield parsed;
        buffer = buffer.subarray(newline + 1);
        newline = buffer.indexOf(10);
      }
      carry = Buffer.from(buffer);
    }
    if (carry.length) {
      const parsed = parse(carry);
      if (parsed) yield parsed;
    }
  } finally {
    closeSync(descriptor);
  }
}

/** Streams the records of a finished run (for show, compare, exports), validated. */
export function* readSampleRecords(directory: string): Generator<SampleRecord> {
  const path = join(directory, SAMPLES_FILE);
  if (!existsSync(path)) throw new ConfigError(`${directory}: no ${SAMPLES_FILE}`);
  const text = readFileSync(path, 'utf8');
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new SampleFormatError(path, lineNumber, '(whole line)', 'is not JSON', { cause });
    }
    const parsed = sampleRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SampleFormatError(path, lineNumber, issue.path.join('.') || '(line)', issue.message);
    }
    yield value as SampleRecord;
  }
}

/** Run folders up to two levels below a folder (a runs root or a benchmark's folder), oldest first by name. */
export function runsBelow(directory: string): string[] {
  const found: string[] = [];
  const walk = (folder: string, depth: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const child = join(folder, entry.name);
      if (existsSync(join(child, SPEC_FILE))) found.push(child);
      else if (depth < 2) walk(child, depth + 1);
    }
  };
  walk(directory, 1);
  // Default run names start with a UTC timestamp, so the name order is the time order within a benchmark.
  return found.sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0));
}

/** Where runs go without --out: $MEDKIT_RUNS_DIR, else ./runs (what `medkit view` opens by default). */
export function runsRoot(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.MEDKIT_RUNS_DIR || 'runs';
}

/**
 * A new run's folder without --out: `<runs root>/<benchmark>/<UTC timestamp>-<8 hex of the run id>`,
 * so runs sort by time, never collide, and the viewer lists them by benchmark.
 */
export function defaultRunDirectory(benchmark: string, runId: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const safeName = benchmark.replace(/[^A-Za-z0-9._-]+/g, '_');
  return join(runsRoot(), safeName, `${stamp}-${runId.replace(/-/g, '').slice(0, 8)}`);
}
