// What the reference vision model "sees": one image downsampled so its longer side is at most
// `resolution` pixels (a real VLM also sees a bounded number of pixels), then a bright-blob detector
// (scale-normalised determinant of the Hessian) restricted to the lung fields. A blob's apparent
// size in analysis pixels bounds what can be seen: a finding a few original pixels wide is blurred
// into the noise at full-image resolution and becomes visible only in a zoomed crop.
import { gaussianBlur } from '../../imaging/blur.js';
import { resizeRaster, toGrey, type Mask, type Raster } from '../../imaging/index.js';

export interface VisionSettings {
  /** Longest side of the analysis grid in pixels. */
  resolution: number;
  /** Gaussian scales (analysis pixels) of the blob detector; the smallest bounds the visible size. */
  scales: readonly number[];
  /** Blob response (grey levels) at which confidence is 0.5, and the logistic width around it. */
  threshold: number;
  width: number;
}

export const DEFAULT_VISION: VisionSettings = { resolution: 128, scales: [1.5, 2.5, 4, 6], threshold: 11, width: 1.5 };

/** A bright blob, in the pixels of the image as received (before downsampling). */
export interface Detection {
  x: number;
  y: number;
  /** Estimated diameter in received pixels. */
  diameter: number;
  /** Blob response in grey levels (scale-normalised). */
  response: number;
  /** P(a finding is here), logistic in the response. */
  confidence: number;
}

export interface ImageAnalysis {
  /** Received size. */
  width: number;
  height: number;
  /** Analysis grid size and received pixels per analysis pixel. */
  gridWidth: number;
  gridHeight: number;
  scale: number;
  /** Candidates sorted by response, strongest first (also weak ones: zoom targets). */
  candidates: Detection[];
  /** Lung-field mask on the analysis grid (all ones when the image shows no lung field, e.g. a tight crop). */
  field: Uint8Array;
  /** Vertical extent of the lung fields per image half, in received pixels (null: none found). */
  fields: { left: FieldExtent | null; right: FieldExtent | null };
}

export interface FieldExtent {
  top: number;
  bottom: number;
  x1: number;
  x2: number;
}

const logistic = (value: number): number => 1 / (1 + Math.exp(-value));

export async function analyseImage(
  raster: Raster,
  settings: VisionSettings,
  searchMask?: Mask,
): Promise<ImageAnalysis> {
  const grey = raster.channels === 1 ? raster : toGrey(raster);
  const factor = Math.min(1, settings.resolution / Math.max(grey.width, grey.height));
  const gridWidth = Math.max(1, Math.round(grey.width * factor));
  const gridHeight = Math.max(1, Math.round(grey.height * factor));
  const small = factor < 1 ? await resizeRaster(grey, gridWidth, gridHeight, { kernel: 'linear' }) : (grey as Raster);
  const scale = grey.width / gridWidth;
  const image = Float32Array.from(small.data);
  const smooth = gaussianBlur(image, gridWidth, gridHeight, Math.max(2, 4 / Math.max(scale, 1)));
  const inField = lungField(smooth, gridWidth, gridHeight);
  const allowed = searchMask ? maskOnGrid(searchMask, gridWidth, gridHeight) : undefined;
  const best = new Float32Array(gridWidth * gridHeight);
  const bestScale = new Float32Array(gridWidth * gridHeight);
  for (const sigma of settings.scales) {
    const blurred = gaussianBlur(image, gridWidth, gridHeight, sigma);
    for (let y = 1; y < gridHeight - 1; y++) {
      for (let x = 1; x < gridWidth - 1; x++) {
        const i = y * gridWidth + x;
        const lxx = blurred[i - 1] - 2 * blurred[i] + blurred[i + 1];
        const lyy = blurred[i - gridWidth] - 2 * blurred[i] + blurred[i + gridWidth];
        const lxy =
          (blurred[i + gridWidth + 1] -
            blurred[i + gridWidth - 1] -
            blurred[i - gridWidth + 1] +
            blurred[i - gridWidth - 1]) /
          4;
        if (lxx >= 0 || lyy >= 0) continue; // bright blobs only: both curvatures negative
        const det = lxx * lyy - lxy * lxy;
        if (det <= 0) continue; // a ridge (rib, vessel edge), not a blob
        const response = sigma * sigma * Math.sqrt(det);
        if (response > best[i]) {
          best[i] = response;
          bestScale[i] = sigma;
        }
      }
    }
  }
  const candidates: Detection[] = [];
  for (let y = 1; y < gridHeight - 1; y++) {
    for (let x = 1; x < gridWidth - 1; x++) {
      const i = y * gridWidth + x;
      const value = best[i];
      if (value <= 0.5 || !inField[i] || (allowed && !allowed[i])) continue;
      let isPeak = true;
      for (let dy = -1; dy <= 1 && isPeak; dy++)
        for (let dx = -1; dx <= 1; dx++) if ((dx || dy) && best[i + dy * gridWidth + dx] > value) isPeak = false;
      if (!isPeak) continue;
      candidates.push({
        x: (x + 0.5) * scale,
        y: (y + 0.5) * scale,
        diameter: halfMaxWidth(image, gridWidth, gridHeight, x, y, bestScale[i]) * scale,
        response: value,
        confidence: logistic((value - settings.threshold) / settings.width),
      });
    }
  }
  candidates.sort((a, b) => b.response - a.response);
  return {
    width: grey.width,
    height: grey.height,
    gridWidth,
    gridHeight,
    scale,
    candidates: candidates.slice(0, 32),
    field: inField,
    fields: fieldExtents(inField, gridWidth, gridHeight, scale),
  };
}

/** Whether a point (received pixels) lies in the lung field, allowing `margin` grid pixels. */
export function inLungField(analysis: ImageAnalysis, x: number, y: number, margin = 1): boolean {
  const gx = Math.floor(x / analysis.scale);
  const gy = Math.floor(y / analysis.scale);
  for (let dy = -margin; dy <= margin; dy++)
    for (let dx = -margin; dx <= margin; dx++) {
      const px = gx + dx;
      const py = gy + dy;
      if (
        px >= 0 &&
        py >= 0 &&
        px < analysis.gridWidth &&
        py < analysis.gridHeight &&
        analysis.field[py * analysis.gridWidth + px]
      )
        return true;
    }
  return false;
}

/** Width of the blob at half its height above the local background (a ring at 3σ), mean of x and y. */
function halfMaxWidth(image: Float32Array, width: number, height: number, x: number, y: number, sigma: number): number {
  const at = (px: number, py: number) =>
    image[Math.min(height - 1, Math.max(0, py)) * width + Math.min(width - 1, Math.max(0, px))];
  const ring: number[] = [];
  const radius = Math.max(2, Math.round(3 * sigma));
  for (let k = 0; k < 16; k++) {
    const angle = (k * Math.PI) / 8;
    ring.push(at(Math.round(x + radius * Math.cos(angle)), Math.round(y + radius * Math.sin(angle))));
  }
  ring.sort((a, b) => a - b);
  const background = (ring[7] + ring[8]) / 2;
  const level = (at(x, y) + background) / 2;
  const reach = (dx: number, dy: number) => {
    let step = 0;
    while (step < radius && at(x + (step + 1) * dx, y + (step + 1) * dy) >= level) step++;
    return step;
  };
  return (reach(1, 0) + reach(-1, 0) + 1 + reach(0, 1) + reach(0, -1) + 1) / 2;
}

/**
 * Lung fields: mid-grey pixels (darker than soft tissue and mediastinum, brighter than the air
 * outside the body), after smoothing. On a crop with no such pixels the whole crop is searched:
 * a zoomed view is already a chosen region.
 */
function lungField(smooth: Float32Array, width: number, height: number): Uint8Array {
  const field = new Uint8Array(width * height);
  // The air outside the body, grown by `margin` grid pixels: the smoothed body outline passes through
  // the same grey band as the lungs, and the lungs lie well inside the body.
  const margin = Math.max(2, Math.round(Math.min(width, height) / 32));
  const outside = new Int32Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      outside[(y + 1) * (width + 1) + x + 1] =
        (smooth[y * width + x] <= 20 ? 1 : 0) +
        outside[y * (width + 1) + x + 1] +
        outside[(y + 1) * (width + 1) + x] -
        outside[y * (width + 1) + x];
  const nearAir = (x: number, y: number) => {
    const x0 = Math.max(0, x - margin);
    const y0 = Math.max(0, y - margin);
    const x1 = Math.min(width, x + margin + 1);
    const y1 = Math.min(height, y + margin + 1);
    return (
      outside[y1 * (width + 1) + x1] -
        outside[y0 * (width + 1) + x1] -
        outside[y1 * (width + 1) + x0] +
        outside[y0 * (width + 1) + x0] >
      0
    );
  };
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (smooth[i] > 20 && smooth[i] < 92 && !nearAir(x, y)) {
        field[i] = 1;
        count++;
      }
    }
  }
  if (count < field.length * 0.05) field.fill(1);
  return field;
}

function fieldExtents(field: Uint8Array, width: number, height: number, scale: number): ImageAnalysis['fields'] {
  const extent = (from: number, to: number): FieldExtent | null => {
    let top = -1;
    let bottom = -1;
    let x1 = to;
    let x2 = from;
    for (let y = 0; y < height; y++) {
      let run = 0;
      for (let x = from; x < to; x++) {
        if (!field[y * width + x]) continue;
        run++;
        x1 = Math.min(x1, x);
        x2 = Math.max(x2, x + 1);
      }
      if (run >= Math.max(2, (to - from) * 0.1)) {
        if (top < 0) top = y;
        bottom = y + 1;
      }
    }
    return top < 0 ? null : { top: top * scale, bottom: bottom * scale, x1: x1 * scale, x2: x2 * scale };
  };
  const half = Math.floor(width / 2);
  return { left: extent(0, half), right: extent(half, width) };
}

function maskOnGrid(mask: Mask, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Dilated by one grid pixel: a blob centred on the mask's edge is still inside it.
      let inside = 0;
      for (let dy = -1; dy <= 1 && !inside; dy++) {
        for (let dx = -1; dx <= 1 && !inside; dx++) {
          const mx = Math.min(mask.width - 1, Math.max(0, Math.floor(((x + dx + 0.5) * mask.width) / width)));
          const my = Math.min(mask.height - 1, Math.max(0, Math.floor(((y + dy + 0.5) * mask.height) / height)));
          inside = mask.data[my * mask.width + mx];
        }
      }
      out[y * width + x] = inside ? 1 : 0;
    }
  }
  return out;
}
