// Shared pieces of the phantom generators: finding types, float canvases and shape profiles.
// A shape's profile is 1 inside, falls linearly to 0 over `edge` pixels; a finding's ground-truth
// mask is where its profile is ≥ 0.5 (its half-maximum outline) and its box is that mask's tight
// box, so the ground truth is exact to the pixel whatever the noise.
import type { Box } from './boxes.js';
import { maskToBox } from './boxes.js';
import { createMask, type Mask } from './raster.js';

/** Side of the patient (not of the image: on a PA chest film the patient's right is on the image left). */
export type Laterality = 'left' | 'right' | 'bilateral' | 'none';

export interface PlantedFinding {
  /** F1, F2 … in drawing order. */
  id: string;
  label: string;
  laterality: Laterality;
  /** Anatomical region in words ("right upper zone", "macula", "left lower lobe"). */
  region: string;
  /** Tight pixel xyxy box of the finding's mask (union over parts for bilateral findings). */
  box: Box;
  /** One box per connected part (two for a bilateral finding). */
  boxes: Box[];
  /** Characteristic diameter in pixels (for CT: in-plane, on the slice of largest extent). */
  sizePx: number;
  /** The same in millimetres, from the phantom's pixel spacing. */
  sizeMm: number;
  /** Pixels in the ground-truth mask. */
  areaPx: number;
}

export interface FindingRequest {
  label: string;
  laterality?: Laterality;
  /** Zone within the organ: 'upper' | 'middle' | 'lower' (chest, CT); fundus regions by name. */
  zone?: string;
  /** Diameter in pixels (approximate for irregular findings). */
  sizePx?: number;
}

/** A shape evaluated per pixel: profile in [0, 1]. */
export type Profile = (x: number, y: number) => number;

const ramp = (distanceOutside: number, edge: number): number =>
  distanceOutside <= 0 ? 1 : distanceOutside >= edge ? 0 : 1 - distanceOutside / edge;

/** Ellipse centred at (cx, cy) with radii (rx, ry), soft over `edge` pixels (distance approximated radially). */
export function ellipseProfile(cx: number, cy: number, rx: number, ry: number, edge = 1.5): Profile {
  return (x, y) => {
    const dx = (x - cx) / rx;
    const dy = (y - cy) / ry;
    const r = Math.sqrt(dx * dx + dy * dy);
    return ramp((r - 1) * Math.min(rx, ry), edge);
  };
}

export const unionProfile =
  (...profiles: Profile[]): Profile =>
  (x, y) => {
    let best = 0;
    for (const profile of profiles) best = Math.max(best, profile(x, y));
    return best;
  };

/** Grey float canvas (values in display units 0–255, or HU for CT). */
export interface Canvas {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

export function createCanvas(width: number, height: number, channels = 1, fill = 0): Canvas {
  const data = new Float32Array(width * height * channels);
  if (fill) data.fill(fill);
  return { width, height, channels, data };
}

export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Adds `amount × profile` (per channel) within bounds; `clip` (a mask) limits where it may paint. */
export function paint(
  canvas: Canvas,
  profile: Profile,
  amount: number | number[],
  bounds?: Bounds,
  clip?: Mask,
  mode: 'add' | 'blend' = 'add',
): void {
  const amounts = typeof amount === 'number' ? new Array(canvas.channels).fill(amount) : amount;
  const b = bounds ?? { x0: 0, y0: 0, x1: canvas.width, y1: canvas.height };
  const x0 = Math.max(0, Math.floor(b.x0));
  const y0 = Math.max(0, Math.floor(b.y0));
  const x1 = Math.min(canvas.width, Math.ceil(b.x1));
  const y1 = Math.min(canvas.height, Math.ceil(b.y1));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const pixel = y * canvas.width + x;
      if (clip && !clip.data[pixel]) continue;
      const weight = profile(x + 0.5, y + 0.5);
      if (weight <= 0) continue;
      for (let channel = 0; channel < canvas.channels; channel++) {
        const offset = pixel * canvas.channels + channel;
        canvas.data[offset] =
          mode === 'add'
            ? canvas.data[offset] + weight * amounts[channel]
            : canvas.data[offset] * (1 - weight) + weight * amounts[channel];
      }
    }
  }
}

/** Pixels where profile ≥ 0.5, limited to bounds and clip. */
export function profileMask(width: number, height: number, profile: Profile, bounds?: Bounds, clip?: Mask): Mask {
  const mask = createMask(width, height);
  const b = bounds ?? { x0: 0, y0: 0, x1: width, y1: height };
  for (let y = Math.max(0, Math.floor(b.y0)); y < Math.min(height, Math.ceil(b.y1)); y++) {
    for (let x = Math.max(0, Math.floor(b.x0)); x < Math.min(width, Math.ceil(b.x1)); x++) {
      const pixel = y * width + x;
      if (clip && !clip.data[pixel]) continue;
      if (profile(x + 0.5, y + 0.5) >= 0.5) mask.data[pixel] = 1;
    }
  }
  return mask;
}

export function boundsAround(cx: number, cy: number, rx: number, ry: number, margin = 3): Bounds {
  return { x0: cx - rx - margin, y0: cy - ry - margin, x1: cx + rx + margin, y1: cy + ry + margin };
}

export function mergeMasks(into: Mask, from: Mask): Mask {
  for (let index = 0; index < into.data.length; index++) if (from.data[index]) into.data[index] = 1;
  return into;
}

export function countMask(mask: Mask): number {
  let count = 0;
  for (let index = 0; index < mask.data.length; index++) count += mask.data[index];
  return count;
}

/** Builds the PlantedFinding record from the masks of its parts. Returns null when nothing was drawn. */
export function findingFromParts(
  id: string,
  label: string,
  laterality: Laterality,
  region: string,
  parts: Mask[],
  sizePx: number,
  mmPerPixel: number,
): { finding: PlantedFinding; mask: Mask } | null {
  const boxes = parts.map(maskToBox).filter((box): box is Box => box !== null);
  if (boxes.length === 0) return null;
  const mask = createMask(parts[0].width, parts[0].height);
  for (const part of parts) mergeMasks(mask, part);
  const box = maskToBox(mask)!;
  return {
    finding: {
      id,
      label,
      laterality,
      region,
      box,
      boxes,
      sizePx: round2(sizePx),
      sizeMm: round2(sizePx * mmPerPixel),
      areaPx: countMask(mask),
    },
    mask,
  };
}

export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** Adds gaussian noise of standard deviation `sigma` (same draw for all channels of a pixel when `shared`). */
export function addNoise(canvas: Canvas, sigma: number, normal: () => number): void {
  for (let index = 0; index < canvas.data.length; index++) canvas.data[index] += sigma * normal();
}

/** Float canvas → 8-bit, clamped and rounded. */
export function quantise(canvas: Canvas): Uint8Array {
  const out = new Uint8Array(canvas.data.length);
  for (let index = 0; index < out.length; index++)
    out[index] = Math.max(0, Math.min(255, Math.round(canvas.data[index])));
  return out;
}
