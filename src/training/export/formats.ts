// The five layouts of `medkit export`. Ground truth is JSON text everywhere (one string type per column whatever
// the benchmark, so HF datasets never sees conflicting struct types); the reward server and the generated shims
// parse it back. Tool specs are OpenAI function tools; image paths are absolute (see the export's README).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolSpec } from '../../core/index.js';
import type { ExportFormat, ExportRow } from './export.js';
import { type Column, writeParquet } from './parquet.js';

/** Where each format's data file lands, relative to the export folder. */
export const DATA_FILE: Record<ExportFormat, string> = {
  verl: 'train.parquet',
  trl: 'train.jsonl',
  openrlhf: 'train.jsonl',
  'ms-swift': 'train.jsonl',
  hf: 'data/train-00000-of-00001.parquet',
};

export const openaiTools = (tools: ToolSpec[]) =>
  tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));

const json = (value: unknown) => JSON.stringify(value);
const text = (name: string, required = false): Column => ({ name, kind: 'string', required });

const MESSAGE: Column = { name: 'element', kind: 'struct', fields: [text('role'), text('content')] };

function verlColumns(withImages: boolean): Column[] {
  return [
    text('data_source', true),
    { name: 'prompt', kind: 'list', of: MESSAGE },
    ...(withImages
      ? [{ name: 'images', kind: 'list', of: { name: 'element', kind: 'struct', fields: [text('image')] } } as Column]
      : []),
    text('ability', true),
    { name: 'reward_model', kind: 'struct', fields: [text('style'), text('ground_truth')] },
    {
      name: 'extra_info',
      kind: 'struct',
      fields: [
        { name: 'index', kind: 'int64' },
        text('id'),
        text('split'),
        text('group'),
        { name: 'group_size', kind: 'int64' },
        text('tools'),
        text('env'),
        text('provenance'),
      ],
    },
  ];
}

function verlRow(row: ExportRow, split: string) {
  return {
    data_source: row.dataSource,
    prompt: row.prompt.text,
    images: row.prompt.images.map((image) => ({ image })),
    ability: row.ability,
    reward_model: { style: 'rule', ground_truth: json(row.groundTruth) },
    extra_info: {
      index: row.index,
      id: row.id,
      split,
      group: row.group ?? null,
      group_size: row.groupSize ?? null,
      tools: row.tools.length ? json(openaiTools(row.tools)) : null,
      env: row.env ? json(row.env) : null,
      provenance: json(row.provenance),
    },
  };
}

const HF_COLUMNS: Column[] = [
  text('id', true),
  text('data_source', true),
  { name: 'prompt', kind: 'list', of: MESSAGE },
  { name: 'images', kind: 'list', of: text('element') },
  text('ground_truth'),
  text('reward'),
  text('group'),
  { name: 'group_size', kind: 'int64' },
  text('tools'),
  text('env'),
  text('provenance'),
];

function hfRow(row: ExportRow) {
  return {
    id: row.id,
    data_source: row.dataSource,
    prompt: row.prompt.text,
    images: row.prompt.images,
    ground_truth: json(row.groundTruth),
    reward: (row.provenance.reward as string | null) ?? null,
    group: row.group ?? null,
    group_size: row.groupSize ?? null,
    tools: row.tools.length ? json(openaiTools(row.tools)) : null,
    env: row.env ? json(row.env) : null,
    provenance: json(row.provenance),
  };
}

/** Columns every JSONL layout carries besides its trainer's own keys (TRL passes them to reward functions). */
function commonColumns(row: ExportRow) {
  return {
    id: row.id,
    data_source: row.dataSource,
    ...(row.group !== undefined ? { group: row.group, group_size: row.groupSize } : {}),
    ...(row.env ? { medkit_env: json(row.env) } : {}),
    medkit_provenance: json(row.provenance),
  };
}

function jsonlRow(format: 'trl' | 'openrlhf' | 'ms-swift', row: ExportRow): Record<string, unknown> {
  const images = row.prompt.images.length ? { images: row.prompt.images } : {};
  const tools = row.tools.length ? json(openaiTools(row.tools)) : undefined;
  switch (format) {
    case 'trl':
      return {
        prompt: row.prompt.parts,
        ...images,
        ground_truth: json(row.groundTruth),
        ...(tools ? { medkit_tools: tools } : {}),
        ...commonColumns(row),
      };
    case 'openrlhf':
      return {
        input: row.prompt.text,
        label: json(row.groundTruth),
        datasource: row.dataSource,
        ...images,
        ...(tools ? { medkit_tools: tools } : {}),
        ...commonColumns(row),
      };
    case 'ms-swift':
      return {
        messages: row.prompt.text,
        ...images,
        ...(tools ? { tools } : {}),
        ground_truth: json(row.groundTruth),
        ...commonColumns(row),
      };
  }
}

/** Writes the data file of `format` into `outDir`; returns its path relative to `outDir`. */
export function writeData(format: ExportFormat, outDir: string, rows: ExportRow[], split: string): string {
  const file = DATA_FILE[format];
  const path = join(outDir, file);
  mkdirSync(join(path, '..'), { recursive: true });
  if (format === 'verl') {
    const withImages = rows.some((row) => row.prompt.images.length > 0);
    writeParquet(
      path,
      verlColumns(withImages),
      rows.map((row) => verlRow(row, split)),
    );
  } else if (format === 'hf') {
    writeParquet(path, HF_COLUMNS, rows.map(hfRow));
  } else {
    writeFileSync(path, rows.map((row) => `${JSON.stringify(jsonlRow(format, row))}\n`).join(''));
  }
  return file;
}
