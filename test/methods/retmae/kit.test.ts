import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodePng } from '../../../src/imaging/image.js';
import { generateFundus } from '../../../src/imaging/phantom-fundus.js';
import { tinyPatchEncoderOnnx } from '../../../src/models/onnx/index.js';
import { retmaeTrainingConfig } from '../../../src/methods/retmae/config.js';
import { listImages } from '../../../src/methods/retmae/cli.js';
import { MANIFEST_FORMAT, writeManifest } from '../../../src/methods/retmae/manifest.js';
import { linearProbe } from '../../../src/methods/retmae/probe.js';

const dir = mkdtempSync(join(tmpdir(), 'medkit-retmae-'));
const SHARED_FUNDUS = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'data',
  'images',
  'fundus-normal-right.jpg',
);

describe('RetMAE kit: manifests, probe, trainer config', () => {
  it('writes a manifest and an overlay for the real fundus photograph', {
    skip: !existsSync(SHARED_FUNDUS) && 'needs ../shared/data/images',
  }, async () => {
    const { manifest, overlayPath } = await writeManifest(SHARED_FUNDUS, join(dir, 'real'));
    assert.equal(manifest.format, MANIFEST_FORMAT);
    assert.deepEqual(manifest.grid, [14, 14]);
    assert.equal(manifest.kept.length, 49, '25% of 196 patches');
    // Corners lie outside the circular field of view: never kept, scored 0.
    for (const corner of [0, 13, 182, 195]) {
      assert.equal(manifest.scores[corner], 0);
      assert.ok(!manifest.kept.includes(corner));
    }
    assert.ok(readFileSync(overlayPath!).subarray(1, 4).toString() === 'PNG');
  });

  it('on a phantom with planted lesions, kept patches cover the lesions more than chance', async () => {
    const phantom = generateFundus({
      seed: 4,
      size: 224,
      findings: [
        { label: 'hemorrhage', sizePx: 14 },
        { label: 'hard exudate', sizePx: 12 },
      ],
    });
    const file = join(dir, 'phantom.png');
    writeFileSync(file, await encodePng(phantom.raster));
    const { manifest } = await writeManifest(file, join(dir, 'phantom'), { overlay: false });
    const lesionPatches = new Set<number>();
    for (const mask of phantom.masks) {
      for (let index = 0; index < mask.data.length; index++) {
        if (mask.data[index])
          lesionPatches.add(Math.floor(Math.floor(index / 224) / 16) * 14 + Math.floor((index % 224) / 16));
      }
    }
    const hits = [...lesionPatches].filter((id) => manifest.kept.includes(id)).length;
    assert.ok(hits / lesionPatches.size > 0.25, `${hits} of ${lesionPatches.size} lesion patches kept (chance 0.25)`);
  });

  it('probes a tiny ONNX encoder: four pooling variants with AUROC and CI', async () => {
    const encoder = join(dir, 'encoder.onnx');
    writeFileSync(encoder, tinyPatchEncoderOnnx({ patch: 16, dim: 8 }));
    const images = join(dir, 'probe');
    mkdirSync(images, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 24; i++) {
      const label = i % 2;
      // Positives carry lesions; negatives are normal eyes.
      const phantom = generateFundus({ seed: 100 + i, size: 64, findings: label ? 3 : 0 });
      writeFileSync(join(images, `${i}.png`), await encodePng(phantom.raster));
      lines.push(JSON.stringify({ image: `probe/${i}.png`, label }));
    }
    const data = join(dir, 'probe.jsonl');
    writeFileSync(data, lines.join('\n'));
    const rows = await linearProbe(encoder, data, { size: 64, patch: 16, folds: 4 });
    assert.deepEqual(
      rows.map((row) => [row.variant, row.tokens, row.n]),
      [
        ['all', 16, 24],
        ['high', 4, 24],
        ['random', 4, 24],
        ['low', 4, 24],
      ],
    );
    for (const row of rows)
      assert.ok(row.lower <= row.auroc && row.auroc <= row.upper && row.auroc >= 0 && row.auroc <= 1);
    writeFileSync(data, '{"image": "probe/0.png", "label": 2}\n');
    await assert.rejects(() => linearProbe(encoder, data, { size: 64, patch: 16 }), /probe\.jsonl:1: label/);
    writeFileSync(data, '{"image": "probe/0.png", "label": 1}\n');
    await assert.rejects(
      () => linearProbe(encoder, data, { size: 64, patch: 8 }),
      /returned 16 tokens for a 8×8 patch grid/,
    );
  });

  it('bad images and paths get errors naming them; the trainer config has the paper’s λs', async () => {
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, 'not an image');
    await assert.rejects(() => writeManifest(broken, join(dir, 'x')), /broken\.png/);
    assert.throws(() => listImages([join(dir, 'missing')]), /missing: no such file or folder/);
    const config = retmaeTrainingConfig();
    assert.deepEqual([config.loss.lambda_rec, config.loss.lambda_hmi, config.loss.lambda_aux], [1, 0.1, 0.01]);
    assert.equal(retmaeTrainingConfig({ aux: false }).loss.lambda_aux, 0);
  });
});
