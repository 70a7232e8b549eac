// PathVQA from parquet in the HF release's shape (image {bytes, path}, question, answer), written here with
// hyparquet-writer: images stored once by content, CMYK JPEGs converted to RGB, yes/no = closed; bad rows and
// bad files are errors naming file and row or column; a run reports closed and open accuracy apart.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import sharp from 'sharp';
import { readPathVqaRows } from '../../src/benchmarks/med-vqa/pathvqa.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'pathvqa-'));

type Row = { image: { bytes: Uint8Array | null; path: string | null } | null; question: string | null; answer: string };

function writeParquet(file: string, rows: Row[], columns = ['image', 'question', 'answer']): string {
  const writer = new ByteWriter();
  const all: Record<string, unknown[]> = {
    image: rows.map((r) => r.image),
    question: rows.map((r) => r.question),
    answer: rows.map((r) => r.answer),
  };
  const schema: Record<string, object[]> = {
    image: [
      { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
    question: [{ name: 'question', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }],
    answer: [{ name: 'answer', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }],
  };
  parquetWrite({
    writer,
    columnData: columns.map((name) => ({ name, data: all[name]! as never })),
    schema: [{ name: 'schema', num_children: columns.length }, ...columns.flatMap((name) => schema[name]!)] as never,
    rowGroupSize: 2,
  });
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, new Uint8Array(writer.getBuffer()));
  return file;
}

const tile = (colour: number, space: 'srgb' | 'cmyk' = 'srgb') =>
  sharp({ create: { width: 16, height: 16, channels: 3, background: { r: colour, g: 40, b: 90 } } })
    .toColourspace(space)
    .jpeg()
    .toBuffer()
    .then((buffer) => new Uint8Array(buffer));

async function collect(path: string, options: Parameters<typeof readPathVqaRows>[1]) {
  const rows = [];
  for await (const row of readPathVqaRows(path, options)) rows.push(row);
  return rows;
}

test('rows: yes/no closed, the rest open; one file per distinct image; CMYK becomes RGB PNG; path-only images resolve', async () => {
  const rgb = await tile(200);
  const cmyk = await tile(120, 'cmyk');
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk', 'the fixture really is a CMYK JPEG');
  const file = writeParquet(join(dir, 'data', 'test-00000-of-00001.parquet'), [
    { image: { bytes: rgb, path: 'a.jpg' }, question: 'Is there necrosis?', answer: 'yes' },
    { image: { bytes: rgb, path: 'a.jpg' }, question: 'What is present?', answer: 'Granulomas' },
    { image: { bytes: cmyk, path: 'b.jpg' }, question: 'Is this normal?', answer: 'No' },
    { image: { bytes: null, path: 'images/c.jpg' }, question: 'What stain?', answer: 'h&e' },
  ]);
  const imageDir = join(dir, 'store');
  const rows = await collect(file, { imageDir });
  assert.deepEqual(
    rows.map((row) => [row.answerType, row.answer]),
    [
      ['closed', 'yes'],
      ['open', 'Granulomas'],
      ['closed', 'No'],
      ['open', 'h&e'],
    ],
  );
  assert.equal(rows[0]!.image, rows[1]!.image, 'one image, stored once');
  assert.match(rows[0]!.image, /\.jpg$/);
  assert.match(rows[2]!.image, /\.png$/);
  assert.equal((await sharp(rows[2]!.image).metadata()).space, 'srgb');
  assert.equal(rows[3]!.image, join(dir, 'data', 'images', 'c.jpg'));
  assert.equal(readdirSync(imageDir).length, 2);
  assert.equal(rows[1]!.id, 'test-00000-of-00001:1');
  // a folder: files by split prefix
  writeParquet(join(dir, 'data', 'train-00000-of-00001.parquet'), [
    { image: { bytes: rgb, path: null }, question: 'Q?', answer: 'yes' },
  ]);
  assert.equal((await collect(join(dir, 'data'), { imageDir })).length, 5);
  assert.equal((await collect(join(dir, 'data'), { imageDir, split: 'train' })).length, 1);
  await assert.rejects(collect(join(dir, 'data'), { imageDir, split: 'validation' }), /no validation\*\.parquet file/);
});

test('bad rows name file and row (or go to onError); bad files name the file and the missing columns', async () => {
  const rgb = await tile(10);
  const file = writeParquet(join(dir, 'bad', 'rows.parquet'), [
    { image: { bytes: rgb, path: null }, question: 'ok?', answer: 'yes' },
    { image: { bytes: rgb, path: null }, question: null, answer: 'yes' },
    { image: { bytes: new Uint8Array([1, 2, 3, 4]), path: null }, question: 'broken?', answer: 'no' },
    { image: null, question: 'no image?', answer: 'no' },
  ]);
  const imageDir = join(dir, 'store-bad');
  await assert.rejects(collect(file, { imageDir }), /rows\.parquet row 1: question is missing or not text/);
  const errors: Error[] = [];
  const rows = await collect(file, { imageDir, onError: (error) => errors.push(error) });
  assert.equal(rows.length, 1);
  assert.deepEqual(
    errors.map((error) => error.message.replace(/^.*rows\.parquet /, '')),
    [
      'row 1: question is missing or not text',
      errors[1]!.message.replace(/^.*rows\.parquet /, ''),
      'row 3: image is missing',
    ],
  );
  assert.match(errors[1]!.message, /rows\.parquet row 2: image bytes do not decode/);
  const notParquet = join(dir, 'bad', 'text.parquet');
  writeFileSync(notParquet, 'question,answer\nQ,yes\n');
  await assert.rejects(collect(notParquet, { imageDir }), /text\.parquet: not a parquet file/);
  const noImage = writeParquet(
    join(dir, 'bad', 'cols.parquet'),
    [{ image: null, question: 'q', answer: 'a' }],
    ['question', 'answer'],
  );
  await assert.rejects(
    collect(noImage, { imageDir }),
    /cols\.parquet: column\(s\) image missing; PathVQA parquet has image, question, answer \(found: question, answer\)/,
  );
  await assert.rejects(collect(join(dir, 'nowhere.parquet'), { imageDir }), /pathvqa: .*nowhere\.parquet not found/);
});

test('a run over PathVQA parquet: closed and open accuracy are separate task metrics; bad rows are data errors', async () => {
  const rgb = await tile(77);
  const file = writeParquet(join(dir, 'run', 'test.parquet'), [
    { image: { bytes: rgb, path: null }, question: 'Is there fibrosis?', answer: 'yes' },
    { image: { bytes: rgb, path: null }, question: 'Is it benign?', answer: 'no' },
    { image: { bytes: rgb, path: null }, question: 'What organ?', answer: 'the liver' },
    { image: { bytes: rgb, path: null }, question: null, answer: 'yes' },
  ]);
  const out = join(dir, 'run-out');
  const summary = await runEval({
    benchmark: 'med-vqa',
    args: { format: 'pathvqa', path: file },
    models: { agent: scriptedModel(['<answer>yes</answer>', '<answer>yes</answer>', '<answer>liver</answer>']) },
    concurrency: 1,
    outDir: out,
    cache: false,
    cacheDir: join(dir, 'cache'),
  });
  assert.equal(summary.counts.dataErrors, 1);
  assert.match(summary.dataErrors[0]!, /test\.parquet row 3: question is missing/);
  const task = Object.fromEntries(summary.taskMetrics.map((m) => [m.name, m]));
  assert.equal(task.closed_accuracy!.value, 0.5);
  assert.equal(task.closed_accuracy!.n, 2);
  assert.equal(task.open_accuracy!.value, 0, "'liver' recalls 1 of 2 tokens of 'the liver' (< 0.75)");
  assert.match(task.open_accuracy!.note ?? '', /0 judged, 1 by token recall ≥ 0\.75 \(fallback\)/);
  assert.ok(
    summary.notes.some((note) => /role 'judge' has no model: open-ended answers are scored by token recall/.test(note)),
  );
  const records = [...readSampleRecords(out)];
  const image = (records[0]!.transcript.messages[0] as { content: { source?: { path: string } }[] }).content[1]!.source!
    .path;
  assert.ok(image.startsWith(join(dir, 'cache', 'med-vqa', 'pathvqa-images')), image);
  assert.ok(existsSync(image));
});
