// `medkit retmae score | cka | probe | config`: RetMAE's runtime pieces from the command line.
import { readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import type { CliCommand } from '../../cli/command.js';
import { ConfigError, readJsonLines } from '../../core/index.js';
import { linearCka } from './analysis.js';
import { retmaeTrainingConfig } from './config.js';
import { writeManifest } from './manifest.js';
import { linearProbe } from './probe.js';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff']);

/** Image files named directly or found (non-recursively, sorted) in the folders named. */
export function listImages(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(input);
    } catch {
      throw new ConfigError(`${input}: no such file or folder`);
    }
    if (!stats.isDirectory()) files.push(input);
    else
      for (const name of readdirSync(input).sort())
        if (IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) files.push(join(input, name));
  }
  return files;
}

async function readFeatures(file: string): Promise<number[][]> {
  const rows: number[][] = [];
  for await (const { value, at } of readJsonLines(file)) {
    if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'number' && Number.isFinite(entry))) {
      throw new ConfigError(`${at.file}:${at.line}: expected a JSON array of numbers (one feature vector per line)`);
    }
    rows.push(value as number[]);
  }
  return rows;
}

const numberOption = (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new ConfigError(`not a number: ${value}`);
  return parsed;
};

export const retmaeCommand: CliCommand = {
  name: 'retmae',
  register(program: Command) {
    const retmae = program.command('retmae').description('RetMAE: high-frequency token manifests, CKA, linear probe');
    retmae
      .command('score')
      .description('score fundus images: per-image HF-token manifest (.hf.json) and overlay (.hf.png)')
      .argument('<inputs...>', 'image files or folders of images')
      .requiredOption('--out <dir>', 'output folder')
      .option('--size <px>', 'resize side before scoring (a ViT input)', numberOption, 224)
      .option('--patch <px>', 'ViT patch side', numberOption, 16)
      .option('--d0 <fraction>', 'Butterworth cut-off D0 as a fraction of the padded FFT size', numberOption, 0.1)
      .option('--order <n>', 'Butterworth order n', numberOption, 2)
      .option('--keep <ratio>', 'share of patches kept', numberOption, 0.25)
      .option('--no-overlay', 'skip the overlay PNGs')
      .action(async (inputs: string[], options) => {
        const files = listImages(inputs);
        let failed = 0;
        for (const file of files) {
          try {
            await writeManifest(file, options.out, {
              size: options.size,
              patch: options.patch,
              d0Fraction: options.d0,
              order: options.order,
              keepRatio: options.keep,
              overlay: options.overlay,
            });
          } catch (error) {
            failed++;
            console.error(`${file}: ${(error as Error).message}`);
          }
        }
        console.log(`${files.length - failed} of ${files.length} images scored into ${options.out}`);
        if (failed) process.exitCode = 1;
      });
    retmae
      .command('cka')
      .description('linear CKA between two feature files (JSONL: one JSON array of numbers per line, same order)')
      .argument('<x>')
      .argument('<y>')
      .action(async (x: string, y: string) =>
        console.log(linearCka(await readFeatures(x), await readFeatures(y)).toFixed(6)),
      );
    retmae
      .command('probe')
      .description('linear-probe AUROC of an ONNX encoder on {image, label} JSONL: all / high / random / low tokens')
      .requiredOption('--encoder <file.onnx>', 'encoder: pixel_values [1,3,S,S] → [1, N(+1), D] patch features')
      .requiredOption('--data <file.jsonl>', '{image, label: 0|1} per line')
      .option('--size <px>', 'encoder input side', numberOption, 224)
      .option('--patch <px>', 'encoder patch side', numberOption, 16)
      .option('--normalize <mode>', 'imagenet | none', 'imagenet')
      .option('--folds <k>', 'cross-validation folds', numberOption, 5)
      .option('--out <file>', 'also write the table as JSON')
      .action(async (options) => {
        const rows = await linearProbe(options.encoder, options.data, options);
        console.log('variant  tokens  AUROC [95% CI]          n');
        for (const row of rows) {
          console.log(
            `${row.variant.padEnd(8)} ${String(row.tokens).padStart(6)}  ${row.auroc.toFixed(3)} [${row.lower.toFixed(3)}, ${row.upper.toFixed(3)}]  ${row.n}`,
          );
        }
        if (options.out) await writeFile(options.out, `${JSON.stringify(rows, null, 2)}\n`);
      });
    retmae
      .command('config')
      .description('write the training configuration for an external MAE trainer (λ_rec 1, λ_hmi 0.1, λ_aux 0.01)')
      .requiredOption('--out <dir>', 'output folder')
      .option('--manifests <dir>', 'folder of .hf.json manifests to reference')
      .option('--no-aux', 'no auxiliary encoder term')
      .action(async (options: { out: string; manifests?: string; aux: boolean }) => {
        await mkdir(options.out, { recursive: true });
        const file = join(options.out, 'retmae-config.json');
        await writeFile(file, `${JSON.stringify(retmaeTrainingConfig(options), null, 2)}\n`);
        console.log(`wrote ${file}`);
      });
  },
};
