// Pixel-only region helpers for honest non-LLM baselines: the brightest window of an image (by an
// integral image) and the mean grey level under each token of a model's grid.
import type { Box } from './boxes.js';
import { ImagingError } from './errors.js';
import { toGrey, type Raster } from './raster.js';
import type { TokenGridSpec } from './tokens.js';

/** Summed-area table of the grey image, (width + 1) × (height + 1), zero first row and column. */
export function integralImage(raster: Raster): { width: number; height: number; table: Float64Array } {
  const grey = toGrey(raster);
  const { width, height } = grey;
  const table = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += grey.data[y * width + x];
      table[(y + 1) * (width + 1) + x + 1] = table[y * (width + 1) + x + 1] + row;
    }
  }
  return { width, height, table };
}

/**
 * The (width/fraction × height/fraction)-pixel window with the highest mean grey level, searched on
 * a grid of step min(w, h)/8; ties keep the first (top-left-most) window. Deterministic.
 */
export function brightestWindow(raster: Raster, fraction = 6): Box {
  if (!(raster.width > 0 && raster.height > 0))
    throw new ImagingError('brightestWindow', `image has zero size (${raster.width}×${raster.height})`);
  if (!(fraction >= 1)) throw new ImagingError('brightestWindow', `fraction must be ≥ 1, got ${fraction}`);
  const { width, height, table } = integralImage(raster);
  const w = Math.max(1, Math.round(width / fraction));
  const h = Math.max(1, Math.round(height / fraction));
  const step = Math.max(1, Math.floor(Math.min(w, h) / 8));
  let best = -1;
  let box: Box = { x1: 0, y1: 0, x2: w, y2: h };
  for (let y = 0; y + h <= height; y += step) {
    for (let x = 0; x + w <= width; x += step) {
      const sum =
        table[(y + h) * (width + 1) + x + w] -
        table[y * (width + 1) + x + w] -
        table[(y + h) * (width + 1) + x] +
        table[y * (width + 1) + x];
      if (sum > best) [best, box] = [sum, { x1: x, y1: y, x2: x + w, y2: y + h }];
    }
  }
  return box;
}

/** Mean grey level of the original-image pixels under each token of the grid (row-major). */
export function meanPerToken(raster: Raster, grid: TokenGridSpec): number[] {
  const grey = toGrey(raster);
  const sums = new Float64Array(grid.rows * grid.cols);
  const counts = new Uint32Array(grid.rows * grid.cols);
  for (let y = 0; y < grey.height; y++) {
    const row = Math.min(grid.rows - 1, Math.floor(((y + 0.5) / grey.height) * grid.rows));
    for (let x = 0; x < grey.width; x++) {
      const col = Math.min(grid.cols - 1, Math.floor(((x + 0.5) / grey.width) * grid.cols));
      sums[row * grid.cols + col] += grey.data[y * grey.width + x];
      counts[row * grid.cols + col]++;
    }
  }
  return Array.from(sums, (sum, index) => (counts[index] ? sum / counts[index] : 0));
}
