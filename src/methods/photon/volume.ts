// Photon's volume pipeline: NIfTI → RAI → 1 mm isotropic → crop/pad 364³ → HU clip [−1000, 1000] → [0, 1] →
// resize to [140, 280, 280] (depth, height, width) → 14³ patches with a 2×2 spatial merge → 1,000 visual tokens.
// Every resampling step is separable linear interpolation, done one axis at a time (trilinear overall).
import { ImagingError } from '../../imaging/errors.js';
import type { Volume } from '../../imaging/nifti.js';

export interface PhotonVolumeOptions {
  /** Target orientation (nibabel axis codes: the letter an index increases towards). Default 'RAI'. */
  orientation?: string;
  /** Isotropic spacing in mm (default 1). */
  spacingMm?: number;
  /** Side of the centred crop/pad cube (default 364). */
  cube?: number;
  /** Value of padded voxels in HU (default −1000, air; the README does not say). */
  padHu?: number;
  /** HU window clipped to, then scaled to [0, 1] (default [−1000, 1000]). */
  huRange?: [number, number];
  /** Final size [depth, height, width] (default [140, 280, 280]). */
  shape?: [number, number, number];
}

/** A preprocessed volume: `data` is [depth][height][width], width fastest; values in [0, 1]. */
export interface PhotonVolume {
  shape: [number, number, number];
  data: Float32Array;
  /** What happened, for run notes and manifests. */
  steps: string[];
  tokens: TokenCount;
}

export interface TokenCount {
  /** Patch grid [t, h, w] before the merge. */
  grid: [number, number, number];
  /** Visual tokens after the spatial merge (the LLM's sequence length for the volume). */
  tokens: number;
  /** Shape actually patched ([depth, height, width] after rounding to the patch multiples). */
  patchedShape: [number, number, number];
}

export const PHOTON_PATCH = 14;
export const PHOTON_TEMPORAL_PATCH = 14;
export const PHOTON_MERGE = 2;
export const PHOTON_SHAPE: [number, number, number] = [140, 280, 280];

/**
 * Visual tokens for a [depth, height, width] input under Qwen2.5-VL's video patching as Photon configures it
 * (patch 14, temporal patch 14, spatial merge 2): height and width round to multiples of 28 (smart_resize
 * rounds to the nearest), depth pads up to a multiple of 14 (the last frame is repeated).
 */
export function photonTokenCount(shape: [number, number, number]): TokenCount {
  const [depth, height, width] = shape;
  if (!shape.every((side) => Number.isFinite(side) && side > 0))
    throw new RangeError(`token count: shape must be three positive sizes, got [${shape.join(', ')}]`);
  const spatial = PHOTON_PATCH * PHOTON_MERGE;
  const h = Math.max(spatial, Math.round(height / spatial) * spatial);
  const w = Math.max(spatial, Math.round(width / spatial) * spatial);
  const d = Math.ceil(depth / PHOTON_TEMPORAL_PATCH) * PHOTON_TEMPORAL_PATCH;
  const grid: [number, number, number] = [d / PHOTON_TEMPORAL_PATCH, h / PHOTON_PATCH, w / PHOTON_PATCH];
  return { grid, tokens: (grid[0] * grid[1] * grid[2]) / PHOTON_MERGE ** 2, patchedShape: [d, h, w] };
}

/**
 * Tokens a volume would cost fed at its physical size (1 mm voxels, no crop and no final resize) next to the
 * fixed pipeline's 1,000: what the fixed resize saves or loses for this geometry.
 */
export function estimateVolumeTokens(
  dims: [number, number, number],
  spacing: [number, number, number],
  options: PhotonVolumeOptions = {},
): { native: TokenCount; pipeline: TokenCount; nativeShape: [number, number, number] } {
  const mm = options.spacingMm ?? 1;
  const extent = dims.map((n, axis) => Math.max(1, Math.round((n * spacing[axis]!) / mm)));
  // Axis 2 (towards I after RAI) is depth; axis 1 is height, axis 0 width.
  const nativeShape: [number, number, number] = [extent[2]!, extent[1]!, extent[0]!];
  return {
    native: photonTokenCount(nativeShape),
    pipeline: photonTokenCount(options.shape ?? PHOTON_SHAPE),
    nativeShape,
  };
}

const OPPOSITE: Record<string, string> = { R: 'L', L: 'R', A: 'P', P: 'A', S: 'I', I: 'S' };

/**
 * Permutes and flips the voxel axes so that axis a runs towards `codes[a]` (nearest axis: an oblique affine is
 * not resampled, as nibabel's `as_closest_canonical`). Returns data (axis 0 fastest), dims and spacing.
 */
export function reorient(
  volume: Pick<Volume, 'file' | 'dims' | 'spacing' | 'orientation' | 'data'>,
  codes = 'RAI',
): { dims: [number, number, number]; spacing: [number, number, number]; data: Float32Array } {
  const target = codes.toUpperCase();
  if (!/^[RLAPSI]{3}$/.test(target) || new Set([...target].map((c) => 'RLAPSI'.indexOf(c) >> 1)).size !== 3)
    throw new ImagingError(volume.file, `orientation '${codes}' is not three of R/L, A/P, S/I (e.g. RAI)`);
  // For each output axis: the source axis along the same world direction, and whether it runs the other way.
  const source = [...target].map((letter) => {
    for (let axis = 0; axis < 3; axis++) {
      const code = volume.orientation[axis]!;
      if (code === letter) return { axis, flip: false };
      if (code === OPPOSITE[letter]) return { axis, flip: true };
    }
    throw new ImagingError(volume.file, `orientation ${volume.orientation} has no axis along ${letter}`);
  });
  const dims = source.map((s) => volume.dims[s.axis]!) as [number, number, number];
  const spacing = source.map((s) => volume.spacing[s.axis]!) as [number, number, number];
  const strides = [1, volume.dims[0], volume.dims[0] * volume.dims[1]];
  const axes = source.map((s, a) => ({ stride: strides[s.axis]!, flip: s.flip, last: dims[a]! - 1 }));
  const [s0, s1, s2] = [axes[0]!, axes[1]!, axes[2]!];
  const data = new Float32Array(volume.data.length);
  let out = 0;
  for (let k = 0; k < dims[2]; k++) {
    const base2 = (s2.flip ? s2.last - k : k) * s2.stride;
    for (let j = 0; j < dims[1]; j++) {
      const base1 = base2 + (s1.flip ? s1.last - j : j) * s1.stride;
      for (let i = 0; i < dims[0]; i++) data[out++] = volume.data[base1 + (s0.flip ? s0.last - i : i) * s0.stride]!;
    }
  }
  return { dims, spacing, data };
}

/** Per output index: source index below, weight of the one above, or −1 for a padded voxel. */
type AxisMap = { lower: Int32Array; weight: Float32Array };

/** Align-corners-false linear map of m outputs onto n inputs (PyTorch `interpolate`, MONAI `Resize`). */
export function resizeMap(n: number, m: number): AxisMap {
  return linearMap(m, (o) => Math.min(n - 1, Math.max(0, ((o + 0.5) * n) / m - 0.5)), n);
}

/**
 * Resampling to `mm` spacing then a centred crop/pad to `cube`, as one map: the resampled axis has
 * round(n·spacing/mm) voxels; crop start (R − cube) // 2, pad before (cube − R) // 2 (MONAI's centre crop / pad).
 */
export function spacingCropMap(n: number, spacing: number, mm: number, cube: number): AxisMap {
  const resampled = Math.max(1, Math.round((n * spacing) / mm));
  const offset = resampled >= cube ? Math.floor((resampled - cube) / 2) : -Math.floor((cube - resampled) / 2);
  return linearMap(
    cube,
    (o) => {
      const r = o + offset;
      if (r < 0 || r >= resampled) return -1;
      return Math.min(n - 1, Math.max(0, ((r + 0.5) * mm) / spacing - 0.5));
    },
    n,
  );
}

function linearMap(m: number, position: (o: number) => number, n: number): AxisMap {
  const lower = new Int32Array(m);
  const weight = new Float32Array(m);
  for (let o = 0; o < m; o++) {
    const x = position(o);
    if (x < 0) {
      lower[o] = -1;
      continue;
    }
    const base = Math.min(Math.floor(x), n - 1);
    lower[o] = base;
    weight[o] = base + 1 < n ? x - base : 0;
  }
  return { lower, weight };
}

/** Applies an axis map along `axis` of a volume (axis 0 fastest); padded outputs get `fill`. */
export function resampleAxis(
  data: Float32Array,
  dims: [number, number, number],
  axis: 0 | 1 | 2,
  map: AxisMap,
  fill: number,
): { data: Float32Array; dims: [number, number, number] } {
  const m = map.lower.length;
  const outDims = [...dims] as [number, number, number];
  outDims[axis] = m;
  const out = new Float32Array(outDims[0] * outDims[1] * outDims[2]);
  const inStride = axis === 0 ? 1 : axis === 1 ? dims[0] : dims[0] * dims[1];
  const outStride = axis === 0 ? 1 : axis === 1 ? outDims[0] : outDims[0] * outDims[1];
  const inner = axis === 0 ? 1 : inStride; // elements before the axis
  const outer = (dims[0] * dims[1] * dims[2]) / (dims[axis] * inner); // after it
  for (let b = 0; b < outer; b++) {
    const inBase = b * dims[axis] * inner;
    const outBase = b * m * inner;
    for (let o = 0; o < m; o++) {
      const lo = map.lower[o]!;
      const w = map.weight[o]!;
      const target = outBase + o * outStride;
      if (lo < 0) {
        out.fill(fill, target, target + inner);
        continue;
      }
      const a = inBase + lo * inStride;
      const c = w > 0 ? a + inStride : a;
      for (let t = 0; t < inner; t++) out[target + t] = data[a + t]! * (1 - w) + data[c + t]! * w;
    }
  }
  return { data: out, dims: outDims };
}

/**
 * The README's data preparation (what Photon's trainer reads): RAI, 1 mm isotropic, centred crop/pad to 364³, HU
 * clipped to [−1000, 1000]. Values stay in HU; [0, 1] scaling and the resize happen in the loader.
 */
export function prepareVolume(
  volume: Pick<Volume, 'file' | 'dims' | 'spacing' | 'orientation' | 'data'>,
  options: PhotonVolumeOptions = {},
): { data: Float32Array; dims: [number, number, number]; spacingMm: number; steps: string[] } {
  const orientation = options.orientation ?? 'RAI';
  const mm = options.spacingMm ?? 1;
  const cube = options.cube ?? 364;
  const padHu = options.padHu ?? -1000;
  const [low, high] = options.huRange ?? [-1000, 1000];
  if (!(mm > 0 && cube >= 1 && high > low))
    throw new ImagingError(volume.file, 'photon pipeline: spacing, cube and HU range must be positive');
  if (volume.spacing.some((s) => !(s > 0)))
    throw new ImagingError(volume.file, `voxel spacing must be positive, got [${volume.spacing.join(', ')}] mm`);
  const steps: string[] = [`orientation ${volume.orientation} → ${orientation}`];
  const oriented = reorient(volume, orientation);
  let { data, dims } = oriented;
  for (const axis of [0, 1, 2] as const) {
    ({ data, dims } = resampleAxis(
      data,
      dims,
      axis,
      spacingCropMap(dims[axis], oriented.spacing[axis], mm, cube),
      padHu,
    ));
  }
  steps.push(
    `resampled [${oriented.dims.join(', ')}] at [${oriented.spacing.map((s) => s.toFixed(3)).join(', ')}] mm to ${mm} mm, crop/pad to ${cube}³ (pad ${padHu} HU)`,
  );
  for (let index = 0; index < data.length; index++) data[index] = Math.min(high, Math.max(low, data[index]!));
  steps.push(`clipped to [${low}, ${high}]`);
  return { data, dims, spacingMm: mm, steps };
}

/** The whole pipeline on a decoded NIfTI (values in HU for CT): `prepareVolume`, then [0, 1] and the resize. */
export function preprocessVolume(
  volume: Pick<Volume, 'file' | 'dims' | 'spacing' | 'orientation' | 'data'>,
  options: PhotonVolumeOptions = {},
): PhotonVolume {
  const [low, high] = options.huRange ?? [-1000, 1000];
  const shape = options.shape ?? PHOTON_SHAPE;
  if (!shape.every((side) => Number.isInteger(side) && side > 0))
    throw new ImagingError(
      volume.file,
      `photon pipeline: shape must be three positive integers, got [${shape.join(', ')}]`,
    );
  const prepared = prepareVolume(volume, options);
  let { data, dims } = prepared;
  const steps = prepared.steps;
  for (let index = 0; index < data.length; index++) data[index] = (data[index]! - low) / (high - low);
  steps.push('scaled to [0, 1]');
  // Resize: axis 0 (width) → shape[2], axis 1 (height) → shape[1], axis 2 (depth) → shape[0].
  const targets = [shape[2], shape[1], shape[0]];
  for (const axis of [0, 1, 2] as const) {
    ({ data, dims } = resampleAxis(data, dims, axis, resizeMap(dims[axis], targets[axis]!), 0));
  }
  steps.push(`resized to [${shape.join(', ')}] (depth, height, width)`);
  return { shape: [...shape], data, steps, tokens: photonTokenCount(shape) };
}
