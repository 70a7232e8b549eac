// `medkit photon tokens | preprocess | export`: Photon's runtime pieces from the command line.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import type { CliCommand } from '../../cli/command.js';
import { readVolume } from '../../imaging/dicom-volume.js';
import { encodeNifti } from '../../imaging/nifti.js';
import { exportSwift } from './export.js';
import { estimateVolumeTokens, preprocessVolume } from './volume.js';

export const photonCommand: CliCommand = {
  name: 'photon',
  register(program: Command) {
    const photon = program.command('photon').description('Photon: 3-D volume pipeline, token counts, ms-swift export');
    photon
      .command('tokens')
      .description('visual tokens of NIfTI volumes: at their 1 mm size and through the fixed [140, 280, 280] pipeline')
      .argument('<volumes...>', '.nii / .nii.gz files, DICOM files or DICOM series folders')
      .action(async (files: string[]) => {
        for (const file of files) {
          const volume = await readVolume(file);
          const { native, pipeline, nativeShape } = estimateVolumeTokens(volume.dims, volume.spacing);
          console.log(
            `${file}: ${volume.dims.join('×')} at ${volume.spacing.map((s) => s.toFixed(2)).join('×')} mm ${volume.orientation}${volume.notes.length ? ` (${volume.notes.join('; ')})` : ''}; at 1 mm [${nativeShape.join(', ')}] → ${native.tokens} tokens; pipeline → ${pipeline.tokens}`,
          );
        }
      });
    photon
      .command('preprocess')
      .description('run the pipeline (RAI, 1 mm, 364³, HU clip, [0, 1], [140, 280, 280]); writes float32 NIfTI + JSON')
      .argument('<volumes...>', '.nii / .nii.gz files, DICOM files or DICOM series folders')
      .requiredOption('--out <dir>', 'output folder')
      .action(async (files: string[], options: { out: string }) => {
        await mkdir(options.out, { recursive: true });
        for (const file of files) {
          const volume = await readVolume(file);
          const result = preprocessVolume(volume);
          result.steps.unshift(...volume.notes);
          const name = basename(file).replace(/\.(nii(\.gz)?|dcm)$/i, '');
          const [depth, height, width] = result.shape;
          await writeFile(
            join(options.out, `${name}.photon.nii.gz`),
            encodeNifti(result.data, [width, height, depth], [1, 1, 1], { gzip: true }),
          );
          await writeFile(
            join(options.out, `${name}.photon.json`),
            `${JSON.stringify({ source: file, shape: result.shape, tokens: result.tokens, steps: result.steps }, null, 2)}\n`,
          );
          console.log(`${file}: ${result.steps.join('; ')}; ${result.tokens.tokens} tokens`);
        }
      });
    photon
      .command('export')
      .description('ms-swift SFT data for Photon: prepared volumes, train.jsonl, config overrides, training settings')
      .requiredOption('--data <file.jsonl>', '{volume, question, answer} per line (volume relative to the file)')
      .requiredOption('--out <dir>', 'output folder')
      .action(async (options: { data: string; out: string }) => {
        const { rows, volumes } = await exportSwift(options.data, options.out);
        console.log(`${rows} rows, ${volumes} volumes written to ${options.out}`);
      });
  },
};
