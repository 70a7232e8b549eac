// Seeded phantoms with exact ground truth: chest radiographs, fundus photographs and chest CT
// volumes. Same seed and options → byte-identical pixels and the same findings on any machine.
// `generate*` are synchronous (pixels + truth); `*Phantom` add PNG bytes; `writePhantom` puts the
// image and a JSON truth file in a folder (a cache folder, never the repository).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../core/json.js';
import { encodePng } from './image.js';
import type { Raster } from './raster.js';
import { applyWindow, resolveWindow, type WindowChoice } from './windowing.js';
import { generateChestXray, type ChestXrayOptions, type ChestXrayPhantom } from './phantom-cxr.js';
import { generateFundus, type FundusOptions, type FundusPhantom } from './phantom-fundus.js';
import { generateCt, type CtOptions, type CtPhantom } from './phantom-ct.js';
import { encodeDicom, type DicomSyntaxName } from './dicom-write.js';
import { decodeNifti, encodeNifti } from './nifti.js';
import { niftiToImageParts, type ImagePartOptions } from './parts.js';
import type { ImagePart } from '../core/messages.js';

export {
  generateChestXray,
  CHEST_FINDING_LABELS,
  type ChestXrayOptions,
  type ChestXrayPhantom,
} from './phantom-cxr.js';
export {
  generateFundus,
  FUNDUS_FINDING_LABELS,
  FUNDUS_REGIONS,
  type FundusOptions,
  type FundusPhantom,
} from './phantom-fundus.js';
export { generateCt, CT_FINDING_LABELS, type CtOptions, type CtPhantom, type CtFinding } from './phantom-ct.js';
export type { PlantedFinding, FindingRequest, Laterality } from './phantom-common.js';

export type Phantom2D = ChestXrayPhantom | FundusPhantom;
export type Phantom = Phantom2D | CtPhantom;

/** A 2-D phantom with its PNG bytes. */
export type WithPng<P> = P & { png: Uint8Array };

export async function chestXrayPhantom(options: ChestXrayOptions = {}): Promise<WithPng<ChestXrayPhantom>> {
  const phantom = generateChestXray(options);
  return { ...phantom, png: await encodePng(phantom.raster) };
}

export async function fundusPhantom(options: FundusOptions = {}): Promise<WithPng<FundusPhantom>> {
  const phantom = generateFundus(options);
  return { ...phantom, png: await encodePng(phantom.raster) };
}

export const ctPhantom = (options: CtOptions = {}): CtPhantom => generateCt(options);

/** One axial CT slice, windowed to 8-bit grey ('lung' by default). */
export function ctSliceRaster(phantom: CtPhantom, z: number, window: WindowChoice = 'lung'): Raster {
  const [nx, ny, nz] = phantom.dims;
  if (!Number.isInteger(z) || z < 0 || z >= nz) throw new RangeError(`CT phantom: slice ${z} is outside 0…${nz - 1}`);
  const values = phantom.hu.subarray(z * nx * ny, (z + 1) * nx * ny);
  return { width: nx, height: ny, channels: 1, data: applyWindow(values, resolveWindow(window, values)) };
}

/**
 * The CT phantom as NIfTI-1 (int16 HU). Voxel axes run to patient left, posterior, inferior, so
 * the affine is diag(−sx, −sy, −sz) (orientation 'LPI') and axial slices display as generated.
 */
export function ctPhantomNifti(phantom: CtPhantom, options: { gzip?: boolean } = {}): Uint8Array {
  const [sx, sy, sz] = phantom.spacingMm;
  const affine = [
    [-sx, 0, 0, 0],
    [0, -sy, 0, 0],
    [0, 0, -sz, 0],
  ];
  return encodeNifti(phantom.hu, phantom.dims, phantom.spacingMm, {
    affine,
    gzip: options.gzip ?? true,
    description: `medkit CT phantom seed ${phantom.seed}`,
  });
}

/**
 * The CT phantom as a DICOM series, one file per slice: stored = HU + 1024 with Rescale Intercept
 * −1024, Image Position (LPS) z = −k × spacing (slice 0 is the most superior), instance k + 1.
 */
export async function ctPhantomDicomSeries(
  phantom: CtPhantom,
  options: { transferSyntax?: DicomSyntaxName } = {},
): Promise<Uint8Array[]> {
  const [n, ny, nz] = phantom.dims;
  const [sx, sy, sz] = phantom.spacingMm;
  const series = `2.25.${phantom.seed}${nz}${n}`;
  const files: Uint8Array[] = [];
  for (let z = 0; z < nz; z++) {
    const pixels = Int16Array.from(phantom.hu.subarray(z * n * ny, (z + 1) * n * ny), (value) => value + 1024);
    files.push(
      await encodeDicom({
        rows: ny,
        columns: n,
        pixels,
        modality: 'CT',
        rescaleIntercept: -1024,
        rescaleSlope: 1,
        window: { center: -600, width: 1500 },
        pixelSpacing: [sy, sx],
        sliceThickness: sz,
        imagePosition: [0, 0, -z * sz],
        imageOrientation: [1, 0, 0, 0, 1, 0],
        instanceNumber: z + 1,
        seriesInstanceUid: series,
        sopInstanceUid: `${series}.${z + 1}`,
        transferSyntax: options.transferSyntax,
      }),
    );
  }
  return files;
}

/** CT phantom slices → image parts ("CT axial slice 12/40, lung window"), sampled to `maxImages` (default 49). */
export async function ctPhantomToImageParts(phantom: CtPhantom, options: ImagePartOptions = {}): Promise<ImagePart[]> {
  const volume = decodeNifti(ctPhantomNifti(phantom, { gzip: false }), `ct-phantom-${phantom.seed}`);
  return niftiToImageParts(volume, { window: 'lung', ...options, name: 'CT' });
}

/** The ground truth as plain JSON (no pixels, no masks). */
export function phantomTruth(phantom: Phantom): JsonObject {
  const base = { kind: phantom.kind, seed: phantom.seed, findings: phantom.findings as unknown as JsonObject[] };
  if (phantom.kind === 'ct') {
    return {
      ...base,
      dims: phantom.dims,
      spacingMm: phantom.spacingMm,
      orientation: 'axial; x→patient left, y→posterior, z→inferior',
    };
  }
  const extra: JsonObject =
    phantom.kind === 'fundus'
      ? { eye: phantom.eye, landmarks: phantom.landmarks as unknown as JsonObject }
      : { view: phantom.view };
  return { ...base, width: phantom.width, height: phantom.height, pixelSpacingMm: phantom.pixelSpacingMm, ...extra };
}

export interface WrittenPhantom {
  /** PNG (2-D) or one PNG per slice (CT, windowed). */
  imagePaths: string[];
  truthPath: string;
  truth: JsonObject;
}

/**
 * Writes `<name>.png` + `<name>.json` (2-D). CT: `<name>-zNNN.png` per slice (`window`, default
 * 'lung'), or with `format` 'nifti' `<name>.nii.gz`, or 'dicom' `<name>/slice-NNN.dcm`; plus
 * `<name>.json`. Returns the paths. The folder is created.
 */
export async function writePhantom(
  phantom: Phantom,
  dir: string,
  name: string,
  options: { window?: WindowChoice; format?: 'png' | 'dicom' | 'nifti' } = {},
): Promise<WrittenPhantom> {
  await mkdir(dir, { recursive: true });
  const truth = phantomTruth(phantom);
  const truthPath = join(dir, `${name}.json`);
  const imagePaths: string[] = [];
  if (phantom.kind === 'ct' && options.format === 'nifti') {
    const path = join(dir, `${name}.nii.gz`);
    await writeFile(path, ctPhantomNifti(phantom));
    imagePaths.push(path);
  } else if (phantom.kind === 'ct' && options.format === 'dicom') {
    const files = await ctPhantomDicomSeries(phantom);
    await mkdir(join(dir, name), { recursive: true });
    for (const [z, bytes] of files.entries()) {
      const path = join(dir, name, `slice-${String(z).padStart(3, '0')}.dcm`);
      await writeFile(path, bytes);
      imagePaths.push(path);
    }
  } else if (phantom.kind === 'ct') {
    for (let z = 0; z < phantom.dims[2]; z++) {
      const path = join(dir, `${name}-z${String(z).padStart(3, '0')}.png`);
      await writeFile(path, await encodePng(ctSliceRaster(phantom, z, options.window ?? 'lung')));
      imagePaths.push(path);
    }
  } else {
    const path = join(dir, `${name}.png`);
    await writeFile(path, await encodePng(phantom.raster));
    imagePaths.push(path);
  }
  await writeFile(truthPath, JSON.stringify(truth, null, 1));
  return { imagePaths, truthPath, truth };
}
