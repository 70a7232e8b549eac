// `medkit export`: every format read back (parquet by hyparquet and by DuckDB, an independent reader that checks
// the nested schema verl's loader expects), prompts equal to what medkit eval sends, the synth folder as input,
// EHR-ChatQA's tool environment, and the mistakes a user makes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { main } from '../../src/cli/main.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';
import { rewardArgs } from '../../src/training/command.js';
import { runExport } from '../../src/training/export/command.js';

const folder = mkdtempSync(join(tmpdir(), 'export-'));
const cacheDir = join(folder, 'cache');

const readJsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function readParquet(file: string) {
  return (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Record<string, unknown>[];
}

async function duckSchema(file: string): Promise<Record<string, string>> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const result = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
  const rows = result.getRowObjectsJson() as { column_name: string; column_type: string }[];
  connection.closeSync();
  return Object.fromEntries(rows.map((row) => [row.column_name, row.column_type]));
}

/** The user messages medkit eval sent for each sample (from its transcript), image parts as their text form. */
async function evalPrompts(benchmark: string, extra: Record<string, unknown> = {}) {
  const outDir = join(folder, `eval-${benchmark}-${Math.random().toString(16).slice(2)}`);
  await runEval({
    benchmark,
    models: { agent: scriptedModel(() => '<answer>A</answer>') },
    outDir,
    cache: false,
    cacheDir,
    limit: 3,
    ...extra,
  });
  return new Map([...readSampleRecords(outDir)].map((record) => [record.id, record.transcript.messages]));
}

const textOf = (content: unknown) =>
  typeof content === 'string'
    ? content
    : (content as { type: string; text?: string }[])
        .map((part) => (part.type === 'text' ? part.text : '<image>'))
        .join('');

test('verl: nested parquet (DuckDB schema), prompts as medkit eval sends them, images as files', async () => {
  const out = join(folder, 'verl');
  const result = await runExport({ source: 'medsynvqa', format: 'verl', outDir: out, limit: 3, cacheDir });
  assert.equal(result.rows, 3);
  const file = join(out, 'train.parquet');
  const schema = await duckSchema(file);
  assert.equal(schema.data_source, 'VARCHAR');
  assert.equal(schema.prompt, 'STRUCT("role" VARCHAR, "content" VARCHAR)[]');
  assert.equal(schema.images, 'STRUCT(image VARCHAR)[]');
  assert.equal(schema.reward_model, 'STRUCT(style VARCHAR, ground_truth VARCHAR)');
  assert.match(
    schema.extra_info!,
    /^STRUCT\("index" BIGINT, id VARCHAR, split VARCHAR, "group" VARCHAR, group_size BIGINT/,
  );
  const rows = await readParquet(file);
  const sent = await evalPrompts('medsynvqa');
  for (const row of rows) {
    const extra = row.extra_info as { id: string; provenance: string };
    const messages = sent.get(extra.id)!;
    const prompt = row.prompt as { role: string; content: string }[];
    assert.deepEqual(
      prompt,
      messages.filter((m) => m.role !== 'assistant').map((m) => ({ role: m.role, content: textOf(m.content) })),
    );
    const images = row.images as { image: string }[];
    assert.equal(images.length, 1);
    assert.ok(existsSync(images[0]!.image), images[0]!.image);
    const truth = JSON.parse((row.reward_model as { ground_truth: string }).ground_truth);
    assert.deepEqual(Object.keys(truth).sort(), ['answer', 'answer_label', 'options']);
    assert.equal(JSON.parse(extra.provenance).benchmark, 'medsynvqa');
  }
  const manifest = JSON.parse(readFileSync(join(out, 'medkit-export.json'), 'utf8'));
  assert.equal(manifest.reward.name, 'medsynvqa');
  assert.match(readFileSync(join(out, 'README.md'), 'utf8'), /medkit reward serve --reward medsynvqa/);
});

test('trl, openrlhf, ms-swift (JSONL) and hf (parquet) read back with their keys', async () => {
  const keys: Record<string, string[]> = {
    trl: ['prompt', 'images', 'ground_truth', 'id', 'data_source', 'medkit_provenance'],
    openrlhf: ['input', 'label', 'datasource', 'images', 'id', 'data_source', 'medkit_provenance'],
    'ms-swift': ['messages', 'images', 'ground_truth', 'id', 'data_source', 'medkit_provenance'],
  };
  for (const format of ['trl', 'openrlhf', 'ms-swift'] as const) {
    const out = join(folder, format);
    assert.equal(
      await main(['export', 'medsynvqa', '--format', format, '--out', out, '--limit', '2', '--cache-dir', cacheDir]),
      0,
    );
    const rows = readJsonl(join(out, 'train.jsonl'));
    assert.equal(rows.length, 2);
    for (const row of rows) assert.deepEqual(Object.keys(row), keys[format], format);
  }
  const trl = readJsonl(join(folder, 'trl', 'train.jsonl'))[0]!;
  const content = (trl.prompt as { content: { type: string }[] }[])[0]!.content;
  assert.deepEqual(
    content.map((part) => part.type),
    ['image', 'text'],
  );
  const swift = readJsonl(join(folder, 'ms-swift', 'train.jsonl'))[0]!;
  assert.ok((swift.messages as { content: string }[])[0]!.content.startsWith('<image>'));
  const out = join(folder, 'hf');
  await runExport({ source: 'medsynvqa', format: 'hf', outDir: out, limit: 2, cacheDir });
  const file = join(out, 'data', 'train-00000-of-00001.parquet');
  assert.equal((await duckSchema(file)).images, 'VARCHAR[]');
  const rows = await readParquet(file);
  assert.equal(rows.length, 2);
  assert.equal(JSON.parse(rows[0]!.ground_truth as string).answer_label.length, 1);
});

test('a medkit synth folder is an input: its released items become verl rows with their provenance', async () => {
  const synth = join(folder, 'synth');
  assert.equal(await main(['synth', '--out', synth, '--n', '4']), 0);
  const out = join(folder, 'synth-verl');
  assert.equal(await main(['export', synth, '--format', 'verl', '--out', out, '--cache-dir', cacheDir]), 0);
  const items = readJsonl(join(synth, 'medsynvqa.jsonl'));
  const rows = await readParquet(join(out, 'train.parquet'));
  assert.equal(rows.length, items.length);
  rows.forEach((row, index) => {
    const truth = JSON.parse((row.reward_model as { ground_truth: string }).ground_truth);
    assert.equal(truth.answer_label, items[index]!.answer_label);
    const provenance = JSON.parse((row.extra_info as { provenance: string }).provenance);
    assert.equal(provenance.synth, synth);
    assert.equal(provenance.item.source_key, (items[index]!.provenance as { source_key: string }).source_key);
    assert.ok((row.prompt as { content: string }[])[0]!.content.includes(items[index]!.question as string));
  });
  const manifest = JSON.parse(readFileSync(join(out, 'medkit-export.json'), 'utf8'));
  assert.equal(manifest.synth.spec.preset.name, 'rules-only');
});

test('ehr-chatqa: the tool environment (database, schema, tools) and never the hidden instruction', async () => {
  const out = join(folder, 'ehr');
  await runExport({ source: 'ehr-chatqa', format: 'verl', outDir: out, limit: 4, cacheDir });
  const rows = await readParquet(join(out, 'train.parquet'));
  const tools = JSON.parse(readFileSync(join(out, 'tools.json'), 'utf8')) as { function: { name: string } }[];
  assert.ok(tools.some((tool) => tool.function.name === 'sql_execute'));
  for (const row of rows) {
    const extra = row.extra_info as { env: string; tools: string };
    const env = JSON.parse(extra.env);
    assert.ok(existsSync(join(out, env.database)));
    assert.match(readFileSync(join(out, env.schema), 'utf8'), /CREATE TABLE/);
    assert.deepEqual(
      env.tools,
      tools.map((tool) => tool.function.name),
    );
    const truth = JSON.parse((row.reward_model as { ground_truth: string }).ground_truth);
    const prompt = row.prompt as { role: string; content: string }[];
    assert.deepEqual(
      prompt.map((message) => message.role),
      ['system', 'user'],
    );
    assert.equal(prompt[1]!.content, truth.task.user_turns[0]);
    for (const message of prompt) assert.ok(!message.content.includes(truth.task.instruction), 'no hidden instruction');
  }
});

test('bad requests name what to fix', async () => {
  const run = (extra: Partial<Parameters<typeof runExport>[0]>) =>
    runExport({ source: 'medsynvqa', format: 'verl', outDir: join(folder, 'bad'), limit: 1, cacheDir, ...extra });
  await assert.rejects(run({ format: 'parquet' as never }), /--format parquet: expected one of verl, trl/);
  await assert.rejects(run({ reward: 'nope' }), /--reward nope: medsynvqa declares medsynvqa, medsynvqa-format/);
  await assert.rejects(run({ args: { lose: 'true' } }), /lose.*did you mean 'loose'/);
  await assert.rejects(run({ source: 'graded-phantom', solver: 'medvr' }), /--group-size: 'medvr' is a group reward/);
  await assert.rejects(run({ source: folder }), /must be a medkit synth output \(no medsynvqa.jsonl/);
  await assert.rejects(run({ solver: 'baseline' }), /finished without calling the policy/);
});

test("the export README's `reward serve` line passes that command's --arg check (agent rewards: the agent's options)", async () => {
  const out = join(folder, 'medvr-readme');
  await runExport({
    source: 'graded-phantom',
    solver: 'medvr',
    groupSize: 2,
    format: 'trl',
    outDir: out,
    limit: 1,
    cacheDir,
    args: { per_group: '2' },
  });
  const line = /npx medkit reward serve --reward (\S+)(.*) --port/.exec(readFileSync(join(out, 'README.md'), 'utf8'))!;
  assert.equal(line[1], 'medvr');
  const pairs = [...line[2]!.matchAll(/--arg (\S+)/g)].map((match) => match[1]!);
  assert.ok(
    !pairs.some((pair) => pair.startsWith('per_group=')),
    'a benchmark option is not passed to the agent reward',
  );
  assert.doesNotThrow(() => rewardArgs('medvr', pairs));
});
