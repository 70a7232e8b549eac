// In-memory pixel types shared by every imaging module. Plain typed arrays, row-major, no classes,
// so they cross worker boundaries and JSON-free caches without conversion.

export interface Size {
  width: number;
  height: number;
}

/** 8-bit pixels, row-major, `channels` interleaved (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
export interface Raster extends Size {
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

/** A binary mask: 1 inside, 0 outside, one byte per pixel, row-major. */
export interface Mask extends Size {
  data: Uint8Array;
}

export function createRaster(width: number, height: number, channels: Raster['channels'], fill = 0): Raster {
  const data = new Uint8Array(width * height * channels);
  if (fill !== 0) data.fill(fill);
  return { width, height, channels, data };
}

export function createMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

export function maskCount(mask: Mask): number {
  let count = 0;
  for (let index = 0; index < mask.data.length; index++) if (mask.data[index]) count++;
  return count;
}

export interface PixelStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  count: number;
}

/** Min, max, mean and population standard deviation of any numeric array (all channels pooled). */
export function pixelStats(values: ArrayLike<number>): PixelStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  const count = values.length;
  for (let index = 0; index < count; index++) {
    const value = values[index];
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
    sumSquares += value * value;
  }
  const mean = count ? sum / count : NaN;
  const variance = count ? Math.max(0, sumSquares / count - mean * mean) : NaN;
  return { min: count ? min : NaN, max: count ? max : NaN, mean, std: Math.sqrt(variance), count };
}

/** Grey copy (luma, ITU-R BT.601 weights); alpha is dropped. */
export function toGrey(raster: Raster): Raster {
  if (raster.channels === 1) return raster;
  const out = createRaster(raster.width, raster.height, 1);
  const step = raster.channels;
  for (let pixel = 0, offset = 0; pixel < out.data.length; pixel++, offset += step) {
    out.data[pixel] =
      step <= 2
        ? raster.data[offset]
        : Math.round(0.299 * raster.data[offset] + 0.587 * raster.data[offset + 1] + 0.114 * raster.data[offset + 2]);
  }
  return out;
}

/** RGB copy (grey replicated, alpha dropped). */
export function toRgb(raster: Raster): Raster {
  if (raster.channels === 3) return raster;
  const out = createRaster(raster.width, raster.height, 3);
  const step = raster.channels;
  for (let pixel = 0, offset = 0; pixel < raster.width * raster.height; pixel++, offset += step) {
    const o = pixel * 3;
    if (step <= 2) {
      out.data[o] = out.data[o + 1] = out.data[o + 2] = raster.data[offset];
    } else {
      out.data[o] = raster.data[offset];
      out.data[o + 1] = raster.data[offset + 1];
      out.data[o + 2] = raster.data[offset + 2];
    }
  }
  return out;
}
