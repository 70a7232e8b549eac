// The stage file of a synth run (verified.jsonl): one line per figure, each one write(2) to an
// O_APPEND descriptor, so kill -9 leaves at worst a partial last line; resuming cuts it and skips the
// keys that have a line, so every figure is processed exactly once. (The same discipline as the
// runner's samples.jsonl, src/runner/run-dir.ts, keyed by figure instead of (sample, epoch).)
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { SampleFormatError } from '../core/index.js';

export class StageWriter {
  private readonly descriptor: number;
  constructor(readonly path: string) {
    this.descriptor = openSync(path, 'a');
  }
  append(record: object): void {
    writeSync(this.descriptor, JSON.stringify(record) + '\n');
  }
  close(): void {
    closeSync(this.descriptor);
  }
}

/** Cuts a partial last line (left by kill -9); returns the bytes cut. */
export function cutPartialLastLine(path: string): number {
  if (!existsSync(path)) return 0;
  const descriptor = openSync(path, 'r+');
  try {
    const size = fstatSync(descriptor).size;
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      readSync(descriptor, chunk, 0, end - start, start);
      const newline = chunk.subarray(0, end - start).lastIndexOf(10);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end < size) ftruncateSync(descriptor, end);
    return size - end;
  } finally {
    closeSync(descriptor);
  }
}

/** Streams the records of a stage file; a line that is not JSON is an error naming file:line. */
export async function* readStage<T = Record<string, unknown>>(path: string): AsyncGenerator<T> {
  if (!existsSync(path)) return;
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    try {
      yield JSON.parse(text) as T;
    } catch (cause) {
      throw new SampleFormatError(path, line, '(whole line)', 'is not JSON', { cause });
    }
  }
}

/** The keys already in a stage file (after cutting a partial last line). */
export async function finishedKeys(path: string): Promise<Set<string>> {
  cutPartialLastLine(path);
  const keys = new Set<string>();
  for await (const record of readStage<{ key?: unknown }>(path))
    if (typeof record.key === 'string') keys.add(record.key);
  return keys;
}

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
