// Window centre/width → 8-bit display values, with the DICOM linear function (PS3.3 C.11.2.1.2.1)
// and the usual CT presets in Hounsfield units.

export interface Window {
  center: number;
  width: number;
}

/** Common CT windows (HU). Sources differ by a few HU; these are the widely taught values. */
export const WINDOW_PRESETS = {
  lung: { center: -600, width: 1500 },
  mediastinum: { center: 50, width: 350 },
  'soft-tissue': { center: 40, width: 400 },
  abdomen: { center: 40, width: 400 },
  liver: { center: 60, width: 160 },
  bone: { center: 400, width: 1800 },
  brain: { center: 40, width: 80 },
  subdural: { center: 75, width: 215 },
  stroke: { center: 40, width: 40 },
} as const satisfies Record<string, Window>;

export type WindowPreset = keyof typeof WINDOW_PRESETS;
/** A preset name, an explicit window, 'auto' (robust min/max of the data) or 'dicom' (the file's own window, else auto). */
export type WindowChoice = WindowPreset | Window | 'auto' | 'dicom';

export function isWindowPreset(name: string): name is WindowPreset {
  return Object.hasOwn(WINDOW_PRESETS, name);
}

export function windowLabel(choice: WindowChoice, resolved: Window): string {
  if (typeof choice === 'string' && isWindowPreset(choice)) return `${choice} window`;
  return `window C${round(resolved.center)}/W${round(resolved.width)}`;
}

const round = (value: number): number => Math.round(value * 10) / 10;

/**
 * DICOM linear VOI LUT to 0–255: values ≤ c − 0.5 − (w − 1)/2 → 0, > c − 0.5 + (w − 1)/2 → 255,
 * else ((x − (c − 0.5)) / (w − 1) + 0.5) × 255. `invert` flips the result (MONOCHROME1).
 */
export function applyWindow(
  values: ArrayLike<number>,
  window: Window,
  options: { invert?: boolean; out?: Uint8Array } = {},
): Uint8Array {
  const width = Math.max(1, window.width);
  const c = window.center - 0.5;
  const low = c - (width - 1) / 2;
  const out = options.out ?? new Uint8Array(values.length);
  const invert = options.invert ?? false;
  const span = width - 1;
  // y = ((x − c) / span + 0.5) × 255 = x × scale + offset, rounded half up.
  const scale = span > 0 ? 255 / span : 0;
  const offset = span > 0 ? 127.5 - c * scale + 0.5 : 255.5;
  const flip = invert ? 255 : 0;
  const sign = invert ? -1 : 1;
  const count = values.length;
  if (span <= 0) {
    // Width 1: a step at the centre (no linear part).
    for (let index = 0; index < count; index++) out[index] = flip + sign * (values[index] <= low ? 0 : 255);
    return out;
  }
  // x ≤ low gives x × scale + offset ≤ 0.5 and x > high gives > 255.5, so clamping the linear part to
  // 0..255 and truncating reproduces the three-piece function exactly, with no branch on low/high.
  // (Separate loops per array type keep the hot loop monomorphic.)
  if (values instanceof Float32Array) windowLoop(values, out, count, scale, offset, flip, sign);
  else windowLoop(values, out, count, scale, offset, flip, sign);
  return out;
}

function windowLoop(
  values: ArrayLike<number>,
  out: Uint8Array,
  count: number,
  scale: number,
  offset: number,
  flip: number,
  sign: number,
): void {
  for (let index = 0; index < count; index++) {
    const y = values[index] * scale + offset;
    out[index] = flip + sign * (y < 0 ? 0 : y >= 255 ? 255 : y | 0); // NaN → 0, as before
  }
}

/** A window spanning the 0.5–99.5 percentiles of the values (a histogram pass, no full sort). */
export function autoWindow(values: ArrayLike<number>): Window {
  let min = Infinity;
  let max = -Infinity;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!Number.isFinite(min)) return { center: 0, width: 1 };
  if (max === min) return { center: min, width: 1 };
  const bins = 4096;
  const histogram = new Uint32Array(bins);
  const scale = (bins - 1) / (max - min);
  for (let index = 0; index < values.length; index++) histogram[Math.round((values[index] - min) * scale)]++;
  const cut = values.length * 0.005;
  let lowBin = 0;
  for (let seen = 0; lowBin < bins && seen + histogram[lowBin] <= cut; lowBin++) seen += histogram[lowBin];
  let highBin = bins - 1;
  for (let seen = 0; highBin > 0 && seen + histogram[highBin] <= cut; highBin--) seen += histogram[highBin];
  let lowValue = min + lowBin / scale;
  let highValue = min + highBin / scale;
  if (highValue <= lowValue) [lowValue, highValue] = [min, max];
  return { center: (lowValue + highValue) / 2 + 0.5, width: highValue - lowValue + 1 };
}

/** Resolves a choice against the data and an optional window stored in the file. */
export function resolveWindow(choice: WindowChoice, values: ArrayLike<number>, fileWindow?: Window): Window {
  if (typeof choice === 'object') return choice;
  if (choice === 'dicom') return fileWindow ?? autoWindow(values);
  if (choice === 'auto') return autoWindow(values);
  if (isWindowPreset(choice)) return WINDOW_PRESETS[choice];
  throw new Error(
    `unknown window "${String(choice)}"; presets: ${Object.keys(WINDOW_PRESETS).join(', ')}, or auto, dicom, {center,width}`,
  );
}
