// A DICOM series → one Volume (the NIfTI reader's type), so every volume pipeline takes either. Geometry as
// dcm2niix / nibabel place it: slices sorted along the normal of ImageOrientationPatient, voxel i = column
// (along the row cosine, spaced by PixelSpacing[1]), j = row (column cosine, PixelSpacing[0]), k = slice (the step
// between the first and last ImagePositionPatient), LPS patient coordinates turned into the RAS+ affine NIfTI uses.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DicomImage } from './dicom.js';
import { ImagingError } from './errors.js';
import { axisCodes, readNifti, type Volume } from './nifti.js';
import { listDicomFiles, readDicomSeries } from './parts.js';

export interface DicomVolume extends Volume {
  /** The slice files in volume order (k = 0 first). */
  files: string[];
  modality: string;
  /** Fallbacks taken (spacing from SliceThickness, skipped files...), for run notes. */
  notes: string[];
}

const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const cross = (a: number[], b: number[]) => [
  a[1]! * b[2]! - a[2]! * b[1]!,
  a[2]! * b[0]! - a[0]! * b[2]!,
  a[0]! * b[1]! - a[1]! * b[0]!,
];
const short = (file: string) => file.split(/[\\/]/).pop() ?? file;

/**
 * Stacks decoded slices (any order; a single multi-frame file is its frames) into a Volume. Refuses, naming the
 * files: colour images, mixed sizes, orientations or series, slices without position/orientation, two slices at
 * one position, and uneven spacing (a missing slice).
 */
export function dicomSeriesVolume(images: DicomImage[], label = images[0]?.file ?? '<DICOM series>'): DicomVolume {
  if (images.length === 0) throw new ImagingError(label, 'no DICOM slices');
  const notes: string[] = [];
  const first = images[0]!;
  for (const image of images) {
    if (image.seriesInstanceUid !== first.seriesInstanceUid)
      throw new ImagingError(
        image.file,
        `belongs to series ${image.seriesInstanceUid ?? '(none)'}, ${short(first.file)} to ${first.seriesInstanceUid ?? '(none)'}: give one series`,
      );
    if (image.samplesPerPixel !== 1)
      throw new ImagingError(image.file, `is ${image.photometric} (colour): a volume needs greyscale slices`);
    if (image.rows !== first.rows || image.columns !== first.columns)
      throw new ImagingError(
        image.file,
        `is ${image.columns}×${image.rows} but ${short(first.file)} is ${first.columns}×${first.rows}: one series has one slice size`,
      );
    if (image.frames > 1 && images.length > 1)
      throw new ImagingError(image.file, `has ${image.frames} frames: a series of multi-frame files is not supported`);
  }
  const orientation = first.imageOrientation;
  if (!orientation)
    throw new ImagingError(first.file, 'no ImageOrientationPatient (0020,0037): the slices cannot be placed in 3-D');
  const rowCosine = orientation.slice(0, 3);
  const columnCosine = orientation.slice(3, 6);
  const normal = cross(rowCosine, columnCosine);
  for (const image of images) {
    const other = image.imageOrientation;
    if (!other || other.some((value, index) => Math.abs(value - orientation[index]!) > 1e-3))
      throw new ImagingError(
        image.file,
        `ImageOrientationPatient ${other ? `[${other.join(', ')}]` : 'missing'} differs from ${short(first.file)}'s [${orientation.join(', ')}]`,
      );
    if (!image.imagePosition && images.length > 1)
      throw new ImagingError(image.file, 'no ImagePositionPatient (0020,0032): the slice cannot be ordered');
  }
  if (!first.pixelSpacing) notes.push('no PixelSpacing (0028,0030): 1 mm assumed in-plane');
  const [rowSpacing, columnSpacing] = first.pixelSpacing ?? [1, 1];

  const sorted = [...images].sort(
    (a, b) => dot(a.imagePosition ?? [0, 0, 0], normal) - dot(b.imagePosition ?? [0, 0, 0], normal),
  );
  const slices = sorted.length === 1 ? first.frames : sorted.length;
  let step: number[];
  if (sorted.length > 1) {
    const along = sorted.map((image) => dot(image.imagePosition!, normal));
    const gaps = along.slice(1).map((value, index) => value - along[index]!);
    const median = [...gaps].sort((a, b) => a - b)[gaps.length >> 1]!;
    const tolerance = Math.max(0.02, 0.02 * median);
    for (const [index, gap] of gaps.entries()) {
      const [a, b] = [short(sorted[index]!.file), short(sorted[index + 1]!.file)];
      if (gap < tolerance)
        throw new ImagingError(
          label,
          `${a} and ${b} are at the same position (${along[index]!.toFixed(2)} mm along the normal): a duplicate slice or two series mixed`,
        );
      if (Math.abs(gap - median) > tolerance)
        throw new ImagingError(
          label,
          `uneven slice spacing: ${gap.toFixed(2)} mm between ${a} and ${b}, ${median.toFixed(2)} mm elsewhere${gap > median ? ` (about ${Math.round(gap / median) - 1} slice(s) missing?)` : ''}`,
        );
    }
    const [p0, p1] = [sorted[0]!.imagePosition!, sorted[sorted.length - 1]!.imagePosition!];
    step = p0.map((value, axis) => (p1[axis]! - value) / (sorted.length - 1));
  } else {
    const thickness = first.sliceThickness && first.sliceThickness > 0 ? first.sliceThickness : 1;
    notes.push(
      first.frames > 1
        ? `one multi-frame file: per-frame positions are not read, frames stacked along the normal ${thickness} mm apart (SliceThickness${first.sliceThickness ? '' : ' missing, 1 mm assumed'})`
        : `one slice: its depth is SliceThickness (${first.sliceThickness ? `${thickness} mm` : 'missing, 1 mm assumed'})`,
    );
    step = normal.map((value) => value * thickness);
  }
  const origin = first.imagePosition ? sorted[0]!.imagePosition! : [0, 0, 0];
  // Columns of the voxel → LPS matrix; NIfTI's world is RAS+, so x and y change sign.
  const columns = [rowCosine.map((c) => c * columnSpacing), columnCosine.map((c) => c * rowSpacing), step];
  const affine = [0, 1, 2].map((world) => {
    const sign = world < 2 ? -1 : 1;
    return [...columns.map((column) => sign * column[world]! || 0), sign * origin[world]! || 0];
  });
  affine.push([0, 0, 0, 1]);

  const plane = first.rows * first.columns;
  const data = new Float32Array(plane * slices);
  if (sorted.length === 1) first.frameValues.forEach((frame, k) => data.set(frame, k * plane));
  else sorted.forEach((image, k) => data.set(image.frameValues[0]!, k * plane));
  if (first.modality !== 'CT') notes.push(`modality ${first.modality}: values are not Hounsfield units`);
  return {
    file: label,
    dims: [first.columns, first.rows, slices],
    volumes: 1,
    volumeIndex: 0,
    spacing: [columnSpacing, rowSpacing, Math.hypot(step[0]!, step[1]!, step[2]!)],
    affine,
    orientation: axisCodes(affine),
    datatype: 'float32',
    description: first.seriesDescription ?? '',
    data,
    files: sorted.map((image) => image.file),
    modality: first.modality,
    notes,
  };
}

/** A DICOM file, a folder of one series, or a list of files → Volume. Bad files throw, naming the file. */
export async function readDicomVolume(input: string | string[]): Promise<DicomVolume> {
  const label = Array.isArray(input) ? (input[0] ?? '<no files>') : input;
  const images = await readDicomSeries(input);
  const volume = dicomSeriesVolume(images, label);
  if (typeof input === 'string' && (await stat(input)).isDirectory()) {
    const listed = new Set(await listDicomFiles(input));
    const skipped: string[] = [];
    for (const entry of (await readdir(input)).sort()) {
      const path = join(input, entry);
      if (!listed.has(path) && (await stat(path)).isFile()) skipped.push(entry);
    }
    if (skipped.length > 0)
      volume.notes.push(
        `skipped ${skipped.length} file(s) that are not DICOM: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}`,
      );
  }
  return volume;
}

/** Any volume a user gives: `.nii` / `.nii.gz` (NIfTI), else DICOM (a file, a series folder, or a list). */
export async function readVolume(input: string | string[]): Promise<Volume & { notes: string[] }> {
  if (typeof input === 'string' && /\.nii(\.gz)?$/i.test(input)) return { ...(await readNifti(input)), notes: [] };
  if (typeof input === 'string' && !(await stat(input).catch(() => null)))
    throw new ImagingError(input, 'no such file or folder');
  return readDicomVolume(input);
}
