// RetMAE's high-frequency token score (§3 of the reference): green channel → soft field-of-view mask →
// Gaussian blur → 2-D FFT → Butterworth high-pass H = 1/(1 + (D0/D)^{2n}) → inverse FFT → binarised FOV →
// mean response per ViT patch → keep the top 25%. One global high-pass response averaged per patch.
import FFT from 'fft.js';
import { gaussianBlur } from '../../imaging/blur.js';
import type { Raster } from '../../imaging/raster.js';

export interface HighFreqOptions {
  /** ViT patch side in pixels (default 16). The image side must be a multiple of it. */
  patch?: number;
  /** Butterworth cut-off D0 as a fraction of the padded FFT size (default 0.1: 25.6 cycles at 256). */
  d0Fraction?: number;
  /** Butterworth order n (default 2). */
  order?: number;
  /** Share of patches kept (default 0.25). */
  keepRatio?: number;
  /** σ of the Gaussian blur before the FFT, in pixels (default 1). */
  blurSigma?: number;
  /** Mean RGB intensity (0..1) above which a pixel is inside the field of view (default 0.06). */
  fovThreshold?: number;
  /** σ of the blur that softens the FOV mask's edge, in pixels (default 2). */
  fovSoftness?: number;
}

export interface HighFreqScores {
  width: number;
  height: number;
  patch: number;
  /** Patch grid [rows, cols]; patch id = row · cols + col. */
  grid: [number, number];
  /** Mean high-pass response per patch, in patch-id order. */
  scores: Float64Array;
  /** Kept patch ids, highest score first (ties: lower id first). */
  kept: number[];
  /** The response map (height × width), for overlays and tests. */
  response: Float64Array;
  params: Required<HighFreqOptions>;
}

export const HIGH_FREQ_DEFAULTS: Required<HighFreqOptions> = {
  patch: 16,
  d0Fraction: 0.1,
  order: 2,
  keepRatio: 0.25,
  blurSigma: 1,
  fovThreshold: 0.06,
  fovSoftness: 2,
};

const nextPowerOfTwo = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(2, n)));

/**
 * Butterworth high-pass of a real image (height × width), zero-padded to a power of two: rows then columns
 * with fft.js, H(u, v) = 1/(1 + (D0/D)^{2n}) with D the distance from the DC term in centred frequency
 * coordinates (cycles per padded image) and H(0, 0) = 0; returns the real part of the inverse transform.
 */
export function butterworthHighPass(
  values: Float64Array,
  width: number,
  height: number,
  d0Fraction: number,
  order: number,
): Float64Array {
  const size = nextPowerOfTwo(Math.max(width, height));
  const fft = new FFT(size);
  // Complex image, interleaved re/im, size × size.
  const grid = new Float64Array(size * size * 2);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) grid[(y * size + x) * 2] = values[y * width + x]!;
  const row = fft.createComplexArray() as number[];
  const out = fft.createComplexArray() as number[];
  const transformRows = (inverse: boolean) => {
    for (let y = 0; y < size; y++) {
      for (let i = 0; i < 2 * size; i++) row[i] = grid[y * size * 2 + i]!;
      if (inverse) fft.inverseTransform(out, row);
      else fft.transform(out, row);
      for (let i = 0; i < 2 * size; i++) grid[y * size * 2 + i] = out[i]!;
    }
  };
  const transformColumns = (inverse: boolean) => {
    for (let x = 0; x < size; x++) {
      for (let y = 0; y < size; y++) {
        row[2 * y] = grid[(y * size + x) * 2]!;
        row[2 * y + 1] = grid[(y * size + x) * 2 + 1]!;
      }
      if (inverse) fft.inverseTransform(out, row);
      else fft.transform(out, row);
      for (let y = 0; y < size; y++) {
        grid[(y * size + x) * 2] = out[2 * y]!;
        grid[(y * size + x) * 2 + 1] = out[2 * y + 1]!;
      }
    }
  };
  transformRows(false);
  transformColumns(false);
  const d0 = d0Fraction * size;
  for (let v = 0; v < size; v++) {
    const fv = v < size / 2 ? v : v - size;
    for (let u = 0; u < size; u++) {
      const fu = u < size / 2 ? u : u - size;
      const distance = Math.hypot(fu, fv);
      const gain = distance === 0 ? 0 : 1 / (1 + (d0 / distance) ** (2 * order));
      grid[(v * size + u) * 2]! *= gain;
      grid[(v * size + u) * 2 + 1]! *= gain;
    }
  }
  transformColumns(true);
  transformRows(true);
  const result = new Float64Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) result[y * width + x] = grid[(y * size + x) * 2]!;
  return result;
}

/** Scores every patch of an RGB (or grey) raster and keeps the top share. */
export function highFrequencyScores(raster: Raster, options: HighFreqOptions = {}): HighFreqScores {
  const params = { ...HIGH_FREQ_DEFAULTS, ...options };
  const { width, height, channels, data } = raster;
  if (width % params.patch || height % params.patch) {
    throw new Error(`image ${width}×${height} is not a multiple of the ${params.patch}-pixel patch`);
  }
  if (!(params.keepRatio > 0 && params.keepRatio <= 1))
    throw new Error(`keepRatio ${params.keepRatio} is not in (0, 1]`);
  const pixels = width * height;
  const green = new Float64Array(pixels);
  const inside = new Float64Array(pixels);
  for (let index = 0; index < pixels; index++) {
    const offset = index * channels;
    const g = channels >= 3 ? data[offset + 1]! : data[offset]!;
    const brightness = channels >= 3 ? (data[offset]! + data[offset + 1]! + data[offset + 2]!) / 765 : g / 255;
    green[index] = g / 255;
    inside[index] = brightness > params.fovThreshold ? 1 : 0;
  }
  const softFov = gaussianBlur(inside, width, height, params.fovSoftness);
  for (let index = 0; index < pixels; index++) green[index]! *= softFov[index]!;
  const blurred = gaussianBlur(green, width, height, params.blurSigma);
  const filtered = butterworthHighPass(blurred, width, height, params.d0Fraction, params.order);
  // Binarised FOV: only pixels well inside the field (soft mask ≥ 0.99) count, which suppresses the rim.
  const response = new Float64Array(pixels);
  for (let index = 0; index < pixels; index++)
    response[index] = softFov[index]! >= 0.99 ? Math.abs(filtered[index]!) : 0;
  const cols = width / params.patch;
  const rows = height / params.patch;
  const scores = new Float64Array(rows * cols);
  for (let y = 0; y < height; y++) {
    const patchRow = Math.floor(y / params.patch) * cols;
    for (let x = 0; x < width; x++) scores[patchRow + Math.floor(x / params.patch)]! += response[y * width + x]!;
  }
  for (let id = 0; id < scores.length; id++) scores[id]! /= params.patch * params.patch;
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const keep = Math.max(1, Math.round(params.keepRatio * scores.length));
  return {
    width,
    height,
    patch: params.patch,
    grid: [rows, cols],
    scores,
    kept: order.slice(0, keep),
    response,
    params,
  };
}

/** The complementary selections the linear probe compares (same count as the high-frequency one). */
export function patchSelections(scores: HighFreqScores, seed: number) {
  const count = scores.kept.length;
  const ascending = Array.from(scores.scores.keys()).sort((a, b) => scores.scores[a]! - scores.scores[b]! || a - b);
  const random = Array.from(scores.scores.keys());
  let state = seed >>> 0 || 1;
  for (let i = random.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [random[i], random[j]] = [random[j]!, random[i]!];
  }
  return { high: scores.kept, low: ascending.slice(0, count), random: random.slice(0, count).sort((a, b) => a - b) };
}
