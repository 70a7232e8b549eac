// `medkit export <benchmark|task file|synth dir> --format verl|trl|openrlhf|ms-swift|hf --out DIR`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type JsonObject, type ToolSpec } from '../../core/index.js';
import type { CliCommand } from '../../cli/command.js';
import { collect, parseKeyValues, positiveInt } from '../../cli/flags.js';
import {
  EXPORT_FORMATS,
  exportRows,
  planExport,
  type ExportFormat,
  type ExportOptions,
  type ExportRow,
} from './export.js';
import { DATA_FILE, openaiTools, writeData } from './formats.js';
import { exportReadme } from './readme.js';

export interface ExportResult {
  dataFile: string;
  rows: number;
  images: number;
  notes: string[];
}

/** Runs an export end to end: data file, tools.json, medkit-export.json and README.md in `outDir`. */
export async function runExport(options: ExportOptions): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format))
    throw new ConfigError(`--format ${options.format}: expected one of ${EXPORT_FORMATS.join(', ')}`);
  const outDir = resolve(options.outDir);
  const plan = await planExport(options);
  mkdirSync(outDir, { recursive: true });
  const rows: ExportRow[] = [];
  for await (const row of exportRows(plan, { ...options, outDir })) rows.push(row);
  if (rows.length === 0) throw new ConfigError(`${options.source}: no samples to export`);
  const split = options.split ?? 'train';
  const dataFile = writeData(options.format, outDir, rows, split);
  const tools = new Map<string, ToolSpec>();
  for (const row of rows) for (const tool of row.tools) tools.set(tool.name, tool);
  if (tools.size)
    writeFileSync(join(outDir, 'tools.json'), `${JSON.stringify(openaiTools([...tools.values()]), null, 2)}\n`);
  const images = new Set(rows.flatMap((row) => row.prompt.images)).size;
  const manifest: JsonObject = {
    format: options.format,
    data_file: dataFile,
    rows: rows.length,
    images,
    source: options.source,
    benchmark: plan.benchmark.name,
    benchmark_version: plan.benchmark.version,
    solver: plan.solverName,
    args: plan.args,
    reward: plan.reward ? { name: plan.reward.name, kind: plan.reward.kind, fallback: plan.reward.fallback } : null,
    group_size: options.groupSize ?? null,
    split,
    seed: options.seed ?? 0,
    tools: [...tools.keys()],
    notes: plan.notes,
    ...(plan.synth ? { synth: plan.synth } : {}),
    created: new Date().toISOString(),
  };
  writeFileSync(join(outDir, 'medkit-export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(outDir, 'README.md'), exportReadme(options.format, plan, manifest, rows[0]!));
  return { dataFile, rows: rows.length, images, notes: plan.notes };
}

interface ExportFlags {
  format: string;
  out: string;
  arg: string[];
  solver?: string;
  reward?: string;
  groupSize?: number;
  limit?: number;
  seed?: number;
  cacheDir?: string;
  split?: string;
}

export const exportCommand: CliCommand = {
  name: 'export',
  register(program) {
    program
      .command('export <source>')
      .description(
        'training data for verl, TRL, OpenRLHF, ms-swift or HF: prompts exactly as medkit eval sends them, ground truth for the reward',
      )
      .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
      .requiredOption('--out <dir>', 'export folder (data file, images/, env/, tools.json, README.md)')
      .option('-a, --arg <key=value>', "the benchmark's --arg options (medkit info <name>); repeatable", collect, [])
      .option('--solver <name>', "whose prompt to export: the benchmark's default solver or an agent (e.g. medvr)")
      .option('--reward <name>', 'the reward the ground truth is for (default: the first one declared)')
      .option(
        '--group-size <n>',
        'rollouts per prompt, for group rewards (verl rollout.n)',
        positiveInt('--group-size'),
      )
      .option('--limit <n>', 'export the first n samples', positiveInt('--limit'))
      .option('--seed <n>', 'run seed, as for medkit eval (default 0)', positiveInt('--seed'))
      .option('--cache-dir <dir>', 'generated data folder, as for medkit eval (default .medkit/cache)')
      .option('--split <name>', 'split name written into the rows (default train)')
      .addHelpText(
        'after',
        `\nData files: ${Object.entries(DATA_FILE)
          .map(([f, file]) => `${f} → ${file}`)
          .join(', ')}`,
      )
      .action(async (source: string, flags: ExportFlags) => {
        const result = await runExport({
          source,
          format: flags.format as ExportFormat,
          outDir: flags.out,
          args: parseKeyValues(flags.arg ?? [], '--arg'),
          ...(flags.solver ? { solver: flags.solver } : {}),
          ...(flags.reward ? { reward: flags.reward } : {}),
          ...(flags.groupSize !== undefined ? { groupSize: flags.groupSize } : {}),
          ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
          ...(flags.split ? { split: flags.split } : {}),
        });
        process.stdout.write(
          `wrote ${result.rows} prompts (${result.images} images) to ${join(flags.out, result.dataFile)}; see ${join(flags.out, 'README.md')}\n`,
        );
        for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
      });
  },
};
