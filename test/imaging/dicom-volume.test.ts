// DICOM series → Volume: geometry from ImagePositionPatient / ImageOrientationPatient (checked on series of known
// geometry against the NIfTI route), the real single-slice files, and bad series refused naming the files.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeDicom } from '../../src/imaging/dicom-write.js';
import {
  ctPhantomDicomSeries,
  ctPhantomNifti,
  decodeNifti,
  generateCt,
  readDicom,
  readDicomVolume,
  readVolume,
} from '../../src/imaging/index.js';

const DICOM = '../shared/data/dicom';
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function folder(files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'medkit-dcmvol-'));
  dirs.push(dir);
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  return dir;
}
const slice = (z: number, extra: Partial<Parameters<typeof encodeDicom>[0]> = {}) =>
  encodeDicom({
    rows: 4,
    columns: 6,
    pixels: Int16Array.from({ length: 24 }, (_, i) => i + 100 * z),
    modality: 'CT',
    pixelSpacing: [1, 1],
    imagePosition: [0, 0, 2 * z],
    imageOrientation: [1, 0, 0, 0, 1, 0],
    seriesInstanceUid: '2.25.7',
    ...extra,
  });

describe('DICOM series as a volume', () => {
  it('a CT phantom written as DICOM (names shuffled) gives the same voxels and world as its NIfTI', async () => {
    const ct = generateCt({ seed: 4, size: 32, slices: 6, findings: 1 });
    const files = await ctPhantomDicomSeries(ct);
    const named: Record<string, Uint8Array> = {};
    files.forEach((bytes, z) => {
      named[`x${(z * 5) % files.length}-${z}.dcm`] = bytes;
    });
    const volume = await readDicomVolume(await folder({ ...named, 'notes.txt': 'not an image' }));
    const nifti = decodeNifti(ctPhantomNifti(ct, { gzip: false }), 'phantom.nii');
    // The NIfTI runs L, P, I; the series is sorted along the normal (+z = superior), so k is flipped: LPS.
    assert.equal(nifti.orientation, 'LPI');
    assert.equal(volume.orientation, 'LPS');
    assert.deepEqual(volume.dims, nifti.dims);
    assert.deepEqual(volume.spacing, ct.spacingMm);
    const [nx, ny, nz] = volume.dims;
    for (const [i, j, k] of [
      [0, 0, 0],
      [5, 7, 2],
      [nx - 1, ny - 1, nz - 1],
    ] as const) {
      assert.equal(volume.data[i + nx * (j + ny * k)], nifti.data[i + nx * (j + ny * (nz - 1 - k))]);
      // The same voxel lands at the same world point through both affines (up to the NIfTI's origin).
      const world = (a: number[][], v: number[]) =>
        [0, 1, 2].map((r) => a[r]![0]! * v[0]! + a[r]![1]! * v[1]! + a[r]![2]! * v[2]! + a[r]![3]!);
      const fromDicom = world(volume.affine, [i, j, k]);
      const fromNifti = world(nifti.affine, [i, j, nz - 1 - k]);
      const originShift = world(volume.affine, [0, 0, nz - 1]).map((v, r) => v - world(nifti.affine, [0, 0, 0])[r]!);
      fromDicom.forEach((v, r) => assert.ok(Math.abs(v - fromNifti[r]! - originShift[r]!) < 1e-4));
    }
    assert.deepEqual(volume.notes, ['skipped 1 file(s) that are not DICOM: notes.txt']);
  });

  it('a sagittal series: voxel axes, spacing and codes come from the orientation cosines', async () => {
    // Row cosine +y (towards P), column cosine −z (towards I), normal row × column = −x (towards R); 3 slices 4 mm
    // apart at x = 0, −4, −8 (written in the wrong order); pixel spacing 2 mm between rows, 3 mm between columns.
    const files: Record<string, Uint8Array> = {};
    for (const k of [2, 0, 1])
      files[`s${k}.dcm`] = await slice(k, {
        imagePosition: [-4 * k, 0, 0],
        imageOrientation: [0, 1, 0, 0, 0, -1],
        pixelSpacing: [2, 3],
      });
    const volume = await readDicomVolume(await folder(files));
    assert.equal(volume.orientation, 'PIR');
    assert.deepEqual(volume.spacing, [3, 2, 4]);
    assert.deepEqual(
      volume.files.map((f) => f.split('/').pop()),
      ['s0.dcm', 's1.dcm', 's2.dcm'],
    );
    assert.equal(volume.data[24 * 2 + 7], 207); // slice k = 2 holds 200 + index
  });

  it('the real CT and MR files read as one-slice volumes with SliceThickness as depth', {
    skip: !existsSync(DICOM) && `${DICOM} absent`,
  }, async () => {
    const ct = await readVolume(join(DICOM, 'CT_small.dcm'));
    const image = await readDicom(join(DICOM, 'CT_small.dcm'));
    assert.deepEqual(ct.dims, [128, 128, 1]);
    assert.equal(ct.orientation, 'LPS');
    assert.deepEqual(ct.spacing, [image.pixelSpacing![1], image.pixelSpacing![0], 5]);
    assert.deepEqual(ct.data, image.frameValues[0]);
    assert.deepEqual(ct.notes, ['one slice: its depth is SliceThickness (5 mm)']);
    const mr = await readVolume(join(DICOM, 'MR_small.dcm'));
    assert.match(mr.notes.join('; '), /modality MR: values are not Hounsfield units/);
    // The shared folder holds three unrelated files: refused, naming the odd one.
    await assert.rejects(
      readVolume(DICOM),
      /MR_small(_RLE)?\.dcm: belongs to series [\d.]+, CT_small\.dcm to [\d.]+: give one series/,
    );
  });

  it('bad series are refused with the file and the reason', async () => {
    const base = { 'a.dcm': await slice(0), 'b.dcm': await slice(1) };
    const mixed = await folder({
      ...base,
      'c.dcm': await encodeDicom({
        rows: 5,
        columns: 6,
        pixels: new Int16Array(30),
        imagePosition: [0, 0, 4],
        imageOrientation: [1, 0, 0, 0, 1, 0],
        seriesInstanceUid: '2.25.7',
      }),
    });
    await assert.rejects(readVolume(mixed), /c\.dcm: is 6×5 but a\.dcm is 6×4/);
    const gap = await folder({ ...base, 'c.dcm': await slice(2), 'e.dcm': await slice(4) });
    await assert.rejects(
      readVolume(gap),
      /uneven slice spacing: 4\.00 mm between c\.dcm and e\.dcm, 2\.00 mm elsewhere \(about 1 slice\(s\) missing\?\)/,
    );
    const twice = await folder({ ...base, 'b2.dcm': await slice(1) });
    await assert.rejects(readVolume(twice), /b\.dcm and b2\.dcm are at the same position/);
    const other = await folder({ ...base, 'c.dcm': await slice(2, { seriesInstanceUid: '2.25.8' }) });
    await assert.rejects(readVolume(other), /c\.dcm: belongs to series 2\.25\.8, a\.dcm to 2\.25\.7/);
    const tilted = await folder({ ...base, 'c.dcm': await slice(2, { imageOrientation: [1, 0, 0, 0, 0, -1] }) });
    await assert.rejects(readVolume(tilted), /c\.dcm: ImageOrientationPatient \[1, 0, 0, 0, 0, -1\] differs/);
    const unplaced = await folder({ 'a.dcm': await slice(0), 'b.dcm': await slice(1, { imagePosition: undefined }) });
    await assert.rejects(readVolume(unplaced), /b\.dcm: no ImagePositionPatient/);
    const text = await folder({ ...base, 'c.dcm': 'this is a report, not an image' });
    await assert.rejects(readVolume(text), /c\.dcm: not a DICOM file/);
    // A DICOM object cut before its pixel data (as a structured report has none).
    const full = await slice(2);
    const pixelTag = Buffer.from(full).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    const noPixels = await folder({ ...base, 'c.dcm': full.subarray(0, pixelTag) });
    await assert.rejects(readVolume(noPixels), /c\.dcm: no pixel data/);
    const colour = await folder({
      'a.dcm': await encodeDicom({
        rows: 2,
        columns: 2,
        samplesPerPixel: 3,
        photometric: 'RGB',
        pixels: new Uint8Array(12),
        imageOrientation: [1, 0, 0, 0, 1, 0],
      }),
    });
    await assert.rejects(readVolume(colour), /a\.dcm: is RGB \(colour\)/);
    await assert.rejects(readVolume(await folder({ 'readme.txt': 'x' })), /no DICOM files found/);
    await assert.rejects(readVolume('/nonexistent/ct'), /\/nonexistent\/ct: no such file or folder/);
  });
});
