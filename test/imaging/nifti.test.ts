// NIfTI: the shared files (../shared/data/nifti, from NIFTI-Reader-JS) are checked against a
// hand-rolled reader written here (zlib gunzip + the NIfTI-1 header offsets from nifti1.h:
// dim @40, datatype @70, pixdim @76, vox_offset @108, scl_slope @112, srow_x/y/z @280), which
// handles the big-endian avg152T1 header itself. Bad headers and truncated files must fail naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  decodeNifti,
  encodeNifti,
  ImagingError,
  niftiLoader,
  niftiToImageParts,
  pixelStats,
  readNifti,
  sliceCount,
  volumeSlice,
} from '../../src/imaging/index.js';

const DIR = join(import.meta.dirname, '../../../shared/data/nifti');
const skip = existsSync(join(DIR, 'little.nii.gz'))
  ? false
  : `shared data not found at ${DIR}; skipping real-NIfTI tests`;

function handRead(file: string) {
  const bytes = gunzipSync(readFileSync(file));
  const little = bytes.readInt32LE(0) === 348;
  const i16 = (at: number) => (little ? bytes.readInt16LE(at) : bytes.readInt16BE(at));
  const f32 = (at: number) => (little ? bytes.readFloatLE(at) : bytes.readFloatBE(at));
  const dims = [i16(42), i16(44), i16(46)];
  const datatype = i16(70);
  const pixdim = [f32(80), f32(84), f32(88)];
  const offset = f32(108);
  const slope = f32(112) || 1;
  const inter = f32(112) ? f32(116) : 0;
  // Voxel → world matrix: sform when sform_code > 0, else the qform quaternion (nifti1.h, method 2).
  let srow = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => f32(280 + (r * 4 + c) * 4)));
  if (i16(254) <= 0 && i16(252) > 0) {
    const [b, c, d] = [f32(256), f32(260), f32(264)];
    const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
    const qfac = f32(76) < 0 ? -1 : 1;
    const R = [
      [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
      [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
      [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
    ];
    srow = R.map((row) => [row[0] * pixdim[0], row[1] * pixdim[1], row[2] * pixdim[2] * qfac, 0]);
  }
  const n = dims[0] * dims[1] * dims[2];
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const raw =
      datatype === 2
        ? bytes[offset + i]
        : datatype === 16
          ? little
            ? bytes.readFloatLE(offset + 4 * i)
            : bytes.readFloatBE(offset + 4 * i)
          : NaN;
    values[i] = raw * slope + inter;
  }
  return { dims, datatype, pixdim, srow, values };
}

for (const name of ['little.nii.gz', 'avg152T1_LR_nifti.nii.gz']) {
  test(`${name}: dims, spacing, orientation and every voxel match a hand-rolled reader`, { skip }, async () => {
    const file = join(DIR, name);
    const expected = handRead(file);
    const volume = await readNifti(file);
    assert.deepEqual(volume.dims, expected.dims);
    assert.deepEqual(volume.spacing, expected.pixdim.map(Math.abs));
    // Orientation by hand: the sign of each diagonal srow entry (both files are axis-aligned).
    const letters = expected.srow.map((row, axis) => (row[axis] >= 0 ? 'RAS'[axis] : 'LPI'[axis])).join('');
    assert.equal(volume.orientation, letters);
    assert.equal(volume.orientation, 'LAS');
    let mismatches = 0;
    for (let i = 0; i < expected.values.length; i++)
      if (Math.fround(expected.values[i]) !== volume.data[i]) mismatches++;
    assert.equal(mismatches, 0);
    const stats = pixelStats(volume.data);
    const reference = pixelStats(expected.values);
    assert.ok(
      Math.abs(stats.mean - reference.mean) < 1e-6 &&
        stats.min === Math.fround(reference.min) &&
        stats.max === Math.fround(reference.max),
    );
  });
}

test('slices are reoriented for radiological display (LAS: columns already run towards patient left)', {
  skip,
}, async () => {
  const volume = await readNifti(join(DIR, 'avg152T1_LR_nifti.nii.gz'));
  const [nx, ny, nz] = volume.dims;
  assert.equal(sliceCount(volume, 'axial'), nz);
  assert.equal(sliceCount(volume, 'sagittal'), nx);
  const k = 45;
  const axial = volumeSlice(volume, 'axial', k);
  assert.equal(axial.width, nx);
  assert.equal(axial.height, ny);
  // L axis: no column flip. A axis: rows must run towards posterior, so row 0 is j = ny − 1.
  assert.equal(axial.values[0 * nx + 10], volume.data[k * nx * ny + (ny - 1) * nx + 10]);
  const parts = await niftiToImageParts(volume, { maxImages: 3, name: 'avg152T1', plane: 'coronal' });
  assert.deepEqual(
    parts.map((part) => part.label?.replace(/, .*/, '')),
    ['avg152T1 coronal slice 1/109', 'avg152T1 coronal slice 55/109', 'avg152T1 coronal slice 109/109'],
  );
  assert.match(
    await niftiLoader.describe!(join(DIR, 'little.nii.gz')),
    /NIfTI 64×64×21 float32, spacing 4 × 4 × 6 mm, orientation LAS/,
  );
});

test('writer round-trip; bad header, truncated data and missing files fail naming the file', async () => {
  const data = Int16Array.from({ length: 4 * 3 * 2 }, (_, i) => i - 5);
  const round = decodeNifti(encodeNifti(data, [4, 3, 2], [0.5, 0.5, 2], { gzip: true }), 'mem.nii.gz');
  assert.deepEqual(Array.from(round.data), Array.from(data));
  assert.equal(round.orientation, 'RAS');
  const floats = Float32Array.from({ length: 24 }, (_, i) => i / 3 - 2);
  const bigEndian = decodeNifti(encodeNifti(floats, [4, 3, 2], [1, 1, 1], { bigEndian: true }), 'be.nii');
  assert.deepEqual(Array.from(bigEndian.data), Array.from(floats), 'big-endian float32 voxels are swapped');
  assert.deepEqual(
    Array.from(decodeNifti(encodeNifti(data, [4, 3, 2], [1, 1, 1], { bigEndian: true }), 'be16.nii').data),
    Array.from(data),
  );
  const plain = encodeNifti(data, [4, 3, 2], [1, 1, 1]);
  const badSize = new Uint8Array(plain);
  new DataView(badSize.buffer).setInt32(0, 123, true);
  assert.throws(
    () => decodeNifti(badSize, 'bad.nii'),
    (error: unknown) =>
      error instanceof ImagingError && /^bad\.nii: bad NIfTI header: sizeof_hdr is 123/.test((error as Error).message),
  );
  const badMagic = new Uint8Array(plain);
  badMagic[344] = 0x78;
  assert.throws(() => decodeNifti(badMagic, 'magic.nii'), /magic\.nii: bad NIfTI header/);
  assert.throws(
    () => decodeNifti(plain.subarray(0, 360), 'cut.nii'),
    /cut\.nii: image data ends at byte 360.*truncated/,
  );
  assert.throws(() => decodeNifti(plain.subarray(0, 100), 'short.nii'), /short\.nii: bad NIfTI header: 100 bytes/);
  assert.throws(
    () => decodeNifti(new Uint8Array(gzipSync(plain)).subarray(0, 30), 'cut.nii.gz'),
    /cut\.nii\.gz: cannot gunzip/,
  );
  const zero = new Uint8Array(plain);
  new DataView(zero.buffer).setInt16(42, 0, true);
  assert.throws(() => decodeNifti(zero, 'zero.nii'), /zero\.nii: image has zero size/);
  await assert.rejects(readNifti('/nonexistent/brain.nii.gz'), /\/nonexistent\/brain\.nii\.gz: file not found/);
});
