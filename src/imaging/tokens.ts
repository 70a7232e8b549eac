// Box → patch/token grid, for attention-grounding metrics (VGMED). medkit's rule, stated once:
// scale each box from the original image to the model's resized input; the token columns it
// touches run from floor(x1 / p) to ceil(x2 / p) − 1 (rows likewise), clamped to the grid; the GT
// set is the union over all boxes. `p` is the pixels one token covers in the resized image.
import { BoxError } from './errors.js';
import { resizeBox, type Box } from './boxes.js';
import type { Size } from './raster.js';

export interface TokenGridSpec {
  /** Size of the resized image the model sees. */
  resized: Size;
  /** Pixels per token side in the resized image (patch size × merge size). */
  tokenSize: number;
  rows: number;
  cols: number;
  /** Which model family the spec follows, for the record. */
  name: string;
}

export interface TokenMask {
  rows: number;
  cols: number;
  /** 1 for a GT token, row-major, length rows × cols. */
  mask: Uint8Array;
  /** Flat indices (row × cols + col) of GT tokens, ascending. */
  indices: number[];
  count: number;
}

/** HuatuoGPT-Vision (LLaVA-style CLIP ViT-L/14-336): every image resized to 336×336, 24×24 patches of 14 px. */
export function huatuoVisionGrid(): TokenGridSpec {
  return { name: 'huatuogpt-vision', resized: { width: 336, height: 336 }, tokenSize: 14, rows: 24, cols: 24 };
}

const roundHalfEven = (value: number): number => {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
};

/** Qwen2.5-VL `smart_resize` (qwen_vl_utils): sides multiples of `factor`, pixel count within [minPixels, maxPixels]. */
export function qwenSmartResize(size: Size, factor = 28, minPixels = 56 * 56, maxPixels = 14 * 14 * 4 * 1280): Size {
  const { width, height } = size;
  if (!(width > 0 && height > 0)) throw new BoxError('image', `zero-size image ${width}×${height}`);
  let hBar = Math.max(factor, roundHalfEven(height / factor) * factor);
  let wBar = Math.max(factor, roundHalfEven(width / factor) * factor);
  if (hBar * wBar > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    hBar = Math.max(factor, Math.floor(height / beta / factor) * factor);
    wBar = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (hBar * wBar < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    hBar = Math.ceil((height * beta) / factor) * factor;
    wBar = Math.ceil((width * beta) / factor) * factor;
  }
  return { width: wBar, height: hBar };
}

/**
 * Qwen2.5-VL grid: 14 px patches merged 2×2, so one token covers 28 px of the resized image.
 * VGMED runs it with max_pixels = 50176 (224²): a square image gives 8×8 tokens.
 */
export function qwen25vlGrid(original: Size, maxPixels = 50176, minPixels = 56 * 56): TokenGridSpec {
  const resized = qwenSmartResize(original, 28, minPixels, maxPixels);
  return { name: 'qwen2.5-vl', resized, tokenSize: 28, rows: resized.height / 28, cols: resized.width / 28 };
}

/** A grid of rows × cols tokens laid evenly over an image of `resized` size (user-supplied attention maps). */
export function uniformGrid(rows: number, cols: number, resized: Size = { width: cols, height: rows }): TokenGridSpec {
  if (!(rows > 0 && cols > 0) || !Number.isInteger(rows) || !Number.isInteger(cols)) {
    throw new BoxError('grid', `grid must be positive integers, got ${rows}×${cols}`);
  }
  return { name: `uniform-${rows}x${cols}`, resized, tokenSize: resized.width / cols, rows, cols };
}

/** GT tokens of the union of `boxes` (pixel xyxy on the original image) on a model's token grid. */
export function boxesToTokenMask(boxes: readonly Box[], original: Size, grid: TokenGridSpec): TokenMask {
  const mask = new Uint8Array(grid.rows * grid.cols);
  const tokenW = grid.resized.width / grid.cols;
  const tokenH = grid.resized.height / grid.rows;
  for (const box of boxes) {
    const scaled = resizeBox(box, original, grid.resized);
    const c0 = Math.max(0, Math.floor(scaled.x1 / tokenW + 1e-9));
    const c1 = Math.min(grid.cols, Math.ceil(scaled.x2 / tokenW - 1e-9));
    const r0 = Math.max(0, Math.floor(scaled.y1 / tokenH + 1e-9));
    const r1 = Math.min(grid.rows, Math.ceil(scaled.y2 / tokenH - 1e-9));
    for (let row = r0; row < r1; row++) for (let col = c0; col < c1; col++) mask[row * grid.cols + col] = 1;
  }
  const indices: number[] = [];
  for (let index = 0; index < mask.length; index++) if (mask[index]) indices.push(index);
  return { rows: grid.rows, cols: grid.cols, mask, indices, count: indices.length };
}
