// PathVQA from its parquet release (HF `flaviagiammarino/path-vqa`: columns `image` {bytes, path}, `question`,
// `answer`; ../shared/reference/vqa-datasets.md §3), read with hyparquet one row group at a time. The log never
// holds image bytes, so each distinct image is written once (named by its SHA-256) under the cache folder; CMYK
// JPEGs (a known quirk) are converted to RGB PNG there. Closed = the answer is yes/no, everything else is open.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import sharp from 'sharp';
import { ConfigError } from '../../core/index.js';
import { VqaRowError, type VqaRow } from './loader.js';

export interface PathVqaOptions {
  /** Where the images stored in the parquet are written (one file per distinct image). */
  imageDir: string;
  /** Folder that `image.path` is relative to when a row has no bytes (default: the parquet file's folder). */
  root?: string;
  /** With a folder: only files whose names begin with this (train, validation, test). */
  split?: string;
  onError?: (error: Error) => void;
}

const REQUIRED = ['image', 'question', 'answer'] as const;

/** The parquet files a path names: the file itself, or every `*.parquet` in a folder (sorted), by split. */
export function pathVqaFiles(path: string, split?: string): string[] {
  if (!existsSync(path)) throw new ConfigError(`pathvqa: ${path} not found`);
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.parquet') && (!split || name.startsWith(split)))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0)
    throw new ConfigError(`pathvqa: no ${split ? `${split}*` : '*'}.parquet file in ${path} (give a file or a folder)`);
  return files;
}

const MAGIC: [number[], string][] = [
  [[0xff, 0xd8, 0xff], 'jpg'],
  [[0x89, 0x50, 0x4e, 0x47], 'png'],
];
const extensionOf = (bytes: Uint8Array) =>
  MAGIC.find(([head]) => head.every((byte, index) => bytes[index] === byte))?.[1] ?? null;

/** Writes one image's bytes once (content-addressed); CMYK JPEGs become RGB PNGs. Returns the file. */
async function storeImage(bytes: Uint8Array, imageDir: string, where: string): Promise<string> {
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  for (const ext of ['jpg', 'png']) {
    const existing = join(imageDir, `${digest}.${ext}`);
    if (existsSync(existing)) return existing;
  }
  let space: string | undefined;
  try {
    space = (await sharp(bytes).metadata()).space;
  } catch (error) {
    throw new VqaRowError(`${where}: image bytes do not decode (${(error as Error).message})`);
  }
  mkdirSync(imageDir, { recursive: true });
  if (space === 'cmyk') {
    const file = join(imageDir, `${digest}.png`);
    writeFileSync(file, await sharp(bytes).toColourspace('srgb').png().toBuffer());
    return file;
  }
  const file = join(imageDir, `${digest}.${extensionOf(bytes) ?? 'png'}`);
  writeFileSync(file, extensionOf(bytes) ? bytes : await sharp(bytes).png().toBuffer());
  return file;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : value instanceof Uint8Array ? '' : '');

async function pathVqaRow(
  row: Record<string, unknown>,
  where: string,
  id: string,
  options: PathVqaOptions & { root: string },
): Promise<VqaRow> {
  const question = text(row.question);
  if (question === '') throw new VqaRowError(`${where}: question is missing or not text`);
  const answer = typeof row.answer === 'number' ? String(row.answer) : text(row.answer);
  if (answer === '') throw new VqaRowError(`${where}: answer is missing or not text`);
  const image = row.image as unknown;
  let file: string;
  if (image instanceof Uint8Array) file = await storeImage(image, options.imageDir, where);
  else if (typeof image === 'string' && image.trim() !== '') file = join(options.root, image.trim());
  else if (image && typeof image === 'object') {
    const { bytes, path } = image as { bytes?: unknown; path?: unknown };
    if (bytes instanceof Uint8Array && bytes.length > 0) file = await storeImage(bytes, options.imageDir, where);
    else if (typeof path === 'string' && path.trim() !== '') file = join(options.root, path.trim());
    else throw new VqaRowError(`${where}: image has neither bytes nor a path`);
  } else throw new VqaRowError(`${where}: image is missing`);
  return {
    id,
    question,
    answer,
    // PathVQA has no answer_type: yes/no is closed, the rest open (MultiMedEval's convention)
    answerType: /^(yes|no)$/i.test(answer) ? 'closed' : 'open',
    image: file,
    extra: {},
  };
}

/** Rows of one PathVQA parquet file or folder, streamed a row group at a time. */
export async function* readPathVqaRows(path: string, options: PathVqaOptions): AsyncGenerator<VqaRow> {
  for (const file of pathVqaFiles(path, options.split)) {
    let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
    let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
    try {
      buffer = await asyncBufferFromFile(file);
      metadata = await parquetMetadataAsync(buffer);
    } catch (error) {
      throw new ConfigError(`${file}: not a parquet file (${(error as Error).message})`);
    }
    const columns = metadata.schema.slice(1).reduce<{ names: string[]; skip: number }>(
      (acc, element) => {
        // top-level columns only: skip the children of a group (struct) column
        if (acc.skip > 0) acc.skip += (element.num_children ?? 0) - 1;
        else {
          acc.names.push(element.name);
          acc.skip = element.num_children ?? 0;
        }
        return acc;
      },
      { names: [], skip: 0 },
    ).names;
    const missing = REQUIRED.filter((name) => !columns.includes(name));
    if (missing.length > 0)
      throw new ConfigError(
        `${file}: column(s) ${missing.join(', ')} missing; PathVQA parquet has image, question, answer (found: ${columns.join(', ') || 'none'})`,
      );
    const root = options.root ?? dirname(file);
    const stem = basename(file, '.parquet');
    let start = 0;
    for (const group of metadata.row_groups) {
      const end = start + Number(group.num_rows);
      const rows = (await parquetReadObjects({
        file: buffer,
        metadata,
        columns: [...REQUIRED],
        rowStart: start,
        rowEnd: end,
        utf8: false,
      })) as Record<string, unknown>[];
      for (const [offset, row] of rows.entries()) {
        const index = start + offset;
        try {
          yield await pathVqaRow(row, `${file} row ${index}`, `${stem}:${index}`, { ...options, root });
        } catch (error) {
          if (!(error instanceof VqaRowError) || !options.onError) throw error;
          options.onError(error);
        }
      }
      start = end;
    }
  }
}
