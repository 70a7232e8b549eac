// Stored samples → values (toValues: typed fast paths, rescale; ybrToRgb) and the native layouts that
// are not "one sample per value": 1-bit packed data, YBR_FULL_422 (two luminance samples share one
// Cb/Cr pair) and PALETTE COLOR (indices into red/green/blue LUTs, plain or segmented). Each follows
// pydicom's reading of PS3.3/PS3.5, so values agree with it.
import type { DataSet } from 'dicom-parser';
import { ImagingError } from './errors.js';

/** 1-bit packed pixels (PS3.5 8.1.1: least significant bit first; frames are not byte-aligned) → one byte (0/1) each. */
export function unpackBits(packed: Uint8Array, firstBit: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let index = 0; index < count; index++) {
    const bit = firstBit + index;
    out[index] = (packed[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}

/** Native YBR_FULL_422 (Y1 Y2 Cb Cr per two pixels) → interleaved Y Cb Cr per pixel, chroma repeated as pydicom does. */
export function upsampleYbr422(raw: Uint8Array, rows: number, columns: number, bitsAllocated: number): Uint8Array {
  const bytes = bitsAllocated / 8;
  const pairs = (rows * columns) / 2;
  const out = new Uint8Array(rows * columns * 3 * bytes);
  for (let pair = 0; pair < pairs; pair++) {
    const source = pair * 4 * bytes;
    const target = pair * 6 * bytes;
    for (let b = 0; b < bytes; b++) {
      const y1 = raw[source + b];
      const y2 = raw[source + bytes + b];
      const cb = raw[source + 2 * bytes + b];
      const cr = raw[source + 3 * bytes + b];
      out[target + b] = y1;
      out[target + bytes + b] = cb;
      out[target + 2 * bytes + b] = cr;
      out[target + 3 * bytes + b] = y2;
      out[target + 4 * bytes + b] = cb;
      out[target + 5 * bytes + b] = cr;
    }
  }
  return out;
}

export interface Palette {
  entries: number;
  firstMapped: number;
  /** Bits per LUT entry (the descriptor's third value): 8 or 16. */
  bits: number;
  red: Uint16Array;
  green: Uint16Array;
  blue: Uint16Array;
}

const COLOURS = [
  ['red', 'x00281101', 'x00281201', 'x00281221'],
  ['green', 'x00281102', 'x00281202', 'x00281222'],
  ['blue', 'x00281103', 'x00281203', 'x00281223'],
] as const;

/** Reads the Palette Color Lookup Table module (plain or segmented LUT data). Missing or odd tables → ImagingError. */
export function readPalette(dataSet: DataSet, file: string): Palette {
  const [, redDescriptor] = COLOURS[0];
  if (!dataSet.elements[redDescriptor])
    throw new ImagingError(file, 'PALETTE COLOR image without a Red Palette Color LUT Descriptor (0028,1101)');
  const entries = dataSet.uint16(redDescriptor, 0) || 65536;
  const firstMapped = dataSet.uint16(redDescriptor, 1) ?? 0;
  const bits = dataSet.uint16(redDescriptor, 2) ?? 16;
  if (bits !== 8 && bits !== 16)
    throw new ImagingError(file, `palette LUT entries of ${bits} bits (0028,1101 third value; 8 or 16 expected)`);
  const luts: Uint16Array[] = COLOURS.map(([name, , dataTag, segmentedTag]) => {
    const element = dataSet.elements[dataTag];
    if (element) {
      // pydicom's rule: the entry size is the data length over the entry count (8-bit entries may sit in OW).
      const bytesPerEntry = element.length >= 2 * entries ? 2 : 1;
      const lut = new Uint16Array(entries);
      if (element.length < entries * bytesPerEntry)
        throw new ImagingError(file, `${name} palette LUT data holds ${element.length} bytes for ${entries} entries`);
      for (let index = 0; index < entries; index++)
        lut[index] =
          bytesPerEntry === 2 ? (dataSet.uint16(dataTag, index) ?? 0) : dataSet.byteArray[element.dataOffset + index];
      return lut;
    }
    const segmented = dataSet.elements[segmentedTag];
    if (!segmented)
      throw new ImagingError(file, `PALETTE COLOR image without ${name} palette LUT data (${dataTag.slice(1)})`);
    const words: number[] = [];
    const size = bits === 8 ? 1 : 2;
    for (let index = 0; index < Math.floor(segmented.length / size); index++)
      words.push(
        size === 2 ? (dataSet.uint16(segmentedTag, index) ?? 0) : dataSet.byteArray[segmented.dataOffset + index],
      );
    return Uint16Array.from(expandSegmentedLut(words, file, name));
  });
  if (luts.some((lut) => lut.length !== luts[0].length))
    throw new ImagingError(file, 'palette LUTs differ in length (red, green, blue)');
  return { entries: Math.min(entries, luts[0].length), firstMapped, bits, red: luts[0], green: luts[1], blue: luts[2] };
}

/** Segmented palette (PS3.3 C.7.9.2): discrete (0), linear (1) and indirect (2) segments, as pydicom expands them. */
function expandSegmentedLut(data: number[], file: string, name: string, limit = Infinity, last?: number): number[] {
  const lut: number[] = [];
  let offset = 0;
  let segments = 0;
  while (offset < data.length && segments < limit) {
    const opcode = data[offset];
    const length = data[offset + 1];
    offset += 2;
    if (opcode === 0) {
      lut.push(...data.slice(offset, offset + length));
      offset += length;
    } else if (opcode === 1) {
      const y0 = lut.length ? lut[lut.length - 1] : last;
      if (y0 === undefined) throw new ImagingError(file, `${name} segmented palette starts with a linear segment`);
      const y1 = data[offset++];
      if (y0 === y1 || length === 1) for (let k = 0; k < length; k++) lut.push(y1);
      else {
        // numpy.around(numpy.linspace(y0 + step, y1, length)): round half to even.
        const step = (y1 - y0) / length;
        const start = y0 + step;
        const delta = (y1 - start) / (length - 1);
        for (let k = 0; k < length; k++) lut.push(roundHalfEven(k === length - 1 ? y1 : start + k * delta));
      }
    } else if (opcode === 2) {
      if (!lut.length) throw new ImagingError(file, `${name} segmented palette starts with an indirect segment`);
      const at = (data[offset + 1] << 16) | data[offset];
      offset += 2;
      lut.push(...expandSegmentedLut(data.slice(at), file, name, length, lut[lut.length - 1]));
    } else throw new ImagingError(file, `${name} segmented palette has an unknown segment type ${opcode}`);
    segments++;
  }
  return lut;
}

const roundHalfEven = (value: number): number => {
  const floor = Math.floor(value);
  const diff = value - floor;
  return diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
};

/** Palette indices (unsigned, bitsAllocated 8 or 16) → interleaved RGB LUT values (clipped to the table as pydicom does). */
export function paletteToRgb(
  raw: Uint8Array,
  pixels: number,
  bitsAllocated: number,
  bigEndian: boolean,
  palette: Palette,
): Float32Array {
  const out = new Float32Array(pixels * 3);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const last = palette.entries - 1;
  for (let index = 0; index < pixels; index++) {
    const value = bitsAllocated === 8 ? raw[index] : view.getUint16(index * 2, !bigEndian);
    const entry = value < palette.firstMapped ? 0 : Math.min(value - palette.firstMapped, last);
    out[index * 3] = palette.red[entry];
    out[index * 3 + 1] = palette.green[entry];
    out[index * 3 + 2] = palette.blue[entry];
  }
  return out;
}

/** Stored samples → modality values (× slope + intercept), interleaved; masks unused high bits, extends the sign. */
export function toValues(
  raw: Uint8Array,
  pixels: number,
  samples: number,
  bitsAllocated: number,
  bitsStored: number,
  signed: 0 | 1,
  bigEndian: boolean,
  byPlane: boolean,
  slope: number,
  intercept: number,
): Float32Array {
  const count = pixels * samples;
  const out = new Float32Array(count);
  const hostLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (!byPlane && (bitsAllocated === 8 || bigEndian !== hostLittle)) {
    // Fast path: a typed view straight on the decoded bytes (copied only when unaligned) and one
    // multiply-add per sample; unused high bits are masked and the sign extended in integer arithmetic.
    const bytesPerSample = bitsAllocated / 8;
    const aligned =
      raw.byteOffset % bytesPerSample === 0 ? raw : new Uint8Array(raw.subarray(0, count * bytesPerSample)); // Buffer#slice would not copy
    const masked = bitsStored < bitsAllocated;
    const Ctor =
      bitsAllocated === 8
        ? signed && !masked
          ? Int8Array
          : Uint8Array
        : bitsAllocated === 16
          ? signed && !masked
            ? Int16Array
            : Uint16Array
          : signed && !masked
            ? Int32Array
            : Uint32Array;
    const typed = new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, count);
    if (!masked) {
      if (slope === 1) for (let index = 0; index < count; index++) out[index] = typed[index] + intercept;
      else for (let index = 0; index < count; index++) out[index] = typed[index] * slope + intercept;
      return out;
    }
    const mask = 2 ** bitsStored - 1;
    const signBit = signed ? 2 ** (bitsStored - 1) : 0;
    // (v & mask) ^ signBit − signBit sign-extends a bitsStored-bit two's-complement value (identity when unsigned).
    for (let index = 0; index < count; index++)
      out[index] = (((typed[index] & mask) ^ signBit) - signBit) * slope + intercept;
    return out;
  }
  const data = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const bytes = bitsAllocated / 8;
  const storedMask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  const full = 2 ** bitsStored;
  for (let index = 0; index < count; index++) {
    // Interleaved target index; by-plane sources are read plane after plane.
    const source = byPlane ? (index % samples) * pixels + Math.floor(index / samples) : index;
    let value =
      bytes === 1
        ? raw[source]
        : bytes === 2
          ? data.getUint16(source * 2, !bigEndian)
          : data.getUint32(source * 4, !bigEndian);
    if (bitsStored < bitsAllocated) value = bitsStored >= 32 ? value : value % (storedMask + 1);
    if (signed && value >= signBit) value -= full;
    out[index] = value * slope + intercept;
  }
  return out;
}

/** YBR_FULL → RGB (PS3.3 C.7.6.3.1.2), rounded half up and clamped to 0..255 as pydicom's convert_color_space does. */
export function ybrToRgb(values: Float32Array): void {
  const clamp = (value: number) => (value <= 0 ? 0 : value >= 255 ? 255 : Math.floor(value + 0.5));
  for (let index = 0; index + 2 < values.length; index += 3) {
    const y = values[index];
    const cb = values[index + 1] - 128;
    const cr = values[index + 2] - 128;
    values[index] = clamp(y + 1.402 * cr);
    values[index + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    values[index + 2] = clamp(y + 1.772 * cb);
  }
}
