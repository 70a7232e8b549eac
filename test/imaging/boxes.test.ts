import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BoxError,
  boxIoP,
  boxIoT,
  boxIoU,
  boxesToMask,
  boxesToTokenMask,
  denormaliseBox,
  formatBox,
  fromXywh,
  fromXyxy,
  huatuoVisionGrid,
  maskCount,
  maskToBox,
  microOverlap,
  normaliseBox,
  parseBox,
  qwen25vlGrid,
  qwenSmartResize,
  regionOverlap,
  resizeBox,
  toXywh,
  uniformGrid,
  validateBox,
} from '../../src/imaging/index.js';

const size = { width: 100, height: 50 };

test('xyxy, xywh and normalised forms convert both ways', () => {
  const box = fromXywh([10, 5, 20, 10], size);
  assert.deepEqual(box, { x1: 10, y1: 5, x2: 30, y2: 15 });
  assert.deepEqual(toXywh(box), [10, 5, 20, 10]);
  assert.deepEqual(normaliseBox(box, size), [0.1, 0.1, 0.3, 0.3]);
  assert.deepEqual(normaliseBox(box, size, 1000), [100, 100, 300, 300]);
  assert.deepEqual(denormaliseBox([100, 100, 300, 300], size, 1000), box);
  assert.deepEqual(parseBox([0.1, 0.1, 0.2, 0.2], { format: 'xywh', units: 'unit' }, size), box);
  assert.deepEqual(formatBox(box, { format: 'xywh', units: 'per1000' }, size), [100, 100, 200, 200]);
});

test('swapped corners, bad values and out-of-image boxes are refused with the origin named', () => {
  assert.throws(
    () => fromXyxy([30, 5, 10, 15], size, { where: 'items.jsonl:7 bbox[0]' }),
    (error: unknown) => {
      assert.ok(error instanceof BoxError);
      assert.match((error as Error).message, /^items\.jsonl:7 bbox\[0\]: swapped corners/);
      return true;
    },
  );
  assert.throws(
    () => fromXyxy([0, 0, 120, 10], size, { where: 'a.json' }),
    /a\.json: box .* partly outside the 100×50 image/,
  );
  assert.throws(() => fromXyxy([200, 0, 220, 10], size, { clamp: true }), /wholly outside/);
  assert.deepEqual(fromXyxy([-5, 0, 120, 10], size, { clamp: true }), { x1: 0, y1: 0, x2: 100, y2: 10 });
  assert.throws(() => fromXyxy([1, 2, 3], size), /expected 4 numbers/);
  assert.throws(() => fromXyxy([1, 2, Number.NaN, 4], size), /finite numbers/);
  assert.throws(() => fromXyxy([5, 5, 5, 9], size), /empty box/);
  assert.throws(() => denormaliseBox([10, 10, 30, 30], size), /not normalised to 0–1/);
  assert.throws(() => validateBox({ x1: 0, y1: 0, x2: 1, y2: 1 }, { width: 0, height: 10 }), /zero size/);
});

test('IoU, IoP and IoT of boxes', () => {
  const a = { x1: 0, y1: 0, x2: 10, y2: 10 };
  const b = { x1: 5, y1: 0, x2: 25, y2: 10 };
  assert.equal(boxIoU(a, b), 50 / 250);
  assert.equal(boxIoP(a, b), 0.5);
  assert.equal(boxIoT(a, b), 50 / 200);
  assert.equal(boxIoU(a, { x1: 20, y1: 20, x2: 30, y2: 30 }), 0);
});

test('pixel-level overlap of box unions and micro pooling', () => {
  const overlap = regionOverlap(
    [{ x1: 0, y1: 0, x2: 10, y2: 10 }],
    [
      { x1: 5, y1: 0, x2: 15, y2: 10 },
      { x1: 40, y1: 40, x2: 42, y2: 42 },
    ],
    size,
  );
  assert.equal(overlap.intersection, 50);
  assert.equal(overlap.predicted, 100);
  assert.equal(overlap.target, 104);
  assert.equal(overlap.iop, 0.5);
  assert.equal(overlap.iot, 50 / 104);
  assert.equal(overlap.iou, 50 / 154);
  const pooled = microOverlap([overlap, overlap]);
  assert.equal(pooled.iou, overlap.iou);
  const mask = boxesToMask([{ x1: 2.4, y1: 1, x2: 4.6, y2: 2 }], size);
  assert.equal(maskCount(mask), 3); // pixel centres 2.5, 3.5 and 4.5 lie in [2.4, 4.6)
});

test('box → token grid follows floor(x1/p) … ceil(x2/p) − 1', () => {
  const grid = huatuoVisionGrid();
  const original = { width: 672, height: 672 };
  // 672 → 336 halves coordinates; x 28…84 → 14…42 px → columns 1…2 (ceil(42/14) − 1 = 2).
  const tokens = boxesToTokenMask([{ x1: 28, y1: 0, x2: 84, y2: 28 }], original, grid);
  assert.equal(tokens.count, 2);
  assert.deepEqual(tokens.indices, [1, 2]);
  assert.deepEqual(qwenSmartResize({ width: 1000, height: 1000 }, 28, 3136, 50176), { width: 224, height: 224 });
  const qwen = qwen25vlGrid({ width: 1000, height: 1000 });
  assert.equal(qwen.rows, 8);
  assert.equal(qwen.cols, 8);
  const all = boxesToTokenMask([{ x1: 0, y1: 0, x2: 1000, y2: 1000 }], { width: 1000, height: 1000 }, qwen);
  assert.equal(all.count, 64);
  const two = boxesToTokenMask(
    [
      { x1: 0, y1: 0, x2: 1, y2: 1 },
      { x1: 999, y1: 999, x2: 1000, y2: 1000 },
    ],
    { width: 1000, height: 1000 },
    uniformGrid(4, 4, { width: 1000, height: 1000 }),
  );
  assert.deepEqual(two.indices, [0, 15]);
  assert.deepEqual(
    resizeBox({ x1: 10, y1: 10, x2: 20, y2: 20 }, { width: 100, height: 100 }, { width: 50, height: 200 }),
    { x1: 5, y1: 20, x2: 10, y2: 40 },
  );
  assert.deepEqual(maskToBox(boxesToMask([{ x1: 3, y1: 4, x2: 9, y2: 7 }], size)), { x1: 3, y1: 4, x2: 9, y2: 7 });
});
