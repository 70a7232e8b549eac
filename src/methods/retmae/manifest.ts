// The per-image high-frequency token manifest an external MAE trainer reads, and its overlay PNG.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { decodeImage, encodePng, readImageFile, resizeRaster } from '../../imaging/image.js';
import { drawOverlay } from '../../imaging/overlay.js';
import type { Raster } from '../../imaging/raster.js';
import { type HighFreqOptions, type HighFreqScores, highFrequencyScores } from './highfreq.js';

export const MANIFEST_FORMAT = 'medkit-retmae-hf/1';

export interface HfManifest {
  format: typeof MANIFEST_FORMAT;
  image: string;
  /** The size the image was resized to before scoring (the ViT input). */
  size: [number, number];
  patch: number;
  grid: [number, number];
  /** Kept patch ids (row-major), highest score first. */
  kept: number[];
  /** Every patch's score, in patch-id order (6 significant digits). */
  scores: number[];
  params: HighFreqScores['params'] & { size: number };
}

export interface ScoreImageOptions extends HighFreqOptions {
  /** Side the image is resized to (default 224, a ViT input); must be a multiple of the patch. */
  size?: number;
}

export async function scoreImageFile(path: string, options: ScoreImageOptions = {}) {
  const size = options.size ?? 224;
  const decoded = await decodeImage(await readImageFile(path), { name: path });
  const raster = decoded.width === size && decoded.height === size ? decoded : await resizeRaster(decoded, size, size);
  const scores = highFrequencyScores(raster, options);
  const manifest: HfManifest = {
    format: MANIFEST_FORMAT,
    image: path,
    size: [size, size],
    patch: scores.patch,
    grid: scores.grid,
    kept: scores.kept,
    scores: Array.from(scores.scores, (value) => Number(value.toPrecision(6))),
    params: { ...scores.params, size },
  };
  return { raster, scores, manifest };
}

/** The image with every kept patch outlined (the viewer shows this PNG). */
export async function overlayOfKept(raster: Raster, scores: HighFreqScores): Promise<Uint8Array> {
  const cols = scores.grid[1];
  const boxes = scores.kept.map((id) => {
    const x1 = (id % cols) * scores.patch;
    const y1 = Math.floor(id / cols) * scores.patch;
    return {
      box: { x1, y1, x2: x1 + scores.patch, y2: y1 + scores.patch },
      colour: [64, 220, 64] as [number, number, number],
      lineWidth: 1,
    };
  });
  return encodePng(drawOverlay(raster, { boxes }));
}

/** Writes `<name>.hf.json` (and `<name>.hf.png` unless `overlay` is false) into `outDir`. */
export async function writeManifest(
  path: string,
  outDir: string,
  options: ScoreImageOptions & { overlay?: boolean } = {},
) {
  const { raster, scores, manifest } = await scoreImageFile(path, options);
  await mkdir(outDir, { recursive: true });
  const name = basename(path, extname(path));
  const manifestPath = join(outDir, `${name}.hf.json`);
  await writeFile(manifestPath, `${JSON.stringify(manifest)}\n`);
  let overlayPath: string | undefined;
  if (options.overlay !== false) {
    overlayPath = join(outDir, `${name}.hf.png`);
    await writeFile(overlayPath, await overlayOfKept(raster, scores));
  }
  return { manifest, manifestPath, overlayPath };
}
