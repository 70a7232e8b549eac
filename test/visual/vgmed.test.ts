// VGMED: attention metrics (hand-computed), the loader's box-format rule and bad input, the phantom
// set with the baseline, the attention-maps solver and the box proxy with a fixed-reply model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  attentionRatio,
  jsGtAttention,
  klGtAttention,
  layerMaps,
  normaliseByGeneric,
} from '../../src/benchmarks/vgmed/attention.js';
import { boxFormatFor, loadVgmed } from '../../src/benchmarks/vgmed/items.js';
import { phantomDataset } from '../../src/benchmarks/vgmed/synthetic.js';
import { attentionMapsSolver, boxProxySolver, brightestRegionSolver } from '../../src/benchmarks/vgmed/solvers.js';
import { attentionGroundingScorer, boxIouProxyScorer, PROXY_NOTE } from '../../src/benchmarks/vgmed/scorers.js';
import { encodePng } from '../../src/imaging/image.js';
import { createRaster } from '../../src/imaging/raster.js';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import type { Sample } from '../../src/core/index.js';
import { fixedReplies } from './support.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
const close = (actual: number, expected: number, tolerance = 1e-4) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${actual} ≉ ${expected}`);

test('attention metrics equal upstream numpy (measure_attention.py): KL floor 1e-12, JS and AR epsilons', () => {
  // Expected values computed with numpy 2.4 running upstream's attention_ratio_vectorized,
  // kl_divergence_vectorized and js_divergence_vectorized on the same maps.
  const zeroOnGt = [0, 1, 3, 0, 2, 0];
  close(klGtAttention(zeroOnGt, [0, 3]), 26.937873935289296, 1e-9); // ln(0.5 / 1e-12): the 1e-12 floor
  close(jsGtAttention(zeroOnGt, [0, 3]), 0.6931471549823238, 1e-12);
  assert.equal(attentionRatio(zeroOnGt, [0, 3]), 0);
  const mixed = [0.2, 0.1, 0.4, 0.3, 0.0, 0.05];
  close(attentionRatio(mixed, [2, 4]), 1.1428571102040825, 1e-12);
  close(klGtAttention(mixed, [2, 4]), 13.60490383008581, 1e-9);
  close(jsGtAttention(mixed, [2, 4]), 0.39186653449659864, 1e-12);
  close(attentionRatio([1, 1, 1, 1], [0]), 0.9999999900000002, 1e-15);
  close(klGtAttention([1, 1, 1, 1], [0]), 1.3862943635411562, 1e-12);
  close(jsGtAttention([1, 1, 1, 1], [0]), 0.3803956504850941, 1e-12);
});

test('attention metrics: uniform, perfect and a hand-computed JS', () => {
  const uniform = [1, 1, 1, 1];
  close(attentionRatio(uniform, [0]), 1);
  close(klGtAttention(uniform, [0]), Math.log(4)); // log(N/|G|)
  // g = [1,0,0,0], q = [.25]*4, m = [.625,.125,.125,.125]: KL(g‖m) = ln 1.6 = 0.470004, KL(q‖m) = .25 ln .4 + .75 ln 2 = 0.290790
  close(jsGtAttention(uniform, [0]), 0.5 * (Math.log(1.6) + 0.25 * Math.log(0.4) + 0.75 * Math.log(2)));
  close(jsGtAttention(uniform, [0]), 0.380397);
  const perfect = [0.5, 0.5, 0, 0];
  close(attentionRatio(perfect, [0, 1]), 2); // N/|G|
  close(klGtAttention(perfect, [0, 1]), 0);
  close(jsGtAttention(perfect, [0, 1]), 0);
  assert.throws(() => attentionRatio([0, 0], [0]), /sums to 0/);
  assert.throws(() => attentionRatio([1, 1], []), /no ground-truth tokens/);
  assert.throws(() => attentionRatio([1, Number.NaN], [0]), /not a finite/);
  // [layer][head][token] averages heads; generic normalisation divides element-wise.
  assert.deepEqual(
    layerMaps(
      [
        [
          [1, 3],
          [3, 1],
        ],
      ],
      2,
      'm',
    ),
    [[2, 2]],
  );
  assert.throws(() => layerMaps([[1, 2, 3]], 4, 'maps.json'), /layer 0 has 3 tokens; the grid has 4/);
  close(normaliseByGeneric([2, 4], [1, 2])[1]!, 2);
});

async function writePng(
  path: string,
  width: number,
  height: number,
  bright?: { x1: number; y1: number; x2: number; y2: number },
) {
  const raster = createRaster(width, height, 1, 40);
  if (bright)
    for (let y = bright.y1; y < bright.y2; y++)
      for (let x = bright.x1; x < bright.x2; x++) raster.data[y * width + x] = 250;
  writeFileSync(path, await encodePng(raster));
}

test('loader: xyxy except Slake* (xywh); bad boxes, missing images and bad lines name file, line and field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgmed-'));
  await writePng(join(dir, 'ct_001.png'), 100, 80);
  await writePng(join(dir, 'Slake_0001.png'), 100, 80);
  const file = join(dir, 'VGMED_localization.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ image: 'ct_001.png', question: 'Where is the liver?', bbox: [[10, 10, 50, 40]] }),
      JSON.stringify({ image: 'Slake_0001.png', question: 'Where is the liver?', original_bboxes: [[10, 10, 50, 40]] }),
      JSON.stringify({ image: 'ct_001.png', question: 'swapped', bbox: [[50, 10, 10, 40]] }),
      JSON.stringify({ image: 'ct_001.png', question: 'outside', bbox: [[10, 10, 150, 40]] }),
      JSON.stringify({ image: 'missing.png', question: 'missing', bbox: [[1, 1, 2, 2]] }),
      '{not json',
      JSON.stringify({ image: 'ct_001.png', question: 'no box' }),
    ].join('\n'),
  );
  // Upstream's rule reads the relative path as written: "Slake/..." is xywh, "imgs/Slake_1.png" is not.
  assert.equal(boxFormatFor('Slake/xmlab1/source.jpg'), 'xywh');
  assert.equal(boxFormatFor('imgs/Slake_1.png'), 'xyxy');
  assert.equal(boxFormatFor('imgs/ct_Slake.png'), 'xyxy');
  assert.equal(boxFormatFor('val2014/COCO_val2014_000000000042.jpg', 'COCO'), 'xywh');
  const errors: Error[] = [];
  const samples: Sample[] = [];
  for await (const sample of loadVgmed(file, { lenient: true, onError: (error) => errors.push(error) }))
    samples.push(sample);
  assert.equal(samples.length, 2);
  assert.deepEqual((samples[0]!.target as { boxes: number[][] }).boxes, [[10, 10, 50, 40]]);
  assert.equal(samples[0]!.metadata!.box_format, 'xyxy');
  assert.deepEqual((samples[1]!.target as { boxes: number[][] }).boxes, [[10, 10, 60, 50]]); // xywh → xyxy
  assert.equal(samples[1]!.metadata!.box_format, 'xywh');
  assert.equal(samples[0]!.metadata!.question_type, 'localization');
  const messages = errors.map((error) => error.message);
  assert.match(messages[0]!, /VGMED_localization\.jsonl:3: bbox\[0\]: .*swapped corners/);
  assert.match(messages[1]!, /:4: bbox\[0\]: .*outside the 100×80 image/);
  assert.match(messages[2]!, /:5: image: .*missing\.png: file not found/);
  assert.match(messages[3]!, /:6: \(whole line\): is not JSON/);
  assert.match(messages[4]!, /:7: bbox: needs bbox or original_bboxes/);
  // Strict mode stops at the first bad line with the same message.
  await assert.rejects(async () => {
    for await (const _ of loadVgmed(file)) void _;
  }, /:3: bbox\[0\]/);
});

test('loader: COCO_*.jsonl boxes are xywh and VGMED "Slake/..." paths are xywh, as upstream measure_attention', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgmed-coco-'));
  mkdirSync(join(dir, 'val2014'));
  mkdirSync(join(dir, 'Slake', 'xmlab1'), { recursive: true });
  await writePng(join(dir, 'val2014', 'COCO_val2014_000000000042.png'), 100, 80);
  await writePng(join(dir, 'Slake', 'xmlab1', 'source.png'), 100, 80);
  const row = { question: 'Where is the dog?', bbox: [[10, 10, 50, 40]] };
  writeFileSync(
    join(dir, 'COCO_localization.jsonl'),
    JSON.stringify({ ...row, image: 'val2014/COCO_val2014_000000000042.png' }),
  );
  writeFileSync(join(dir, 'VGMED_attribute.jsonl'), JSON.stringify({ ...row, image: 'Slake/xmlab1/source.png' }));
  const [coco] = await collect(loadVgmed(join(dir, 'COCO_localization.jsonl')));
  const [slake] = await collect(loadVgmed(join(dir, 'VGMED_attribute.jsonl')));
  for (const sample of [coco!, slake!]) {
    assert.deepEqual((sample.target as { boxes: number[][] }).boxes, [[10, 10, 60, 50]]); // x, y, w, h
    assert.equal(sample.metadata!.box_format, 'xywh');
  }
  assert.equal(coco!.metadata!.dataset, 'COCO');
  assert.equal(slake!.metadata!.dataset, 'VGMED');
});

test('phantom set + brightest-region baseline: a box, an attention map, both scorers', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'vgmed-cache-'));
  const samples: Sample[] = [];
  for await (const sample of phantomDataset(cache, 7, 3)) samples.push(sample);
  assert.equal(samples.length, 6); // 3 images × (localization + attribute)
  const fundus = samples.find((sample) => String(sample.files!.image).includes('fundus'))!;
  assert.ok(fundus, 'the third phantom is a fundus photograph');
  const context = createTestContext({});
  const state = await brightestRegionSolver().solve(newTaskState(samples[0]!, 1), context);
  const grounding = await attentionGroundingScorer().score(state, context);
  const value = grounding.value as Record<string, number>;
  assert.ok(value.attention_ratio > 0 && Number.isFinite(value.kl) && value.js >= 0 && value.js <= Math.log(2));
  const proxy = await boxIouProxyScorer().score(state, context);
  assert.ok(proxy.explanation!.includes('NOT the VGMED'));
  const region = context.events.find((event) => event.type === 'evidence' && event.kind === 'image-region');
  assert.ok(region && region.type === 'evidence');
  const data = region.data as { width: number; boxes: { label: string }[] };
  assert.equal(data.width, 384);
  assert.deepEqual(
    data.boxes.map((box) => box.label),
    ['ground truth', 'brightest region (baseline)'],
  );
});

test('attention-maps solver: per-sample maps with heads and a generic map; uniform attention scores AR 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgmed-att-'));
  await writePng(join(dir, 'a.png'), 40, 40);
  writeFileSync(
    join(dir, 'items.jsonl'),
    JSON.stringify({ id: 'q1', image: 'a.png', question: 'Where?', bbox: [0, 0, 20, 20] }) + '\n',
  );
  const [sample] = await collect(loadVgmed(join(dir, 'items.jsonl')));
  const maps = join(dir, 'maps.json');
  // 2×2 grid over the 40×40 image; the box covers token 0. Layer 0: uniform. Layer 1: two heads, all on token 0 after normalising.
  writeFileSync(
    maps,
    JSON.stringify({
      q1: {
        grid: [2, 2],
        maps: [
          [1, 1, 1, 1],
          [
            [4, 0, 0, 0],
            [4, 0, 0, 0],
          ],
        ],
        generic: [
          [1, 1, 1, 1],
          [2, 1, 1, 1],
        ],
      },
    }),
  );
  const context = createTestContext({});
  const state = await attentionMapsSolver(maps).solve(newTaskState(sample!, 1), context);
  const score = await attentionGroundingScorer(0).score(state, context);
  close((score.value as Record<string, number>).attention_ratio, 1); // 1 − 1e-8: upstream adds 1e-8 to the divisor
  const layer1 = await attentionGroundingScorer(1).score(state, context);
  close((layer1.value as Record<string, number>).attention_ratio, 4);
  close((layer1.value as Record<string, number>).kl, 0);
  await assert.rejects(
    attentionMapsSolver(maps).solve(newTaskState({ ...sample!, id: 'other' }, 1), context),
    /no attention maps for sample "other"/,
  );
  // Per-head metrics: layer 0 has no heads in this file, so the file is not [layer][head][token]; a headed file is.
  const headed = join(dir, 'heads.json');
  writeFileSync(
    headed,
    JSON.stringify({
      q1: {
        grid: [2, 2],
        maps: [
          [
            [1, 1, 1, 1],
            [4, 0, 0, 0],
          ],
        ],
        generic: [[1, 1, 1, 1]],
      },
    }),
  );
  const headState = await attentionMapsSolver(headed).solve(newTaskState(sample!, 1), context);
  const perHead = await attentionGroundingScorer('mean', headed).score(headState, context);
  assert.deepEqual((perHead.metadata!.perHead as { attention_ratio: number[][] }).attention_ratio, [[1, 4]]);
  assert.match(perHead.explanation!, /top heads by AR: L0H1 4\.00, L0H0 1\.00/);
  close((perHead.value as Record<string, number>).attention_ratio, 2.5); // head mean [2.5, .5, .5, .5] → 2.5 / (4 · 1/4)
});

test('box proxy: the image reaches the model as a path part; swapped and out-of-image boxes are repaired and said', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgmed-proxy-'));
  await writePng(join(dir, 'b.png'), 100, 100, { x1: 20, y1: 20, x2: 60, y2: 60 });
  writeFileSync(
    join(dir, 'items.jsonl'),
    JSON.stringify({ id: 'q2', image: 'b.png', question: 'Where is the bright square?', bbox: [[20, 20, 60, 60]] }) +
      '\n',
  );
  const [sample] = await collect(loadVgmed(join(dir, 'items.jsonl')));
  const model = fixedReplies(['{"boxes": [[60, 60, 20, 20]]}', 'The box is [20, 20, 140, 60].', 'I cannot tell.']);
  const context = createTestContext({ agent: model });
  let state = await boxProxySolver().solve(newTaskState(sample!, 1), context);
  const image = (model.requests[0]!.messages[0]!.content as { type: string; source?: { path: string } }[]).find(
    (part) => part.type === 'image',
  );
  assert.equal(image?.source?.path, join(dir, 'b.png'));
  let score = await boxIouProxyScorer().score(state, context);
  assert.equal((score.value as Record<string, number>).iou, 1);
  assert.match(score.explanation!, /swapped corners/);
  state = await boxProxySolver().solve(newTaskState(sample!, 1), context);
  score = await boxIouProxyScorer().score(state, context);
  assert.equal((score.value as Record<string, number>).iou, 1600 / 3200); // clipped to [20,20,100,60]
  assert.match(score.explanation!, /outside the 100×100 image and was clipped/);
  state = await boxProxySolver().solve(newTaskState(sample!, 1), context);
  score = await boxIouProxyScorer().score(state, context);
  assert.equal((score.value as Record<string, number>).iou, 0);
  assert.ok(score.explanation!.includes(PROXY_NOTE));
});

test('benchmark args: a numeric layer from a config file is honoured; a bad n is refused', async () => {
  const { vgmed, vgmedPhantom } = await import('../../src/benchmarks/vgmed/index.js');
  const base = { seed: 0, cacheDir: tmpdir() };
  assert.equal(vgmed.scorers({ ...base, args: { layer: 3 } })[0]!.params.layer, 3);
  assert.equal(vgmed.scorers({ ...base, args: { layer: '3' } })[0]!.params.layer, 3);
  assert.equal(vgmed.scorers({ ...base, args: {} })[0]!.params.layer, 'mean');
  assert.throws(() => vgmedPhantom.dataset({ ...base, args: { n: 2.5 } }), /--arg n=2\.5: expected a positive integer/);
});
