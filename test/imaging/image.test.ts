// PNG/JPEG through sharp. The chest radiograph (../shared/data/images) is checked pixel for pixel
// against a minimal PNG decoder written here (zlib inflate + the five PNG row filters, 8-bit grey,
// non-interlaced — what the file's IHDR says). For the fundus JPEG there is no second decoder on
// this machine: its size is read by hand from the SOF0 marker and its content checked coarsely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import {
  boxesToMask,
  comparisonOverlayPng,
  cropRaster,
  overlayPng,
  decodeImage,
  drawOverlay,
  encodeJpeg,
  encodePng,
  ImagingError,
  imageLoader,
  pixelStats,
  resizeRaster,
  toGrey,
} from '../../src/imaging/index.js';

const DIR = join(import.meta.dirname, '../../../shared/data/images');
const skip = existsSync(join(DIR, 'chest-xray-pa.png'))
  ? false
  : `shared data not found at ${DIR}; skipping real-image tests`;

function minimalPng(file: string) {
  const bytes = readFileSync(file);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.equal(body[8], 8, 'bit depth 8');
      assert.equal(body[9], 0, 'colour type 0 (grey)');
      assert.equal(body[12], 0, 'not interlaced');
    }
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)];
    for (let x = 0; x < width; x++) {
      const value = raw[y * (width + 1) + 1 + x];
      const a = x > 0 ? out[y * width + x - 1] : 0;
      const b = y > 0 ? out[(y - 1) * width + x] : 0;
      const c = x > 0 && y > 0 ? out[(y - 1) * width + x - 1] : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      out[y * width + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, data: out };
}

test('chest-xray-pa.png decodes to exactly the pixels of a hand-written PNG decoder', { skip }, async () => {
  const file = join(DIR, 'chest-xray-pa.png');
  const expected = minimalPng(file);
  const raster = await decodeImage(file);
  assert.equal(raster.width, 1477);
  assert.equal(raster.height, 1198);
  assert.equal(raster.channels, 1);
  assert.equal(raster.width, expected.width);
  assert.ok(Buffer.from(raster.data).equals(Buffer.from(expected.data)), 'pixels differ from the reference decoder');
  const stats = pixelStats(raster.data);
  const reference = pixelStats(expected.data);
  assert.deepEqual([stats.min, stats.max, stats.mean], [reference.min, reference.max, reference.mean]);
  assert.match(await imageLoader.describe!(file), /PNG 1477×1198, 1 channel; values: min 0, max 218/);
});

test('fundus-normal-right.jpg: size from the SOF0 marker, RGB, dark corners around a bright disc of retina', {
  skip,
}, async () => {
  const file = join(DIR, 'fundus-normal-right.jpg');
  const bytes = readFileSync(file);
  const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
  const [height, width, components] = [bytes.readUInt16BE(sof + 5), bytes.readUInt16BE(sof + 7), bytes[sof + 9]];
  const raster = await decodeImage(file);
  assert.deepEqual([raster.width, raster.height, raster.channels], [width, height, components]);
  const corner = pixelStats(toGrey(cropRaster(raster, { x1: 0, y1: 0, x2: 40, y2: 40 })).data).mean;
  const centre = pixelStats(toGrey(cropRaster(raster, { x1: 250, y1: 250, x2: 350, y2: 350 })).data).mean;
  assert.ok(centre > corner + 30, `centre ${centre} vs corner ${corner}`);
});

test('crop, resize, encode round trips and overlays', async () => {
  const raster = { width: 8, height: 4, channels: 1 as const, data: Uint8Array.from({ length: 32 }, (_, i) => i * 8) };
  const crop = cropRaster(raster, { x1: 2, y1: 1, x2: 5, y2: 3 });
  assert.deepEqual([crop.width, crop.height, Array.from(crop.data)], [3, 2, [80, 88, 96, 144, 152, 160]]);
  assert.deepEqual((await decodeImage(await encodePng(raster))).data, raster.data);
  assert.equal(
    (await decodeImage(await encodeJpeg({ width: 16, height: 16, channels: 3, data: new Uint8Array(768).fill(128) })))
      .channels,
    3,
  );
  const bigger = await resizeRaster(raster, 16, 8, { kernel: 'nearest' });
  assert.deepEqual([bigger.width, bigger.height, bigger.data[0], bigger.data[16 * 8 - 1]], [16, 8, 0, 248]);
  const overlay = drawOverlay(raster, {
    boxes: [{ box: { x1: 0, y1: 0, x2: 8, y2: 4 }, colour: [255, 0, 0] }],
    masks: [{ mask: boxesToMask([{ x1: 3, y1: 1, x2: 4, y2: 2 }], raster), colour: [0, 0, 255], alpha: 1 }],
  });
  assert.equal(overlay.channels, 3);
  assert.deepEqual(Array.from(overlay.data.subarray(0, 3)), [255, 0, 0], 'outline on the border');
  assert.deepEqual(Array.from(overlay.data.subarray((1 * 8 + 3) * 3, (1 * 8 + 3) * 3 + 3)), [0, 0, 255], 'mask filled');
  assert.equal(raster.data[0], 0, 'the input is not modified');
  const big = { width: 200, height: 100, channels: 1 as const, data: new Uint8Array(20000) };
  const labelled = await decodeImage(
    await overlayPng(big, { boxes: [{ box: { x1: 50, y1: 40, x2: 120, y2: 90 }, label: 'F1 nodule <right>' }] }),
  );
  assert.deepEqual([labelled.width, labelled.height, labelled.channels], [200, 100, 3]);
  let lit = 0;
  for (let y = 20; y < 38; y++) for (let x = 50; x < 150; x++) if (labelled.data[(y * 200 + x) * 3] > 100) lit++;
  const compared = await decodeImage(
    await comparisonOverlayPng(big, {
      predicted: [{ x1: 0, y1: 0, x2: 10, y2: 10 }],
      target: [{ x1: 20, y1: 20, x2: 40, y2: 40 }],
    }),
  );
  assert.deepEqual(Array.from(compared.data.subarray(0, 3)), [255, 64, 64], 'prediction in red');
  assert.deepEqual(
    Array.from(compared.data.subarray((20 * 200 + 20) * 3, (20 * 200 + 20) * 3 + 3)),
    [64, 220, 64],
    'target in green',
  );
  // Text needs a system font; on a machine without /usr/share/fonts only the outline is checked.
  if (existsSync('/usr/share/fonts')) assert.ok(lit > 0, 'the label is drawn above the box');
});

test('16-bit PNG is reduced to 8 bits by the high byte', async () => {
  const sharp = (await import('sharp')).default;
  const wide = new Uint16Array([0, 256, 32768, 65535]);
  const png = await sharp(wide, { raw: { width: 4, height: 1, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toBuffer();
  const raster = await decodeImage(new Uint8Array(png), { name: 'wide.png' });
  assert.deepEqual([raster.channels, ...raster.data], [1, 0, 1, 128, 255]);
});

test('bad images: missing, empty, undecodable, zero-size, crop outside — each named', async () => {
  await assert.rejects(decodeImage('/nonexistent/cxr.png'), /\/nonexistent\/cxr\.png: file not found/);
  await assert.rejects(decodeImage(new Uint8Array(0), { name: 'empty.png' }), /empty\.png: image is empty/);
  await assert.rejects(
    decodeImage(new Uint8Array(Buffer.from('not an image')), { name: 'junk.png' }),
    (error: unknown) =>
      error instanceof ImagingError && /^junk\.png: cannot decode image/.test((error as Error).message),
  );
  await assert.rejects(encodePng({ width: 0, height: 5, channels: 1, data: new Uint8Array(0) }), /zero size/);
  assert.throws(
    () =>
      cropRaster({ width: 4, height: 4, channels: 1, data: new Uint8Array(16) }, { x1: 10, y1: 10, x2: 12, y2: 12 }),
    /covers no pixel/,
  );
});
