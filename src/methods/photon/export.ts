// Artefacts for Photon's trainer (an ms-swift fork): SFT rows in ms-swift's video format pointing at volumes
// prepared as the README says (RAI, 1 mm, 364³, HU clipped), the Qwen2.5-VL config overrides of configs/config.json,
// and the `swift sft` settings of the two training phases (train_photon_s*.sh, as the reference records them).
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, readJsonLines } from '../../core/index.js';
import { readVolume } from '../../imaging/dicom-volume.js';
import { encodeNifti } from '../../imaging/nifti.js';
import { type PhotonVolumeOptions, prepareVolume } from './volume.js';

const itemSchema = z.object({
  volume: z.string().min(1),
  question: z.string().min(1),
  answer: z.string().min(1),
});

/** One ms-swift SFT row: the `<video>` tag stands for the volume (depth is read as frames). */
export function swiftRow(question: string, answer: string, video: string) {
  return {
    messages: [
      { role: 'user', content: `<video> ${question}` },
      { role: 'assistant', content: answer },
    ],
    videos: [video],
  };
}

/** Vision-config overrides Photon applies to Qwen2.5-VL-3B (14³ voxel patches, one channel, 2×2 merge). */
export const PHOTON_VISION_CONFIG = { in_chans: 1, patch_size: 14, temporal_patch_size: 14, spatial_merge_size: 2 };

/** The two phases' settings as the reference records them (unconfirmed items are marked). */
export const PHOTON_TRAINING = {
  phase1: {
    trainable: 'vision_patch_embed only',
    learning_rate: 1.25e-4,
    num_train_epochs: 3,
    per_device_train_batch_size: 2,
    gpus: 16,
    padding_free: true,
  },
  phase2: {
    trainable: 'full',
    learning_rate: 1e-5,
    vit_lr: 5e-6,
    num_train_epochs: 3,
    per_device_train_batch_size: 1,
    gradient_accumulation_steps: 2,
    gpus: 8,
    deepspeed: 'zero2',
    attn_impl: 'flash_attn',
  },
  schedule: {
    no_pruning_before: 4000,
    soft_gating_before: 8000,
    hard_drop_sgp_from: 8000,
    flip_from: 9000,
    flip_probability: 0.05,
    mismatch_probability: 0.15,
  },
  pruning_layer: 'int(L/4 - 1) = 8 of 36',
};

/**
 * Reads `{volume, question, answer}` JSONL (volume paths relative to the file), prepares each volume once into
 * `out/volumes/`, and writes `out/train.jsonl` (ms-swift rows), `out/config-overrides.json` and `out/photon-train.json`.
 */
export async function exportSwift(
  dataFile: string,
  out: string,
  options: PhotonVolumeOptions = {},
): Promise<{ rows: number; volumes: number }> {
  await mkdir(join(out, 'volumes'), { recursive: true });
  const prepared = new Map<string, string>();
  const rows: string[] = [];
  for await (const { value, at } of readJsonLines(dataFile)) {
    const parsed = itemSchema.safeParse(value);
    if (!parsed.success)
      throw new ConfigError(
        `${at.file}:${at.line}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ')}`,
      );
    const source = resolve(dirname(at.file), parsed.data.volume);
    let target = prepared.get(source);
    if (!target) {
      let volume: Awaited<ReturnType<typeof readVolume>>;
      try {
        volume = await readVolume(source);
      } catch (error) {
        throw new ConfigError(`${at.file}:${at.line}: volume: ${(error as Error).message}`);
      }
      const result = prepareVolume(volume, options);
      const hu = Int16Array.from(result.data, (v) => Math.round(v));
      target = join(
        out,
        'volumes',
        `${String(prepared.size).padStart(5, '0')}-${basename(source).replace(/\.(nii(\.gz)?|dcm)$/i, '')}.nii.gz`,
      );
      await writeFile(target, encodeNifti(hu, result.dims, [1, 1, 1], { gzip: true, affine: RAI_AFFINE }));
      prepared.set(source, target);
    }
    rows.push(JSON.stringify(swiftRow(parsed.data.question, parsed.data.answer, resolve(target))));
  }
  await writeFile(join(out, 'train.jsonl'), rows.length ? `${rows.join('\n')}\n` : '');
  await writeFile(
    join(out, 'config-overrides.json'),
    `${JSON.stringify({ vision_config: PHOTON_VISION_CONFIG }, null, 2)}\n`,
  );
  await writeFile(join(out, 'photon-train.json'), `${JSON.stringify(PHOTON_TRAINING, null, 2)}\n`);
  return { rows: rows.length, volumes: prepared.size };
}

/** 1 mm voxels with axis 0 towards R, 1 towards A, 2 towards I (RAS+ world). */
const RAI_AFFINE = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, -1, 0],
  [0, 0, 0, 1],
];
