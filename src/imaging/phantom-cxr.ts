// Synthetic PA chest radiograph: body, lungs, mediastinum, heart, spine, ribs and clavicles, with
// planted findings. Convention: the patient faces the viewer, so the patient's RIGHT lung is on
// the image LEFT. Laterality in the ground truth is always the patient's side.
import { createRng, hashSeed, type Rng } from '../stats/random.js';
import { intersectBoxes, type Box } from './boxes.js';
import { createMask, type Mask, type Raster } from './raster.js';
import {
  addNoise,
  boundsAround,
  createCanvas,
  ellipseProfile,
  findingFromParts,
  paint,
  profileMask,
  quantise,
  unionProfile,
  type Canvas,
  type FindingRequest,
  type Laterality,
  type PlantedFinding,
  type Profile,
} from './phantom-common.js';

export const CHEST_FINDING_LABELS = [
  'nodule',
  'mass',
  'consolidation',
  'pleural effusion',
  'pneumothorax',
  'cardiomegaly',
] as const;
export type ChestFindingLabel = (typeof CHEST_FINDING_LABELS)[number];

export interface ChestXrayOptions {
  seed?: number | string;
  width?: number;
  height?: number;
  /** A count of random findings (0 = normal study), or the exact findings to plant. Default: 0–2 at random. */
  findings?: number | FindingRequest[];
  /** Gaussian noise σ in grey levels (default 3). */
  noise?: number;
}

export interface ChestXrayPhantom {
  kind: 'chest-xray';
  seed: number;
  view: 'PA';
  width: number;
  height: number;
  /** Nominal detector pixel size: the phantom spans about 430 mm across. */
  pixelSpacingMm: number;
  raster: Raster;
  findings: PlantedFinding[];
  /** Ground-truth mask per finding, same order as findings. */
  masks: Mask[];
}

interface Lung {
  side: 'right' | 'left';
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  mask: Mask;
}

const ZONES = ['upper', 'middle', 'lower'] as const;

export function generateChestXray(options: ChestXrayOptions = {}): ChestXrayPhantom {
  const seed = typeof options.seed === 'string' ? hashSeed(options.seed) : (options.seed ?? 1);
  const rng = createRng(hashSeed('chest-xray', seed));
  const width = options.width ?? 512;
  const height = options.height ?? 512;
  if (!(width >= 64 && height >= 64))
    throw new Error(`chest phantom needs at least 64×64 pixels, got ${width}×${height}`);
  const s = Math.min(width, height) / 512;
  const mmPerPixel = 430 / width;
  const requests = chooseRequests(rng, options.findings);
  const enlarged = requests.some((request) => request.label === 'cardiomegaly');

  const canvas = createCanvas(width, height, 1, 8);
  paint(
    canvas,
    ellipseProfile(0.5 * width, 0.58 * height, 0.47 * width, 0.55 * height, 4 * s),
    102,
    undefined,
    undefined,
    'blend',
  );
  const lungs: Lung[] = [
    makeLung('right', 0.31 * width, 0.47 * height, 0.15 * width, 0.29 * height, s, width, height, rng),
    makeLung('left', 0.69 * width, 0.48 * height, 0.145 * width, 0.28 * height, s, width, height, rng),
  ];
  for (const lung of lungs) {
    const profile = ellipseProfile(lung.cx, lung.cy, lung.rx, lung.ry, 3 * s);
    paint(canvas, profile, 38, boundsAround(lung.cx, lung.cy, lung.rx, lung.ry, 6 * s), undefined, 'blend');
    // Denser bases: a gentle vertical gradient inside the lung.
    paint(
      canvas,
      (x, y) => profile(x, y) * Math.max(0, (y - lung.cy) / lung.ry) * 0.6,
      18,
      boundsAround(lung.cx, lung.cy, lung.rx, lung.ry),
    );
  }
  paint(
    canvas,
    ellipseProfile(0.5 * width, 0.33 * height, 0.06 * width, 0.26 * height, 4 * s),
    150,
    undefined,
    undefined,
    'blend',
  );
  const heart = {
    cx: 0.54 * width,
    cy: 0.65 * height,
    rx: (enlarged ? 0.205 : 0.14) * width,
    ry: (enlarged ? 0.14 : 0.11) * height,
  };
  const heartProfile = ellipseProfile(heart.cx, heart.cy, heart.rx, heart.ry, 3 * s);
  paint(canvas, heartProfile, 150, boundsAround(heart.cx, heart.cy, heart.rx, heart.ry, 6 * s), undefined, 'blend');
  const heartMask = profileMask(width, height, heartProfile);
  for (const lung of lungs)
    for (let i = 0; i < lung.mask.data.length; i++) if (heartMask.data[i]) lung.mask.data[i] = 0;
  paint(canvas, (x) => Math.max(0, 1 - Math.abs(x - 0.5 * width) / (0.028 * width)), 28, {
    x0: 0.46 * width,
    y0: 0,
    x1: 0.54 * width,
    y1: height,
  });
  drawRibs(canvas, lungs, s);
  for (const sign of [-1, 1]) {
    const x0 = 0.5 * width + sign * 0.05 * width;
    const x1 = 0.5 * width + sign * 0.33 * width;
    const y0 = 0.2 * height;
    const y1 = 0.15 * height;
    paint(
      canvas,
      (x, y) => {
        const t = (x - x0) / (x1 - x0);
        if (t < 0 || t > 1) return 0;
        return Math.max(0, 1 - Math.abs(y - (y0 + t * (y1 - y0))) / (7 * s));
      },
      34,
      { x0: Math.min(x0, x1), y0: y1 - 10 * s, x1: Math.max(x0, x1), y1: y0 + 10 * s },
    );
  }

  const findings: PlantedFinding[] = [];
  const masks: Mask[] = [];
  for (const request of requests) {
    const planted = plantFinding(
      canvas,
      request,
      lungs,
      heartMask,
      findings,
      rng,
      s,
      mmPerPixel,
      `F${findings.length + 1}`,
    );
    if (planted) {
      findings.push(planted.finding);
      masks.push(planted.mask);
    }
  }
  addNoise(canvas, options.noise ?? 3, rng.normal);
  return {
    kind: 'chest-xray',
    seed,
    view: 'PA',
    width,
    height,
    pixelSpacingMm: Math.round(mmPerPixel * 1000) / 1000,
    raster: { width, height, channels: 1, data: quantise(canvas) },
    findings,
    masks,
  };
}

function chooseRequests(rng: Rng, findings: ChestXrayOptions['findings']): FindingRequest[] {
  if (Array.isArray(findings)) {
    for (const request of findings) {
      if (!(CHEST_FINDING_LABELS as readonly string[]).includes(request.label)) {
        throw new Error(`unknown chest finding "${request.label}"; known: ${CHEST_FINDING_LABELS.join(', ')}`);
      }
    }
    return findings;
  }
  const count = findings ?? rng.pick([0, 1, 1, 2]);
  const pool = rng.shuffle([...CHEST_FINDING_LABELS]);
  return pool.slice(0, Math.min(count, pool.length)).map((label) => ({ label }));
}

function makeLung(
  side: Lung['side'],
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  s: number,
  width: number,
  height: number,
  rng: Rng,
): Lung {
  const jitter = () => 1 + (rng.next() - 0.5) * 0.04;
  const [jcx, jcy, jrx, jry] = [cx * jitter(), cy * jitter(), rx * jitter(), ry * jitter()];
  return {
    side,
    cx: jcx,
    cy: jcy,
    rx: jrx,
    ry: jry,
    mask: profileMask(width, height, ellipseProfile(jcx, jcy, jrx, jry, 3 * s)),
  };
}

function drawRibs(canvas: Canvas, lungs: Lung[], s: number): void {
  const clip = createMask(canvas.width, canvas.height);
  for (const lung of lungs) for (let i = 0; i < clip.data.length; i++) if (lung.mask.data[i]) clip.data[i] = 1;
  for (const lung of lungs) {
    const top = lung.cy - lung.ry;
    for (let k = 0; k < 9; k++) {
      const base = top + ((k + 0.6) * (lung.ry * 2)) / 10;
      const lateral = lung.side === 'right' ? lung.cx - lung.rx : lung.cx + lung.rx;
      const profile: Profile = (x, y) => {
        const t = (x - lateral) / (2 * lung.rx);
        const curve = base - 0.09 * lung.ry * (1 - 4 * (Math.abs(t) - 0.5) ** 2);
        return Math.max(0, 1 - Math.abs(y - curve) / (5 * s));
      };
      paint(
        canvas,
        profile,
        20,
        { x0: lung.cx - lung.rx, y0: base - 0.15 * lung.ry, x1: lung.cx + lung.rx, y1: base + 10 * s },
        clip,
      );
    }
  }
}

function plantFinding(
  canvas: Canvas,
  request: FindingRequest,
  lungs: Lung[],
  heartMask: Mask,
  existing: PlantedFinding[],
  rng: Rng,
  s: number,
  mmPerPixel: number,
  id: string,
): { finding: PlantedFinding; mask: Mask } | null {
  const { width, height } = canvas;
  if (request.label === 'cardiomegaly') {
    const built = findingFromParts(id, 'cardiomegaly', 'none', 'heart', [heartMask], 0, mmPerPixel);
    return built && withSize(built, mmPerPixel);
  }
  const laterality: Laterality = request.laterality ?? (rng.next() < 0.5 ? 'right' : 'left');
  const sides = laterality === 'bilateral' ? lungs : lungs.filter((lung) => lung.side === laterality);
  if (sides.length === 0)
    throw new Error(`chest finding "${request.label}": laterality must be left, right or bilateral, got ${laterality}`);
  for (let attempt = 0; attempt < 60; attempt++) {
    const zone =
      request.label === 'pleural effusion'
        ? 'lower'
        : request.label === 'pneumothorax'
          ? 'upper'
          : (request.zone ?? rng.pick(ZONES));
    const plans = sides.map((lung) => planPart(request, lung, zone, rng, s, width, height));
    if (plans.some((plan) => plan === null)) continue;
    const parts = plans.map((plan) => profileMask(width, height, plan!.profile, plan!.bounds, plan!.clip));
    const built = findingFromParts(
      id,
      request.label,
      laterality,
      regionName(laterality, zone, request.label),
      parts,
      plans[0]!.size,
      mmPerPixel,
    );
    if (!built || built.finding.boxes.length !== sides.length) continue;
    if (existing.some((other) => overlaps(other.box, built.finding.box))) continue;
    for (const plan of plans) paint(canvas, plan!.profile, plan!.amount, plan!.bounds, plan!.clip, plan!.mode);
    return built;
  }
  return null;
}

const overlaps = (a: Box, b: Box): boolean => intersectBoxes(a, b) !== null;
const withSize = (built: { finding: PlantedFinding; mask: Mask }, mmPerPixel: number) => {
  const size = Math.max(built.finding.box.x2 - built.finding.box.x1, built.finding.box.y2 - built.finding.box.y1);
  built.finding.sizePx = size;
  built.finding.sizeMm = Math.round(size * mmPerPixel * 100) / 100;
  return built;
};

function regionName(laterality: Laterality, zone: string, label: string): string {
  const side = laterality === 'bilateral' ? 'bilateral' : laterality;
  if (label === 'pneumothorax') return `${side} apical pleural space`;
  if (label === 'pleural effusion') return `${side} costophrenic angle`;
  return `${side} ${zone} zone`;
}

interface PartPlan {
  profile: Profile;
  amount: number;
  mode: 'add' | 'blend';
  bounds: ReturnType<typeof boundsAround>;
  clip?: Mask;
  size: number;
}

function planPart(
  request: FindingRequest,
  lung: Lung,
  zone: string,
  rng: Rng,
  s: number,
  width: number,
  height: number,
): PartPlan | null {
  const zoneIndex = Math.max(0, ZONES.indexOf(zone as (typeof ZONES)[number]));
  const y0 = lung.cy - lung.ry + (zoneIndex * 2 * lung.ry) / 3;
  const cy = y0 + (0.2 + 0.6 * rng.next()) * ((2 * lung.ry) / 3);
  const cx = lung.cx + (rng.next() - 0.5) * 1.2 * lung.rx;
  const inLung = (x: number, y: number) => {
    const px = Math.round(x);
    const py = Math.round(y);
    return px >= 0 && py >= 0 && px < width && py < height && lung.mask.data[py * width + px] === 1;
  };
  switch (request.label) {
    case 'nodule':
    case 'mass': {
      const d = request.sizePx ?? (request.label === 'nodule' ? 9 + rng.next() * 13 : 34 + rng.next() * 26) * s;
      const r = d / 2;
      for (const [dx, dy] of [
        [0, 0],
        [r, 0],
        [-r, 0],
        [0, r],
        [0, -r],
      ])
        if (!inLung(cx + dx * 1.3, cy + dy * 1.3)) return null;
      const lobes: Profile[] = [ellipseProfile(cx, cy, r, r * (0.85 + 0.15 * rng.next()), 1.5)];
      if (request.label === 'mass') {
        for (let k = 0; k < 3; k++) {
          const angle = rng.next() * 2 * Math.PI;
          lobes.push(
            ellipseProfile(cx + Math.cos(angle) * r * 0.35, cy + Math.sin(angle) * r * 0.35, r * 0.6, r * 0.6, 1.5),
          );
        }
      }
      return {
        profile: unionProfile(...lobes),
        amount: request.label === 'nodule' ? 55 : 62,
        mode: 'add',
        bounds: boundsAround(cx, cy, r * 1.4, r * 1.4),
        size: d,
      };
    }
    case 'consolidation': {
      const d = request.sizePx ?? (48 + rng.next() * 40) * s;
      if (!inLung(cx, cy)) return null;
      const blobs: Profile[] = [];
      for (let k = 0; k < 5; k++) {
        blobs.push(
          ellipseProfile(
            cx + (rng.next() - 0.5) * d * 0.5,
            cy + (rng.next() - 0.5) * d * 0.5,
            d * (0.22 + 0.1 * rng.next()),
            d * (0.22 + 0.1 * rng.next()),
            6 * s,
          ),
        );
      }
      return {
        profile: unionProfile(...blobs),
        amount: 48,
        mode: 'add',
        bounds: boundsAround(cx, cy, d, d),
        clip: lung.mask,
        size: d,
      };
    }
    case 'pleural effusion': {
      const h = request.sizePx ?? (0.18 + 0.2 * rng.next()) * 2 * lung.ry;
      const bottom = lung.cy + lung.ry;
      const lateralSign = lung.side === 'right' ? -1 : 1;
      const profile: Profile = (x, y) => {
        const level = bottom - h - 0.35 * h * (((x - lung.cx) * lateralSign) / lung.rx);
        return Math.max(0, Math.min(1, (y - level) / (3 * s) + 0.5));
      };
      return {
        profile,
        amount: 138,
        mode: 'blend',
        bounds: { x0: lung.cx - lung.rx - 4, y0: bottom - 1.6 * h, x1: lung.cx + lung.rx + 4, y1: bottom + 4 },
        clip: lung.mask,
        size: h,
      };
    }
    case 'pneumothorax': {
      const depth = request.sizePx ?? (10 + rng.next() * 16) * s;
      const lateralSign = lung.side === 'right' ? -1 : 1;
      const inner = ellipseProfile(
        lung.cx - lateralSign * depth * 0.5,
        lung.cy + depth * 0.8,
        lung.rx - depth * 0.5,
        lung.ry - depth * 0.8,
        2 * s,
      );
      const profile: Profile = (x, y) => (y < lung.cy ? 1 - inner(x, y) : 0);
      return {
        profile,
        amount: 14,
        mode: 'blend',
        bounds: { x0: lung.cx - lung.rx, y0: lung.cy - lung.ry, x1: lung.cx + lung.rx, y1: lung.cy },
        clip: lung.mask,
        size: depth,
      };
    }
    default:
      throw new Error(`unknown chest finding "${request.label}"; known: ${CHEST_FINDING_LABELS.join(', ')}`);
  }
}
