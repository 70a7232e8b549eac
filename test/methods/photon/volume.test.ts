import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runEval } from '../../../src/eval.js';
import { readVolume } from '../../../src/imaging/dicom-volume.js';
import { encodeDicom } from '../../../src/imaging/dicom-write.js';
import { decodeNifti, encodeNifti, readNifti } from '../../../src/imaging/nifti.js';
import { generateCt } from '../../../src/imaging/phantom-ct.js';
import { ctPhantomDicomSeries, ctPhantomNifti } from '../../../src/imaging/phantoms.js';
import {
  estimateVolumeTokens,
  photonTokenCount,
  preprocessVolume,
  reorient,
} from '../../../src/methods/photon/volume.js';

const NIFTI = '../shared/data/nifti';
const DICOM = '../shared/data/dicom';

/** A volume with one bright voxel at voxel (i, j, k), written and read back through NIfTI with `affine`. */
function markerVolume(dims: [number, number, number], at: [number, number, number], affine: number[][]) {
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  data[at[0] + dims[0] * (at[1] + dims[1] * at[2])] = 1;
  const spacing = [0, 1, 2].map((axis) => Math.hypot(affine[0]![axis]!, affine[1]![axis]!, affine[2]![axis]!));
  return decodeNifti(encodeNifti(data, dims, spacing as [number, number, number], { affine }), 'marker.nii');
}
const argmax = (data: Float32Array) => data.reduce((best, v, i, all) => (v > all[best]! ? i : best), 0);
const unravel = (index: number, dims: number[]) => [
  index % dims[0]!,
  Math.floor(index / dims[0]!) % dims[1]!,
  Math.floor(index / (dims[0]! * dims[1]!)),
];

describe('Photon volume pipeline', () => {
  it('reorients to RAI: axis 0 runs towards Right, axis 1 towards Anterior, axis 2 towards Inferior', () => {
    // The marker sits at the most Left, Posterior, Inferior corner of the patient in every case.
    const ras = markerVolume(
      [4, 5, 6],
      [0, 0, 0],
      [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
      ],
    );
    assert.equal(ras.orientation, 'RAS');
    const lps = markerVolume(
      [4, 5, 6],
      [3, 4, 0],
      [
        [-1, 0, 0, 0],
        [0, -1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
      ],
    );
    assert.equal(lps.orientation, 'LPS');
    // Axes permuted: i runs towards Inferior, j towards Right, k towards Anterior (an "IRA" volume).
    const ira = markerVolume(
      [6, 4, 5],
      [5, 0, 0],
      [
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [-1, 0, 0, 0],
        [0, 0, 0, 1],
      ],
    );
    assert.equal(ira.orientation, 'IRA');
    for (const volume of [ras, lps, ira]) {
      const out = reorient(volume, 'RAI');
      assert.deepEqual(out.dims, [4, 5, 6], volume.orientation);
      // Most Left → index 0 on an axis towards R; most Posterior → 0; most Inferior → last on an axis towards I.
      assert.deepEqual(unravel(argmax(out.data), out.dims), [0, 0, 5], volume.orientation);
    }
    assert.throws(() => reorient(ras, 'RAR'), /marker\.nii: orientation 'RAR'/);
  });

  it('resamples to 1 mm, pads centred to the cube, clips HU and resizes exactly on a linear ramp', () => {
    // 10 voxels of 2 mm along each axis → 20 mm → padded to a 24 mm cube (2 before, 2 after).
    const dims: [number, number, number] = [10, 10, 10];
    const data = new Float32Array(1000);
    for (let i = 0; i < 1000; i++) data[i] = -500 + 100 * (i % 10); // HU rising towards R (axis 0 is R in RAS)
    const volume = { file: 'ramp', dims, spacing: [2, 2, 2] as [number, number, number], orientation: 'RAS', data };
    const out = preprocessVolume(volume, { cube: 24, shape: [24, 24, 24], padHu: -1000 });
    const centre = 24 * 12 + 24 * 24 * 12; // the row through the middle of the cube along axis 0
    const row = Array.from(out.data.subarray(centre, centre + 24), (v) => Number((v * 2000 - 1000).toFixed(3)));
    // Padded voxels are air; inside, resampled voxel r (centre at r + 0.5 mm) reads source index (r + 0.5)/2 − 0.5.
    assert.deepEqual(row.slice(0, 2), [-1000, -1000]);
    assert.deepEqual(row.slice(22), [-1000, -1000]);
    assert.equal(row[2], -500); // clamped at the first voxel centre
    assert.equal(row[3], -475);
    assert.equal(row[4], -425);
    assert.equal(row[21], 400);
    // Values above 1000 HU clip to 1.
    const hot = { ...volume, data: new Float32Array(1000).fill(3000) };
    assert.equal(preprocessVolume(hot, { cube: 20, shape: [14, 28, 28] }).data[0], 1);
  });

  it('counts 1,000 tokens for [140, 280, 280] and estimates other shapes', () => {
    assert.deepEqual(photonTokenCount([140, 280, 280]), {
      grid: [10, 20, 20],
      tokens: 1000,
      patchedShape: [140, 280, 280],
    });
    assert.equal(photonTokenCount([112, 224, 224]).tokens, 8 * 8 * 8);
    assert.deepEqual(photonTokenCount([100, 300, 250]).patchedShape, [112, 308, 252]); // pad depth, round sides
    // A 512×512×300 CT at 0.7 × 0.7 × 1.5 mm fed at 1 mm: 358 × 358 × 450 mm.
    const estimate = estimateVolumeTokens([512, 512, 300], [0.7, 0.7, 1.5]);
    assert.deepEqual(estimate.nativeShape, [450, 358, 358]);
    assert.equal(estimate.native.tokens, (462 / 14) * (364 / 28) * (364 / 28));
    assert.equal(estimate.pipeline.tokens, 1000);
    assert.throws(() => photonTokenCount([0, 280, 280]), /three positive sizes/);
  });

  it('runs on the real NIfTI files in ../shared/data/nifti', {
    skip: !existsSync(NIFTI) && `${NIFTI} absent`,
  }, async () => {
    const volume = await readNifti(`${NIFTI}/avg152T1_LR_nifti.nii.gz`);
    assert.equal(volume.orientation, 'LAS');
    const out = preprocessVolume(volume);
    assert.deepEqual(out.shape, [140, 280, 280]);
    assert.equal(out.data.length, 140 * 280 * 280);
    assert.equal(out.tokens.tokens, 1000);
    let max = 0;
    for (const v of out.data) {
      assert.ok(v >= 0 && v <= 1);
      max = Math.max(max, v);
    }
    assert.ok(max > 0.5, 'the brain is inside the crop');
    // 182 mm of head in a 364 mm cube: the outer quarter of each side is padding (air → 0).
    assert.equal(out.data[0], 0);
    assert.match(out.steps[0]!, /LAS → RAI/);
    // Its geometry at 1 mm: 182 × 218 × 182 mm.
    assert.deepEqual(estimateVolumeTokens(volume.dims, volume.spacing).nativeShape, [182, 218, 182]);
  });

  it('refuses a volume with a zero spacing, naming the file', () => {
    const volume = {
      file: 'flat.nii',
      dims: [2, 2, 2] as [number, number, number],
      spacing: [1, 0, 1] as [number, number, number],
      orientation: 'RAS',
      data: new Float32Array(8),
    };
    assert.throws(() => preprocessVolume(volume), /flat\.nii: voxel spacing must be positive/);
  });
});

describe('Photon volume pipeline on DICOM series', () => {
  it('a CT phantom series (slices written out of order) gives the NIfTI route output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'photon-dicom-'));
    const ct = generateCt({ seed: 9, size: 32, slices: 8, findings: 1 });
    (await ctPhantomDicomSeries(ct)).forEach((bytes, z) => writeFileSync(join(dir, `i${(z * 3) % 8}-${z}.dcm`), bytes));
    const options = { cube: 48, shape: [14, 28, 28] as [number, number, number] };
    const fromDicom = preprocessVolume(await readVolume(dir), options);
    const fromNifti = preprocessVolume(decodeNifti(ctPhantomNifti(ct, { gzip: false }), 'ct.nii'), options);
    assert.match(fromDicom.steps[0]!, /LPS → RAI/);
    assert.match(fromNifti.steps[0]!, /LPI → RAI/);
    // Equal up to float32 rounding of the spacing the NIfTI header stores (10.63 mm → 10.630000114…).
    const worst = fromDicom.data.reduce((max, v, i) => Math.max(max, Math.abs(v - fromNifti.data[i]!)), 0);
    assert.ok(worst < 1e-6, `largest difference ${worst}`);
    assert.ok(Math.max(...fromDicom.data) - Math.min(...fromDicom.data) > 0.3, 'the crop holds contrast');
  });

  it('a sagittal series with a marker lands at the Left, Posterior, Inferior corner after RAI', async () => {
    // Row cosine +y (towards P), column cosine −z (towards I): rows run down the patient, slices towards R.
    const dir = mkdtempSync(join(tmpdir(), 'photon-dicom-'));
    const [columns, rows, slices] = [5, 4, 3];
    for (let k = 0; k < slices; k++) {
      const pixels = new Int16Array(rows * columns);
      // Most P = last column, most I = last row, most L = first slice (slices go towards R).
      if (k === 0) pixels[(rows - 1) * columns + columns - 1] = 1000;
      const bytes = await encodeDicom({
        rows,
        columns,
        pixels,
        modality: 'CT',
        pixelSpacing: [2, 3],
        imagePosition: [-4 * k, 0, 0],
        imageOrientation: [0, 1, 0, 0, 0, -1],
        seriesInstanceUid: '2.25.9',
      });
      writeFileSync(join(dir, `s${slices - k}.dcm`), bytes);
    }
    const volume = await readVolume(dir);
    const rai = reorient(volume, 'RAI');
    assert.deepEqual(rai.dims, [slices, columns, rows]);
    assert.deepEqual(rai.spacing, [4, 3, 2]);
    assert.deepEqual(unravel(argmax(rai.data), rai.dims), [0, 0, rows - 1]);
  });

  it('runs on the real CT_small.dcm (one 5 mm slice) and names a bad series in a shortcut file by line', {
    skip: !existsSync(DICOM) && `${DICOM} absent`,
  }, async () => {
    const volume = await readVolume(`${DICOM}/CT_small.dcm`);
    const out = preprocessVolume(volume, { cube: 128, shape: [14, 28, 28] });
    assert.ok(out.data.every((v) => v >= 0 && v <= 1));
    assert.match(out.steps[1]!, /resampled \[128, 128, 1\] at \[0\.661, 0\.661, 5\.000\] mm/);
    const dir = mkdtempSync(join(tmpdir(), 'photon-dicom-'));
    writeFileSync(
      join(dir, 'items.jsonl'),
      `${JSON.stringify({ id: 1, volume: resolve(DICOM), question: 'q?', choices: ['a', 'b'], answer: 'a' })}\n`,
    );
    const error = await runEval({
      benchmark: 'photon-shortcut',
      args: { path: join(dir, 'items.jsonl'), depth: 14, slices: 1, probe: 'off' },
      outDir: join(dir, 'run'),
      cacheDir: join(dir, 'cache'),
      cache: false,
    }).catch((caught: Error) => caught);
    assert.match(
      String(error instanceof Error ? error.message : JSON.stringify(error)),
      /items\.jsonl:1: volume: .*belongs to series/,
    );
  });
});

describe('Photon ms-swift export', () => {
  it('writes ms-swift video rows, prepared volumes (RAI, 1 mm, cube, HU) and the config overrides; bad rows name the line', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { exportSwift } = await import('../../../src/methods/photon/export.js');
    const dir = mkdtempSync(join(tmpdir(), 'photon-export-'));
    const hu = new Int16Array(8 * 8 * 8).fill(2000);
    writeFileSync(join(dir, 'ct.nii'), encodeNifti(hu, [8, 8, 8], [2, 2, 2]));
    const line = (answer: string) => JSON.stringify({ volume: 'ct.nii', question: 'Is there a nodule?', answer });
    writeFileSync(join(dir, 'data.jsonl'), `${line('No.')}\n${line('Yes.')}\n`);
    const result = await exportSwift(join(dir, 'data.jsonl'), join(dir, 'out'), { cube: 32 }); // 364 by default
    assert.deepEqual(result, { rows: 2, volumes: 1 });
    const rows = readFileSync(join(dir, 'out', 'train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    assert.deepEqual(rows[0].messages, [
      { role: 'user', content: '<video> Is there a nodule?' },
      { role: 'assistant', content: 'No.' },
    ]);
    const prepared = await readNifti(rows[0].videos[0]);
    assert.deepEqual(prepared.dims, [32, 32, 32]);
    assert.equal(prepared.orientation, 'RAI');
    const centre = 16 + 32 * (16 + 32 * 16);
    assert.equal(prepared.data[centre], 1000); // 2000 HU clipped
    assert.equal(prepared.data[0], -1000); // padding is air
    const overrides = JSON.parse(readFileSync(join(dir, 'out', 'config-overrides.json'), 'utf8'));
    assert.equal(overrides.vision_config.temporal_patch_size, 14);
    writeFileSync(join(dir, 'bad.jsonl'), `${line('x')}\n{"volume": "ct.nii", "question": "q"}\n`);
    await assert.rejects(exportSwift(join(dir, 'bad.jsonl'), join(dir, 'out2'), { cube: 32 }), /bad\.jsonl:2: answer/);
  });
});
