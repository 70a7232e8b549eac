// PNG/JPEG (and anything else libvips reads) to and from Raster, with sharp. Every failure names
// the file: missing, empty, zero-size or undecodable.
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { ImagingError } from './errors.js';
import { createRaster, type Raster, type Size } from './raster.js';
import type { Box } from './boxes.js';
import { pixelSpan } from './boxes.js';

export type ImageInput = string | Uint8Array;

const nameOf = (input: ImageInput, name?: string): string =>
  name ?? (typeof input === 'string' ? input : '<image bytes>');

/** Reads a file, turning ENOENT/EISDIR/empty into an ImagingError naming it. */
export async function readImageFile(path: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImagingError(path, code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (info.isDirectory()) throw new ImagingError(path, 'is a directory, not an image file');
  if (info.size === 0) throw new ImagingError(path, 'file is empty (0 bytes)');
  return new Uint8Array(await readFile(path));
}

/**
 * Decodes PNG, JPEG, WebP, GIF or TIFF to 8-bit pixels. Channels are kept as stored (grey stays
 * grey); 16-bit images are reduced to 8 bits. `name` labels byte input in errors.
 */
export async function decodeImage(input: ImageInput, options: { name?: string } = {}): Promise<Raster> {
  const name = nameOf(input, options.name);
  const bytes = typeof input === 'string' ? await readImageFile(input) : input;
  if (bytes.byteLength === 0) throw new ImagingError(name, 'image is empty (0 bytes)');
  try {
    // sharp converts to sRGB on output unless told otherwise: keep grey images grey.
    const meta = await sharp(bytes, { failOn: 'error' }).metadata();
    let pipeline = sharp(bytes, { failOn: 'error' });
    if (meta.space === 'b-w' || meta.space === 'grey16') pipeline = pipeline.toColourspace('b-w');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.width === 0 || info.height === 0)
      throw new ImagingError(name, `image has zero size (${info.width}×${info.height})`);
    let pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const samples = info.width * info.height * info.channels;
    if (data.byteLength === samples * 2) {
      // 16-bit samples → 8-bit by their high byte (value >> 8), not by clipping.
      const wide = new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      pixels = new Uint8Array(wide.length);
      for (let index = 0; index < wide.length; index++) pixels[index] = wide[index] >> 8;
    } else if (data.byteLength !== samples) {
      throw new ImagingError(
        name,
        `unsupported sample depth (${data.byteLength} bytes for ${samples} samples; 8- or 16-bit images only)`,
      );
    }
    return { width: info.width, height: info.height, channels: info.channels, data: pixels };
  } catch (error) {
    if (error instanceof ImagingError) throw error;
    throw new ImagingError(name, `cannot decode image: ${(error as Error).message}`, { cause: error });
  }
}

/** Width, height, format and channels without decoding the pixels. */
export async function imageInfo(
  input: ImageInput,
  options: { name?: string } = {},
): Promise<Size & { format: string; channels: number }> {
  const name = nameOf(input, options.name);
  const bytes = typeof input === 'string' ? await readImageFile(input) : input;
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height)
      throw new ImagingError(name, `image has zero size (${meta.width ?? 0}×${meta.height ?? 0})`);
    return { width: meta.width, height: meta.height, format: meta.format ?? 'unknown', channels: meta.channels ?? 0 };
  } catch (error) {
    if (error instanceof ImagingError) throw error;
    throw new ImagingError(name, `cannot read image header: ${(error as Error).message}`, { cause: error });
  }
}

function checkRaster(raster: Raster, what: string): void {
  if (!(raster.width > 0 && raster.height > 0))
    throw new ImagingError(what, `image has zero size (${raster.width}×${raster.height})`);
  if (raster.data.length !== raster.width * raster.height * raster.channels) {
    throw new ImagingError(
      what,
      `pixel buffer holds ${raster.data.length} bytes, expected ${raster.width}×${raster.height}×${raster.channels}`,
    );
  }
}

const toSharp = (raster: Raster) => {
  const pipeline = sharp(raster.data, {
    raw: { width: raster.width, height: raster.height, channels: raster.channels },
  });
  return raster.channels <= 2 ? pipeline.toColourspace('b-w') : pipeline;
};

/** PNG bytes of a raster (lossless; what phantoms, overlays and DICOM slices are sent as). */
export async function encodePng(raster: Raster, options: { compressionLevel?: number } = {}): Promise<Uint8Array> {
  checkRaster(raster, 'encodePng');
  const buffer = await toSharp(raster)
    .png({ compressionLevel: options.compressionLevel ?? 6 })
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export async function encodeJpeg(raster: Raster, options: { quality?: number } = {}): Promise<Uint8Array> {
  checkRaster(raster, 'encodeJpeg');
  const buffer = await toSharp(raster)
    .jpeg({ quality: options.quality ?? 90 })
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Copies the pixels under a box (centre rule of boxes.ts; the box is clipped to the image). */
export function cropRaster(raster: Raster, box: Box): Raster {
  const [c0, c1] = pixelSpan(box.x1, box.x2, raster.width);
  const [r0, r1] = pixelSpan(box.y1, box.y2, raster.height);
  if (c1 <= c0 || r1 <= r0)
    throw new ImagingError('crop', `crop box covers no pixel of the ${raster.width}×${raster.height} image`);
  const out = createRaster(c1 - c0, r1 - r0, raster.channels);
  const rowBytes = out.width * raster.channels;
  for (let row = r0; row < r1; row++) {
    const from = (row * raster.width + c0) * raster.channels;
    out.data.set(raster.data.subarray(from, from + rowBytes), (row - r0) * rowBytes);
  }
  return out;
}

export interface ResizeOptions {
  /** 'fill' stretches to exactly width×height; 'inside' keeps the aspect ratio within it. */
  fit?: 'fill' | 'inside';
  kernel?: 'nearest' | 'linear' | 'cubic' | 'lanczos3';
}

/** Resizes with libvips (lanczos3 by default; 'nearest' for label images and masks). */
export async function resizeRaster(
  raster: Raster,
  width: number,
  height: number,
  options: ResizeOptions = {},
): Promise<Raster> {
  checkRaster(raster, 'resize');
  if (!(width > 0 && height > 0))
    throw new ImagingError('resize', `target size must be positive, got ${width}×${height}`);
  const { data, info } = await toSharp(raster)
    .resize(Math.round(width), Math.round(height), { fit: options.fit ?? 'fill', kernel: options.kernel ?? 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** Scales so the longer side is at most `maxSide` (never enlarges). */
export async function fitWithin(raster: Raster, maxSide: number): Promise<Raster> {
  const scale = maxSide / Math.max(raster.width, raster.height);
  if (scale >= 1) return raster;
  return resizeRaster(
    raster,
    Math.max(1, Math.round(raster.width * scale)),
    Math.max(1, Math.round(raster.height * scale)),
  );
}
