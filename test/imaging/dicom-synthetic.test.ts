// DICOM cases the shared files do not cover, built with medkit's own writer (dicom-write.ts):
// every supported transfer syntax round-trips the stored values; multi-frame, MONOCHROME1, 12-bit
// signed and RGB decode; truncated, corrupt, empty, missing and unsupported files fail naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeDicom,
  dicomToImageParts,
  generateCt,
  ImagingError,
  readDicom,
  readDicomSeries,
  renderDicomFrame,
  UnsupportedTransferSyntaxError,
} from '../../src/imaging/index.js';
import { encodeDicom, type DicomSyntaxName } from '../../src/imaging/dicom-write.js';

const ramp = (n: number, from: number, step: number) => Int16Array.from({ length: n }, (_, i) => from + i * step);

test('every supported transfer syntax round-trips the stored values with slope and intercept', async () => {
  const pixels = ramp(32 * 24 * 2, -1000, 3);
  for (const syntax of [
    'implicit-le',
    'explicit-le',
    'big-endian',
    'deflated',
    'rle',
    'jpeg-ls',
    'jpeg2000',
  ] as DicomSyntaxName[]) {
    const bytes = await encodeDicom({
      rows: 24,
      columns: 32,
      frames: 2,
      pixels,
      modality: 'CT',
      rescaleSlope: 2,
      rescaleIntercept: -10,
      transferSyntax: syntax,
    });
    const image = await decodeDicom(bytes, `${syntax}.dcm`);
    assert.equal(image.frames, 2, syntax);
    assert.equal(image.frameValues[1][0], pixels[32 * 24] * 2 - 10, syntax);
    assert.deepEqual(
      Array.from(image.frameValues[0]),
      Array.from(pixels.subarray(0, 32 * 24), (v) => v * 2 - 10),
      syntax,
    );
  }
});

test('JPEG Baseline decodes through sharp (lossy: within a few grey levels)', async () => {
  const pixels = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i % 64) * 4);
  const image = await decodeDicom(
    await encodeDicom({ rows: 64, columns: 64, pixels, transferSyntax: 'jpeg-baseline' }),
    'jpeg.dcm',
  );
  assert.equal(image.transferSyntaxName, 'JPEG Baseline (Process 1)');
  let worst = 0;
  for (let i = 0; i < pixels.length; i++) worst = Math.max(worst, Math.abs(image.frameValues[0][i] - pixels[i]));
  assert.ok(worst <= 8, `max error ${worst}`);
});

test('MONOCHROME1 is inverted after windowing; 12-bit signed values are sign-extended; RGB passes through', async () => {
  const pixels = Uint16Array.from([0, 100, 200, 300]);
  const mono1 = await decodeDicom(
    await encodeDicom({ rows: 2, columns: 2, pixels, photometric: 'MONOCHROME1', window: { center: 150, width: 300 } }),
    'm1.dcm',
  );
  const shown = renderDicomFrame(mono1).raster.data;
  assert.ok(shown[0] > shown[3], 'the lowest value is shown brightest');
  assert.equal(shown[0], 255);
  // 12 bits stored in 16: 0x0FFF is −1, 0x0800 is −2048; the high nibble is ignored.
  const twelve = await decodeDicom(
    await encodeDicom({
      rows: 1,
      columns: 3,
      pixels: Int16Array.from([0x0fff, 0x0800, 0x07ff | 0x7000]),
      bitsStored: 12,
    }),
    '12bit.dcm',
  );
  assert.deepEqual(Array.from(twelve.frameValues[0]), [-1, -2048, 2047]);
  const rgb = await decodeDicom(
    await encodeDicom({ rows: 1, columns: 2, samplesPerPixel: 3, pixels: Uint8Array.from([255, 0, 0, 0, 0, 255]) }),
    'rgb.dcm',
  );
  const raster = renderDicomFrame(rgb).raster;
  assert.equal(raster.channels, 3);
  assert.deepEqual(Array.from(raster.data), [255, 0, 0, 0, 0, 255]);
});

test('bad files: truncated, corrupt, empty, missing, zero-size, unsupported syntax — each names the file', async () => {
  const good = await encodeDicom({ rows: 16, columns: 16, pixels: ramp(256, 0, 1) });
  await assert.rejects(decodeDicom(good.subarray(0, good.length - 100), 'cut.dcm'), (error: unknown) => {
    assert.ok(error instanceof ImagingError);
    assert.match((error as Error).message, /^cut\.dcm: .*truncated/);
    return true;
  });
  const corrupt = new Uint8Array(good);
  corrupt.fill(0xff, 140, 200);
  await assert.rejects(decodeDicom(corrupt, 'corrupt.dcm'), /^ImagingError: corrupt\.dcm: |corrupt\.dcm: /);
  await assert.rejects(decodeDicom(new Uint8Array(0), 'empty.dcm'), /empty\.dcm: file is empty/);
  await assert.rejects(
    decodeDicom(new Uint8Array(Buffer.from('hello, not a dicom file at all')), 'text.dcm'),
    /text\.dcm: not a DICOM file/,
  );
  await assert.rejects(readDicom('/nonexistent/scan.dcm'), /\/nonexistent\/scan\.dcm: file not found/);
  await assert.rejects(
    decodeDicom(await encodeDicom({ rows: 0, columns: 16, pixels: new Int16Array(0) }), 'zero.dcm'),
    /zero\.dcm: image has zero size/,
  );
  const htj2k = await encodeDicom({
    rows: 4,
    columns: 4,
    pixels: new Uint8Array(16),
    transferSyntax: '1.2.840.10008.1.2.4.201',
  });
  await assert.rejects(decodeDicom(htj2k, 'htj2k.dcm'), (error: unknown) => {
    assert.ok(error instanceof UnsupportedTransferSyntaxError);
    assert.equal(error.uid, '1.2.840.10008.1.2.4.201');
    assert.match(
      error.message,
      /^htj2k\.dcm: unsupported transfer syntax 1\.2\.840\.10008\.1\.2\.4\.201 \(High-Throughput JPEG 2000/,
    );
    return true;
  });
  await assert.rejects(
    decodeDicom(
      await encodeDicom({ rows: 4, columns: 4, pixels: new Uint8Array(16), transferSyntax: '1.9.9' }),
      'odd.dcm',
    ),
    /odd\.dcm: unsupported transfer syntax 1\.9\.9 \(unknown transfer syntax\)/,
  );
  // A JPEG 2000 frame with garbage inside: a decode error naming the file, not a crash.
  const j2k = await encodeDicom({ rows: 16, columns: 16, pixels: ramp(256, 0, 1), transferSyntax: 'jpeg2000' });
  const broken = new Uint8Array(j2k);
  const soc = Buffer.from(broken).indexOf(Buffer.from([0xff, 0x4f, 0xff, 0x51])); // start of codestream + SIZ marker
  broken.fill(0x00, soc + 4, soc + 40);
  await assert.rejects(decodeDicom(broken, 'bad-j2k.dcm'), /bad-j2k\.dcm: cannot decode JPEG 2000 frame/);
  const rle = await encodeDicom({ rows: 16, columns: 16, pixels: ramp(256, 0, 1), transferSyntax: 'rle' });
  await assert.rejects(decodeDicom(rle.subarray(0, rle.length - 40), 'cut-rle.dcm'), /^.*cut-rle\.dcm: /);
});

test('a CT phantom written as a DICOM series is read back sorted, windowed and sampled into labelled parts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'medkit-dicom-'));
  try {
    const ct = generateCt({ seed: 3, size: 48, slices: 12, findings: 1 });
    const [n, , nz] = ct.dims;
    // Written in reverse order with shuffled names: sorting must use the geometry.
    for (let z = 0; z < nz; z++) {
      const bytes = await encodeDicom({
        rows: n,
        columns: n,
        modality: 'CT',
        rescaleIntercept: -1024,
        rescaleSlope: 1,
        pixels: Int16Array.from(ct.hu.subarray(z * n * n, (z + 1) * n * n), (v) => v + 1024),
        imagePosition: [0, 0, -z * ct.spacingMm[2]],
        imageOrientation: [1, 0, 0, 0, 1, 0],
        instanceNumber: nz - z,
        seriesInstanceUid: '2.25.42',
      });
      await writeFile(join(dir, `img-${String((z * 7) % nz).padStart(2, '0')}-${z}.dcm`), bytes);
    }
    await writeFile(join(dir, 'broken.dcm'), new Uint8Array(10));
    const errors: ImagingError[] = [];
    const series = await readDicomSeries(dir, { onError: (error) => errors.push(error) });
    assert.equal(series.length, nz);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /broken\.dcm/);
    // Sorted along the normal (z ascending = most inferior first here): the first is the last written.
    assert.deepEqual(Array.from(series[0].frameValues[0]), Array.from(ct.hu.subarray((nz - 1) * n * n, nz * n * n)));
    const parts = await dicomToImageParts(series, { window: 'lung', maxImages: 5 });
    assert.deepEqual(
      parts.map((part) => part.label),
      [1, 4, 7, 9, 12].map((k) => `CT slice ${k}/12, lung window`),
    );
    await assert.rejects(dicomToImageParts(dir), /broken\.dcm/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fileToImageParts dispatches on the file: DICOM, NIfTI, plain image; CT phantom → parts', async () => {
  const { fileToImageParts, ctPhantomToImageParts, ctPhantomNifti, encodePng } = await import(
    '../../src/imaging/index.js'
  );
  const dir = await mkdtemp(join(tmpdir(), 'medkit-parts-'));
  try {
    const ct = generateCt({ seed: 5, size: 32, slices: 4, findings: 0 });
    const dcm = join(dir, 'noext');
    await writeFile(dcm, await encodeDicom({ rows: 4, columns: 4, pixels: ramp(16, 0, 10), modality: 'MR' }));
    assert.deepEqual(
      (await fileToImageParts(dcm)).map((part) => part.label),
      ['MR image, auto window C75.5/W151'],
    );
    const nii = join(dir, 'ct.nii.gz');
    await writeFile(nii, ctPhantomNifti(ct));
    const niftiParts = await fileToImageParts(nii, { window: 'lung', maxImages: 2 });
    assert.deepEqual(
      niftiParts.map((part) => part.label),
      ['ct axial slice 1/4, lung window', 'ct axial slice 4/4, lung window'],
    );
    const png = join(dir, 'x.png');
    await writeFile(png, await encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) }));
    const [plain] = await fileToImageParts(png);
    assert.deepEqual([plain.source.kind, plain.mediaType, plain.label], ['path', 'image/png', 'x.png']);
    await assert.rejects(fileToImageParts(join(dir, 'missing.png')), /missing\.png: file not found/);
    await writeFile(join(dir, 'broken.png'), 'not a png');
    await assert.rejects(fileToImageParts(join(dir, 'broken.png')), /broken\.png: cannot read image header/);
    const ctParts = await ctPhantomToImageParts(ct, { maxImages: 1 });
    assert.match(ctParts[0].label ?? '', /^CT axial slice 2\/4, lung window$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('raw data set without preamble, colour-by-plane RGB and YBR_FULL decode', async () => {
  const file = await encodeDicom({
    rows: 2,
    columns: 2,
    pixels: ramp(4, -5, 5),
    transferSyntax: 'implicit-le',
    modality: 'CT',
  });
  // Strip preamble, "DICM" and the meta group: what old PACS exports look like.
  const groupLength = new DataView(file.buffer, file.byteOffset).getUint32(132 + 8, true);
  const raw = file.subarray(132 + 12 + groupLength);
  const image = await decodeDicom(raw, 'raw.dcm');
  assert.equal(image.transferSyntaxUid, '1.2.840.10008.1.2');
  assert.deepEqual(Array.from(image.frameValues[0]), [-5, 0, 5, 10]);
  // Planar configuration 1: R plane, G plane, B plane → interleaved RGB.
  const planar = await decodeDicom(
    await encodeDicom({
      rows: 1,
      columns: 2,
      samplesPerPixel: 3,
      planarConfiguration: 1,
      pixels: Uint8Array.from([10, 20, 30, 40, 50, 60]),
    }),
    'planar.dcm',
  );
  assert.deepEqual(Array.from(planar.frameValues[0]), [10, 30, 50, 20, 40, 60]);
  // YBR_FULL (ITU-R BT.601 full range): Y=128 with neutral chroma is grey 128; Cr=255 pushes red up.
  const ybr = await decodeDicom(
    await encodeDicom({
      rows: 1,
      columns: 2,
      samplesPerPixel: 3,
      photometric: 'YBR_FULL',
      pixels: Uint8Array.from([128, 128, 128, 128, 128, 255]),
    }),
    'ybr.dcm',
  );
  assert.deepEqual(Array.from(ybr.frameValues[0].subarray(0, 3)), [128, 128, 128]);
  assert.ok(ybr.frameValues[0][3] > 250 && ybr.frameValues[0][4] < 60, 'red pixel');
});
