// Overlays for people (the web viewer, reports): boxes as outlines and masks as translucent fills
// drawn onto an RGB copy of the image. Pure pixel code; `overlayPng` encodes the result.
import { pixelSpan, type Box } from './boxes.js';
import { ImagingError } from './errors.js';
import sharp from 'sharp';
import { encodePng } from './image.js';
import { toRgb, type Mask, type Raster } from './raster.js';

export type Rgb = [number, number, number];

/** Distinct colours; by convention predictions are drawn in the first, targets in the second. */
export const OVERLAY_COLOURS: Rgb[] = [
  [255, 64, 64],
  [64, 220, 64],
  [64, 128, 255],
  [255, 200, 0],
  [255, 0, 255],
  [0, 230, 230],
];

export interface BoxOverlay {
  box: Box;
  colour?: Rgb;
  /** Outline width in pixels (default: 1 per 256 px of the longer side, at least 1). */
  lineWidth?: number;
  /** Dashed outline (e.g. for ground truth next to a solid prediction). */
  dashed?: boolean;
  /** Text drawn at the box's top-left corner by `overlayPng` (needs a system font; `drawOverlay` ignores it). */
  label?: string;
}

export interface MaskOverlay {
  mask: Mask;
  colour?: Rgb;
  /** Fill opacity 0–1 (default 0.4). */
  alpha?: number;
}

export interface Overlay {
  boxes?: BoxOverlay[];
  masks?: MaskOverlay[];
}

/** An RGB copy of `raster` with masks filled, then boxes outlined on top. */
export function drawOverlay(raster: Raster, overlay: Overlay): Raster {
  const out = toRgb(raster);
  const copy = out === raster ? { ...out, data: new Uint8Array(out.data) } : out;
  const { width, height } = copy;
  (overlay.masks ?? []).forEach((item, index) => {
    if (item.mask.width !== width || item.mask.height !== height) {
      throw new ImagingError(
        'overlay',
        `mask ${index} is ${item.mask.width}×${item.mask.height}, the image is ${width}×${height}`,
      );
    }
    const colour = item.colour ?? OVERLAY_COLOURS[index % OVERLAY_COLOURS.length];
    const alpha = item.alpha ?? 0.4;
    for (let pixel = 0; pixel < item.mask.data.length; pixel++) {
      if (!item.mask.data[pixel]) continue;
      for (let channel = 0; channel < 3; channel++) {
        const at = pixel * 3 + channel;
        copy.data[at] = Math.round(copy.data[at] * (1 - alpha) + colour[channel] * alpha);
      }
    }
  });
  (overlay.boxes ?? []).forEach((item, index) => {
    const colour = item.colour ?? OVERLAY_COLOURS[index % OVERLAY_COLOURS.length];
    const line = Math.max(1, Math.round(item.lineWidth ?? Math.max(width, height) / 256));
    const [c0, c1] = pixelSpan(item.box.x1, item.box.x2, width);
    const [r0, r1] = pixelSpan(item.box.y1, item.box.y2, height);
    if (c1 <= c0 || r1 <= r0) return;
    const set = (x: number, y: number, along: number) => {
      if (item.dashed && Math.floor(along / (4 * line)) % 2 === 1) return;
      const at = (y * width + x) * 3;
      copy.data[at] = colour[0];
      copy.data[at + 1] = colour[1];
      copy.data[at + 2] = colour[2];
    };
    for (let t = 0; t < line; t++) {
      for (let x = c0; x < c1; x++) {
        if (r0 + t < r1) set(x, r0 + t, x - c0);
        if (r1 - 1 - t >= r0) set(x, r1 - 1 - t, x - c0);
      }
      for (let y = r0; y < r1; y++) {
        if (c0 + t < c1) set(c0 + t, y, y - r0);
        if (c1 - 1 - t >= c0) set(c1 - 1 - t, y, y - r0);
      }
    }
  });
  return copy;
}

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** PNG bytes of the overlay (what the web viewer shows); box labels are rendered as SVG text. */
export async function overlayPng(raster: Raster, overlay: Overlay): Promise<Uint8Array> {
  const drawn = drawOverlay(raster, overlay);
  const labelled = (overlay.boxes ?? []).map((item, index) => ({ item, index })).filter(({ item }) => item.label);
  if (labelled.length === 0) return encodePng(drawn);
  const size = Math.max(10, Math.round(Math.max(drawn.width, drawn.height) / 40));
  const texts = labelled.map(({ item, index }) => {
    const [r, g, b] = item.colour ?? OVERLAY_COLOURS[index % OVERLAY_COLOURS.length];
    const x = Math.max(0, Math.min(drawn.width - size, item.box.x1));
    const y = item.box.y1 >= size + 2 ? item.box.y1 - 3 : Math.min(drawn.height - 2, item.box.y2 + size);
    return (
      `<text x="${x}" y="${y}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${size}" fill="rgb(${r},${g},${b})" ` +
      `stroke="black" stroke-width="${Math.max(1, size / 8)}" paint-order="stroke">${escapeXml(item.label!)}</text>`
    );
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${drawn.width}" height="${drawn.height}">${texts.join('')}</svg>`;
  const buffer = await sharp(drawn.data, { raw: { width: drawn.width, height: drawn.height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .removeAlpha()
    .png()
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Prediction vs target for the viewer: predicted boxes solid red, target boxes dashed green, labels optional. */
export async function comparisonOverlayPng(
  raster: Raster,
  boxes: { predicted?: Box[]; target?: Box[]; predictedLabels?: string[]; targetLabels?: string[] },
): Promise<Uint8Array> {
  return overlayPng(raster, {
    boxes: [
      ...(boxes.target ?? []).map((box, index) => ({
        box,
        colour: OVERLAY_COLOURS[1],
        dashed: true,
        label: boxes.targetLabels?.[index],
      })),
      ...(boxes.predicted ?? []).map((box, index) => ({
        box,
        colour: OVERLAY_COLOURS[0],
        label: boxes.predictedLabels?.[index],
      })),
    ],
  });
}
