// Synthetic colour fundus photograph: circular field of view, orange retina with vignetting, optic
// disc and cup, macula and fovea, branching vessel arcades, and planted lesions. Convention: a
// RIGHT eye has its optic disc on the image right (nasal side), a left eye on the image left.
import { createRng, hashSeed, type Rng } from '../stats/random.js';
import { intersectBoxes } from './boxes.js';
import type { Mask, Raster } from './raster.js';
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
  type PlantedFinding,
  type Profile,
} from './phantom-common.js';

export const FUNDUS_FINDING_LABELS = [
  'hemorrhage',
  'microaneurysm',
  'hard exudate',
  'cotton wool spot',
  'drusen',
] as const;
export const FUNDUS_REGIONS = ['macula', 'superotemporal', 'inferotemporal', 'superonasal', 'inferonasal'] as const;

export interface FundusOptions {
  seed?: number | string;
  /** Square image side (default 512). */
  size?: number;
  eye?: 'right' | 'left';
  /** A count of random lesions (0 = normal), or the exact lesions (zone = one of FUNDUS_REGIONS). Default 0–3. */
  findings?: number | FindingRequest[];
  noise?: number;
}

export interface FundusPhantom {
  kind: 'fundus';
  seed: number;
  eye: 'right' | 'left';
  width: number;
  height: number;
  /** Nominal: the field of view is about 12 mm across. */
  pixelSpacingMm: number;
  raster: Raster;
  findings: PlantedFinding[];
  masks: Mask[];
  /** Landmarks in pixels, for questions about position relative to them. */
  landmarks: {
    disc: { x: number; y: number; radius: number };
    fovea: { x: number; y: number };
    fieldOfView: { x: number; y: number; radius: number };
  };
}

const COLOURS: Record<string, number[]> = {
  hemorrhage: [105, 18, 12],
  microaneurysm: [125, 22, 16],
  'hard exudate': [232, 205, 90],
  'cotton wool spot': [236, 228, 205],
  drusen: [214, 182, 108],
};

export function generateFundus(options: FundusOptions = {}): FundusPhantom {
  const seed = typeof options.seed === 'string' ? hashSeed(options.seed) : (options.seed ?? 1);
  const rng = createRng(hashSeed('fundus', seed));
  const size = options.size ?? 512;
  if (!(size >= 64)) throw new Error(`fundus phantom needs at least 64 pixels, got ${size}`);
  const s = size / 512;
  const eye = options.eye ?? (rng.next() < 0.5 ? 'right' : 'left');
  const nasal = eye === 'right' ? 1 : -1;
  const fov = { x: size / 2, y: size / 2, radius: 0.47 * size };
  const disc = {
    x: size / 2 + nasal * 0.2 * size,
    y: size / 2 + (rng.next() - 0.5) * 0.04 * size,
    radius: 0.07 * size,
  };
  const fovea = { x: disc.x - nasal * 0.36 * size, y: disc.y + 0.03 * size };

  const canvas = createCanvas(size, size, 3);
  const waves = Array.from({ length: 4 }, () => ({
    fx: rng.next() * 0.05,
    fy: rng.next() * 0.05,
    phase: rng.next() * 6.3,
  }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x + 0.5 - fov.x, y + 0.5 - fov.y) / fov.radius;
      if (r > 1) continue;
      const shade = (1 - 0.38 * r * r) * Math.min(1, (1 - r) * 60);
      let texture = 0;
      for (const wave of waves) texture += Math.sin(x * wave.fx + y * wave.fy + wave.phase) * 3;
      const offset = (y * size + x) * 3;
      canvas.data[offset] = (196 + texture) * shade;
      canvas.data[offset + 1] = (84 + texture * 0.6) * shade;
      canvas.data[offset + 2] = (38 + texture * 0.3) * shade;
    }
  }
  const macula = ellipseProfile(fovea.x, fovea.y, 0.09 * size, 0.09 * size, 0.05 * size);
  paint(
    canvas,
    (x, y) => 0.45 * macula(x, y),
    [120, 48, 24],
    boundsAround(fovea.x, fovea.y, 0.15 * size, 0.15 * size),
    undefined,
    'blend',
  );
  paint(
    canvas,
    ellipseProfile(fovea.x, fovea.y, 0.015 * size, 0.015 * size, 0.01 * size),
    [105, 40, 20],
    boundsAround(fovea.x, fovea.y, 0.03 * size, 0.03 * size),
    undefined,
    'blend',
  );
  drawVessels(canvas, disc, fovea, nasal, rng, s);
  paint(
    canvas,
    ellipseProfile(disc.x, disc.y, disc.radius * 0.92, disc.radius, 2 * s),
    [244, 206, 140],
    boundsAround(disc.x, disc.y, disc.radius, disc.radius, 4),
    undefined,
    'blend',
  );
  paint(
    canvas,
    ellipseProfile(disc.x + nasal * 0.1 * disc.radius, disc.y, disc.radius * 0.4, disc.radius * 0.45, 3 * s),
    [252, 238, 200],
    boundsAround(disc.x, disc.y, disc.radius, disc.radius),
    undefined,
    'blend',
  );

  const fovMask = profileMask(size, size, ellipseProfile(fov.x, fov.y, fov.radius * 0.9, fov.radius * 0.9, 1));
  const findings: PlantedFinding[] = [];
  const masks: Mask[] = [];
  const requests = chooseRequests(rng, options.findings);
  for (const request of requests) {
    for (let attempt = 0; attempt < 80; attempt++) {
      const region = request.zone ?? rng.pick(FUNDUS_REGIONS);
      const centre = placeIn(region, disc, fovea, fov, nasal, rng, size);
      const plan = planLesion(request, centre, rng, s);
      const mask = profileMask(size, size, plan.profile, plan.bounds, fovMask);
      const built = findingFromParts(
        `F${findings.length + 1}`,
        request.label,
        eye,
        region,
        [mask],
        plan.size,
        12 / (2 * fov.radius),
      );
      if (!built || built.finding.areaPx < 3) continue;
      const box = built.finding.box;
      if (Math.hypot((box.x1 + box.x2) / 2 - disc.x, (box.y1 + box.y2) / 2 - disc.y) < disc.radius + plan.size)
        continue;
      if (findings.some((other) => intersectBoxes(other.box, box))) continue;
      if (regionOf(centre.x, centre.y, disc, fovea, nasal, size) !== region) continue;
      paint(canvas, plan.profile, COLOURS[request.label], plan.bounds, fovMask, 'blend');
      findings.push(built.finding);
      masks.push(built.mask);
      break;
    }
  }
  addNoise(canvas, options.noise ?? 2, rng.normal);
  for (let pixel = 0; pixel < size * size; pixel++) {
    if (Math.hypot((pixel % size) + 0.5 - fov.x, Math.floor(pixel / size) + 0.5 - fov.y) > fov.radius)
      canvas.data.fill(0, pixel * 3, pixel * 3 + 3);
  }
  return {
    kind: 'fundus',
    seed,
    eye,
    width: size,
    height: size,
    pixelSpacingMm: Math.round((12 / (2 * fov.radius)) * 10000) / 10000,
    raster: { width: size, height: size, channels: 3, data: quantise(canvas) },
    findings,
    masks,
    landmarks: { disc, fovea, fieldOfView: fov },
  };
}

function chooseRequests(rng: Rng, findings: FundusOptions['findings']): FindingRequest[] {
  if (Array.isArray(findings)) {
    for (const request of findings) {
      if (!(FUNDUS_FINDING_LABELS as readonly string[]).includes(request.label)) {
        throw new Error(`unknown fundus finding "${request.label}"; known: ${FUNDUS_FINDING_LABELS.join(', ')}`);
      }
      if (request.zone !== undefined && !(FUNDUS_REGIONS as readonly string[]).includes(request.zone)) {
        throw new Error(`unknown fundus region "${request.zone}"; known: ${FUNDUS_REGIONS.join(', ')}`);
      }
    }
    return findings;
  }
  const count = findings ?? rng.pick([0, 1, 2, 3]);
  return Array.from({ length: count }, () => ({ label: rng.pick(FUNDUS_FINDING_LABELS) }));
}

type Point = { x: number; y: number };

/** Which region a point falls in: macula (within 0.1 × size of the fovea), else a quadrant split at the disc. */
export function regionOf(x: number, y: number, disc: Point, fovea: Point, nasal: number, size: number): string {
  if (Math.hypot(x - fovea.x, y - fovea.y) < 0.1 * size) return 'macula';
  const vertical = y < disc.y ? 'supero' : 'infero';
  const side = (x - disc.x) * nasal > 0 ? 'nasal' : 'temporal';
  return vertical + side;
}

function placeIn(
  region: string,
  disc: Point,
  fovea: Point,
  fov: Point & { radius: number },
  nasal: number,
  rng: Rng,
  size: number,
): Point {
  if (region === 'macula') {
    const angle = rng.next() * 2 * Math.PI;
    const r = rng.next() * 0.07 * size;
    return { x: fovea.x + Math.cos(angle) * r, y: fovea.y + Math.sin(angle) * r };
  }
  const up = region.startsWith('supero') ? -1 : 1;
  const towardNasal = region.endsWith('nasal') ? 1 : -1;
  for (;;) {
    const x = disc.x + towardNasal * nasal * rng.next() * 0.8 * size;
    const y = disc.y + up * (0.03 + rng.next() * 0.4) * size;
    if (Math.hypot(x - fov.x, y - fov.y) < fov.radius * 0.82) return { x, y };
  }
}

function planLesion(
  request: FindingRequest,
  centre: Point,
  rng: Rng,
  s: number,
): { profile: Profile; bounds: ReturnType<typeof boundsAround>; size: number } {
  const { x, y } = centre;
  const spots = (count: number, spread: number, radius: () => number) => {
    const parts: Profile[] = [];
    for (let k = 0; k < count; k++) {
      const r = radius();
      parts.push(ellipseProfile(x + (rng.next() - 0.5) * spread, y + (rng.next() - 0.5) * spread, r, r, 1));
    }
    return parts;
  };
  switch (request.label) {
    case 'hemorrhage': {
      const d = request.sizePx ?? (9 + rng.next() * 10) * s;
      return {
        profile: ellipseProfile(x, y, d / 2, (d / 2) * (0.7 + 0.3 * rng.next()), 1.5),
        bounds: boundsAround(x, y, d, d),
        size: d,
      };
    }
    case 'microaneurysm': {
      const d = request.sizePx ?? (3.5 + rng.next() * 2.5) * s;
      return { profile: ellipseProfile(x, y, d / 2, d / 2, 1), bounds: boundsAround(x, y, d, d), size: d };
    }
    case 'cotton wool spot': {
      const d = request.sizePx ?? (12 + rng.next() * 10) * s;
      return {
        profile: ellipseProfile(x, y, d / 2, d * 0.35, 3 * s),
        bounds: boundsAround(x, y, d, d, 5 * s),
        size: d,
      };
    }
    case 'hard exudate':
    case 'drusen': {
      const spread = request.sizePx ?? (16 + rng.next() * 14) * s;
      const count = request.label === 'drusen' ? 5 + rng.int(5) : 3 + rng.int(4);
      const parts = spots(count, spread, () => (1.6 + rng.next() * 2.2) * s);
      return { profile: unionProfile(...parts), bounds: boundsAround(x, y, spread, spread), size: spread };
    }
    default:
      throw new Error(`unknown fundus finding "${request.label}"; known: ${FUNDUS_FINDING_LABELS.join(', ')}`);
  }
}

function drawVessels(canvas: Canvas, disc: Point, fovea: Point, nasal: number, rng: Rng, s: number): void {
  const colour = [118, 28, 16];
  const vessel = (
    x: number,
    y: number,
    angle: number,
    width: number,
    length: number,
    bend: number,
    depth: number,
  ): void => {
    for (let step = 0; step < length; step += 2 * s) {
      const r = Math.max(0.7, width / 2);
      paint(canvas, ellipseProfile(x, y, r, r, 1), colour, boundsAround(x, y, r, r, 2), undefined, 'blend');
      x += Math.cos(angle) * 2 * s;
      y += Math.sin(angle) * 2 * s;
      angle += bend + (rng.next() - 0.5) * 0.06;
      width = Math.max(1.2 * s, width - 0.012 * s);
      if (depth < 2 && rng.next() < 0.012) {
        vessel(
          x,
          y,
          angle + (rng.next() < 0.5 ? -1 : 1) * (0.5 + rng.next() * 0.5),
          width * 0.7,
          length * 0.45,
          bend * 0.5,
          depth + 1,
        );
      }
      if (x < 0 || y < 0 || x > canvas.width || y > canvas.height) return;
    }
  };
  const temporal = nasal === 1 ? Math.PI : 0;
  const toward = Math.atan2(fovea.y - disc.y, fovea.x - disc.x);
  for (const up of [-1, 1]) {
    vessel(
      disc.x,
      disc.y,
      temporal + up * nasal * -1.1 + (toward - temporal) * 0.1,
      6 * s,
      270 * s,
      -up * nasal * -0.011,
      0,
    );
    vessel(disc.x, disc.y, (nasal === 1 ? 0 : Math.PI) + up * nasal * 0.8, 4.5 * s, 170 * s, 0, 0);
  }
}
