// The honest non-LLM baseline: look at pixels only. The box is the brightest window (a sixth of
// each side, by an integral image); the "attention map" is the mean grey level per token of the
// grid, so Attention Ratio / KL / JS have a reference that knows nothing of the question.
// (A brightest-window helper belongs in src/imaging; it is written here until imaging has one.)
import type { Box } from '../../imaging/boxes.js';
import { toGrey, type Raster } from '../../imaging/raster.js';
import type { TokenGridSpec } from '../../imaging/tokens.js';

/** The window of (width/fraction × height/fraction) pixels with the highest mean grey level. */
export function brightestWindow(raster: Raster, fraction = 6): Box {
  const grey = raster.channels === 1 ? raster : toGrey(raster);
  const { width, height } = grey;
  const integral = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += grey.data[y * width + x]!;
      integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1]! + row;
    }
  }
  const w = Math.max(1, Math.round(width / fraction));
  const h = Math.max(1, Math.round(height / fraction));
  let best = -1;
  let box: Box = { x1: 0, y1: 0, x2: w, y2: h };
  const step = Math.max(1, Math.floor(Math.min(w, h) / 8));
  for (let y = 0; y + h <= height; y += step) {
    for (let x = 0; x + w <= width; x += step) {
      const sum = integral[(y + h) * (width + 1) + x + w]! - integral[y * (width + 1) + x + w]! - integral[(y + h) * (width + 1) + x]! + integral[y * (width + 1) + x]!;
      if (sum > best) {
        best = sum;
        box = { x1: x, y1: y, x2: x + w, y2: y + h };
      }
    }
  }
  return box;
}

/** Mean grey level of the original-image pixels under each token of the grid (row-major). */
export function intensityTokenMap(raster: Raster, grid: TokenGridSpec): number[] {
  const grey = raster.channels === 1 ? raster : toGrey(raster);
  const sums = new Float64Array(grid.rows * grid.cols);
  const counts = new Uint32Array(grid.rows * grid.cols);
  for (let y = 0; y < grey.height; y++) {
    const row = Math.min(grid.rows - 1, Math.floor(((y + 0.5) / grey.height) * grid.rows));
    for (let x = 0; x < grey.width; x++) {
      const col = Math.min(grid.cols - 1, Math.floor(((x + 0.5) / grey.width) * grid.cols));
      sums[row * grid.cols + col] += grey.data[y * grey.width + x]!;
      counts[row * grid.cols + col]++;
    }
  }
  return Array.from(sums, (sum, index) => (counts[index] ? sum / counts[index]! : 0));
}
