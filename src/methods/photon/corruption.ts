// Photon's robustness corruptions (utils.py `VolumeAugmenter`), applied to the patch matrix as the code does: the
// volume [D, H, W] becomes a matrix with one ROW per 14³ patch token (raster order t, h, w) and one COLUMN per voxel
// position inside the patch (2,744). Proportions (training): .16 / .16 / .16 / .16 / .16 / .20, with probability 0.15.
import type { Rng } from '../../stats/random.js';
import { PHOTON_PATCH } from './volume.js';

export const CORRUPTIONS = ['row-shuffle', 'row-col-shuffle', 'keep-20', 'keep-10', 'noise', 'zeros'] as const;
export type Corruption = (typeof CORRUPTIONS)[number];
export const CORRUPTION_PROPORTIONS: Record<Corruption, number> = {
  'row-shuffle': 0.16,
  'row-col-shuffle': 0.16,
  'keep-20': 0.16,
  'keep-10': 0.16,
  noise: 0.16,
  zeros: 0.2,
};

export interface PatchMatrix {
  rows: number;
  columns: number;
  data: Float32Array;
}

function grid(shape: [number, number, number], patch: number): [number, number, number] {
  if (!shape.every((side) => side % patch === 0))
    throw new RangeError(`corruption: shape [${shape.join(', ')}] is not a multiple of the ${patch}-voxel patch`);
  return [shape[0] / patch, shape[1] / patch, shape[2] / patch];
}

/**
 * Copies every run of `patch` voxels (one x-row of one patch) between the volume layout and the patch-matrix
 * layout; `toMatrix` picks the direction. Both layouts hold the same values, so one loop serves both ways.
 */
function movePatchRows(
  from: Float32Array,
  shape: [number, number, number],
  patch: number,
  toMatrix: boolean,
): Float32Array {
  const [gt, gh, gw] = grid(shape, patch);
  const columns = patch ** 3;
  const out = new Float32Array(from.length);
  const [, height, width] = shape;
  let row = 0;
  for (let t = 0; t < gt; t++)
    for (let h = 0; h < gh; h++)
      for (let w = 0; w < gw; w++, row++)
        for (let z = 0; z < patch; z++)
          for (let y = 0; y < patch; y++) {
            const volume = ((t * patch + z) * height + h * patch + y) * width + w * patch;
            const matrix = row * columns + (z * patch + y) * patch;
            const [source, target] = toMatrix ? [volume, matrix] : [matrix, volume];
            out.set(from.subarray(source, source + patch), target);
          }
  return out;
}

/** Volume [D, H, W] (width fastest) → patch matrix (row = patch in t, h, w raster order; column = z, y, x inside). */
export function toPatchMatrix(data: Float32Array, shape: [number, number, number], patch = PHOTON_PATCH): PatchMatrix {
  const [gt, gh, gw] = grid(shape, patch);
  return { rows: gt * gh * gw, columns: patch ** 3, data: movePatchRows(data, shape, patch, true) };
}

/** The inverse of `toPatchMatrix`. */
export function fromPatchMatrix(
  matrix: PatchMatrix,
  shape: [number, number, number],
  patch = PHOTON_PATCH,
): Float32Array {
  return movePatchRows(matrix.data, shape, patch, false);
}

const permutation = (rng: Rng, n: number) => rng.shuffle(Array.from({ length: n }, (_, i) => i));

/**
 * One corruption of the patch matrix, as in the code: `x[randperm(rows)]`; then `[:, randperm(columns)]`;
 * rows kept with probability 0.2 (`_random_mask(dim=0, 0.2)`, the rest zero); COLUMNS kept with probability 0.1
 * (`dim=1, 0.1`: the same voxel positions zeroed in every patch); `rand_like` (uniform [0, 1)); `x * 0`.
 */
export function corruptPatchMatrix(matrix: PatchMatrix, kind: Corruption, rng: Rng): PatchMatrix {
  const { rows, columns, data } = matrix;
  const out = new Float32Array(data.length);
  switch (kind) {
    case 'row-shuffle':
    case 'row-col-shuffle': {
      const order = permutation(rng, rows);
      const columnOrder = kind === 'row-col-shuffle' ? permutation(rng, columns) : undefined;
      for (let r = 0; r < rows; r++) {
        const source = data.subarray(order[r]! * columns, (order[r]! + 1) * columns);
        if (!columnOrder) out.set(source, r * columns);
        else for (let c = 0; c < columns; c++) out[r * columns + c] = source[columnOrder[c]!]!;
      }
      break;
    }
    case 'keep-20':
      for (let r = 0; r < rows; r++)
        if (rng.next() < 0.2) out.set(data.subarray(r * columns, (r + 1) * columns), r * columns);
      break;
    case 'keep-10': {
      const keep = Array.from({ length: columns }, () => rng.next() < 0.1);
      for (let i = 0; i < data.length; i++) if (keep[i % columns]) out[i] = data[i]!;
      break;
    }
    case 'noise':
      for (let i = 0; i < out.length; i++) out[i] = rng.next();
      break;
    case 'zeros':
      break;
  }
  return { rows, columns, data: out };
}

/** A corrupted copy of a volume [D, H, W]. */
export function corruptVolume(
  data: Float32Array,
  shape: [number, number, number],
  kind: Corruption,
  rng: Rng,
  patch = PHOTON_PATCH,
): Float32Array {
  if (!CORRUPTIONS.includes(kind))
    throw new RangeError(`unknown corruption '${kind}' (one of ${CORRUPTIONS.join(', ')})`);
  return fromPatchMatrix(corruptPatchMatrix(toPatchMatrix(data, shape, patch), kind, rng), shape, patch);
}
