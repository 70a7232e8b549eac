// Sequential DCT JPEG (baseline SOF0 and extended SOF1, Huffman coded) with 8- or 12-bit samples, for
// DICOM JPEG Extended (1.2.840.10008.1.2.4.51). No maintained npm decoder reads 12-bit DCT JPEG the way
// IJG libjpeg does (which both GDCM and dcmtk use), so this is a port of IJG 6b's decoding path: Huffman
// decoding as jdhuff.c (zeros fed past a marker), dequantisation, the `jpeg_idct_islow` integer IDCT
// (jidctint.c; PASS1_BITS 2 for 8-bit, 1 for 12-bit) and the post-IDCT range-limit table (jdmaster.c),
// so the output is pixel-exact with them. Like IJG, a sequential scan with odd Ss/Se/Ah/Al is decoded
// as a full 0..63 scan (pydicom's JPEG-lossy.dcm has Se = 0). Colour output is the raw components
// (no upsampling or YCbCr conversion): subsampled components are refused.
import { ImagingError } from './errors.js';

const ZIGZAG = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
]);

interface Huffman {
  /** maxcode[l] = largest code of length l (−1 when none); valptr[l] − mincode[l] indexes `values`. */
  maxcode: Int32Array;
  valoffset: Int32Array;
  values: Uint8Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1);
  const valoffset = new Int32Array(18);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= 16; length++) {
    const count = counts[length - 1];
    if (count) {
      valoffset[length] = index - code;
      code += count;
      index += count;
      maxcode[length] = code - 1;
    }
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff; // sentinel: a corrupt stream ends in "bad Huffman code", not a hang
  return { maxcode, valoffset, values };
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  coefficients: Int32Array;
  dcTable?: Huffman;
  acTable?: Huffman;
  prediction: number;
}

export interface DctImage {
  width: number;
  height: number;
  precision: number;
  components: number;
  /** Interleaved samples, components × width × height. */
  data: Uint16Array;
}

/** Decodes one sequential DCT JPEG codestream. Throws ImagingError (naming `file`) on anything malformed. */
export function decodeDctJpeg(file: string, bytes: Uint8Array): DctImage {
  const fail = (problem: string): never => {
    throw new ImagingError(file, `cannot decode JPEG Extended frame: ${problem}`);
  };
  const quant: Int32Array[] = [];
  const dcTables: Huffman[] = [];
  const acTables: Huffman[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let precision = 8;
  let restartInterval = 0;
  let maxH = 1;
  let maxV = 1;
  let offset = 0;
  const u16 = (at: number) => (bytes[at] << 8) | bytes[at + 1];
  if (u16(0) !== 0xffd8) fail('no SOI marker (not a JPEG codestream)');
  offset = 2;
  let scans = 0;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) {
      offset++;
      continue;
    }
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++;
      continue;
    }
    if (marker === 0xd9) break;
    const length = u16(offset + 2);
    const start = offset + 4;
    const end = offset + 2 + length;
    if (end > bytes.length) fail(`marker FF${marker.toString(16)} runs past the end of the data (truncated?)`);
    if (marker === 0xdb) {
      for (let at = start; at < end; ) {
        const sixteen = bytes[at] >> 4;
        const table = new Int32Array(64);
        // DQT lists the table in zig-zag order; it is kept in natural order, like the coefficients.
        for (let k = 0; k < 64; k++) table[ZIGZAG[k]] = sixteen ? u16(at + 1 + 2 * k) : bytes[at + 1 + k];
        quant[bytes[at] & 15] = table;
        at += 1 + 64 * (sixteen ? 2 : 1);
      }
    } else if (marker === 0xc4) {
      for (let at = start; at < end; ) {
        const counts = bytes.subarray(at + 1, at + 17);
        const total = counts.reduce((sum, count) => sum + count, 0);
        const table = buildHuffman(counts, bytes.slice(at + 17, at + 17 + total));
        (bytes[at] >> 4 ? acTables : dcTables)[bytes[at] & 15] = table;
        at += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = u16(start);
    } else if (marker === 0xc0 || marker === 0xc1) {
      precision = bytes[start];
      if (precision !== 8 && precision !== 12) fail(`${precision}-bit sample precision (8 or 12 expected)`);
      height = u16(start + 1);
      width = u16(start + 3);
      if (!width || !height) fail(`frame size ${width}×${height}`);
      components = [];
      for (let k = 0; k < bytes[start + 5]; k++) {
        const at = start + 6 + 3 * k;
        components.push({
          id: bytes[at],
          h: bytes[at + 1] >> 4 || 1,
          v: bytes[at + 1] & 15 || 1,
          tq: bytes[at + 2],
          blocksPerLine: 0,
          blocksPerColumn: 0,
          coefficients: new Int32Array(0),
          prediction: 0,
        });
      }
      maxH = Math.max(...components.map((c) => c.h));
      maxV = Math.max(...components.map((c) => c.v));
      const mcusPerLine = Math.ceil(width / (8 * maxH));
      const mcusPerColumn = Math.ceil(height / (8 * maxV));
      for (const c of components) {
        c.blocksPerLine = mcusPerLine * c.h;
        c.blocksPerColumn = mcusPerColumn * c.v;
        c.coefficients = new Int32Array(c.blocksPerLine * c.blocksPerColumn * 64);
      }
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      fail(
        `SOF marker FF${marker.toString(16).toUpperCase()} (progressive, lossless or arithmetic coding) is not sequential DCT`,
      );
    } else if (marker === 0xda) {
      if (!components.length) fail('scan before the frame header (no SOF)');
      const scanComponents: Component[] = [];
      for (let k = 0; k < bytes[start]; k++) {
        const id = bytes[start + 1 + 2 * k];
        const tables = bytes[start + 2 + 2 * k];
        const c = components.find((item) => item.id === id) ?? fail(`scan names component ${id}, not in the frame`);
        c.dcTable = dcTables[tables >> 4] ?? fail(`missing DC Huffman table ${tables >> 4}`);
        c.acTable = acTables[tables & 15] ?? fail(`missing AC Huffman table ${tables & 15}`);
        scanComponents.push(c);
      }
      offset = decodeScan(bytes, end, scanComponents, restartInterval, maxH, maxV, width, height, fail);
      scans++;
      continue;
    }
    offset = end;
  }
  if (!scans) fail('no scan (SOS) in the codestream');
  for (const c of components) if (c.h !== maxH || c.v !== maxV) fail('subsampled colour components are not supported');
  const data = new Uint16Array(width * height * components.length);
  const block = new Int32Array(64);
  components.forEach((c, index) => {
    const table = quant[c.tq] ?? fail(`missing quantisation table ${c.tq}`);
    for (let row = 0; row < c.blocksPerColumn; row++)
      for (let col = 0; col < c.blocksPerLine; col++) {
        const base = (row * c.blocksPerLine + col) * 64;
        if (row * 8 >= height || col * 8 >= width) continue;
        for (let k = 0; k < 64; k++) block[k] = c.coefficients[base + k] * table[k];
        idctIslow(block, precision, data, width, height, components.length, index, col * 8, row * 8);
      }
  });
  return { width, height, precision, components: components.length, data };
}

/** Huffman-decodes one scan into the components' coefficient arrays (natural order); returns the offset after it. */
function decodeScan(
  bytes: Uint8Array,
  start: number,
  scan: Component[],
  restartInterval: number,
  maxH: number,
  maxV: number,
  width: number,
  height: number,
  fail: (problem: string) => never,
): number {
  let position = start;
  let bits = 0;
  let count = 0;
  let markerHit = false;
  const fill = () => {
    // IJG: once a marker is reached, the decoder is fed zero bits.
    let byte = 0;
    if (!markerHit && position < bytes.length) {
      byte = bytes[position];
      if (byte === 0xff) {
        const next = bytes[position + 1];
        if (next === 0) position += 2;
        else {
          markerHit = true;
          byte = 0;
        }
      } else position++;
    }
    bits = ((bits << 8) | byte) >>> 0;
    count += 8;
  };
  const bit = () => {
    if (count === 0) fill();
    count--;
    return (bits >>> count) & 1;
  };
  const receive = (length: number) => {
    let value = 0;
    for (let k = 0; k < length; k++) value = (value << 1) | bit();
    return value;
  };
  const extend = (value: number, length: number) => (value < 1 << (length - 1) ? value - (1 << length) + 1 : value);
  const decode = (table: Huffman) => {
    let code = bit();
    let length = 1;
    while (code > table.maxcode[length]) {
      code = (code << 1) | bit();
      if (++length > 16) fail('bad Huffman code (corrupt data)');
    }
    return table.values[code + table.valoffset[length]];
  };
  const decodeBlock = (c: Component, blockRow: number, blockCol: number) => {
    const base = (blockRow * c.blocksPerLine + blockCol) * 64;
    const out = c.coefficients;
    const s = decode(c.dcTable as Huffman);
    c.prediction += s ? extend(receive(s), s) : 0;
    out[base] = c.prediction;
    for (let k = 1; k < 64; ) {
      const rs = decode(c.acTable as Huffman);
      const size = rs & 15;
      const run = rs >> 4;
      if (size === 0) {
        if (run !== 15) break;
        k += 16;
        continue;
      }
      k += run;
      if (k > 63) break;
      out[base + ZIGZAG[k]] = extend(receive(size), size);
      k++;
    }
  };
  const single = scan.length === 1;
  const unitsPerLine = single ? Math.ceil(Math.ceil((width * scan[0].h) / maxH) / 8) : Math.ceil(width / (8 * maxH));
  const unitsPerColumn = single
    ? Math.ceil(Math.ceil((height * scan[0].v) / maxV) / 8)
    : Math.ceil(height / (8 * maxV));
  const total = unitsPerLine * unitsPerColumn;
  for (const c of scan) c.prediction = 0;
  for (let unit = 0; unit < total; unit++) {
    if (restartInterval && unit > 0 && unit % restartInterval === 0) {
      // Byte-align, skip to and over the RSTn marker, reset the DC predictions.
      count = 0;
      bits = 0;
      while (
        position + 1 < bytes.length &&
        !(bytes[position] === 0xff && bytes[position + 1] >= 0xd0 && bytes[position + 1] <= 0xd7)
      )
        position++;
      position += 2;
      markerHit = false;
      for (const c of scan) c.prediction = 0;
    }
    const row = Math.floor(unit / unitsPerLine);
    const col = unit % unitsPerLine;
    if (single) decodeBlock(scan[0], row, col);
    else
      for (const c of scan)
        for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) decodeBlock(c, row * c.v + v, col * c.h + h);
  }
  // Continue after the entropy-coded data: the next marker that is not RSTn.
  while (
    position + 1 < bytes.length &&
    !(
      bytes[position] === 0xff &&
      bytes[position + 1] !== 0 &&
      (bytes[position + 1] < 0xd0 || bytes[position + 1] > 0xd7)
    )
  )
    position++;
  return position;
}

const workspace = new Int32Array(64);
const CONST_BITS = 13;

/** IJG jidctint.c `jpeg_idct_islow` on dequantised coefficients (natural order), written into `out`. */
function idctIslow(
  block: Int32Array,
  precision: number,
  out: Uint16Array,
  width: number,
  height: number,
  stride: number,
  component: number,
  x0: number,
  y0: number,
): void {
  const pass1 = precision === 12 ? 1 : 2;
  const maxSample = (1 << precision) - 1;
  const centre = 1 << (precision - 1);
  const rangeMask = 4 * (maxSample + 1) - 1;
  const ws = workspace;
  for (let col = 0; col < 8; col++) butterfly(block, col, 8, ws, col, 8, CONST_BITS - pass1, false, 0, 0, 0);
  for (let row = 0; row < 8; row++) {
    const y = y0 + row;
    if (y >= height) break;
    butterfly(ws, row * 8, 1, ws, row * 8, 1, CONST_BITS + pass1 + 3, true, centre, maxSample, rangeMask);
    for (let col = 0; col < 8 && x0 + col < width; col++)
      out[(y * width + x0 + col) * stride + component] = ws[row * 8 + col];
  }
}

/** One 8-point pass (IJG's even/odd parts). With `limit`, results go through the range-limit table. */
function butterfly(
  input: Int32Array,
  at: number,
  step: number,
  output: Int32Array,
  outAt: number,
  outStep: number,
  shift: number,
  limit: boolean,
  centre: number,
  maxSample: number,
  rangeMask: number,
): void {
  let z2 = input[at + 2 * step];
  let z3 = input[at + 6 * step];
  let z1 = (z2 + z3) * 4433;
  const t2 = z1 + z3 * -15137;
  const t3 = z1 + z2 * 6270;
  z2 = input[at];
  z3 = input[at + 4 * step];
  const t0 = (z2 + z3) * 8192;
  const t1 = (z2 - z3) * 8192;
  const t10 = t0 + t3;
  const t13 = t0 - t3;
  const t11 = t1 + t2;
  const t12 = t1 - t2;
  let o0 = input[at + 7 * step];
  let o1 = input[at + 5 * step];
  let o2 = input[at + 3 * step];
  let o3 = input[at + step];
  z1 = o0 + o3;
  z2 = o1 + o2;
  z3 = o0 + o2;
  let z4 = o1 + o3;
  const z5 = (z3 + z4) * 9633;
  o0 *= 2446;
  o1 *= 16819;
  o2 *= 25172;
  o3 *= 12299;
  z1 *= -7373;
  z2 *= -20995;
  z3 = z3 * -16069 + z5;
  z4 = z4 * -3196 + z5;
  o0 += z1 + z3;
  o1 += z2 + z4;
  o2 += z2 + z3;
  o3 += z1 + z4;
  const round = 1 << (shift - 1);
  const values = [t10 + o3, t11 + o2, t12 + o1, t13 + o0, t13 - o0, t12 - o1, t11 - o2, t10 - o3];
  for (let k = 0; k < 8; k++) {
    let value = (values[k] + round) >> shift;
    if (limit) {
      // jdmaster.c's table: x + CENTERJSAMPLE clamped, with x wrapped into [−2(MAX+1), 2(MAX+1)).
      value = ((value + 2 * (maxSample + 1)) & rangeMask) - 2 * (maxSample + 1) + centre;
      value = value < 0 ? 0 : Math.min(value, maxSample);
    }
    output[outAt + k * outStep] = value;
  }
}
