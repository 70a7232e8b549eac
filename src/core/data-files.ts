// Reading data files a user supplies: JSON Lines streamed line by line, and zod validation whose
// failures name the file, line and field. A bad line is an error (or, in lenient mode, reported
// through onError and skipped); the other lines are unaffected either way.
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { ConfigError, SampleFormatError } from './errors.js';
import { stripBom } from './json-file.js';

export interface LineLocation {
  file: string;
  line: number;
}

/** Validates `value` with `schema`; on failure throws SampleFormatError naming the first bad field. */
export function parseWithSchema<T>(schema: z.ZodType<T>, value: unknown, at: LineLocation): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(row)';
  throw new SampleFormatError(at.file, at.line, field, issue.message);
}

export interface ReadOptions {
  /** Report bad lines through onError and go on, instead of stopping at the first. */
  lenient?: boolean;
  onError?: (error: SampleFormatError) => void;
}

/** Streams a JSONL file: yields each non-blank line parsed as JSON with its line number. */
export async function* readJsonLines(
  file: string,
  options: ReadOptions = {},
): AsyncGenerator<{ value: unknown; at: LineLocation }> {
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file`);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    const text = lineNumber === 1 ? stripBom(raw) : raw; // a UTF-8 BOM is accepted
    if (text.trim() === '') continue;
    const at = { file, line: lineNumber };
    try {
      yield { value: JSON.parse(text), at };
    } catch (cause) {
      if (!(cause instanceof SyntaxError)) throw cause;
      const error = new SampleFormatError(file, lineNumber, '(whole line)', `is not JSON (${cause.message})`, {
        cause,
      });
      if (!options.lenient) throw error;
      options.onError?.(error);
    }
  }
}

/**
 * The JSON lines of a text already in memory, with 1-based line numbers; a line that is not JSON
 * throws SampleFormatError(file, line, '(whole line)') as readJsonLines does.
 */
export function parseJsonLinesText(text: string, file: string): { value: unknown; at: LineLocation }[] {
  const rows: { value: unknown; at: LineLocation }[] = [];
  stripBom(text)
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        rows.push({ value: JSON.parse(line), at: { file, line: index + 1 } });
      } catch (cause) {
        throw new SampleFormatError(file, index + 1, '(whole line)', `is not JSON (${(cause as Error).message})`, {
          cause,
        });
      }
    });
  return rows;
}

/** readJsonLines + schema validation + a mapping, honouring lenient mode for bad rows too. */
export async function* readValidatedLines<Row, Out>(
  file: string,
  schema: z.ZodType<Row>,
  toItem: (row: Row, at: LineLocation) => Out,
  options: ReadOptions = {},
): AsyncGenerator<Out> {
  for await (const { value, at } of readJsonLines(file, options)) {
    try {
      yield toItem(parseWithSchema(schema, value, at), at);
    } catch (error) {
      if (!(error instanceof SampleFormatError) || !options.lenient) throw error;
      options.onError?.(error);
    }
  }
}
