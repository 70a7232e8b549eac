import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chestXrayPhantom,
  ctSliceRaster,
  decodeImage,
  fundusPhantom,
  generateChestXray,
  generateCt,
  generateFundus,
  maskToBox,
  writePhantom,
  type Mask,
  type Raster,
} from '../../src/imaging/index.js';

function meanInside(raster: Raster, mask: Mask, inside: boolean): number {
  let sum = 0;
  let count = 0;
  for (let pixel = 0; pixel < mask.data.length; pixel++) {
    if (Boolean(mask.data[pixel]) !== inside) continue;
    for (let channel = 0; channel < raster.channels; channel++) sum += raster.data[pixel * raster.channels + channel];
    count += raster.channels;
  }
  return sum / count;
}

test('chest phantom: same seed, same pixels; boxes are the tight boxes of the masks; laterality follows PA convention', async () => {
  const a = generateChestXray({
    seed: 'case-1',
    findings: [
      { label: 'nodule', laterality: 'right' },
      { label: 'mass', laterality: 'left' },
      { label: 'cardiomegaly' },
    ],
  });
  const b = generateChestXray({
    seed: 'case-1',
    findings: [
      { label: 'nodule', laterality: 'right' },
      { label: 'mass', laterality: 'left' },
      { label: 'cardiomegaly' },
    ],
  });
  assert.deepEqual(a.raster.data, b.raster.data);
  assert.deepEqual(a.findings, b.findings);
  assert.notDeepEqual(generateChestXray({ seed: 'case-2' }).raster.data, a.raster.data);
  assert.deepEqual(
    a.findings.map((f) => f.label),
    ['nodule', 'mass', 'cardiomegaly'],
  );
  for (const [index, finding] of a.findings.entries()) {
    assert.deepEqual(maskToBox(a.masks[index]), finding.box);
    assert.ok(finding.box.x1 >= 0 && finding.box.x2 <= a.width && finding.box.y2 <= a.height);
  }
  const nodule = a.findings[0];
  const mass = a.findings[1];
  assert.equal(nodule.laterality, 'right');
  assert.ok(nodule.box.x2 <= a.width / 2, 'the patient’s right lung is on the image left');
  assert.ok(mass.box.x1 >= a.width / 2);
  assert.equal(a.findings[2].laterality, 'none');
  // A nodule adds density: its pixels are brighter on average than the rest of its box.
  const inBox = (x: number, y: number) =>
    x >= nodule.box.x1 && x < nodule.box.x2 && y >= nodule.box.y1 && y < nodule.box.y2;
  let ringSum = 0;
  let ringCount = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++)
      if (inBox(x, y) && !a.masks[0].data[y * a.width + x]) {
        ringSum += a.raster.data[y * a.width + x];
        ringCount++;
      }
  const lesionMean = meanInside(a.raster, { ...a.masks[0], data: a.masks[0].data }, true);
  assert.ok(lesionMean > ringSum / ringCount + 20, `nodule ${lesionMean} vs surround ${ringSum / ringCount}`);
  const bilateral = generateChestXray({ seed: 3, findings: [{ label: 'pleural effusion', laterality: 'bilateral' }] });
  assert.equal(bilateral.findings[0].boxes.length, 2);
  assert.throws(() => generateChestXray({ findings: [{ label: 'fracture' }] }), /unknown chest finding "fracture"/);
});

test('chest phantom PNG decodes back to the same pixels', async () => {
  const phantom = await chestXrayPhantom({ seed: 7, width: 256, height: 256, findings: 2 });
  const decoded = await decodeImage(phantom.png);
  assert.equal(decoded.width, 256);
  assert.equal(decoded.channels, 1);
  assert.deepEqual(decoded.data, phantom.raster.data);
});

test('fundus phantom: disc side follows the eye, lesions within the field of view, truth consistent', async () => {
  const right = generateFundus({
    seed: 4,
    eye: 'right',
    findings: [
      { label: 'hemorrhage', zone: 'inferotemporal' },
      { label: 'hard exudate', zone: 'macula' },
    ],
  });
  const left = generateFundus({ seed: 4, eye: 'left', findings: 1 });
  assert.ok(right.landmarks.disc.x > right.width / 2);
  assert.ok(left.landmarks.disc.x < left.width / 2);
  assert.deepEqual(
    right.findings.map((f) => [f.label, f.region, f.laterality]),
    [
      ['hemorrhage', 'inferotemporal', 'right'],
      ['hard exudate', 'macula', 'right'],
    ],
  );
  for (const [index, finding] of right.findings.entries()) assert.deepEqual(maskToBox(right.masks[index]), finding.box);
  const hemorrhage = right.findings[0];
  assert.ok(hemorrhage.box.y1 > right.landmarks.disc.y - 1, 'inferior = below the disc');
  assert.ok(hemorrhage.box.x2 < right.landmarks.disc.x, 'temporal of a right eye = image left of the disc');
  const png = (await fundusPhantom({ seed: 4, eye: 'right' })).png;
  assert.equal((await decodeImage(png)).channels, 3);
});

test('CT phantom: HU ranges, 3-D boxes match the masks, slices window to 8-bit', async () => {
  const ct = generateCt({
    seed: 9,
    size: 64,
    slices: 16,
    findings: [
      { label: 'nodule', laterality: 'left' },
      { label: 'pleural effusion', laterality: 'right' },
    ],
  });
  const [n, , nz] = ct.dims;
  assert.equal(ct.hu.length, n * n * nz);
  let min = Infinity;
  let max = -Infinity;
  for (const value of ct.hu) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  assert.ok(min < -950 && max > 800, `HU range ${min}…${max}`);
  for (const [index, finding] of ct.findings.entries()) {
    let z1 = Infinity;
    let z2 = -Infinity;
    for (let i = 0; i < ct.masks[index].length; i++)
      if (ct.masks[index][i]) {
        const z = Math.floor(i / (n * n));
        z1 = Math.min(z1, z);
        z2 = Math.max(z2, z + 1);
      }
    assert.equal(finding.z1, z1);
    assert.equal(finding.z2, z2);
    assert.ok(finding.keySlice >= z1 && finding.keySlice < z2);
  }
  assert.equal(ct.findings[0].laterality, 'left');
  assert.ok(ct.findings[0].box.x1 >= n / 2, 'patient left = image right on axial CT');
  const slice = ctSliceRaster(ct, ct.findings[0].keySlice, 'lung');
  assert.equal(slice.data.length, n * n);
  assert.throws(() => ctSliceRaster(ct, nz), /outside/);
});

test('writePhantom writes the image and a JSON truth file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'medkit-phantom-'));
  try {
    const written = await writePhantom(generateChestXray({ seed: 1, width: 128, height: 128 }), dir, 'cxr-1');
    assert.equal(written.imagePaths.length, 1);
    const truth = JSON.parse(await readFile(written.truthPath, 'utf8'));
    assert.equal(truth.kind, 'chest-xray');
    assert.equal((await decodeImage(written.imagePaths[0])).width, 128);
    const ct = await writePhantom(generateCt({ seed: 2, size: 32, slices: 4, findings: 0 }), dir, 'ct-2');
    assert.equal(ct.imagePaths.length, 4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('CT phantom as NIfTI and as a DICOM series: slices read back equal the generated HU', async () => {
  const {
    ctPhantomNifti,
    decodeNifti,
    volumeSlice,
    ctPhantomDicomSeries,
    decodeDicom,
    dicomToImageParts,
    brightestWindow,
    meanPerToken,
    uniformGrid,
  } = await import('../../src/imaging/index.js');
  const ct = generateCt({ seed: 11, size: 32, slices: 6, findings: [{ label: 'mass', laterality: 'right' }] });
  const [n, , nz] = ct.dims;
  const volume = decodeNifti(ctPhantomNifti(ct), 'ct.nii.gz');
  assert.equal(volume.orientation, 'LPI');
  const axial = volumeSlice(volume, 'axial', 2);
  assert.deepEqual(
    Array.from(axial.values),
    Array.from(ct.hu.subarray(2 * n * n, 3 * n * n)),
    'axial display = the generated slice',
  );
  const files = await ctPhantomDicomSeries(ct);
  assert.equal(files.length, nz);
  const first = await decodeDicom(files[0], 'slice-0.dcm');
  assert.deepEqual(Array.from(first.frameValues[0]), Array.from(ct.hu.subarray(0, n * n)));
  assert.deepEqual(first.windows, [{ center: -600, width: 1500 }]);
  const images = await Promise.all(files.map((bytes, z) => decodeDicom(bytes, `slice-${z}.dcm`)));
  const parts = await dicomToImageParts(images.reverse(), { maxImages: 2 });
  assert.deepEqual(
    parts.map((part) => part.label),
    ['CT slice 1/6, window C-600/W1500', 'CT slice 6/6, window C-600/W1500'],
  );
  // Pixel-only helpers used by the baselines.
  const raster = { width: 12, height: 6, channels: 1 as const, data: new Uint8Array(72) };
  raster.data[4 * 12 + 9] = 255;
  assert.deepEqual(
    brightestWindow(raster, 6),
    { x1: 8, y1: 4, x2: 10, y2: 5 },
    'first (top-left-most) 2×1 window holding the bright pixel',
  );
  assert.deepEqual(meanPerToken(raster, uniformGrid(2, 2)), [0, 0, 0, 255 / 18]);
});
