// A small DICOM writer: enough attributes for an image (CT/MR/CR/OT) in Implicit or Explicit VR
// Little Endian, Explicit Big Endian, Deflated, RLE Lossless, JPEG Baseline, lossless JPEG-LS or
// lossless JPEG 2000. Used to turn CT
// phantoms into DICOM series and, in tests, to build the cases no shared file covers
// (multi-frame, MONOCHROME1, big endian, truncated, unsupported syntaxes).
import { deflateRawSync } from 'node:zlib';
import sharp from 'sharp';
import type { Window } from './windowing.js';
import { loadCodec } from './dicom-codecs.js';

export type DicomSyntaxName =
  | 'implicit-le'
  | 'explicit-le'
  | 'big-endian'
  | 'deflated'
  | 'rle'
  | 'jpeg-baseline'
  | 'jpeg-ls'
  | 'jpeg2000';
const SYNTAX_UIDS: Record<DicomSyntaxName, string> = {
  'implicit-le': '1.2.840.10008.1.2',
  'explicit-le': '1.2.840.10008.1.2.1',
  'big-endian': '1.2.840.10008.1.2.2',
  deflated: '1.2.840.10008.1.2.1.99',
  rle: '1.2.840.10008.1.2.5',
  'jpeg-baseline': '1.2.840.10008.1.2.4.50',
  'jpeg-ls': '1.2.840.10008.1.2.4.80',
  jpeg2000: '1.2.840.10008.1.2.4.90',
};

interface WasmEncoder {
  getDecodedBuffer(info: object): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  setNearLossless?(value: number): void;
  setDecompositions?(value: number): void;
  delete?(): void;
}

/** Lossless JPEG-LS or JPEG 2000 codestream of one frame (cornerstone CharLS / OpenJPEG encoders). */
async function wasmEncode(
  kind: 'jpeg-ls' | 'jpeg2000',
  bytes: Uint8Array,
  width: number,
  height: number,
  samples: number,
  bits: number,
  signed: boolean,
): Promise<Uint8Array> {
  const codec = (await loadCodec(
    kind === 'jpeg-ls' ? '@cornerstonejs/codec-charls' : '@cornerstonejs/codec-openjpeg',
  )) as unknown as Record<string, new () => WasmEncoder>;
  const encoder = new codec[kind === 'jpeg-ls' ? 'JpegLSEncoder' : 'J2KEncoder']();
  try {
    encoder
      .getDecodedBuffer({
        width,
        height,
        bitsPerSample: bits,
        componentCount: samples,
        isSigned: signed,
        isUsingColorTransform: false,
      })
      .set(bytes);
    encoder.setNearLossless?.(0);
    // OpenJPEG needs 2^decompositions ≤ the smaller side (its default of 5 fails below 32 px).
    encoder.setDecompositions?.(Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(width, height))))));
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  } finally {
    encoder.delete?.();
  }
}

export interface DicomWriteInput {
  rows: number;
  columns: number;
  frames?: number;
  /** Stored values of all frames, concatenated (samples interleaved). */
  pixels: Int16Array | Uint16Array | Uint8Array;
  samplesPerPixel?: 1 | 3;
  /** Planar Configuration for colour: 0 = RGBRGB… (default), 1 = RR…GG…BB… (`pixels` must already be in that order). */
  planarConfiguration?: 0 | 1;
  photometric?: string;
  bitsStored?: number;
  modality?: string;
  rescaleSlope?: number;
  rescaleIntercept?: number;
  window?: Window;
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  imagePosition?: [number, number, number];
  imageOrientation?: [number, number, number, number, number, number];
  instanceNumber?: number;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  /** A name, or any UID (its pixel data is then written as one opaque encapsulated fragment). */
  transferSyntax?: DicomSyntaxName | string;
  /** Bits Allocated when it is not implied by `pixels` (1 for packed bits; tests only). */
  bitsAllocated?: number;
  /** Native pixel data written as given, without the length check (packed bits, YBR_FULL_422, short data; tests only). */
  rawPixelData?: Uint8Array;
  /** More data-set elements (little-endian bytes or text), e.g. palette LUTs; written in tag order. */
  extraElements?: { tag: number; vr: string; bytes?: Uint8Array; text?: string }[];
}

type Value = { vr: string; bytes: Uint8Array } | { vr: string; text: string } | { vr: 'US'; us: number };
const STRING_PAD: Record<string, number> = { UI: 0 };

function valueBytes(value: Value, bigEndian: boolean): Uint8Array {
  if ('bytes' in value) return value.bytes.length % 2 ? concat([value.bytes, new Uint8Array(1)]) : value.bytes;
  if ('us' in value) {
    const out = new Uint8Array(2);
    new DataView(out.buffer).setUint16(0, value.us, !bigEndian);
    return out;
  }
  const text = value.text.length % 2 ? value.text + String.fromCharCode(STRING_PAD[value.vr] ?? 0x20) : value.text;
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function element(
  tag: number,
  value: Value,
  explicit: boolean,
  bigEndian: boolean,
  undefinedLength = false,
): Uint8Array {
  const body = valueBytes(value, bigEndian);
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(value.vr);
  const head = new DataView(new ArrayBuffer(explicit ? (long ? 12 : 8) : 8));
  head.setUint16(0, tag >>> 16, !bigEndian);
  head.setUint16(2, tag & 0xffff, !bigEndian);
  const length = undefinedLength ? 0xffffffff : body.length;
  if (!explicit) head.setUint32(4, length, !bigEndian);
  else {
    head.setUint8(4, value.vr.charCodeAt(0));
    head.setUint8(5, value.vr.charCodeAt(1));
    if (long) head.setUint32(8, length, !bigEndian);
    else head.setUint16(6, length, !bigEndian);
  }
  return concat([new Uint8Array(head.buffer), body]);
}

function item(tag: number, body: Uint8Array): Uint8Array {
  const head = new DataView(new ArrayBuffer(8));
  head.setUint16(0, 0xfffe, true);
  head.setUint16(2, tag, true);
  head.setUint32(4, body.length, true);
  return concat([new Uint8Array(head.buffer), body]);
}

/** PackBits-encodes one byte plane (RLE Lossless segment), padded to even length. */
function packBits(plane: Uint8Array): Uint8Array {
  const out: number[] = [];
  let index = 0;
  while (index < plane.length) {
    let run = 1;
    while (index + run < plane.length && run < 128 && plane[index + run] === plane[index]) run++;
    if (run >= 3) {
      out.push(257 - run, plane[index]);
      index += run;
      continue;
    }
    const start = index;
    while (index < plane.length && index - start < 128) {
      if (index + 2 < plane.length && plane[index] === plane[index + 1] && plane[index] === plane[index + 2]) break;
      index++;
    }
    out.push(index - start - 1, ...plane.subarray(start, index));
  }
  if (out.length % 2) out.push(128); // no-op byte
  return new Uint8Array(out);
}

function rleFrame(frame: Uint8Array, pixels: number, samples: number, bytesPerSample: number): Uint8Array {
  const segments: Uint8Array[] = [];
  for (let sample = 0; sample < samples; sample++) {
    for (let byte = bytesPerSample - 1; byte >= 0; byte--) {
      const plane = new Uint8Array(pixels);
      for (let pixel = 0; pixel < pixels; pixel++)
        plane[pixel] = frame[(pixel * samples + sample) * bytesPerSample + byte];
      segments.push(packBits(plane));
    }
  }
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, index) => {
    header.setUint32(4 + 4 * index, offset, true);
    offset += segment.length;
  });
  return concat([new Uint8Array(header.buffer), ...segments]);
}

/** Encodes one DICOM Part 10 file. */
export async function encodeDicom(input: DicomWriteInput): Promise<Uint8Array> {
  const frames = input.frames ?? 1;
  const samples = input.samplesPerPixel ?? 1;
  const bits = input.bitsAllocated ?? (input.pixels instanceof Uint8Array ? 8 : 16);
  const signed = input.pixels instanceof Int16Array;
  const syntaxName = input.transferSyntax ?? 'explicit-le';
  const uid = SYNTAX_UIDS[syntaxName as DicomSyntaxName] ?? syntaxName;
  const explicit = uid !== SYNTAX_UIDS['implicit-le'];
  const bigEndian = uid === SYNTAX_UIDS['big-endian'];
  const sopClass =
    input.modality === 'CT'
      ? '1.2.840.10008.5.1.4.1.1.2'
      : input.modality === 'MR'
        ? '1.2.840.10008.5.1.4.1.1.4'
        : '1.2.840.10008.5.1.4.1.1.7';
  const sop = input.sopInstanceUid ?? `2.25.${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const ds = (values: number[]) => values.map((v) => String(+v.toFixed(6))).join('\\');
  const frameBytes = input.rows * input.columns * samples * (bits / 8);
  const raw = new Uint8Array(input.pixels.buffer, input.pixels.byteOffset, input.pixels.byteLength);
  if (!input.rawPixelData && raw.length !== frameBytes * frames)
    throw new Error(`encodeDicom: ${raw.length} pixel bytes, expected ${frameBytes * frames}`);

  const entries: [number, Value][] = [
    [0x00080016, { vr: 'UI', text: sopClass }],
    [0x00080018, { vr: 'UI', text: sop }],
    [0x00080060, { vr: 'CS', text: input.modality ?? 'OT' }],
  ];
  if (input.sliceThickness !== undefined) entries.push([0x00180050, { vr: 'DS', text: ds([input.sliceThickness]) }]);
  if (input.seriesInstanceUid) entries.push([0x0020000e, { vr: 'UI', text: input.seriesInstanceUid }]);
  if (input.instanceNumber !== undefined) entries.push([0x00200013, { vr: 'IS', text: String(input.instanceNumber) }]);
  if (input.imagePosition) entries.push([0x00200032, { vr: 'DS', text: ds(input.imagePosition) }]);
  if (input.imageOrientation) entries.push([0x00200037, { vr: 'DS', text: ds(input.imageOrientation) }]);
  entries.push(
    [0x00280002, { vr: 'US', us: samples }],
    [0x00280004, { vr: 'CS', text: input.photometric ?? (samples === 3 ? 'RGB' : 'MONOCHROME2') }],
  );
  if (samples > 1) entries.push([0x00280006, { vr: 'US', us: input.planarConfiguration ?? 0 }]);
  if (frames > 1) entries.push([0x00280008, { vr: 'IS', text: String(frames) }]);
  entries.push([0x00280010, { vr: 'US', us: input.rows }], [0x00280011, { vr: 'US', us: input.columns }]);
  if (input.pixelSpacing) entries.push([0x00280030, { vr: 'DS', text: ds(input.pixelSpacing) }]);
  const stored = input.bitsStored ?? bits;
  entries.push(
    [0x00280100, { vr: 'US', us: bits }],
    [0x00280101, { vr: 'US', us: stored }],
    [0x00280102, { vr: 'US', us: stored - 1 }],
    [0x00280103, { vr: 'US', us: signed ? 1 : 0 }],
  );
  if (input.window)
    entries.push(
      [0x00281050, { vr: 'DS', text: ds([input.window.center]) }],
      [0x00281051, { vr: 'DS', text: ds([input.window.width]) }],
    );
  if (input.rescaleIntercept !== undefined || input.rescaleSlope !== undefined) {
    entries.push(
      [0x00281052, { vr: 'DS', text: ds([input.rescaleIntercept ?? 0]) }],
      [0x00281053, { vr: 'DS', text: ds([input.rescaleSlope ?? 1]) }],
    );
  }
  for (const extra of input.extraElements ?? [])
    entries.push([
      extra.tag,
      extra.bytes ? { vr: extra.vr, bytes: extra.bytes } : { vr: extra.vr, text: extra.text ?? '' },
    ]);
  entries.sort((a, b) => a[0] - b[0]);
  const parts = entries.map(([tag, value]) => element(tag, value, explicit, bigEndian));

  const native = [
    SYNTAX_UIDS['implicit-le'],
    SYNTAX_UIDS['explicit-le'],
    SYNTAX_UIDS['big-endian'],
    SYNTAX_UIDS.deflated,
  ].includes(uid);
  if (native && input.rawPixelData) {
    parts.push(element(0x7fe00010, { vr: bits === 16 ? 'OW' : 'OB', bytes: input.rawPixelData }, explicit, bigEndian));
  } else if (native) {
    let pixels = raw;
    if (bigEndian && bits === 16) {
      pixels = new Uint8Array(raw);
      for (let i = 0; i < pixels.length; i += 2) [pixels[i], pixels[i + 1]] = [pixels[i + 1], pixels[i]];
    }
    parts.push(element(0x7fe00010, { vr: bits === 8 ? 'OB' : 'OW', bytes: pixels }, explicit, bigEndian));
  } else {
    const fragments: Uint8Array[] = [];
    for (let frame = 0; frame < frames; frame++) {
      const bytes = raw.subarray(frame * frameBytes, (frame + 1) * frameBytes);
      if (uid === SYNTAX_UIDS.rle) fragments.push(rleFrame(bytes, input.rows * input.columns, samples, bits / 8));
      else if (uid === SYNTAX_UIDS['jpeg-baseline']) {
        if (bits !== 8) throw new Error('encodeDicom: JPEG Baseline needs 8-bit pixels');
        fragments.push(
          new Uint8Array(
            await sharp(bytes, { raw: { width: input.columns, height: input.rows, channels: samples } })
              .jpeg({ quality: 95 })
              .toBuffer(),
          ),
        );
      } else if (uid === SYNTAX_UIDS['jpeg-ls'] || uid === SYNTAX_UIDS.jpeg2000) {
        fragments.push(
          await wasmEncode(
            uid === SYNTAX_UIDS['jpeg-ls'] ? 'jpeg-ls' : 'jpeg2000',
            bytes,
            input.columns,
            input.rows,
            samples,
            bits,
            signed,
          ),
        );
      } else fragments.push(bytes);
    }
    const items = [
      item(0xe000, new Uint8Array(0)),
      ...fragments.map((fragment) =>
        item(0xe000, fragment.length % 2 ? concat([fragment, new Uint8Array(1)]) : fragment),
      ),
      item(0xe0dd, new Uint8Array(0)),
    ];
    parts.push(element(0x7fe00010, { vr: 'OB', bytes: new Uint8Array(0) }, true, false, true), ...items);
  }
  let dataset = concat(parts);
  if (uid === SYNTAX_UIDS.deflated) dataset = new Uint8Array(deflateRawSync(dataset));

  const meta = [
    element(0x00020001, { vr: 'OB', bytes: new Uint8Array([0, 1]) }, true, false),
    element(0x00020002, { vr: 'UI', text: sopClass }, true, false),
    element(0x00020003, { vr: 'UI', text: sop }, true, false),
    element(0x00020010, { vr: 'UI', text: uid }, true, false),
    element(0x00020012, { vr: 'UI', text: '2.25.1' }, true, false),
  ];
  const metaBody = concat(meta);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBody.length, true);
  const preamble = new Uint8Array(132);
  preamble.set(Buffer.from('DICM', 'latin1'), 128);
  return concat([preamble, element(0x00020000, { vr: 'UL', bytes: groupLength }, true, false), metaBody, dataset]);
}
