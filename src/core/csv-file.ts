// CSV files a user supplies (CounselChat, CounselBench-Eval/Adv, human ratings, PrimeKG kg.csv), read
// with csv-parse, the one CSV parser of medkit: RFC 4180 quoting (embedded commas, doubled quotes,
// newlines), a UTF-8 BOM, CRLF / LF / CR line ends (mixed too). Every row keeps the line it starts
// on, so errors name file:line; an unterminated quote is a SampleFormatError at the line it opens.
import type { Readable } from 'node:stream';
import { CsvError, parse as parseStream, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { SampleFormatError } from './errors.js';

export interface CsvRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  fields: string[];
}

const OPTIONS: Options = {
  bom: true,
  relax_column_count: true, // callers check the field count and name the line
  relax_quotes: true, // a quote inside an unquoted field is text, as pandas reads it
  record_delimiter: ['\r\n', '\n', '\r'],
  raw: true, // the raw text gives exact line numbers (csv-parse's own counter drifts after a quoted CRLF)
};

/** What csv-parse gives per record with `raw: true`. */
interface RawRecord {
  record: string[];
  raw: string;
}

/** Line breaks in a record's raw text: csv-parse keeps only the '\r' of a closing '\r\n'. */
function lineBreaks(raw: string): number {
  let count = 0;
  for (let index = 0; index < raw.length; index++) {
    const code = raw.charCodeAt(index);
    if (code === 10 || (code === 13 && raw.charCodeAt(index + 1) !== 10)) count++;
  }
  return count;
}

/** Turns raw records into rows with start lines; blank lines are counted and skipped. */
class LineTracker {
  private next = 1;
  constructor(private readonly file: string) {}

  row(record: RawRecord): CsvRow | undefined {
    const line = this.next;
    this.next += lineBreaks(record.raw);
    const fields = record.record;
    return fields.length === 1 && fields[0] === '' ? undefined : { line, fields };
  }

  /** A csv-parse error as a SampleFormatError at the line of the row it was reading. */
  error(error: unknown): unknown {
    if (!(error instanceof CsvError)) return error;
    const problem =
      error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted field opened on this line is never closed (unterminated quote)'
        : error.message.replace(/ at line \d+/, '');
    return new SampleFormatError(this.file, this.next, '(row)', problem, { cause: error });
  }
}

/** Every non-blank row of a CSV text (the whole file in memory). */
export function parseCsvText(text: string, file: string): CsvRow[] {
  const tracker = new LineTracker(file);
  try {
    // on_record sees every record in order (blank ones too), so the tracker is at the failing row on error.
    const options = { ...OPTIONS, on_record: (record: unknown) => tracker.row(record as RawRecord) ?? null };
    return parseSync(text, options as Options) as unknown as CsvRow[];
  } catch (error) {
    throw tracker.error(error);
  }
}

/** Rows as objects keyed by the header (trimmed names); `missing` lists wanted columns the header lacks. */
export function csvRecords(
  text: string,
  file: string,
  wanted: readonly string[] = [],
): { header: string[]; records: { line: number; values: Record<string, string> }[]; missing: string[] } {
  const rows = parseCsvText(text, file);
  if (rows.length === 0) return { header: [], records: [], missing: [...wanted] };
  const header = rows[0]!.fields.map((name) => name.trim());
  const records = rows.slice(1).map((row) => {
    const values: Record<string, string> = {};
    header.forEach((name, column) => {
      values[name] = row.fields[column] ?? '';
    });
    return { line: row.line, values };
  });
  return { header, records, missing: wanted.filter((name) => !header.includes(name)) };
}

/**
 * Streams the rows of a CSV `input` (a file stream, gunzipped or not) to `onRow`, with no promise per
 * row (millions of PrimeKG rows). `onRow` returning false stops reading; a throw rejects.
 */
export function forEachCsvRow(input: Readable, file: string, onRow: (row: CsvRow) => boolean | void): Promise<void> {
  const tracker = new LineTracker(file);
  const parser = parseStream(OPTIONS);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      input.unpipe(parser);
      input.destroy();
      parser.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    parser.on('data', (record: RawRecord) => {
      if (settled) return;
      try {
        const row = tracker.row(record);
        if (row && onRow(row) === false) finish();
      } catch (error) {
        finish(error);
      }
    });
    parser.on('end', () => finish());
    parser.on('error', (error) => finish(tracker.error(error)));
    input.on('error', (error) => finish(error));
    input.pipe(parser);
  });
}
