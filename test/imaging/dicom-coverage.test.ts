// DICOM coverage beyond the basic syntaxes: JPEG Lossless (.57/.70), 12-bit JPEG Extended (.51),
// PALETTE COLOR, 1-bit packed pixels, native YBR_FULL_422 and clamped YBR→RGB.
// Three tiers: synthetic files from medkit's writer (always run); files made by Debian's dcmtk / GDCM
// tools from the shared CT (skipped without them); pydicom's own test files compared pixel by pixel
// with what pydicom + GDCM return (skipped without python3-pydicom / python3-gdcm). `.ci/run` installs
// dcmtk, libgdcm-tools, python3-pydicom and python3-gdcm, so CI runs all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeDicom, ImagingError, readDicom, renderDicomFrame } from '../../src/imaging/index.js';
import { encodeDicom } from '../../src/imaging/dicom-write.js';
import { decodeDctJpeg } from '../../src/imaging/jpeg-dct.js';

const SHARED_CT = join(import.meta.dirname, '../../../shared/data/dicom/CT_small.dcm');
const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const REFERENCE_SCRIPT = join(import.meta.dirname, '../support/pydicom-reference.py');
const PALETTE_SCRIPT = join(import.meta.dirname, '../support/pydicom-palette.py');
const runs = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8' }).status === 0;
const python = ['/usr/bin/python3', 'python3'].find((exe) => runs(exe, ['-c', 'import pydicom, numpy, gdcm']));
const dcmtk = runs('dcmcjpeg', ['--version']) && runs('dcmdjpeg', ['--version']);
const gdcm = runs('gdcmconv', ['--version']);
const skipDcmtk = !dcmtk
  ? 'dcmtk (dcmcjpeg) not installed; skipping (apt-get install dcmtk)'
  : !existsSync(SHARED_CT) && `shared data not found at ${SHARED_CT}; skipping`;
const skipPydicom = !python
  ? 'python3 with pydicom, numpy and gdcm not found; skipping (apt-get install python3-pydicom python3-gdcm)'
  : !existsSync(PYDICOM_FILES) && `pydicom test files not found at ${PYDICOM_FILES}; skipping`;

const u16le = (values: number[]) => new Uint8Array(Uint16Array.from(values).buffer);

test('1-bit packed pixels: LSB first, frames not byte-aligned, every frame unpacked', async () => {
  // 3×3 × 2 frames = 18 bits; frame 2 starts at bit 9 (mid-byte).
  const bits = [1, 0, 1, 1, 0, 0, 0, 1, 1, /* frame 2 */ 0, 1, 0, 0, 1, 1, 1, 0, 1];
  const packed = new Uint8Array(4);
  bits.forEach((bit, index) => {
    packed[index >> 3] |= bit << (index & 7);
  });
  const image = await decodeDicom(
    await encodeDicom({
      rows: 3,
      columns: 3,
      frames: 2,
      pixels: new Uint8Array(0),
      bitsAllocated: 1,
      bitsStored: 1,
      rawPixelData: packed,
    }),
    'seg.dcm',
  );
  assert.equal(image.bitsAllocated, 1);
  assert.deepEqual(Array.from(image.frameValues[0]), bits.slice(0, 9));
  assert.deepEqual(Array.from(image.frameValues[1]), bits.slice(9));
  await assert.rejects(
    decodeDicom(
      await encodeDicom({
        rows: 8,
        columns: 8,
        frames: 2,
        pixels: new Uint8Array(0),
        bitsAllocated: 1,
        rawPixelData: new Uint8Array(12),
      }),
      'short-seg.dcm',
    ),
    /^ImagingError: short-seg\.dcm: pixel data holds 12 bytes, 8×8 bits \(1-bit packed\)×2 frames needs 16/,
  );
});

test('native YBR_FULL_422: 2/3-size pixel data is not "truncated"; chroma shared by pixel pairs; RGB clamped', async () => {
  // Two rows of one pair each: Y1 Y2 Cb Cr.
  const raw = Uint8Array.from([100, 200, 128, 128, 255, 0, 128, 255]);
  const image = await decodeDicom(
    await encodeDicom({
      rows: 2,
      columns: 2,
      samplesPerPixel: 3,
      photometric: 'YBR_FULL_422',
      pixels: new Uint8Array(0),
      rawPixelData: raw,
    }),
    'ybr422.dcm',
  );
  // Grey pair: R = G = B = Y. Second row: Cr = 255 → R = Y + 1.402 × 127, clamped to 255; G and B clamped at 0.
  const round = (v: number) => Math.max(0, Math.min(255, Math.floor(v + 0.5)));
  assert.deepEqual(Array.from(image.frameValues[0]), [
    100,
    100,
    100,
    200,
    200,
    200,
    255,
    round(255 - 0.714136 * 127),
    255,
    round(1.402 * 127),
    0,
    0,
  ]);
  const shown = renderDicomFrame(image).raster;
  assert.equal(shown.channels, 3);
  assert.equal(shown.data[6], 255);
  await assert.rejects(
    decodeDicom(
      await encodeDicom({
        rows: 2,
        columns: 2,
        samplesPerPixel: 3,
        photometric: 'YBR_FULL_422',
        pixels: new Uint8Array(0),
        rawPixelData: raw.subarray(0, 4),
      }),
      'ybr422-cut.dcm',
    ),
    /ybr422-cut\.dcm: pixel data holds 4 bytes, 2×2×2 \(YBR_FULL_422: Y Y Cb Cr per two pixels\)×1×1 frames needs 8/,
  );
});

test('YBR_FULL → RGB is rounded and clamped to 0..255 (never 433 or −179)', async () => {
  const image = await decodeDicom(
    await encodeDicom({
      rows: 1,
      columns: 2,
      samplesPerPixel: 3,
      photometric: 'YBR_FULL',
      pixels: Uint8Array.from([255, 128, 255, 0, 255, 0]),
    }),
    'ybr.dcm',
  );
  const values = Array.from(image.frameValues[0]);
  assert.ok(
    values.every((v) => v >= 0 && v <= 255 && Number.isInteger(v)),
    `values ${values}`,
  );
  assert.equal(values[0], 255); // 255 + 1.402 × 127 = 433 before clamping
  assert.equal(values[5], 225); // 0 + 1.772 × 127 = 225.04
  assert.equal(values[3], 0); // 0 − 1.402 × 128 = −179 before clamping
});

const paletteElements = (lut: { red: number[]; green: number[]; blue: number[] }, first: number, segmented = false) => {
  const entries = segmented ? 4 : lut.red.length;
  const descriptor = u16le([entries, first, 16]);
  return [
    { tag: 0x00281101, vr: 'US', bytes: descriptor },
    { tag: 0x00281102, vr: 'US', bytes: descriptor },
    { tag: 0x00281103, vr: 'US', bytes: descriptor },
    { tag: segmented ? 0x00281221 : 0x00281201, vr: 'OW', bytes: u16le(lut.red) },
    { tag: segmented ? 0x00281222 : 0x00281202, vr: 'OW', bytes: u16le(lut.green) },
    { tag: segmented ? 0x00281223 : 0x00281203, vr: 'OW', bytes: u16le(lut.blue) },
  ];
};

test('PALETTE COLOR: indices through the red/green/blue LUTs, clipped to the table; 16-bit entries render ÷257', async () => {
  const lut = { red: [0, 65535, 0, 1000], green: [0, 0, 65535, 2000], blue: [65535, 0, 0, 3000] };
  const image = await decodeDicom(
    await encodeDicom({
      rows: 1,
      columns: 5,
      photometric: 'PALETTE COLOR',
      pixels: Uint8Array.from([5, 10, 11, 12, 200]), // first mapped = 10: 5 → entry 0, 200 → last entry
      extraElements: paletteElements(lut, 10),
    }),
    'palette.dcm',
  );
  assert.equal(image.samplesPerPixel, 3);
  assert.equal(image.paletteBits, 16);
  assert.deepEqual(
    Array.from(image.frameValues[0]),
    [0, 0, 65535, 0, 0, 65535, 65535, 0, 0, 0, 65535, 0, 1000, 2000, 3000],
  );
  assert.deepEqual(Array.from(renderDicomFrame(image).raster.data.subarray(0, 6)), [0, 0, 255, 0, 0, 255]);
  // Segmented LUT (PS3.3 C.7.9.2): discrete [0, 100], then linear to 400 over 2 entries → 0 100 250 400.
  const segment = [0, 2, 0, 100, 1, 2, 400];
  const segmented = await decodeDicom(
    await encodeDicom({
      rows: 1,
      columns: 4,
      photometric: 'PALETTE COLOR',
      pixels: Uint8Array.from([0, 1, 2, 3]),
      extraElements: paletteElements({ red: segment, green: segment, blue: segment }, 0, true),
    }),
    'segmented.dcm',
  );
  assert.deepEqual(
    Array.from(segmented.frameValues[0]).filter((_, index) => index % 3 === 0),
    [0, 100, 250, 400],
  );
  await assert.rejects(
    decodeDicom(
      await encodeDicom({ rows: 1, columns: 2, photometric: 'PALETTE COLOR', pixels: new Uint8Array(2) }),
      'no-lut.dcm',
    ),
    /no-lut\.dcm: PALETTE COLOR image without a Red Palette Color LUT Descriptor \(0028,1101\)/,
  );
});

test('sequential DCT decoder (jpeg-dct.ts) equals libjpeg-turbo (sharp) on an 8-bit grey JPEG; bad codestreams name the file', async () => {
  const pixels = Uint8Array.from({ length: 40 * 24 }, (_, i) => (i * 37 + (i >> 3) * 11) % 256);
  const jpeg = new Uint8Array(
    await sharp(pixels, { raw: { width: 40, height: 24, channels: 1 } })
      .toColourspace('b-w')
      .jpeg({ quality: 70 })
      .toBuffer(),
  );
  const { data: expected } = await sharp(jpeg).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const decoded = decodeDctJpeg('grey.jpg', jpeg);
  assert.equal(decoded.precision, 8);
  assert.deepEqual(Array.from(decoded.data), Array.from(expected));
  assert.throws(() => decodeDctJpeg('cut.jpg', jpeg.subarray(0, 100)), /^ImagingError: cut\.jpg: cannot decode JPEG/);
  assert.throws(() => decodeDctJpeg('text.jpg', new Uint8Array(Buffer.from('not a jpeg'))), /text\.jpg: .*no SOI/);
  const progressive = new Uint8Array(
    await sharp(pixels, { raw: { width: 40, height: 24, channels: 1 } })
      .toColourspace('b-w')
      .jpeg({ progressive: true })
      .toBuffer(),
  );
  assert.throws(() => decodeDctJpeg('prog.jpg', progressive), /prog\.jpg: .*FFC2 \(progressive/);
});

test('sequential DCT decoder: restart intervals (cjpeg -restart) decode exactly as libjpeg-turbo', {
  skip: runs('cjpeg', ['-version']) ? false : 'cjpeg not installed; skipping (apt-get install libjpeg-turbo-progs)',
}, async () => {
  const [width, height] = [37, 29];
  const grey = Uint8Array.from(
    { length: width * height },
    (_, i) => ((i % width) * 7 + Math.floor(i / width) * 13) % 256,
  );
  const pgm = Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), grey]);
  for (const restart of ['1B', '2']) {
    const result = spawnSync('cjpeg', ['-grayscale', '-restart', restart, '-quality', '60'], { input: pgm });
    assert.equal(result.status, 0, String(result.stderr));
    const jpeg = new Uint8Array(result.stdout);
    assert.ok(Buffer.from(jpeg).includes(Buffer.from([0xff, 0xdd])), 'the codestream has a DRI marker');
    const { data: expected } = await sharp(jpeg).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual(Array.from(decodeDctJpeg(`restart-${restart}.jpg`, jpeg).data), Array.from(expected), restart);
  }
});

test('JPEG Lossless / Extended with garbage codestreams fail naming the file', async () => {
  for (const [uid, pattern] of [
    [
      '1.2.840.10008.1.2.4.70',
      /garbage-70\.dcm: cannot decode JPEG Lossless frame|garbage-70\.dcm: JPEG Lossless frame/,
    ],
    ['1.2.840.10008.1.2.4.51', /garbage-51\.dcm: cannot decode JPEG Extended frame/],
  ] as const) {
    const name = `garbage-${uid.split('.').pop()}.dcm`;
    const bytes = await encodeDicom({ rows: 4, columns: 4, pixels: new Uint16Array(16), transferSyntax: uid });
    await assert.rejects(decodeDicom(bytes, name), (error: unknown) => {
      assert.ok(error instanceof ImagingError, String(error));
      assert.match((error as Error).message, pattern);
      return true;
    });
  }
});

function withTemp<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-dicom-cov-'));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const tool = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
};

test('dcmtk JPEG Lossless, every predictor (.57 SV1–7 and .70): values equal the uncompressed CT', {
  skip: skipDcmtk,
}, async () => {
  const original = await readDicom(SHARED_CT);
  await withTemp(async (dir) => {
    const variants: [string, string[]][] = [['sv1 (.70)', ['+e1']]];
    for (let sv = 1; sv <= 7; sv++) variants.push([`process 14 SV${sv} (.57)`, ['+el', '+sv', String(sv)]]);
    for (const [label, flags] of variants) {
      const out = join(dir, `${label.replace(/\W+/g, '-')}.dcm`);
      tool('dcmcjpeg', [...flags, SHARED_CT, out]);
      const image = await readDicom(out);
      assert.match(image.transferSyntaxUid, /^1\.2\.840\.10008\.1\.2\.4\.(57|70)$/, label);
      assert.deepEqual(Array.from(image.frameValues[0]), Array.from(original.frameValues[0]), label);
    }
    // Colour (3 components, interleaved) through the same decoder.
    const rgbPixels = Uint8Array.from({ length: 17 * 9 * 3 }, (_, i) => (i * 29) % 256);
    const rgbPath = join(dir, 'rgb.dcm');
    await import('node:fs/promises').then(async (fs) =>
      fs.writeFile(rgbPath, await encodeDicom({ rows: 9, columns: 17, samplesPerPixel: 3, pixels: rgbPixels })),
    );
    tool('dcmcjpeg', ['+e1', rgbPath, join(dir, 'rgb-ll.dcm')]);
    const rgb = await readDicom(join(dir, 'rgb-ll.dcm'));
    assert.equal(rgb.transferSyntaxUid, '1.2.840.10008.1.2.4.70');
    assert.deepEqual(Array.from(rgb.frameValues[0]), Array.from(rgbPixels));
  });
});

test("dcmtk 12-bit JPEG Extended (.51): pixel-exact with dcmtk's own decoder (IJG libjpeg)", {
  skip: skipDcmtk,
}, async () => {
  await withTemp(async (dir) => {
    const lossy = join(dir, 'ext.dcm');
    const decoded = join(dir, 'ext-raw.dcm');
    tool('dcmcjpeg', ['+ee', SHARED_CT, lossy]);
    tool('dcmdjpeg', [lossy, decoded]);
    const ours = await readDicom(lossy);
    const theirs = await readDicom(decoded);
    assert.equal(ours.transferSyntaxUid, '1.2.840.10008.1.2.4.51');
    assert.equal(ours.bitsStored, 12);
    assert.deepEqual(Array.from(ours.frameValues[0]), Array.from(theirs.frameValues[0]));
  });
});

test('GDCM JPEG Lossless (gdcmconv --jpeg): values equal the uncompressed CT', {
  skip: !gdcm
    ? 'GDCM tools (gdcmconv) not installed; skipping (apt-get install libgdcm-tools)'
    : !existsSync(SHARED_CT) && `shared data not found at ${SHARED_CT}; skipping`,
}, async () => {
  const original = await readDicom(SHARED_CT);
  await withTemp(async (dir) => {
    const out = join(dir, 'gdcm-ll.dcm');
    tool('gdcmconv', ['--jpeg', SHARED_CT, out]);
    const image = await readDicom(out);
    assert.match(image.transferSyntaxUid, /^1\.2\.840\.10008\.1\.2\.4\.(57|70)$/);
    assert.deepEqual(Array.from(image.frameValues[0]), Array.from(original.frameValues[0]));
  });
});

/** pydicom's (+ GDCM's) pixels for a file, brought to medkit's convention by test/support/pydicom-reference.py. */
function pydicomValues(file: string): Float64Array {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-pydicom-'));
  try {
    const out = join(dir, 'values.bin');
    const result = spawnSync(python as string, [REFERENCE_SCRIPT, file, out], { encoding: 'utf8' });
    assert.equal(result.status, 0, `pydicom reference for ${file}: ${result.stderr}`);
    const bytes = readFileSync(out);
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('pydicom test files and palettes: pixel-exact with pydicom + GDCM for every new decode path', {
  skip: skipPydicom,
}, async () => {
  const cases = [
    'JPGExtended.dcm', // .51, 12-bit
    'JPEG-lossy.dcm', // .51, 12-bit, sequential scan with Se = 0 (decoded as 0..63, like IJG)
    'SC_rgb_jpeg_gdcm.dcm', // .70 RGB
    'SC_ybr_full_422_uncompressed.dcm', // native YBR_FULL_422
    'liver_1frame.dcm', // 1-bit
    'liver_expb_1frame.dcm', // 1-bit, big endian
    'SC_rgb_dcmtk_+eb+cy+s2.dcm', // JPEG Baseline stored as YBR_FULL_422
    'SC_rgb_dcmtk_+eb+cy+n1.dcm', // JPEG Baseline stored as YBR_FULL
    'rtdose_1frame.dcm', // 32-bit samples at an offset not divisible by 4 (was "start offset of Uint32Array")
    'MR_small.dcm', // 16 bits stored: the typed fast path
    'JPEG2000.dcm', // 12-bit stored in 16 (masked fast path)
  ];
  // pydicom's well-known palettes applied to 0..255: plain 8-bit LUTs (hotiron) and segmented ones (spring).
  const dir = mkdtempSync(join(tmpdir(), 'medkit-palette-'));
  const files = cases.map((name) => join(PYDICOM_FILES, name));
  for (const palette of ['hotiron', 'spring']) {
    const out = join(dir, `${palette}.dcm`);
    const made = spawnSync(python as string, [PALETTE_SCRIPT, out, palette], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    files.push(out);
  }
  for (const file of files) {
    const name = file.split('/').pop() as string;
    if (!existsSync(file)) continue;
    const expected = pydicomValues(file);
    const image = await readDicom(file);
    const ours = image.frameValues.flatMap((frame) => Array.from(frame));
    assert.equal(ours.length, expected.length, name);
    let differing = 0;
    for (let index = 0; index < ours.length; index++) if (ours[index] !== expected[index]) differing++;
    assert.equal(differing, 0, `${name}: ${differing} of ${ours.length} values differ from pydicom`);
  }
  rmSync(dir, { recursive: true, force: true });
});
