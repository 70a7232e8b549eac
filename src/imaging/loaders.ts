// Dataset loaders for `medkit data check <loader> <path>`: dicom (a file or a folder = series),
// nifti (.nii/.nii.gz) and image (PNG/JPEG/...). `describe` prints size, modality and value range;
// `load` yields one sample per file (images by path, statistics in metadata).
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { defineLoader, type DatasetLoader } from '../core/benchmark.js';
import type { Sample } from '../core/sample.js';
import { readDicom, type DicomImage } from './dicom.js';
import { ImagingError } from './errors.js';
import { decodeImage, imageInfo } from './image.js';
import { readNifti } from './nifti.js';
import { listDicomFiles } from './parts.js';
import { pixelStats } from './raster.js';

const fmt = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2));

async function filesOf(
  path: string,
  test: (name: string) => boolean,
  list?: (dir: string) => Promise<string[]>,
): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new ImagingError(path, 'file not found');
  if (!info.isDirectory()) return [path];
  if (list) return list(path);
  return (await readdir(path))
    .filter(test)
    .sort()
    .map((name) => join(path, name));
}

function dicomStats(image: DicomImage) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (const frame of image.frameValues) {
    const stats = pixelStats(frame);
    min = Math.min(min, stats.min);
    max = Math.max(max, stats.max);
    sum += stats.mean * stats.count;
    count += stats.count;
  }
  return { min, max, mean: sum / count };
}

export function describeDicom(image: DicomImage): string {
  const stats = dicomStats(image);
  const unit = image.modality === 'CT' && image.rescaleIntercept !== 0 ? ' (HU)' : '';
  const lines = [
    `${image.file}: DICOM ${image.modality}, ${image.columns}×${image.rows}, ${image.frames} frame${image.frames === 1 ? '' : 's'}, ` +
      `${image.transferSyntaxName} (${image.transferSyntaxUid})`,
    `  ${image.photometric}, ${image.samplesPerPixel} sample${image.samplesPerPixel === 1 ? '' : 's'}/pixel, ${image.bitsStored} of ${image.bitsAllocated} bits, ` +
      `${image.pixelRepresentation ? 'signed' : 'unsigned'}; rescale slope ${fmt(image.rescaleSlope)}, intercept ${fmt(image.rescaleIntercept)}`,
    `  values${unit}: min ${fmt(stats.min)}, max ${fmt(stats.max)}, mean ${fmt(stats.mean)}`,
    `  pixel spacing ${image.pixelSpacing ? image.pixelSpacing.map(fmt).join(' × ') + ' mm' : 'unknown'}` +
      (image.sliceThickness !== undefined ? `, slice thickness ${fmt(image.sliceThickness)} mm` : '') +
      `; window in file: ${image.windows.length ? image.windows.map((w) => `C${fmt(w.center)}/W${fmt(w.width)}`).join(', ') : 'none'}`,
  ];
  return lines.join('\n');
}

const dicomSample = (image: DicomImage): Sample => {
  const stats = dicomStats(image);
  return {
    id: basename(image.file),
    input: `DICOM ${image.modality} ${image.columns}×${image.rows}×${image.frames}`,
    target: null,
    files: { image: image.file },
    metadata: {
      modality: image.modality,
      rows: image.rows,
      columns: image.columns,
      frames: image.frames,
      transferSyntax: image.transferSyntaxUid,
      min: stats.min,
      max: stats.max,
      mean: stats.mean,
    },
  };
};

async function* loadEach<T>(
  paths: string[],
  read: (path: string) => Promise<T>,
  toSample: (item: T) => Sample,
  options?: { lenient?: boolean; onError?: (error: Error) => void },
): AsyncIterable<Sample> {
  for (const path of paths) {
    let item: T;
    try {
      item = await read(path);
    } catch (error) {
      if (!options?.lenient || !(error instanceof Error)) throw error;
      options.onError?.(error);
      continue;
    }
    yield toSample(item);
  }
}

export const dicomLoader: DatasetLoader = defineLoader({
  name: 'dicom',
  description:
    'DICOM files (a file, or a folder read as files of a series): size, modality, transfer syntax, value range',
  load: (path, options) => ({
    [Symbol.asyncIterator]: async function* () {
      yield* loadEach(await filesOf(path, () => true, listDicomFiles), readDicom, dicomSample, options);
    },
  }),
  async describe(path) {
    const files = await filesOf(path, () => true, listDicomFiles);
    const out: string[] = [];
    for (const file of files) {
      try {
        out.push(describeDicom(await readDicom(file)));
      } catch (error) {
        if (files.length === 1) throw error;
        out.push(`${(error as Error).message}`);
      }
    }
    return out.join('\n');
  },
});

const isNifti = (name: string) => /\.nii(\.gz)?$/i.test(name);

export const niftiLoader: DatasetLoader = defineLoader({
  name: 'nifti',
  description: 'NIfTI-1/2 volumes (.nii, .nii.gz): dimensions, spacing, orientation, value range',
  load: (path, options) => ({
    [Symbol.asyncIterator]: async function* () {
      yield* loadEach(
        await filesOf(path, isNifti),
        (file) => readNifti(file),
        (volume) => {
          const stats = pixelStats(volume.data);
          return {
            id: basename(volume.file),
            input: `NIfTI volume ${volume.dims.join('×')}`,
            target: null,
            files: { volume: volume.file },
            metadata: {
              dims: volume.dims,
              spacing: volume.spacing,
              orientation: volume.orientation,
              datatype: volume.datatype,
              min: stats.min,
              max: stats.max,
              mean: stats.mean,
            },
          };
        },
        options,
      );
    },
  }),
  async describe(path) {
    const out: string[] = [];
    for (const file of await filesOf(path, isNifti)) {
      const volume = await readNifti(file);
      const stats = pixelStats(volume.data);
      out.push(
        `${file}: NIfTI ${volume.dims.join('×')}${volume.volumes > 1 ? ` (${volume.volumes} volumes)` : ''} ${volume.datatype}, ` +
          `spacing ${volume.spacing.map(fmt).join(' × ')} mm, orientation ${volume.orientation}\n` +
          `  values: min ${fmt(stats.min)}, max ${fmt(stats.max)}, mean ${fmt(stats.mean)}` +
          (volume.description ? `; description "${volume.description}"` : ''),
      );
    }
    return out.join('\n');
  },
});

const isImage = (name: string) =>
  ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff'].includes(extname(name).toLowerCase());

export const imageLoader: DatasetLoader = defineLoader({
  name: 'image',
  description: 'PNG/JPEG/WebP/TIFF images (a file or a folder): size, channels, value range',
  load: (path, options) => ({
    [Symbol.asyncIterator]: async function* () {
      yield* loadEach(
        await filesOf(path, isImage),
        async (file) => ({ file, info: await imageInfo(file) }),
        ({ file, info }) => ({
          id: basename(file),
          input: `${info.format} image ${info.width}×${info.height}`,
          target: null,
          files: { image: file },
          metadata: { width: info.width, height: info.height, channels: info.channels, format: info.format },
        }),
        options,
      );
    },
  }),
  async describe(path) {
    const out: string[] = [];
    for (const file of await filesOf(path, isImage)) {
      const info = await imageInfo(file);
      const raster = await decodeImage(file);
      const stats = pixelStats(raster.data);
      out.push(
        `${file}: ${info.format.toUpperCase()} ${raster.width}×${raster.height}, ${raster.channels} channel${raster.channels === 1 ? '' : 's'}; ` +
          `values: min ${stats.min}, max ${stats.max}, mean ${fmt(stats.mean)}`,
      );
    }
    return out.join('\n');
  },
});
