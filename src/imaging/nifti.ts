// NIfTI-1/2 (.nii, .nii.gz) with nifti-reader-js: header checks with clear errors, values scaled
// by scl_slope/scl_inter, spacing in mm, orientation codes from the affine (nibabel's axcodes:
// the letter is where the voxel index increases towards, e.g. 'RAS'), and slices in radiological
// display (axial/coronal: image right = patient LEFT; axial: image top = anterior).
import { gunzipSync, gzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { ImagingError } from './errors.js';
import { readImageFile } from './image.js';

export interface Volume {
  file: string;
  /** Voxels along i, j, k. */
  dims: [number, number, number];
  /** Volumes in the file (4th dimension); `data` holds the one at `volumeIndex`. */
  volumes: number;
  volumeIndex: number;
  /** Voxel size in mm along i, j, k. */
  spacing: [number, number, number];
  /** 4×4 voxel → world (RAS+ mm). */
  affine: number[][];
  /** Axis codes such as 'RAS', 'LAS', 'LPS'. */
  orientation: string;
  datatype: string;
  description: string;
  /** Scaled values, i fastest, then j, then k. */
  data: Float32Array;
}

const DATATYPES: Record<number, [string, number]> = {
  2: ['uint8', 1],
  4: ['int16', 2],
  8: ['int32', 4],
  16: ['float32', 4],
  64: ['float64', 8],
  256: ['int8', 1],
  512: ['uint16', 2],
  768: ['uint32', 4],
};

/** Reads a .nii or .nii.gz file (4-D files: the first volume unless `volume` is given). */
export async function readNifti(path: string, options: { volume?: number } = {}): Promise<Volume> {
  return decodeNifti(await readImageFile(path), path, options);
}

export function decodeNifti(bytes: Uint8Array, file = '<NIfTI bytes>', options: { volume?: number } = {}): Volume {
  let buffer: ArrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const plain = gunzipSync(bytes); // zlib is several times faster than the library's JS inflate
      buffer = plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength) as ArrayBuffer;
    }
  } catch (error) {
    throw new ImagingError(file, `cannot gunzip: ${(error as Error).message} (file truncated?)`, { cause: error });
  }
  if (buffer.byteLength < 348)
    throw new ImagingError(file, `bad NIfTI header: ${buffer.byteLength} bytes, a NIfTI-1 header alone is 348`);
  const head = new DataView(buffer);
  const sizeofLe = head.getInt32(0, true);
  const sizeofBe = head.getInt32(0, false);
  if (![348, 540].includes(sizeofLe) && ![348, 540].includes(sizeofBe)) {
    throw new ImagingError(
      file,
      `bad NIfTI header: sizeof_hdr is ${sizeofLe} (expected 348 for NIfTI-1 or 540 for NIfTI-2, either byte order)`,
    );
  }
  if (!nifti.isNIFTI(buffer)) {
    throw new ImagingError(
      file,
      `bad NIfTI header: the magic is not "n+1", "ni1" or "n+2" (a plain Analyze 7.5 file?)`,
    );
  }
  let header: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    header = nifti.readHeader(buffer);
  } catch (error) {
    throw new ImagingError(file, `bad NIfTI header: ${(error as Error).message}`, { cause: error });
  }
  const rank = header.dims[0];
  if (!(rank >= 1 && rank <= 7)) throw new ImagingError(file, `bad NIfTI header: dim[0] = ${rank}, must be 1…7`);
  const [nx, ny, nz] = [1, 2, 3].map((axis) => (axis <= rank ? header.dims[axis] : 1));
  const volumes = rank >= 4 ? header.dims.slice(4, rank + 1).reduce((a, b) => a * Math.max(1, b), 1) : 1;
  if (!(nx > 0 && ny > 0 && nz > 0)) throw new ImagingError(file, `image has zero size (${nx}×${ny}×${nz})`);
  const type = DATATYPES[header.datatypeCode];
  if (!type)
    throw new ImagingError(
      file,
      `NIfTI datatype ${header.datatypeCode} (${header.getDatatypeCodeString(header.datatypeCode)}) is not supported`,
    );
  const [datatype, bytesPer] = type;
  const volumeIndex = options.volume ?? 0;
  if (volumeIndex < 0 || volumeIndex >= volumes)
    throw new ImagingError(file, `volume ${volumeIndex} is outside 0…${volumes - 1}`);
  const voxels = nx * ny * nz;
  if (('isHDR' in header && header.isHDR) || /^ni[12]/.test(header.magic))
    throw new ImagingError(file, 'a .hdr/.img pair header: medkit reads single-file .nii/.nii.gz only');
  const offset = Math.max(header.vox_offset, 348) + volumeIndex * voxels * bytesPer;
  if (offset + voxels * bytesPer > buffer.byteLength) {
    throw new ImagingError(
      file,
      `image data ends at byte ${buffer.byteLength}, ${nx}×${ny}×${nz} ${datatype} voxels need ${offset + voxels * bytesPer} (file truncated?)`,
    );
  }
  const slope = header.scl_slope && Number.isFinite(header.scl_slope) ? header.scl_slope : 1;
  const intercept = header.scl_slope && Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  const little = header.littleEndian;
  const data = new Float32Array(voxels);
  const CTORS = {
    uint8: Uint8Array,
    int8: Int8Array,
    int16: Int16Array,
    uint16: Uint16Array,
    int32: Int32Array,
    uint32: Uint32Array,
    float32: Float32Array,
    float64: Float64Array,
  };
  const hostLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (little === hostLittle || bytesPer === 1) {
    // Host byte order: one typed view over an aligned copy, then one pass (or a plain copy).
    const typed = new CTORS[datatype as keyof typeof CTORS](buffer.slice(offset, offset + voxels * bytesPer));
    if (slope === 1 && intercept === 0) data.set(typed);
    else for (let index = 0; index < voxels; index++) data[index] = typed[index] * slope + intercept;
  } else {
    const view = new DataView(buffer, offset, voxels * bytesPer);
    const read: (at: number) => number =
      datatype === 'int16'
        ? (at) => view.getInt16(at * 2, little)
        : datatype === 'uint16'
          ? (at) => view.getUint16(at * 2, little)
          : datatype === 'int32'
            ? (at) => view.getInt32(at * 4, little)
            : datatype === 'uint32'
              ? (at) => view.getUint32(at * 4, little)
              : datatype === 'float32'
                ? (at) => view.getFloat32(at * 4, little)
                : (at) => view.getFloat64(at * 8, little);
    for (let index = 0; index < voxels; index++) data[index] = read(index) * slope + intercept;
  }
  const units = header.xyzt_units & 0x07; // 1 metre, 2 mm, 3 micron
  const toMm = units === 1 ? 1000 : units === 3 ? 0.001 : 1;
  const spacing = [1, 2, 3].map((axis) => Math.abs(header.pixDims[axis] || 1) * toMm) as [number, number, number];
  const affine = header.affine.map((row) => [...row]);
  return {
    file,
    dims: [nx, ny, nz],
    volumes,
    volumeIndex,
    spacing,
    affine,
    orientation: axisCodes(affine),
    datatype,
    description: (header.description ?? '').replace(/\0/g, '').trim(),
    data,
  };
}

/** nibabel-style axis codes: for each voxel axis, the world direction (RAS+) it mostly runs along. */
export function axisCodes(affine: number[][]): string {
  const letters = [
    ['L', 'R'],
    ['P', 'A'],
    ['I', 'S'],
  ];
  const used = new Set<number>();
  let codes = '';
  for (let axis = 0; axis < 3; axis++) {
    let best = -1;
    let bestValue = 0;
    for (let world = 0; world < 3; world++) {
      if (used.has(world)) continue;
      const value = affine[world][axis];
      if (Math.abs(value) > Math.abs(bestValue) || best < 0) [best, bestValue] = [world, value];
    }
    used.add(best);
    codes += letters[best][bestValue >= 0 ? 1 : 0];
  }
  return codes;
}

export type Plane = 'axial' | 'coronal' | 'sagittal';

export interface VolumeSlice {
  width: number;
  height: number;
  values: Float32Array;
  /** Index along the plane's axis, in stored voxel order, and how many there are. */
  index: number;
  count: number;
  /** Pixel size [column, row] in mm. */
  spacing: [number, number];
}

// For each plane: the world axis held fixed, then [world axis, direction] for columns and for rows.
// Directions: +1 means index increases towards R / A / S. Radiological display.
const PLANES: Record<Plane, { fixed: number; columns: [number, number]; rows: [number, number] }> = {
  axial: { fixed: 2, columns: [0, -1], rows: [1, -1] }, // columns → patient left, rows → posterior
  coronal: { fixed: 1, columns: [0, -1], rows: [2, -1] }, // columns → patient left, rows → inferior
  sagittal: { fixed: 0, columns: [1, -1], rows: [2, -1] }, // columns → posterior, rows → inferior
};

function voxelAxisOf(volume: Volume, world: number): { axis: number; sign: number } {
  const codes = volume.orientation;
  const letters = ['LR', 'PA', 'IS'][world];
  for (let axis = 0; axis < 3; axis++) {
    const at = letters.indexOf(codes[axis]);
    if (at >= 0) return { axis, sign: at === 1 ? 1 : -1 };
  }
  throw new ImagingError(volume.file, `orientation ${codes} has no axis along ${letters}`);
}

export function sliceCount(volume: Volume, plane: Plane): number {
  return volume.dims[voxelAxisOf(volume, PLANES[plane].fixed).axis];
}

/** One slice, reoriented for display (nearest axis; oblique volumes are not resampled). */
export function volumeSlice(volume: Volume, plane: Plane, index: number): VolumeSlice {
  const spec = PLANES[plane];
  const fixed = voxelAxisOf(volume, spec.fixed);
  const col = voxelAxisOf(volume, spec.columns[0]);
  const row = voxelAxisOf(volume, spec.rows[0]);
  const count = volume.dims[fixed.axis];
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new ImagingError(volume.file, `${plane} slice ${index} is outside 0…${count - 1}`);
  const width = volume.dims[col.axis];
  const height = volume.dims[row.axis];
  const strides = [1, volume.dims[0], volume.dims[0] * volume.dims[1]];
  const values = new Float32Array(width * height);
  const flipCol = col.sign !== spec.columns[1];
  const flipRow = row.sign !== spec.rows[1];
  for (let r = 0; r < height; r++) {
    const vr = flipRow ? height - 1 - r : r;
    for (let c = 0; c < width; c++) {
      const vc = flipCol ? width - 1 - c : c;
      values[r * width + c] =
        volume.data[index * strides[fixed.axis] + vr * strides[row.axis] + vc * strides[col.axis]];
    }
  }
  return { width, height, values, index, count, spacing: [volume.spacing[col.axis], volume.spacing[row.axis]] };
}

/** Minimal NIfTI-1 writer (single file, little endian unless `bigEndian`, sform = qform = diagonal affine unless given). */
export function encodeNifti(
  data: Int16Array | Uint8Array | Float32Array,
  dims: [number, number, number],
  spacing: [number, number, number],
  options: { affine?: number[][]; gzip?: boolean; description?: string; bigEndian?: boolean } = {},
): Uint8Array {
  const [code, bitpix] = data instanceof Int16Array ? [4, 16] : data instanceof Uint8Array ? [2, 8] : [16, 32];
  if (data.length !== dims[0] * dims[1] * dims[2])
    throw new ImagingError('encodeNifti', `data has ${data.length} voxels, dims say ${dims.join('×')}`);
  const le = !options.bigEndian;
  const header = new DataView(new ArrayBuffer(352));
  header.setInt32(0, 348, le);
  header.setInt16(40, 3, le);
  dims.forEach((size, axis) => header.setInt16(42 + 2 * axis, size, le));
  for (let axis = 4; axis <= 7; axis++) header.setInt16(40 + 2 * axis, 1, le);
  header.setInt16(70, code, le);
  header.setInt16(72, bitpix, le);
  header.setFloat32(76, 1, le);
  spacing.forEach((size, axis) => header.setFloat32(80 + 4 * axis, size, le));
  header.setFloat32(108, 352, le);
  header.setFloat32(112, 1, le); // scl_slope
  header.setUint8(123, 2 | 8); // mm, s
  const description = (options.description ?? 'medkit').slice(0, 79);
  for (let i = 0; i < description.length; i++) header.setUint8(148 + i, description.charCodeAt(i) & 0x7f);
  const affine = options.affine ?? [
    [spacing[0], 0, 0, 0],
    [0, spacing[1], 0, 0],
    [0, 0, spacing[2], 0],
  ];
  header.setInt16(252, 0, le); // qform_code unknown: sform carries the geometry
  header.setInt16(254, 2, le); // sform_code aligned
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) header.setFloat32(280 + (r * 4 + c) * 4, affine[r][c], le);
  [0x6e, 0x2b, 0x31, 0].forEach((byte, i) => header.setUint8(344 + i, byte));
  let body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const width = data.BYTES_PER_ELEMENT;
  if (!le && width > 1) {
    body = new Uint8Array(body);
    for (let at = 0; at < body.length; at += width) body.subarray(at, at + width).reverse();
  }
  const out = new Uint8Array(352 + body.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(body, 352);
  return options.gzip ? new Uint8Array(gzipSync(out)) : out;
}
