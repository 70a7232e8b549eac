// Boxes: one canonical form (pixel xyxy), explicit conversions from and to every format a dataset
// uses, validation that refuses swapped corners and out-of-image boxes with the box's origin in the
// message, overlap measures (IoU, IoP, IoT per box and per pixel over unions of boxes), and the
// box → patch/token-grid mapping of attention-grounding metrics.
//
// Pixel rule: pixel (i, j) is inside a box when its centre (i + 0.5, j + 0.5) lies in
// [x1, x2) × [y1, y2). For integer corners that is columns x1 … x2−1 and rows y1 … y2−1.
import { BoxError } from './errors.js';
import { createMask, maskCount, type Mask, type Size } from './raster.js';

/** Canonical box: pixel coordinates, (x1, y1) top-left, (x2, y2) bottom-right, x2 ≥ x1, y2 ≥ y1. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export type BoxFormat = 'xyxy' | 'xywh';
/** 'pixel': image pixels; 'unit': normalised to 0–1; 'per1000': normalised to 0–1000 (Qwen-VL style). */
export type BoxUnits = 'pixel' | 'unit' | 'per1000';
export interface BoxSpec {
  format: BoxFormat;
  units: BoxUnits;
}
export type BoxArray = [number, number, number, number];

export const PIXEL_XYXY: BoxSpec = { format: 'xyxy', units: 'pixel' };
export const PIXEL_XYWH: BoxSpec = { format: 'xywh', units: 'pixel' };

export const xywhToXyxy = ([x, y, w, h]: readonly number[]): BoxArray => [x, y, x + w, y + h];
export const xyxyToXywh = ([x1, y1, x2, y2]: readonly number[]): BoxArray => [x1, y1, x2 - x1, y2 - y1];

const unitScale = (units: BoxUnits): number => (units === 'unit' ? 1 : units === 'per1000' ? 1000 : NaN);

export interface ValidateOptions {
  /** Where the box came from, for the error ("file.jsonl:12 bbox[0]"). */
  where?: string;
  /** Clamp a box that pokes out of the image to its edges instead of refusing it (a box wholly outside is still refused). */
  clamp?: boolean;
  /** Accept zero width or height (default false). */
  allowEmpty?: boolean;
}

/**
 * Reads a 4-number array in the given format and units into a validated pixel xyxy box.
 * Normalised units need the image size; pixel boxes are checked against it when given.
 */
export function parseBox(values: unknown, spec: BoxSpec, size?: Size, options: ValidateOptions = {}): Box {
  const where = options.where ?? 'box';
  if (!Array.isArray(values) || values.length !== 4) {
    throw new BoxError(where, `expected 4 numbers [${spec.format}], got ${short(values)}`);
  }
  const numbers = values.map((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value));
  if (!numbers.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw new BoxError(where, `box values must be finite numbers, got ${short(values)}`);
  }
  const nums = numbers as number[];
  if (spec.format === 'xywh' && (nums[2] < 0 || nums[3] < 0)) {
    throw new BoxError(where, `negative width or height in xywh box ${short(values)}`);
  }
  let [x1, y1, x2, y2] = spec.format === 'xyxy' ? nums : xywhToXyxy(nums);
  if (spec.units !== 'pixel') {
    const scale = unitScale(spec.units);
    const top = Math.max(x1, y1, x2, y2);
    if (top > scale * 1.0001 || Math.min(x1, y1, x2, y2) < -scale * 0.0001) {
      throw new BoxError(where, `box ${short(values)} is not normalised to 0–${scale} (are these pixel coordinates?)`);
    }
    if (!size) throw new BoxError(where, `a normalised box needs the image size to become pixels`);
    // Scale first, then add width/height, so 0.1 + 0.2 of 100 px is exactly 30.
    const sx = size.width / scale;
    const sy = size.height / scale;
    const [a, b, c, d] = nums;
    [x1, y1] = [a * sx, b * sy];
    [x2, y2] = spec.format === 'xyxy' ? [c * sx, d * sy] : [a * sx + c * sx, b * sy + d * sy];
  }
  const box = { x1, y1, x2, y2 };
  return size ? validateBox(box, size, options) : checkCorners(box, where, options.allowEmpty ?? false);
}

/** Writes a pixel box in another format and units. */
export function formatBox(box: Box, spec: BoxSpec, size?: Size): BoxArray {
  let { x1, y1, x2, y2 } = box;
  if (spec.units !== 'pixel') {
    if (!size) throw new BoxError('box', `normalising a box needs the image size`);
    const scale = unitScale(spec.units);
    [x1, x2] = [(x1 / size.width) * scale, (x2 / size.width) * scale];
    [y1, y2] = [(y1 / size.height) * scale, (y2 / size.height) * scale];
  }
  return spec.format === 'xyxy' ? [x1, y1, x2, y2] : xyxyToXywh([x1, y1, x2, y2]);
}

export const toXyxy = (box: Box): BoxArray => [box.x1, box.y1, box.x2, box.y2];
export const toXywh = (box: Box): BoxArray => xyxyToXywh(toXyxy(box));
export const fromXyxy = (values: readonly number[], size?: Size, options?: ValidateOptions): Box =>
  parseBox(values, PIXEL_XYXY, size, options);
export const fromXywh = (values: readonly number[], size?: Size, options?: ValidateOptions): Box =>
  parseBox(values, PIXEL_XYWH, size, options);
/** Pixel box → normalised xyxy in 0–1 (scale 1) or 0–1000 (scale 1000). */
export const normaliseBox = (box: Box, size: Size, scale: 1 | 1000 = 1): BoxArray =>
  formatBox(box, { format: 'xyxy', units: scale === 1 ? 'unit' : 'per1000' }, size);
/** Normalised xyxy (0–1 or 0–1000) → validated pixel box. */
export const denormaliseBox = (
  values: readonly number[],
  size: Size,
  scale: 1 | 1000 = 1,
  options?: ValidateOptions,
): Box => parseBox(values, { format: 'xyxy', units: scale === 1 ? 'unit' : 'per1000' }, size, options);

function checkCorners(box: Box, where: string, allowEmpty: boolean): Box {
  const { x1, y1, x2, y2 } = box;
  if (![x1, y1, x2, y2].every(Number.isFinite))
    throw new BoxError(where, `box has a non-finite value ${describe(box)}`);
  if (x2 < x1 || y2 < y1) {
    throw new BoxError(where, `swapped corners in ${describe(box)}: need x1 ≤ x2 and y1 ≤ y2 (is it xywh, not xyxy?)`);
  }
  if (!allowEmpty && (x2 === x1 || y2 === y1))
    throw new BoxError(where, `empty box ${describe(box)} (zero width or height)`);
  return box;
}

/** Checks a pixel box against an image; returns it (or its clamped copy with `clamp`). */
export function validateBox(box: Box, size: Size, options: ValidateOptions = {}): Box {
  const where = options.where ?? 'box';
  if (!(size.width > 0 && size.height > 0))
    throw new BoxError(where, `image has zero size (${size.width}×${size.height})`);
  checkCorners(box, where, options.allowEmpty ?? false);
  const inside = box.x1 >= 0 && box.y1 >= 0 && box.x2 <= size.width && box.y2 <= size.height;
  if (inside) return box;
  const overlaps = box.x2 > 0 && box.y2 > 0 && box.x1 < size.width && box.y1 < size.height;
  if (!options.clamp || !overlaps) {
    throw new BoxError(
      where,
      `box ${describe(box)} is ${overlaps ? 'partly' : 'wholly'} outside the ${size.width}×${size.height} image` +
        (overlaps ? ' (pass clamp to clip it)' : ''),
    );
  }
  return clampBox(box, size);
}

export function clampBox(box: Box, size: Size): Box {
  const clip = (value: number, top: number) => Math.min(Math.max(value, 0), top);
  return {
    x1: clip(box.x1, size.width),
    y1: clip(box.y1, size.height),
    x2: clip(box.x2, size.width),
    y2: clip(box.y2, size.height),
  };
}

/** Maps a box from one image size to another (e.g. original → model input). */
export function resizeBox(box: Box, from: Size, to: Size): Box {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return { x1: box.x1 * sx, y1: box.y1 * sy, x2: box.x2 * sx, y2: box.y2 * sy };
}

/** Shifts a box into the frame of a crop whose top-left is (x, y). */
export const offsetBox = (box: Box, dx: number, dy: number): Box => ({
  x1: box.x1 + dx,
  y1: box.y1 + dy,
  x2: box.x2 + dx,
  y2: box.y2 + dy,
});

export const boxArea = (box: Box): number => Math.max(0, box.x2 - box.x1) * Math.max(0, box.y2 - box.y1);
export const boxCentre = (box: Box): { x: number; y: number } => ({
  x: (box.x1 + box.x2) / 2,
  y: (box.y1 + box.y2) / 2,
});

export function intersectBoxes(a: Box, b: Box): Box | null {
  const box = {
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
    x2: Math.min(a.x2, b.x2),
    y2: Math.min(a.y2, b.y2),
  };
  return box.x2 > box.x1 && box.y2 > box.y1 ? box : null;
}

/** Smallest box holding all boxes. */
export function enclosingBox(boxes: readonly Box[]): Box {
  if (boxes.length === 0) throw new BoxError('boxes', 'no boxes to enclose');
  return {
    x1: Math.min(...boxes.map((b) => b.x1)),
    y1: Math.min(...boxes.map((b) => b.y1)),
    x2: Math.max(...boxes.map((b) => b.x2)),
    y2: Math.max(...boxes.map((b) => b.y2)),
  };
}

const intersectionArea = (a: Box, b: Box): number => {
  const box = intersectBoxes(a, b);
  return box ? boxArea(box) : 0;
};
/** Intersection over union of two boxes (continuous areas). 0 when both are empty. */
export function boxIoU(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
/** Intersection over the predicted box's area. */
export function boxIoP(pred: Box, target: Box): number {
  const area = boxArea(pred);
  return area > 0 ? intersectionArea(pred, target) / area : 0;
}
/** Intersection over the target box's area. */
export function boxIoT(pred: Box, target: Box): number {
  const area = boxArea(target);
  return area > 0 ? intersectionArea(pred, target) / area : 0;
}

/** Pixel index range [start, end) covered by the span [a, b) under the centre rule, clamped to [0, n). */
export function pixelSpan(a: number, b: number, n: number): [number, number] {
  const start = Math.max(0, Math.ceil(a - 0.5));
  const end = Math.min(n, Math.ceil(b - 0.5));
  return [start, Math.max(start, end)];
}

/** Union of boxes as a pixel mask (parts outside the image are ignored). */
export function boxesToMask(boxes: readonly Box[], size: Size): Mask {
  const mask = createMask(size.width, size.height);
  for (const box of boxes) {
    const [c0, c1] = pixelSpan(box.x1, box.x2, size.width);
    const [r0, r1] = pixelSpan(box.y1, box.y2, size.height);
    for (let row = r0; row < r1; row++) mask.data.fill(1, row * size.width + c0, row * size.width + c1);
  }
  return mask;
}

export interface Overlap {
  /** Pixels in both. */
  intersection: number;
  union: number;
  predicted: number;
  target: number;
  /** |P∩T| / |P∪T|; 0 when both are empty. */
  iou: number;
  /** |P∩T| / |P| (intersection over prediction); 0 when P is empty. */
  iop: number;
  /** |P∩T| / |T| (intersection over target); 0 when T is empty. */
  iot: number;
}

export function overlapFromCounts(intersection: number, predicted: number, target: number): Overlap {
  const union = predicted + target - intersection;
  return {
    intersection,
    union,
    predicted,
    target,
    iou: union > 0 ? intersection / union : 0,
    iop: predicted > 0 ? intersection / predicted : 0,
    iot: target > 0 ? intersection / target : 0,
  };
}

export function maskOverlap(predicted: Mask, target: Mask): Overlap {
  if (predicted.width !== target.width || predicted.height !== target.height) {
    throw new BoxError(
      'mask',
      `mask sizes differ: ${predicted.width}×${predicted.height} vs ${target.width}×${target.height}`,
    );
  }
  let intersection = 0;
  for (let index = 0; index < predicted.data.length; index++)
    if (predicted.data[index] && target.data[index]) intersection++;
  return overlapFromCounts(intersection, maskCount(predicted), maskCount(target));
}

/** Pixel-level IoU / IoP / IoT of the union of predicted boxes vs the union of target boxes (MIMIC-Ext-CXR-QBA style). */
export function regionOverlap(predicted: readonly Box[], target: readonly Box[], size: Size): Overlap {
  return maskOverlap(boxesToMask(predicted, size), boxesToMask(target, size));
}

/** Sums of several overlaps: the micro average pools pixels over items. */
export function microOverlap(items: readonly Overlap[]): Overlap {
  let intersection = 0;
  let predicted = 0;
  let target = 0;
  for (const item of items) {
    intersection += item.intersection;
    predicted += item.predicted;
    target += item.target;
  }
  return overlapFromCounts(intersection, predicted, target);
}

const describe = (box: Box): string =>
  `[${[box.x1, box.y1, box.x2, box.y2].map((v) => +v.toFixed(3)).join(', ')}] (xyxy)`;
const short = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** Tight pixel box of a mask's set pixels (x2, y2 exclusive), or null for an empty mask. */
export function maskToBox(mask: Mask): Box | null {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let row = 0; row < mask.height; row++) {
    const base = row * mask.width;
    for (let col = 0; col < mask.width; col++) {
      if (!mask.data[base + col]) continue;
      if (col < x1) x1 = col;
      if (col > x2) x2 = col;
      if (row < y1) y1 = row;
      y2 = row;
    }
  }
  return x2 < 0 ? null : { x1, y1, x2: x2 + 1, y2: y2 + 1 };
}
