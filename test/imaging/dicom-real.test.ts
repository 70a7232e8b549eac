// Real DICOM files from ../shared/data/dicom (pydicom test files, see PROVENANCE.md), read by path.
// Expected values are computed here, independently of dicom-parser: a minimal byte-pattern reader
// finds Rows, Columns, Rescale Intercept/Slope and the pixel data element (Explicit VR Little
// Endian) and reads the int16 samples itself. The RLE file holds the same data set as MR_small.dcm
// (PROVENANCE.md), so its hand-decoded pixels must equal the uncompressed file's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dicomLoader, dicomToImageParts, pixelStats, readDicom, renderDicomFrame } from '../../src/imaging/index.js';

const DIR = join(import.meta.dirname, '../../../shared/data/dicom');
const present = existsSync(join(DIR, 'CT_small.dcm'));
const skip = present ? false : `shared data not found at ${DIR}; skipping real-DICOM tests`;

/** Finds an explicit-VR element by its tag+VR bytes and returns [valueOffset, length]. */
function findElement(bytes: Buffer, group: number, elem: number, vr: string, from = 132): [number, number] {
  const pattern = Buffer.alloc(6);
  pattern.writeUInt16LE(group, 0);
  pattern.writeUInt16LE(elem, 2);
  pattern.write(vr, 4, 'latin1');
  const at = bytes.indexOf(pattern, from);
  if (at < 0) throw new Error(`element ${group.toString(16)},${elem.toString(16)} not found`);
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
  return long ? [at + 12, bytes.readUInt32LE(at + 8)] : [at + 8, bytes.readUInt16LE(at + 6)];
}

function minimalRead(file: string) {
  const bytes = readFileSync(file);
  const [rowsAt] = findElement(bytes, 0x0028, 0x0010, 'US');
  const [colsAt] = findElement(bytes, 0x0028, 0x0011, 'US');
  const ds = (elem: number, fallback: number) => {
    try {
      const [at, length] = findElement(bytes, 0x0028, elem, 'DS');
      return Number(bytes.toString('latin1', at, at + length).trim());
    } catch {
      return fallback;
    }
  };
  const rows = bytes.readUInt16LE(rowsAt);
  const columns = bytes.readUInt16LE(colsAt);
  const intercept = ds(0x1052, 0);
  const slope = ds(0x1053, 1);
  const [pixelAt, length] = findElement(bytes, 0x7fe0, 0x0010, 'OW');
  assert.equal(length, rows * columns * 2);
  const values: number[] = [];
  for (let i = 0; i < rows * columns; i++) values.push(bytes.readInt16LE(pixelAt + 2 * i) * slope + intercept);
  return { rows, columns, values };
}

test('CT_small.dcm: size, modality, HU values match a hand-rolled reader', { skip }, async () => {
  const file = join(DIR, 'CT_small.dcm');
  const expected = minimalRead(file);
  const image = await readDicom(file);
  assert.equal(image.modality, 'CT');
  assert.equal(image.rows, expected.rows);
  assert.equal(image.columns, expected.columns);
  assert.equal(image.transferSyntaxUid, '1.2.840.10008.1.2.1');
  assert.deepEqual(Array.from(image.frameValues[0]), expected.values);
  const stats = pixelStats(image.frameValues[0]);
  const reference = pixelStats(expected.values);
  assert.equal(stats.min, reference.min);
  assert.equal(stats.max, reference.max);
  assert.ok(Math.abs(stats.mean - reference.mean) < 1e-9);
  assert.equal(image.rescaleIntercept, -1024);
  assert.ok(stats.min < -800 && stats.max > 1000, 'a CT slice in HU spans air to bone');
  // Lung window (−600/1500): the DICOM linear function, checked on the extremes.
  const lung = renderDicomFrame(image, 0, 'lung');
  const minIndex = expected.values.indexOf(reference.min);
  const expectedLow = Math.round(((reference.min - (-600 - 0.5)) / 1499 + 0.5) * 255);
  assert.equal(lung.raster.data[minIndex], Math.max(0, expectedLow));
  assert.equal(lung.windowText, 'lung window');
});

test('MR_small.dcm and MR_small_RLE.dcm: the hand-decoded RLE pixels equal the uncompressed ones', {
  skip,
}, async () => {
  const plain = await readDicom(join(DIR, 'MR_small.dcm'));
  const rle = await readDicom(join(DIR, 'MR_small_RLE.dcm'));
  const expected = minimalRead(join(DIR, 'MR_small.dcm'));
  assert.deepEqual(Array.from(plain.frameValues[0]), expected.values);
  assert.equal(rle.transferSyntaxUid, '1.2.840.10008.1.2.5');
  assert.equal(rle.transferSyntaxName, 'RLE Lossless');
  assert.deepEqual(Array.from(rle.frameValues[0]), expected.values);
  assert.deepEqual(plain.windows, [{ center: 600, width: 1600 }]);
  assert.equal(renderDicomFrame(rle).windowText, 'window C600/W1600');
});

test('DICOM → image parts with labels, and the loader describes size, modality and range', { skip }, async () => {
  const parts = await dicomToImageParts(join(DIR, 'CT_small.dcm'), { window: ['lung', 'bone'] });
  assert.deepEqual(
    parts.map((part) => part.label),
    ['CT image, lung window', 'CT image, bone window'],
  );
  assert.equal(parts[0].mediaType, 'image/png');
  assert.equal(parts[0].source.kind, 'bytes');
  const report = await dicomLoader.describe!(join(DIR, 'CT_small.dcm'));
  assert.match(report, /DICOM CT, 128×128, 1 frame/);
  assert.match(report, /values \(HU\): min -896, max 1167/);
  const series = await dicomToImageParts(DIR, { window: 'auto' });
  assert.equal(series.length, 3, 'a folder: the three .dcm files, LICENSE and README skipped');
});
