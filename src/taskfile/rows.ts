// The rows of a task's dataset: a JSONL file, a CSV file with a header row, or a folder holding
// one JSONL file (and the images its rows name). Rows stream with their file and line.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { parseCsvText, readJsonLines, SampleFormatError, type LineLocation, type ReadOptions } from '../core/index.js';
import type { TaskFile } from './schema.js';
import type { YamlSource } from './yaml-source.js';

export interface DatasetLocation {
  file: string;
  /** Where relative image paths are resolved. */
  folder: string;
  format: 'jsonl' | 'csv';
}

export interface DataRow {
  fields: Record<string, unknown>;
  at: LineLocation;
}

/** Where the rows are: `path` (the task's, or an --arg override) resolved against `baseDir`. */
export function locateDataset(
  dataset: TaskFile['dataset'],
  baseDir: string,
  source: YamlSource,
  override?: string,
): DatasetLocation {
  const spec = typeof dataset === 'string' ? { path: dataset } : dataset;
  const at = typeof dataset === 'string' ? ['dataset'] : ['dataset', 'path'];
  const path = override ? resolve(override) : resolve(baseDir, spec.path);
  const where = override ? `--arg path=${override}` : undefined;
  const fail = (problem: string) =>
    where ? new SampleFormatError(source.file, source.lineOf(at), 'args.path', problem) : source.error(at, problem);
  if (!existsSync(path)) throw fail(`${path}: no such file or folder`);
  let file = path;
  if (statSync(path).isDirectory()) {
    const inside =
      'file' in spec && spec.file ? [spec.file] : readdirSync(path).filter((name) => name.endsWith('.jsonl'));
    if (inside.length !== 1)
      throw fail(
        inside.length === 0
          ? `${path} holds no .jsonl file of rows`
          : `${path} holds several .jsonl files (${inside.join(', ')}); name one with dataset.file`,
      );
    file = join(path, inside[0]!);
    if (!existsSync(file)) throw fail(`${file}: no such file`);
  }
  const extension = extname(file).toLowerCase();
  const format =
    ('format' in spec && spec.format) || (extension === '.csv' ? 'csv' : extension === '.jsonl' ? 'jsonl' : undefined);
  if (!format)
    throw fail(`${file}: cannot tell the format from '${extension}'; use .jsonl or .csv, or set dataset.format`);
  return { file, folder: dirname(file), format };
}

export async function* readRows(location: DatasetLocation, options: ReadOptions = {}): AsyncGenerator<DataRow> {
  if (location.format === 'jsonl') {
    for await (const { value, at } of readJsonLines(location.file, options)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const error = new SampleFormatError(at.file, at.line, '(row)', 'is not a JSON object');
        if (!options.lenient) throw error;
        options.onError?.(error);
        continue;
      }
      yield { fields: value as Record<string, unknown>, at };
    }
    return;
  }
  yield* readCsvRows(location.file);
}

/** CSV through core's reader (the one CSV parser): a header row, then one record per row, each with its start line. */
async function* readCsvRows(file: string): AsyncGenerator<DataRow> {
  const rows = parseCsvText(readFileSync(file, 'utf8'), file);
  const header = rows[0]?.fields.map((name) => name.trim()) ?? [];
  for (const row of rows.slice(1)) {
    if (row.fields.length !== header.length)
      throw new SampleFormatError(
        file,
        row.line,
        '(row)',
        `has ${row.fields.length} fields, the header has ${header.length}`,
      );
    yield {
      fields: Object.fromEntries(header.map((name, column) => [name, row.fields[column]!])),
      at: { file, line: row.line },
    };
  }
}
