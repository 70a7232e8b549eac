// DICOM → modality values. Parsing with dicom-parser; pixels: native (little/big endian,
// deflated), RLE Lossless (by hand) and JPEG Baseline (sharp). Values are rescaled with slope and
// intercept (HU for CT); rendering applies a window and MONOCHROME1 inversion (renderDicomFrame).
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { ImagingError, UnsupportedTransferSyntaxError } from './errors.js';
import { readImageFile } from './image.js';
import {
  decodeJpegBaselineFrame,
  decodeJpegExtendedFrame,
  decodeJpegLosslessFrame,
  decodeRleFrame,
  decodeWasmFrame,
  transferSyntax,
} from './dicom-codecs.js';
import { paletteToRgb, readPalette, toValues, unpackBits, upsampleYbr422, ybrToRgb } from './dicom-pixels.js';
import type { Raster } from './raster.js';
import { applyWindow, resolveWindow, windowLabel, type Window, type WindowChoice } from './windowing.js';

export interface DicomImage {
  file: string;
  transferSyntaxUid: string;
  transferSyntaxName: string;
  modality: string;
  sopClassUid?: string;
  seriesInstanceUid?: string;
  seriesDescription?: string;
  bodyPart?: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** Windows stored in the file (first is the default), in modality units. */
  windows: Window[];
  /** [row spacing, column spacing] in mm. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  imagePosition?: [number, number, number];
  imageOrientation?: [number, number, number, number, number, number];
  instanceNumber?: number;
  sliceLocation?: number;
  /** PALETTE COLOR: bits per LUT entry (8 or 16); frameValues then hold the LUT's RGB values, and samplesPerPixel is 3. */
  paletteBits?: number;
  /** Modality values (stored × slope + intercept) per frame, rows × columns × samples, interleaved; RGB for colour. */
  frameValues: Float32Array[];
}

const TAG = {
  transferSyntax: 'x00020010',
  sopClass: 'x00080016',
  modality: 'x00080060',
  seriesDescription: 'x0008103e',
  bodyPart: 'x00180015',
  sliceThickness: 'x00180050',
  series: 'x0020000e',
  instance: 'x00200013',
  position: 'x00200032',
  orientation: 'x00200037',
  sliceLocation: 'x00201041',
  samples: 'x00280002',
  photometric: 'x00280004',
  planar: 'x00280006',
  frames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  spacing: 'x00280030',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  intercept: 'x00281052',
  slope: 'x00281053',
  pixelData: 'x7fe00010',
  floatPixelData: 'x7fe00008',
  doublePixelData: 'x7fe00009',
} as const;

const problemOf = (error: unknown): string => {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'exception' in error)
    return String((error as { exception: unknown }).exception);
  return error instanceof Error ? error.message : String(error);
};

/** Parses the data set; a file without the 128-byte preamble + "DICM" is read as raw Implicit VR Little Endian. */
export function parseDicomDataSet(bytes: Uint8Array, file: string): DataSet {
  if (bytes.byteLength === 0) throw new ImagingError(file, 'file is empty (0 bytes)');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasPreamble = buffer.length >= 132 && buffer.toString('latin1', 128, 132) === 'DICM';
  // A raw data set (no preamble) must start with a group 0002/0008 tag; anything else is not DICOM.
  if (!hasPreamble && !(buffer.length >= 8 && [0x0002, 0x0008].includes(buffer.readUInt16LE(0)))) {
    throw new ImagingError(
      file,
      buffer.length < 132
        ? `not a DICOM file (${buffer.length} bytes, no "DICM" marker; truncated?)`
        : 'not a DICOM file (no "DICM" marker at byte 128)',
    );
  }
  try {
    return hasPreamble
      ? dicomParser.parseDicom(buffer)
      : dicomParser.parseDicom(buffer, { TransferSyntaxUID: '1.2.840.10008.1.2' });
  } catch (error) {
    const problem = problemOf(error);
    const truncated = /past end|overrun|overread|beyond|end of buffer|exceeds/i.test(problem);
    throw new ImagingError(
      file,
      hasPreamble
        ? `corrupt DICOM${truncated ? ' (file truncated?)' : ''}: ${problem}`
        : `not a DICOM file (no "DICM" marker at byte 128, and not a raw data set): ${problem}`,
      { cause: error },
    );
  }
}

const numbers = (dataSet: DataSet, tag: string): number[] => {
  const count = dataSet.numStringValues(tag) ?? 0;
  const out: number[] = [];
  for (let index = 0; index < count; index++) {
    const value = dataSet.floatString(tag, index);
    if (value !== undefined && Number.isFinite(value)) out.push(value);
  }
  return out;
};

/** Reads and decodes every frame. Throws ImagingError naming the file for any problem. */
export async function decodeDicom(bytes: Uint8Array, file = '<DICOM bytes>'): Promise<DicomImage> {
  const dataSet = parseDicomDataSet(bytes, file);
  const tsUid = (dataSet.string(TAG.transferSyntax) ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim();
  const syntax = transferSyntax(tsUid);
  const pixelElement = dataSet.elements[TAG.pixelData];
  if (!pixelElement) {
    if (dataSet.elements[TAG.floatPixelData] || dataSet.elements[TAG.doublePixelData])
      throw new ImagingError(file, 'float pixel data (7FE0,0008/0009) is not supported');
    throw new ImagingError(
      file,
      'no pixel data (7FE0,0010): not an image object (structured report, presentation state...?)',
    );
  }
  if (syntax.encoding === 'unsupported') throw new UnsupportedTransferSyntaxError(file, syntax.uid, syntax.name);
  const rows = dataSet.uint16(TAG.rows) ?? 0;
  const columns = dataSet.uint16(TAG.columns) ?? 0;
  if (rows === 0 || columns === 0)
    throw new ImagingError(file, `image has zero size (rows ${rows}, columns ${columns})`);
  const samplesPerPixel = dataSet.uint16(TAG.samples) ?? 1;
  const photometric = (dataSet.string(TAG.photometric) ?? (samplesPerPixel === 1 ? 'MONOCHROME2' : 'RGB')).trim();
  const bitsAllocated = dataSet.uint16(TAG.bitsAllocated) ?? 16;
  const bitsStored = dataSet.uint16(TAG.bitsStored) ?? bitsAllocated;
  const pixelRepresentation = (dataSet.uint16(TAG.pixelRepresentation) ?? 0) === 1 ? 1 : 0;
  const frames = Math.max(1, dataSet.intString(TAG.frames) ?? 1);
  const planar = dataSet.uint16(TAG.planar) ?? 0;
  if (![1, 8, 16, 32].includes(bitsAllocated))
    throw new ImagingError(file, `${bitsAllocated} bits allocated is not supported (1, 8, 16 or 32)`);
  if (bitsAllocated === 1 && (syntax.encoding !== 'native' || samplesPerPixel !== 1))
    throw new ImagingError(file, '1-bit pixel data is supported uncompressed and single-sample only');
  const palette = photometric === 'PALETTE COLOR' ? readPalette(dataSet, file) : undefined;
  const slope = dataSet.floatString(TAG.slope) ?? 1;
  const intercept = dataSet.floatString(TAG.intercept) ?? 0;
  const centres = numbers(dataSet, TAG.windowCenter);
  const widths = numbers(dataSet, TAG.windowWidth);
  const windows = centres
    .slice(0, widths.length)
    .map((center, index) => ({ center, width: widths[index] }))
    .filter((w) => w.width >= 1);

  // Native YBR_FULL_422 stores two luminance samples per Cb/Cr pair (PS3.3 C.7.6.3.1.2): 2/3 of the full size.
  const ybr422 = photometric === 'YBR_FULL_422' && samplesPerPixel === 3 && syntax.encoding === 'native';
  const frameBytes = ybr422
    ? (rows * columns * 2 * bitsAllocated) / 8
    : bitsAllocated === 1
      ? (rows * columns) / 8
      : rows * columns * samplesPerPixel * (bitsAllocated / 8);
  const rawFrames: Uint8Array[] = [];
  const view = dataSet.byteArray as Uint8Array;
  if (syntax.encoding === 'native') {
    const needed = Math.ceil(frameBytes * frames);
    const available = Math.min(pixelElement.length, view.length - pixelElement.dataOffset);
    if (available < needed) {
      const layout = ybr422
        ? `${rows}×${columns}×2 (YBR_FULL_422: Y Y Cb Cr per two pixels)×${bitsAllocated / 8}`
        : bitsAllocated === 1
          ? `${rows}×${columns} bits (1-bit packed)`
          : `${rows}×${columns}×${samplesPerPixel}×${bitsAllocated / 8}`;
      throw new ImagingError(
        file,
        `pixel data holds ${Math.max(0, available)} bytes, ${layout}×${frames} frames needs ${needed} (file truncated?)`,
      );
    }
    const all = view.subarray(pixelElement.dataOffset, pixelElement.dataOffset + needed);
    for (let frame = 0; frame < frames; frame++)
      rawFrames.push(
        bitsAllocated === 1
          ? unpackBits(all, frame * rows * columns, rows * columns)
          : ybr422
            ? upsampleYbr422(all.subarray(frame * frameBytes, (frame + 1) * frameBytes), rows, columns, bitsAllocated)
            : all.subarray(frame * frameBytes, (frame + 1) * frameBytes),
      );
  } else {
    for (let frame = 0; frame < frames; frame++) {
      const encoded = encapsulatedFrame(dataSet, pixelElement, frame, frames, file);
      rawFrames.push(
        syntax.encoding === 'rle'
          ? decodeRleFrame(file, encoded, rows, columns, samplesPerPixel, bitsAllocated)
          : syntax.encoding === 'jpeg-baseline'
            ? await decodeJpegBaselineFrame(file, encoded, rows, columns, samplesPerPixel)
            : syntax.encoding === 'jpeg-extended'
              ? await decodeJpegExtendedFrame(file, encoded, rows, columns, samplesPerPixel, bitsAllocated)
              : syntax.encoding === 'jpeg-lossless'
                ? decodeJpegLosslessFrame(file, encoded, rows, columns, samplesPerPixel, bitsAllocated)
                : await decodeWasmFrame(
                    file,
                    syntax.encoding as 'jpeg-ls' | 'jpeg2000',
                    encoded,
                    rows,
                    columns,
                    samplesPerPixel,
                    bitsAllocated,
                  ),
      );
    }
  }
  const bigEndian = syntax.uid === '1.2.840.10008.1.2.2' && syntax.encoding === 'native';
  // Decoders interleave; native data follows Planar Configuration (YBR_FULL_422 is always interleaved).
  const byPlane = samplesPerPixel > 1 && planar === 1 && syntax.encoding === 'native' && !ybr422;
  const effectiveBits = syntax.encoding === 'jpeg-baseline' ? 8 : bitsAllocated === 1 ? 8 : bitsAllocated;
  const frameValues = rawFrames.map((raw) =>
    palette
      ? paletteToRgb(raw, rows * columns, effectiveBits, bigEndian, palette)
      : toValues(
          raw,
          rows * columns,
          samplesPerPixel,
          effectiveBits,
          syntax.encoding === 'jpeg-baseline' || bitsAllocated === 1 ? 8 : bitsStored,
          pixelRepresentation,
          bigEndian,
          byPlane,
          slope,
          intercept,
        ),
  );
  // libjpeg (sharp) already returns RGB for lossy JPEG; everything else stored as YBR_FULL(_422) is converted here.
  const lossyJpeg = syntax.encoding === 'jpeg-baseline' || (syntax.encoding === 'jpeg-extended' && bitsAllocated === 8);
  if (samplesPerPixel === 3 && (photometric === 'YBR_FULL' || ybr422) && !lossyJpeg) frameValues.forEach(ybrToRgb);

  const spacing = numbers(dataSet, TAG.spacing);
  const position = numbers(dataSet, TAG.position);
  const orientation = numbers(dataSet, TAG.orientation);
  const text = (tag: string) => dataSet.string(tag)?.trim() || undefined;
  return {
    file,
    transferSyntaxUid: syntax.uid,
    transferSyntaxName: syntax.name,
    modality: text(TAG.modality) ?? 'OT',
    sopClassUid: text(TAG.sopClass),
    seriesInstanceUid: text(TAG.series),
    seriesDescription: text(TAG.seriesDescription),
    bodyPart: text(TAG.bodyPart),
    rows,
    columns,
    frames,
    samplesPerPixel: palette ? 3 : samplesPerPixel,
    photometric,
    paletteBits: palette?.bits,
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    rescaleSlope: slope,
    rescaleIntercept: intercept,
    windows,
    pixelSpacing: spacing.length >= 2 ? [spacing[0], spacing[1]] : undefined,
    sliceThickness: dataSet.floatString(TAG.sliceThickness),
    imagePosition: position.length === 3 ? [position[0], position[1], position[2]] : undefined,
    imageOrientation: orientation.length === 6 ? (orientation as DicomImage['imageOrientation']) : undefined,
    instanceNumber: dataSet.intString(TAG.instance),
    sliceLocation: dataSet.floatString(TAG.sliceLocation),
    frameValues,
  };
}

/** Reads a DICOM file from disk (missing, empty, truncated or corrupt files → ImagingError naming it). */
export async function readDicom(path: string): Promise<DicomImage> {
  return decodeDicom(await readImageFile(path), path);
}

function encapsulatedFrame(
  dataSet: DataSet,
  element: Element,
  frame: number,
  frames: number,
  file: string,
): Uint8Array {
  const fragments = element.fragments ?? [];
  if (fragments.length === 0)
    throw new ImagingError(file, 'encapsulated pixel data has no fragments (file truncated?)');
  try {
    if (frames === 1)
      return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length) as Uint8Array;
    if ((element.basicOffsetTable ?? []).length > 0)
      return dicomParser.readEncapsulatedImageFrame(dataSet, element, frame) as Uint8Array;
    if (fragments.length === frames)
      return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, frame, 1) as Uint8Array;
    return dicomParser.readEncapsulatedImageFrame(
      dataSet,
      element,
      frame,
      dicomParser.createJPEGBasicOffsetTable(dataSet, element),
    ) as Uint8Array;
  } catch (error) {
    throw new ImagingError(
      file,
      `cannot read frame ${frame + 1} of ${frames} from encapsulated pixel data: ${problemOf(error)}`,
      { cause: error },
    );
  }
}

export interface RenderedFrame {
  raster: Raster;
  window?: Window;
  /** "lung window", "window C40/W400" or "colour" — for labels. */
  windowText: string;
}

/**
 * One frame → 8-bit raster. Grey images are windowed ('dicom' = the file's first window, else
 * auto; or a preset such as 'lung'); MONOCHROME1 (low values shown white) is inverted after
 * windowing so the PNG looks as a reader would see it. Colour frames are passed through.
 */
export function renderDicomFrame(image: DicomImage, frame = 0, window: WindowChoice = 'dicom'): RenderedFrame {
  if (!Number.isInteger(frame) || frame < 0 || frame >= image.frames)
    throw new ImagingError(image.file, `frame ${frame} is outside 0…${image.frames - 1}`);
  const values = image.frameValues[frame];
  if (image.samplesPerPixel === 3) {
    const data = new Uint8Array(values.length);
    // 16-bit palette entries span 0..65535: scaled to 8 bits (÷257).
    const scale = image.paletteBits === 16 ? 1 / 257 : 1;
    for (let index = 0; index < values.length; index++)
      data[index] = Math.max(0, Math.min(255, Math.round(values[index] * scale)));
    return { raster: { width: image.columns, height: image.rows, channels: 3, data }, windowText: 'colour' };
  }
  const resolved = resolveWindow(window, values, image.windows[0]);
  const data = applyWindow(values, resolved, { invert: image.photometric === 'MONOCHROME1' });
  const auto = window === 'auto' || (window === 'dicom' && !image.windows[0]);
  return {
    raster: { width: image.columns, height: image.rows, channels: 1, data },
    window: resolved,
    windowText: `${auto ? 'auto ' : ''}${windowLabel(window, resolved)}`,
  };
}
