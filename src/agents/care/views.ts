// The three evidence views of CARE (multimodal-methods.md §1): a padded zoom crop from the mask's box,
// the mask as a second image (not overlaid: pixel values carry meaning), and the global all-ones view.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cropRaster, encodePng, fitWithin, maskToBox, type Box, type Mask, type Raster } from '../../imaging/index.js';

export type ViewKind = 'zoom' | 'mask' | 'global';

/** Tie-break order of the vote: zoom, mask, global (the paper's single-view ablation ranks them so). */
export const VIEW_ORDER: ViewKind[] = ['zoom', 'mask', 'global'];

export interface EvidenceView {
  kind: ViewKind;
  /** PNG written for the model and the log. */
  path: string;
  /** Original-image pixels the view covers (the crop box; the whole image for mask and global). */
  box: Box;
  description: string;
}

/** The mask's box padded by `pad` × its size on each side, at least 32 px a side, clamped to the image. */
export function paddedBox(mask: Mask, pad: number): Box | null {
  const box = maskToBox(mask);
  if (!box) return null;
  const cx = (box.x1 + box.x2) / 2;
  const cy = (box.y1 + box.y2) / 2;
  const half = (extent: number) => Math.max(16, (extent * (1 + 2 * pad)) / 2);
  const hw = half(box.x2 - box.x1);
  const hh = half(box.y2 - box.y1);
  const clamp = (v: number, max: number) => Math.round(Math.min(max, Math.max(0, v)));
  return {
    x1: clamp(cx - hw, mask.width),
    y1: clamp(cy - hh, mask.height),
    x2: clamp(cx + hw, mask.width),
    y2: clamp(cy + hh, mask.height),
  };
}

export async function writeMaskPng(mask: Mask, path: string): Promise<string> {
  const data = new Uint8Array(mask.data.length);
  for (let i = 0; i < data.length; i++) data[i] = mask.data[i] ? 255 : 0;
  writeFileSync(path, await encodePng({ width: mask.width, height: mask.height, channels: 1, data }));
  return path;
}

/** The views for one kept mask (zoom, mask, global), or the global view alone when no mask was kept. */
export async function buildViews(
  image: Raster,
  mask: Mask | null,
  entity: string | null,
  dir: string,
  options: { pad: number; cropMaxSide: number },
): Promise<EvidenceView[]> {
  const whole: Box = { x1: 0, y1: 0, x2: image.width, y2: image.height };
  const views: EvidenceView[] = [];
  const box = mask ? paddedBox(mask, options.pad) : null;
  if (mask && box) {
    let crop = cropRaster(image, box);
    if (options.cropMaxSide > 0) crop = await fitWithin(crop, options.cropMaxSide);
    const zoomPath = join(dir, 'view-zoom.png');
    writeFileSync(zoomPath, await encodePng(crop));
    views.push({
      kind: 'zoom',
      path: zoomPath,
      box,
      description: `Evidence view: a zoomed crop around the ${entity} (original pixels [${box.x1}, ${box.y1}, ${box.x2}, ${box.y2}]).`,
    });
    views.push({
      kind: 'mask',
      path: await writeMaskPng(mask, join(dir, 'view-mask.png')),
      box: whole,
      description: `Evidence view: a binary mask of the ${entity} (white = the region), the size of the image.`,
    });
  }
  const ones: Mask = {
    width: image.width,
    height: image.height,
    data: new Uint8Array(image.width * image.height).fill(1),
  };
  views.push({
    kind: 'global',
    path: await writeMaskPng(ones, join(dir, 'view-global.png')),
    box: whole,
    description: 'Evidence view: the global view (an all-ones mask: the whole image).',
  });
  return views;
}
