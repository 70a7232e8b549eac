// Model input: a DICOM file, series or multi-frame object, or a NIfTI volume → a list of
// ImageParts (PNG/JPEG bytes + media type + a label like "CT slice 12/40, lung window").
// Providers base64-encode the bytes on the wire; logs keep the sha256 (core/messages.ts).
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ChatMessage, ImagePart } from '../core/messages.js';
import { MedkitError } from '../core/errors.js';
import { imageFromBytes, imageFromPath, mediaTypeForPath } from '../core/messages.js';
import { readDicom, renderDicomFrame, type DicomImage } from './dicom.js';
import { ImagingError } from './errors.js';
import { decodeImage, encodeJpeg, encodePng, fitWithin, imageInfo } from './image.js';
import { readNifti, sliceCount, volumeSlice, type Plane, type Volume } from './nifti.js';
import type { Raster } from './raster.js';
import { applyWindow, autoWindow, resolveWindow, windowLabel, type Window, type WindowChoice } from './windowing.js';

export interface ImagePartOptions {
  /** One window, or several (each slice is sent once per window). DICOM default 'dicom', NIfTI 'auto'. */
  window?: WindowChoice | WindowChoice[];
  /** At most this many slices, sampled evenly (default 49, MedThinkVQA's largest item). */
  maxImages?: number;
  /** Exact slice (or frame) indices, 0-based, instead of even sampling. */
  slices?: number[];
  /** Downscale so the longer side is at most this (default: keep). */
  maxSide?: number;
  format?: 'png' | 'jpeg';
  /** A bad file in a series is reported here and skipped; without it the first bad file throws. */
  onError?: (error: ImagingError) => void;
}

/** Even sample of k indices out of n (all when k ≥ n), always including the first and last. */
export function sampleIndices(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  if (k <= 1) return [Math.floor((n - 1) / 2)];
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
}

export async function rasterToImagePart(
  raster: Raster,
  label: string,
  options: Pick<ImagePartOptions, 'maxSide' | 'format'> = {},
): Promise<ImagePart> {
  const sized = options.maxSide ? await fitWithin(raster, options.maxSide) : raster;
  return options.format === 'jpeg'
    ? imageFromBytes(await encodeJpeg(sized), 'image/jpeg', label)
    : imageFromBytes(await encodePng(sized), 'image/png', label);
}

/** Files of a folder that look like DICOM (".dcm" or the "DICM" marker), sorted by name. */
export async function listDicomFiles(dir: string): Promise<string[]> {
  const entries = (await readdir(dir)).sort();
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry);
    if (!(await stat(path)).isFile()) continue;
    if (/\.dcm$/i.test(entry) || (await hasDicmMarker(path))) out.push(path);
  }
  return out;
}

async function hasDicmMarker(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(132);
    const { bytesRead } = await handle.read(head, 0, 132, 0);
    return bytesRead === 132 && head.toString('latin1', 128, 132) === 'DICM';
  } finally {
    await handle.close();
  }
}

/** Sorts slices along the normal of their orientation (else instance number, else file name). */
export function sortDicomSeries(images: DicomImage[]): DicomImage[] {
  const withGeometry = images.every((image) => image.imagePosition && image.imageOrientation);
  if (withGeometry) {
    const [r0, r1, r2, c0, c1, c2] = images[0].imageOrientation!;
    const normal = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
    const along = (image: DicomImage) =>
      image.imagePosition!.reduce((sum, value, axis) => sum + value * normal[axis], 0);
    return [...images].sort((a, b) => along(a) - along(b) || a.file.localeCompare(b.file));
  }
  return [...images].sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) || a.file.localeCompare(b.file));
}

/** Reads several DICOM files (or a folder) as one series, sorted; bad files go to onError or throw. `keep` may slim each image (e.g. drop its pixels). */
export async function readDicomSeries(
  input: string | string[],
  options: Pick<ImagePartOptions, 'onError'> & { keep?: (image: DicomImage) => DicomImage } = {},
): Promise<DicomImage[]> {
  const paths =
    typeof input === 'string'
      ? (await stat(input).catch(() => null))?.isDirectory()
        ? await listDicomFiles(input)
        : [input]
      : input;
  if (paths.length === 0) throw new ImagingError(String(input), 'no DICOM files found');
  const images: DicomImage[] = [];
  for (const path of paths) {
    try {
      const image = await readDicom(path);
      images.push(options.keep ? options.keep(image) : image);
    } catch (error) {
      if (!(error instanceof ImagingError) || !options.onError) throw error;
      options.onError(error);
    }
  }
  if (images.length === 0) throw new ImagingError(String(input), 'none of the DICOM files could be read');
  return sortDicomSeries(images);
}

const windowsOf = (choice: ImagePartOptions['window'], fallback: WindowChoice): WindowChoice[] =>
  choice === undefined ? [fallback] : Array.isArray(choice) ? choice : [choice];

/** Pools a sample of values from several arrays, so 'auto' windows a whole series the same way. */
function pooledAutoWindow(arrays: ArrayLike<number>[]): Window {
  const total = arrays.reduce((sum, array) => sum + array.length, 0);
  const step = Math.max(1, Math.floor(total / 1_000_000));
  const sample: number[] = [];
  for (const array of arrays) for (let index = 0; index < array.length; index += step) sample.push(array[index]);
  return autoWindow(sample);
}

/** Every `step`-th value, at most ~20,000 per frame: enough for a percentile window. */
function subsample(values: Float32Array): Float32Array {
  const step = Math.max(1, Math.floor(values.length / 20_000));
  const out = new Float32Array(Math.ceil(values.length / step));
  for (let index = 0, at = 0; index < values.length; index += step, at++) out[at] = values[index];
  return out;
}

/**
 * DICOM → image parts. Input: a path, a folder (a series), a list of paths, or decoded images.
 * Every frame of every file is one slice; slices are sampled to `maxImages`. Files given by path
 * are decoded twice (headers + a small sample, then only the chosen slices one file at a time), so
 * peak memory stays near one decoded file however long the series.
 */
export async function dicomToImageParts(
  input: string | string[] | DicomImage | DicomImage[],
  options: ImagePartOptions = {},
): Promise<ImagePart[]> {
  const fromPaths = typeof input === 'string' || (Array.isArray(input) && typeof input[0] === 'string');
  const choices = windowsOf(options.window, 'dicom');
  const samples = new Map<string, Float32Array[]>();
  let images: DicomImage[];
  if (fromPaths) {
    images = await readDicomSeries(input as string | string[], {
      onError: options.onError,
      keep: (image) => {
        if (choices.includes('auto')) samples.set(image.file, image.frameValues.map(subsample));
        return { ...image, frameValues: [] };
      },
    });
  } else {
    images = sortDicomSeries(Array.isArray(input) ? (input as DicomImage[]) : [input as DicomImage]);
  }
  const slices = images.flatMap((image) => Array.from({ length: image.frames }, (_, frame) => ({ image, frame })));
  const chosen = options.slices ?? sampleIndices(slices.length, options.maxImages ?? 49);
  for (const index of chosen) {
    if (!Number.isInteger(index) || index < 0 || index >= slices.length)
      throw new ImagingError(images[0].file, `slice ${index} is outside 0…${slices.length - 1}`);
  }
  const pooled = choices.includes('auto')
    ? pooledAutoWindow(
        chosen.map((i) =>
          fromPaths
            ? samples.get(slices[i].image.file)![slices[i].frame]
            : slices[i].image.frameValues[slices[i].frame],
        ),
      )
    : undefined;
  const multiFrame = images.length === 1 && images[0].frames > 1;
  const parts: ImagePart[] = [];
  let loaded: DicomImage | undefined;
  for (const index of chosen) {
    const { frame } = slices[index];
    let image = slices[index].image;
    if (fromPaths) {
      if (loaded?.file !== image.file) loaded = await readDicom(image.file);
      image = loaded;
    }
    for (const choice of choices) {
      const rendered = renderDicomFrame(image, frame, choice === 'auto' && pooled ? pooled : choice);
      const windowText = choice === 'auto' ? `auto ${rendered.windowText}` : rendered.windowText;
      const where = slices.length === 1 ? 'image' : `${multiFrame ? 'frame' : 'slice'} ${index + 1}/${slices.length}`;
      parts.push(await rasterToImagePart(rendered.raster, `${image.modality} ${where}, ${windowText}`, options));
    }
  }
  return parts;
}

/** NIfTI volume (path or decoded) → image parts of one plane (default axial), sampled to `maxImages`. */
export async function niftiToImageParts(
  input: string | Volume,
  options: ImagePartOptions & { plane?: Plane; name?: string } = {},
): Promise<ImagePart[]> {
  const volume = typeof input === 'string' ? await readNifti(input) : input;
  const plane = options.plane ?? 'axial';
  const count = sliceCount(volume, plane);
  const chosen = options.slices ?? sampleIndices(count, options.maxImages ?? 49);
  const choices = windowsOf(options.window, 'auto');
  const whole = choices.includes('auto') || choices.includes('dicom') ? autoWindow(volume.data) : undefined;
  const name = options.name ?? 'volume';
  const parts: ImagePart[] = [];
  for (const index of chosen) {
    const slice = volumeSlice(volume, plane, index);
    for (const choice of choices) {
      const resolved = choice === 'auto' || choice === 'dicom' ? whole! : resolveWindow(choice, slice.values);
      const data = applyWindow(slice.values, resolved);
      const text =
        choice === 'auto' || choice === 'dicom'
          ? `auto ${windowLabel('auto', resolved)}`
          : windowLabel(choice, resolved);
      parts.push(
        await rasterToImagePart(
          { width: slice.width, height: slice.height, channels: 1, data },
          `${name} ${plane} slice ${index + 1}/${count}, ${text}`,
          options,
        ),
      );
    }
  }
  return parts;
}

/**
 * Any image file a user supplies → image parts: DICOM (".dcm", a "DICM" marker, or a folder =
 * series), NIfTI (".nii", ".nii.gz"), else PNG/JPEG/GIF/WebP kept as a path part (no re-encoding;
 * with `maxSide` it is decoded, downscaled and sent as bytes). Missing files throw naming them.
 */
export async function fileToImageParts(
  path: string,
  options: ImagePartOptions & { plane?: Plane; label?: string } = {},
): Promise<ImagePart[]> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new ImagingError(path, 'file not found');
  if (info.isDirectory() || /\.dcm$/i.test(path) || (await hasDicmMarker(path)))
    return dicomToImageParts(path, options);
  if (/\.nii(\.gz)?$/i.test(path))
    return niftiToImageParts(path, { ...options, name: options.label ?? basename(path).replace(/\.nii(\.gz)?$/i, '') });
  const label = options.label ?? basename(path);
  if (options.maxSide || options.format) {
    const raster = await decodeImage(path);
    return [await rasterToImagePart(raster, label, options)];
  }
  await imageInfo(path); // decodable, non-empty, non-zero size, or an ImagingError naming the file
  return [imageFromPath(path, mediaTypeForPath(path), label)];
}

/**
 * The one image of a question, decoded (image agents such as MedVR and CARE answer on exactly one image):
 * anything else, or an image kept only as a hash, is an error naming the sample and who needs it.
 */
export async function decodeSingleImage(
  messages: ChatMessage[],
  sampleId: string,
  who: string,
): Promise<{ part: ImagePart; raster: Raster; path: string | null }> {
  const parts = messages.flatMap((message) =>
    typeof message.content === 'string'
      ? []
      : message.content.filter((part): part is ImagePart => part.type === 'image'),
  );
  if (parts.length !== 1)
    throw new MedkitError(`sample ${sampleId}: ${who} needs exactly one image in the question, found ${parts.length}`);
  const part = parts[0]!;
  const source = part.source;
  if (source.kind === 'hash') throw new MedkitError(`sample ${sampleId}: the image has no bytes (read from a log)`);
  const raster = await decodeImage(source.kind === 'path' ? source.path : source.data, {
    name: `sample ${sampleId} image${source.kind === 'path' ? ` ${source.path}` : ''}`,
  });
  return { part, raster, path: source.kind === 'path' ? source.path : null };
}
