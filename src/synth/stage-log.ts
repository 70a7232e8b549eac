// The stage file of a synth run (verified.jsonl): one line per figure, each one write(2) to an
// O_APPEND descriptor, so kill -9 leaves at worst a partial last line. Resuming uses the runner's
// `openForResume` (src/runner/run-dir.ts: cut the partial last line, collect the finished keys),
// keyed by figure instead of (sample, epoch): one exactly-once implementation.
import { closeSync, createReadStream, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { SampleFormatError } from '../core/index.js';
import { openForResume } from '../runner/run-dir.js';

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

/** The figure keys already in a stage file, after the runner's resume cut of a partial last line. */
export function finishedKeys(path: string): Set<string> {
  return openForResume(dirname(path), {
    file: basename(path),
    keyOf: (value, at) => {
      if (typeof value.key !== 'string') throw new SampleFormatError(at.file, at.line, 'key', 'is missing');
      return { key: value.key, error: null };
    },
  });
}

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
