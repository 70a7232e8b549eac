// Synthetic chest CT volume in Hounsfield units with planted 3-D findings. Layout: x fastest, then
// y, then z; axial slices in radiological convention (image right = patient's LEFT, image down =
// posterior); z = 0 is the most superior slice (lung apex), z = nz − 1 the most inferior.
import { createRng, hashSeed, type Rng } from '../stats/random.js';
import { maskToBox, type Box } from './boxes.js';
import { createMask, type Mask } from './raster.js';
import type { FindingRequest, Laterality, PlantedFinding } from './phantom-common.js';
import { round2 } from './phantom-common.js';

export const CT_FINDING_LABELS = ['nodule', 'mass', 'ground-glass opacity', 'pleural effusion'] as const;

export interface CtOptions {
  seed?: number | string;
  /** In-plane size (default 128) and slice count (default 40). */
  size?: number;
  slices?: number;
  findings?: number | FindingRequest[];
  noise?: number;
}

export interface CtFinding extends PlantedFinding {
  /** Slice range [z1, z2) where the finding is present. */
  z1: number;
  z2: number;
  /** The in-plane box on each slice it touches. `box` is their union. */
  sliceBoxes: { z: number; box: Box }[];
  /** Slice with the largest cross-section (the one to show a model). */
  keySlice: number;
  volumeMm3: number;
}

export interface CtPhantom {
  kind: 'ct';
  seed: number;
  dims: [number, number, number];
  spacingMm: [number, number, number];
  /** HU, x fastest, then y, then z. */
  hu: Int16Array;
  findings: CtFinding[];
  /** Ground-truth mask per finding, same layout as hu. */
  masks: Uint8Array[];
}

interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}
const inside = (e: Ellipse, x: number, y: number): boolean => ((x - e.cx) / e.rx) ** 2 + ((y - e.cy) / e.ry) ** 2 <= 1;

export function generateCt(options: CtOptions = {}): CtPhantom {
  const seed = typeof options.seed === 'string' ? hashSeed(options.seed) : (options.seed ?? 1);
  const rng = createRng(hashSeed('ct', seed));
  const n = options.size ?? 128;
  const nz = options.slices ?? 40;
  if (!(n >= 32 && nz >= 4)) throw new Error(`CT phantom needs at least 32×32×4 voxels, got ${n}×${n}×${nz}`);
  const spacing: [number, number, number] = [round2(340 / n), round2(340 / n), round2(200 / nz)];
  const hu = new Int16Array(n * n * nz);
  const lungsAt = (z: number): { right: Ellipse; left: Ellipse } => {
    const t = z / Math.max(1, nz - 1);
    const f = 0.35 + 0.65 * Math.sin(Math.PI * Math.min(1, 0.12 + t * 0.98));
    return {
      right: { cx: 0.31 * n, cy: 0.48 * n, rx: 0.14 * n * f, ry: 0.2 * n * f },
      left: { cx: 0.69 * n, cy: 0.48 * n, rx: 0.13 * n * f, ry: 0.19 * n * f },
    };
  };
  const heartAt = (z: number): Ellipse | null => {
    const t = z / Math.max(1, nz - 1);
    if (t < 0.45) return null;
    const g = Math.min(1, (t - 0.45) / 0.2);
    return { cx: 0.55 * n, cy: 0.5 * n, rx: 0.15 * n * g, ry: 0.12 * n * g };
  };
  const body: Ellipse = { cx: 0.5 * n, cy: 0.5 * n, rx: 0.44 * n, ry: 0.32 * n };
  const inner: Ellipse = { ...body, rx: body.rx - 0.035 * n, ry: body.ry - 0.035 * n };
  const spine: Ellipse = { cx: 0.5 * n, cy: 0.74 * n, rx: 0.055 * n, ry: 0.05 * n };
  const cancellous: Ellipse = { ...spine, rx: spine.rx * 0.75, ry: spine.ry * 0.75 };
  const aorta: Ellipse = { cx: 0.57 * n, cy: 0.66 * n, rx: 0.035 * n, ry: 0.035 * n };
  const trachea: Ellipse = { cx: 0.5 * n, cy: 0.42 * n, rx: 0.03 * n, ry: 0.028 * n };
  const ribs: Ellipse[] = [];
  for (let k = 0; k < 24; k++) {
    const angle = (k / 24) * 2 * Math.PI; // 0 = image right, π/2 = posterior (down)
    const fromAnterior = Math.abs(angle - 1.5 * Math.PI);
    const fromPosterior = Math.abs(angle - 0.5 * Math.PI);
    if (fromAnterior < 0.35 || fromPosterior < 0.45) continue;
    ribs.push({
      cx: body.cx + Math.cos(angle) * (inner.rx - 0.025 * n),
      cy: body.cy + Math.sin(angle) * (inner.ry - 0.025 * n),
      rx: 0.014 * n,
      ry: 0.012 * n,
    });
  }
  const core: Ellipse = { ...body, rx: body.rx - 0.07 * n, ry: body.ry - 0.07 * n };
  for (let z = 0; z < nz; z++) {
    const { right, left } = lungsAt(z);
    const heart = heartAt(z);
    const t = z / Math.max(1, nz - 1);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        let value = -1000;
        if (inside(body, px, py)) {
          value = inside(inner, px, py) ? 40 : -100;
          if (inside(right, px, py) || inside(left, px, py)) value = -850;
          if (heart && inside(heart, px, py)) value = 42;
          if (inside(aorta, px, py)) value = 45;
          if (t < 0.4 && inside(trachea, px, py)) value = -1000;
          if (inside(spine, px, py)) value = inside(cancellous, px, py) ? 250 : 900;
          if (!inside(core, px, py)) for (const rib of ribs) if (inside(rib, px, py)) value = 700;
        }
        hu[(z * n + y) * n + x] = value;
      }
    }
  }
  const lungCache = new Map<string, Mask>();
  const lungMaskAt = (z: number, side: 'right' | 'left'): Mask => {
    const cached = lungCache.get(`${z}${side}`);
    if (cached) return cached;
    const mask = createMask(n, n);
    lungCache.set(`${z}${side}`, mask);
    const lung = lungsAt(z)[side];
    const heart = heartAt(z);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        if (inside(lung, x + 0.5, y + 0.5) && !(heart && inside(heart, x + 0.5, y + 0.5))) mask.data[y * n + x] = 1;
      }
    }
    return mask;
  };

  const findings: CtFinding[] = [];
  const masks: Uint8Array[] = [];
  for (const request of chooseRequests(rng, options.findings)) {
    const built = plant(request, rng, n, nz, spacing, lungsAt, lungMaskAt, hu, findings, `F${findings.length + 1}`);
    if (built) {
      findings.push(built.finding);
      masks.push(built.mask);
    }
  }
  const sigma = options.noise ?? 12;
  for (let index = 0; index < hu.length; index++) hu[index] = Math.round(hu[index] + sigma * rng.normal());
  return { kind: 'ct', seed, dims: [n, n, nz], spacingMm: spacing, hu, findings, masks };
}

function chooseRequests(rng: Rng, findings: CtOptions['findings']): FindingRequest[] {
  if (Array.isArray(findings)) {
    for (const request of findings) {
      if (!(CT_FINDING_LABELS as readonly string[]).includes(request.label)) {
        throw new Error(`unknown CT finding "${request.label}"; known: ${CT_FINDING_LABELS.join(', ')}`);
      }
    }
    return findings;
  }
  const count = findings ?? rng.pick([0, 1, 1, 2]);
  return rng
    .shuffle([...CT_FINDING_LABELS])
    .slice(0, count)
    .map((label) => ({ label }));
}

const VALUES: Record<string, number> = { nodule: 35, mass: 40, 'ground-glass opacity': -450, 'pleural effusion': 12 };

function plant(
  request: FindingRequest,
  rng: Rng,
  n: number,
  nz: number,
  spacing: [number, number, number],
  lungsAt: (z: number) => { right: Ellipse; left: Ellipse },
  lungMaskAt: (z: number, side: 'right' | 'left') => Mask,
  hu: Int16Array,
  existing: CtFinding[],
  id: string,
): { finding: CtFinding; mask: Uint8Array } | null {
  const laterality: Laterality = request.laterality ?? (rng.next() < 0.5 ? 'right' : 'left');
  if (laterality !== 'right' && laterality !== 'left')
    throw new Error(`CT finding "${request.label}": laterality must be left or right, got ${laterality}`);
  const zones = ['upper', 'middle', 'lower'];
  for (let attempt = 0; attempt < 60; attempt++) {
    const zone = request.label === 'pleural effusion' ? 'lower' : (request.zone ?? rng.pick(zones));
    const zi = Math.max(0, zones.indexOf(zone));
    const cz = Math.floor(nz * (0.12 + zi * 0.28 + rng.next() * 0.2));
    const lung = lungsAt(cz)[laterality];
    const cx = lung.cx + (rng.next() - 0.5) * lung.rx;
    const cy = lung.cy + (rng.next() - 0.5) * lung.ry;
    const diameterMm =
      request.sizePx !== undefined
        ? request.sizePx * spacing[0]
        : request.label === 'nodule'
          ? 6 + rng.next() * 14
          : request.label === 'mass'
            ? 32 + rng.next() * 25
            : 20 + rng.next() * 20;
    const rxy = diameterMm / 2 / spacing[0];
    const rz = diameterMm / 2 / spacing[2];
    const mask = new Uint8Array(n * n * nz);
    const sliceBoxes: { z: number; box: Box }[] = [];
    let count = 0;
    let fits = true;
    const zFrom = request.label === 'pleural effusion' ? Math.floor(nz * 0.55) : Math.max(0, Math.floor(cz - rz));
    const zTo = request.label === 'pleural effusion' ? nz : Math.min(nz, Math.ceil(cz + rz + 1));
    for (let z = zFrom; z < zTo; z++) {
      const lungMask = lungMaskAt(z, laterality);
      const slice = createMask(n, n);
      const lz = lungsAt(z)[laterality];
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          const px = x + 0.5;
          const py = y + 0.5;
          let hit: boolean;
          if (request.label === 'pleural effusion')
            hit = py > lz.cy + lz.ry * (1 - 2 * (0.2 + 0.5 * ((z - zFrom) / Math.max(1, nz - zFrom))));
          else hit = ((px - cx) / rxy) ** 2 + ((py - cy) / rxy) ** 2 + ((z + 0.5 - (cz + 0.5)) / rz) ** 2 <= 1;
          if (!hit) continue;
          if (!lungMask.data[y * n + x]) {
            if (request.label === 'nodule' || request.label === 'mass') fits = false;
            continue;
          }
          slice.data[y * n + x] = 1;
        }
      }
      const box = maskToBox(slice);
      if (!box) continue;
      sliceBoxes.push({ z, box });
      for (let i = 0; i < slice.data.length; i++)
        if (slice.data[i]) {
          mask[z * n * n + i] = 1;
          count++;
        }
    }
    if (!fits || count === 0) continue;
    const union = sliceBoxes.reduce(
      (a, { box }) => ({
        x1: Math.min(a.x1, box.x1),
        y1: Math.min(a.y1, box.y1),
        x2: Math.max(a.x2, box.x2),
        y2: Math.max(a.y2, box.y2),
      }),
      sliceBoxes[0].box,
    );
    const z1 = sliceBoxes[0].z;
    const z2 = sliceBoxes[sliceBoxes.length - 1].z + 1;
    if (
      existing.some(
        (other) =>
          other.z1 < z2 &&
          z1 < other.z2 &&
          other.box.x1 < union.x2 &&
          union.x1 < other.box.x2 &&
          other.box.y1 < union.y2 &&
          union.y1 < other.box.y2,
      )
    )
      continue;
    let keySlice = z1;
    let bestArea = -1;
    for (let z = z1; z < z2; z++) {
      let area = 0;
      for (let i = 0; i < n * n; i++) area += mask[z * n * n + i];
      if (area > bestArea) [bestArea, keySlice] = [area, z];
    }
    for (let i = 0; i < mask.length; i++) if (mask[i]) hu[i] = VALUES[request.label];
    const sizePx = request.label === 'pleural effusion' ? union.y2 - union.y1 : round2(diameterMm / spacing[0]);
    const finding: CtFinding = {
      id,
      label: request.label,
      laterality,
      region: `${laterality} ${zone} zone`,
      box: union,
      boxes: [union],
      sizePx,
      sizeMm: round2(sizePx * spacing[0]),
      areaPx: bestArea,
      z1,
      z2,
      sliceBoxes,
      keySlice,
      volumeMm3: round2(count * spacing[0] * spacing[1] * spacing[2]),
    };
    return { finding, mask };
  }
  return null;
}
