// Transfer syntaxes (UID → name, whether medkit decodes it) and the pixel codecs: RLE Lossless
// (PS3.5 Annex G) by hand, JPEG Baseline (and 8-bit Extended) through sharp, 12-bit JPEG Extended
// through jpeg-dct.ts (IJG's decoding, ported), JPEG Lossless through cornerstone's
// jpeg-lossless-decoder-js, JPEG-LS and JPEG 2000 through the cornerstone CharLS / OpenJPEG builds
// (pure JS, loaded on first use).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { ImagingError } from './errors.js';
import { decodeDctJpeg } from './jpeg-dct.js';

export type PixelEncoding =
  | 'native'
  | 'rle'
  | 'jpeg-baseline'
  | 'jpeg-extended'
  | 'jpeg-lossless'
  | 'jpeg-ls'
  | 'jpeg2000'
  | 'unsupported';

export interface TransferSyntax {
  uid: string;
  name: string;
  encoding: PixelEncoding;
}

const TABLE: [string, string, PixelEncoding][] = [
  ['1.2.840.10008.1.2', 'Implicit VR Little Endian', 'native'],
  ['1.2.840.10008.1.2.1', 'Explicit VR Little Endian', 'native'],
  ['1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', 'native'],
  ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian (retired)', 'native'],
  ['1.2.840.10008.1.2.5', 'RLE Lossless', 'rle'],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'jpeg-baseline'],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'jpeg-extended'],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'jpeg-lossless'],
  [
    '1.2.840.10008.1.2.4.70',
    'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
    'jpeg-lossless',
  ],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless Image Compression', 'jpeg-ls'],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless) Image Compression', 'jpeg-ls'],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only)', 'jpeg2000'],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000 Image Compression', 'jpeg2000'],
  ['1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)', 'unsupported'],
  ['1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component Image Compression', 'unsupported'],
  ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level', 'unsupported'],
  ['1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile / Level 4.1', 'unsupported'],
  ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Image Compression (Lossless Only)', 'unsupported'],
  [
    '1.2.840.10008.1.2.4.202',
    'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)',
    'unsupported',
  ],
  ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000 Image Compression', 'unsupported'],
];

const BY_UID = new Map(TABLE.map(([uid, name, encoding]) => [uid, { uid, name, encoding }]));

export function transferSyntax(uid: string): TransferSyntax {
  return BY_UID.get(uid) ?? { uid, name: 'unknown transfer syntax', encoding: 'unsupported' };
}

/** Decodes one RLE Lossless frame into interleaved little-endian samples (bytes per sample = bitsAllocated / 8). */
export function decodeRleFrame(
  file: string,
  frame: Uint8Array,
  rows: number,
  columns: number,
  samplesPerPixel: number,
  bitsAllocated: number,
): Uint8Array {
  if (bitsAllocated % 8 !== 0)
    throw new ImagingError(file, `RLE with ${bitsAllocated} bits allocated is not supported`);
  const bytesPerSample = bitsAllocated / 8;
  const pixels = rows * columns;
  if (frame.length < 64)
    throw new ImagingError(
      file,
      `RLE frame is ${frame.length} bytes, shorter than its 64-byte header (file truncated?)`,
    );
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const expected = samplesPerPixel * bytesPerSample;
  if (segments !== expected)
    throw new ImagingError(
      file,
      `RLE header lists ${segments} segments, expected ${expected} (${samplesPerPixel} samples × ${bytesPerSample} bytes)`,
    );
  const out = new Uint8Array(pixels * expected);
  for (let segment = 0; segment < segments; segment++) {
    const start = view.getUint32(4 + 4 * segment, true);
    const end = segment + 1 < segments ? view.getUint32(8 + 4 * segment, true) : frame.length;
    if (start < 64 || start > frame.length || end > frame.length || end < start) {
      throw new ImagingError(
        file,
        `RLE segment ${segment + 1} offset ${start}…${end} is outside the ${frame.length}-byte frame (corrupt or truncated)`,
      );
    }
    // Segment order: per sample, most significant byte first. Output: interleaved, little endian.
    const sample = Math.floor(segment / bytesPerSample);
    const byteIndex = bytesPerSample - 1 - (segment % bytesPerSample);
    const stride = expected;
    let target = sample * bytesPerSample + byteIndex;
    let written = 0;
    let position = start;
    while (written < pixels && position < end) {
      const header = frame[position++];
      if (header < 128) {
        const count = header + 1;
        for (let k = 0; k < count && written < pixels; k++, written++, target += stride)
          out[target] = frame[position + k];
        position += count;
      } else if (header > 128) {
        const count = 257 - header;
        const value = frame[position++];
        for (let k = 0; k < count && written < pixels; k++, written++, target += stride) out[target] = value;
      }
    }
    if (written < pixels)
      throw new ImagingError(
        file,
        `RLE segment ${segment + 1} decoded ${written} of ${pixels} pixels (corrupt or truncated)`,
      );
  }
  return out;
}

/** JPEG Baseline frame → 8-bit interleaved samples (sharp/libjpeg converts YCbCr to RGB). */
export async function decodeJpegBaselineFrame(
  file: string,
  frame: Uint8Array,
  rows: number,
  columns: number,
  samplesPerPixel: number,
): Promise<Uint8Array> {
  try {
    let pipeline = sharp(frame, { failOn: 'error' });
    if (samplesPerPixel === 1) pipeline = pipeline.toColourspace('b-w');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.width !== columns || info.height !== rows) {
      throw new ImagingError(file, `JPEG frame is ${info.width}×${info.height}, the header says ${columns}×${rows}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    if (error instanceof ImagingError) throw error;
    throw new ImagingError(file, `cannot decode JPEG Baseline frame: ${(error as Error).message}`, { cause: error });
  }
}

// The cornerstone codecs are Emscripten modules: a factory that resolves to { JpegLSDecoder } or
// { J2KDecoder }. Their log lines are silenced.
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getDecodedBuffer(): Uint8Array;
  delete?(): void;
}
const requireCjs = createRequire(import.meta.url);
const codecs = new Map<string, Promise<Record<string, new () => WasmDecoder>>>();
/** The Emscripten module of a codec (decoders and, for the writer, encoders). */
export function loadCodec(
  name: '@cornerstonejs/codec-charls' | '@cornerstonejs/codec-openjpeg',
): Promise<Record<string, new () => WasmDecoder>> {
  let codec = codecs.get(name);
  if (!codec) {
    // The packages' main entry is the asm.js build; the WebAssembly build (`/wasmjs` + `/wasm`) decodes
    // 512² CT slices ~10× faster (bench/README.md). The .wasm bytes are handed over, so nothing is fetched.
    const factory = requireCjs(`${name}/wasmjs`) as (options: object) => Promise<Record<string, new () => WasmDecoder>>;
    const wasmBinary = readFileSync(requireCjs.resolve(`${name}/wasm`));
    codec = factory({ print: () => {}, printErr: () => {}, wasmBinary });
    codecs.set(name, codec);
  }
  return codec;
}

/** JPEG-LS or JPEG 2000 frame → interleaved little-endian samples of bitsAllocated / 8 bytes. */
export async function decodeWasmFrame(
  file: string,
  kind: 'jpeg-ls' | 'jpeg2000',
  frame: Uint8Array,
  rows: number,
  columns: number,
  samplesPerPixel: number,
  bitsAllocated: number,
): Promise<Uint8Array> {
  const what = kind === 'jpeg-ls' ? 'JPEG-LS' : 'JPEG 2000';
  let decoder: WasmDecoder | undefined;
  try {
    const codec = await loadCodec(kind === 'jpeg-ls' ? '@cornerstonejs/codec-charls' : '@cornerstonejs/codec-openjpeg');
    decoder = new codec[kind === 'jpeg-ls' ? 'JpegLSDecoder' : 'J2KDecoder']();
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (!info.width || !info.height)
      throw new ImagingError(
        file,
        `cannot decode ${what} frame: the codec returned an empty image (corrupt codestream?)`,
      );
    if (info.width !== columns || info.height !== rows || info.componentCount !== samplesPerPixel) {
      throw new ImagingError(
        file,
        `${what} frame is ${info.width}×${info.height}×${info.componentCount}, the header says ${columns}×${rows}×${samplesPerPixel}`,
      );
    }
    const decoded = decoder.getDecodedBuffer();
    const bytesIn = info.bitsPerSample > 8 ? 2 : 1;
    const bytesOut = bitsAllocated / 8;
    const count = rows * columns * samplesPerPixel;
    if (decoded.length < count * bytesIn)
      throw new ImagingError(file, `${what} frame decoded to ${decoded.length} bytes, expected ${count * bytesIn}`);
    if (bytesIn === bytesOut) return new Uint8Array(decoded.subarray(0, count * bytesIn));
    const out = new Uint8Array(count * bytesOut); // widen 8-bit codestreams into 16-bit samples (or narrow, keeping the low byte)
    for (let index = 0; index < count; index++) {
      out[index * bytesOut] = decoded[index * bytesIn];
      if (bytesOut === 2 && bytesIn === 2) out[index * 2 + 1] = decoded[index * 2 + 1];
    }
    return out;
  } catch (error) {
    if (error instanceof ImagingError) throw error;
    const problem =
      error instanceof Error ? error.message : typeof error === 'number' ? `codec error code ${error}` : String(error);
    throw new ImagingError(file, `cannot decode ${what} frame: ${problem} (corrupt or truncated?)`, { cause: error });
  } finally {
    decoder?.delete?.();
  }
}

/** SOF precision (bits per sample) of a JPEG codestream, or undefined when no SOF0..SOF15 frame header is found. */
function jpegPrecision(frame: Uint8Array): number | undefined {
  for (let at = 2; at + 4 < frame.length; ) {
    if (frame[at] !== 0xff) return undefined;
    const marker = frame[at + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return frame[at + 4];
    at += 2 + ((frame[at + 2] << 8) | frame[at + 3]);
  }
  return undefined;
}

/**
 * JPEG Extended (Process 2 & 4) frame → interleaved little-endian samples: 8-bit codestreams through
 * sharp (libjpeg-turbo, as Baseline), 12-bit ones through the IJG port in jpeg-dct.ts.
 */
export async function decodeJpegExtendedFrame(
  file: string,
  frame: Uint8Array,
  rows: number,
  columns: number,
  samplesPerPixel: number,
  bitsAllocated: number,
): Promise<Uint8Array> {
  const precision = jpegPrecision(frame);
  if (precision === 8) {
    const eight = await decodeJpegBaselineFrame(file, frame, rows, columns, samplesPerPixel);
    if (bitsAllocated === 8) return eight;
    const wide = new Uint16Array(eight.length);
    wide.set(eight);
    return new Uint8Array(wide.buffer);
  }
  const image = decodeDctJpeg(file, frame);
  if (image.width !== columns || image.height !== rows || image.components !== samplesPerPixel)
    throw new ImagingError(
      file,
      `JPEG frame is ${image.width}×${image.height}×${image.components}, the header says ${columns}×${rows}×${samplesPerPixel}`,
    );
  if (bitsAllocated !== 16)
    throw new ImagingError(file, `12-bit JPEG in ${bitsAllocated} bits allocated (16 expected)`);
  return new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, bytesPerSample: number): Uint8Array | Uint16Array;
}
let losslessDecoder: (new () => LosslessDecoder) | undefined;

/** JPEG Lossless (Process 14, any predictor) frame → interleaved little-endian samples (cornerstone's decoder). */
export function decodeJpegLosslessFrame(
  file: string,
  frame: Uint8Array,
  rows: number,
  columns: number,
  samplesPerPixel: number,
  bitsAllocated: number,
): Uint8Array {
  losslessDecoder ??= (requireCjs('@cornerstonejs/jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder })
    .Decoder;
  const bytesPerSample = bitsAllocated <= 8 ? 1 : 2;
  const expected = rows * columns * samplesPerPixel * bytesPerSample;
  let decoded: Uint8Array | Uint16Array;
  try {
    decoded = new losslessDecoder().decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length, bytesPerSample);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new ImagingError(file, `cannot decode JPEG Lossless frame: ${problem} (corrupt or truncated?)`, {
      cause: error,
    });
  }
  if (!decoded || decoded.byteLength < expected)
    throw new ImagingError(
      file,
      `JPEG Lossless frame decoded to ${decoded?.byteLength ?? 0} bytes, ${columns}×${rows}×${samplesPerPixel} needs ${expected} (corrupt or truncated?)`,
    );
  return new Uint8Array(decoded.buffer, decoded.byteOffset, expected);
}
