// CARE's entity-referring segmentation, pluggable: a classical region grower that needs no weights
// (bright focal findings, with a per-pixel probability map so that the confidence means something),
// an HTTP endpoint (image + text → probability mask) and a user-supplied `.onnx` through the one
// session wrapper (src/models/onnx). Confidence C = 1 − H/log 2 with H the mean per-pixel binary
// entropy of the probability map (multimodal-methods.md §1, inferred there); keep iff C ≥ τ_C.
import { MedkitError } from '../../core/index.js';
import { encodePng, toGrey, type Mask, type Raster } from '../../imaging/index.js';
import { float32Tensor, int64Tensor, openOnnxModel, type OnnxModel } from '../../models/onnx/index.js';

/** A probability map in [0, 1], row-major, the size of the image it was computed on. */
export interface ProbabilityMap {
  width: number;
  height: number;
  data: Float32Array;
}

export interface Segmentation {
  entity: string;
  probability: ProbabilityMap;
  mask: Mask;
  confidence: number;
  /** Why the mask is empty or how it was found (logged with the evidence). */
  note: string;
}

export interface Segmenter {
  name: string;
  segment(image: Raster, entity: string, signal?: AbortSignal): Promise<ProbabilityMap>;
  close?(): Promise<void>;
}

const binaryEntropy = (p: number): number => {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
};

/** C = 1 − H/log 2, H = mean per-pixel binary entropy (nats); 1 for a map of hard 0/1 pixels. */
export function maskConfidence(map: ProbabilityMap): number {
  if (map.data.length === 0) return 0;
  let sum = 0;
  for (const p of map.data) sum += binaryEntropy(p);
  return 1 - sum / map.data.length / Math.log(2);
}

/** The binary mask p ≥ 0.5. */
export function thresholdMap(map: ProbabilityMap, threshold = 0.5): Mask {
  const data = new Uint8Array(map.data.length);
  for (let i = 0; i < data.length; i++) data[i] = map.data[i]! >= threshold ? 1 : 0;
  return { width: map.width, height: map.height, data };
}

/** Box mean over a (2r+1)² window (integral image; windows clipped at the border). */
function boxMean(values: Float32Array, width: number, height: number, r: number): Float32Array {
  const table = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += values[y * width + x]!;
      table[(y + 1) * (width + 1) + x + 1] = table[y * (width + 1) + x + 1]! + row;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y1 = Math.max(0, y - r);
    const y2 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x1 = Math.max(0, x - r);
      const x2 = Math.min(width, x + r + 1);
      const sum =
        table[y2 * (width + 1) + x2]! -
        table[y1 * (width + 1) + x2]! -
        table[y2 * (width + 1) + x1]! +
        table[y1 * (width + 1) + x1]!;
      out[y * width + x] = sum / ((x2 - x1) * (y2 - y1));
    }
  }
  return out;
}

/** Entities the classical segmenter knows: bright focal findings. Others get an empty map. */
export const FOCAL_ENTITY = /nodul|mass|lesion|opacit|tumou?r|focal|spot|calcif|granulom|metasta/i;

export interface ClassicalOptions {
  /** Local background window radius (pixels of the image). */
  backgroundRadius?: number;
  /** Sigmoid scale in units of the robust noise σ: larger = softer map = lower confidence. */
  scale?: number;
}

/**
 * Classical region growing for bright focal findings (no weights). D = (3×3 mean) − (local mean over a
 * (2·backgroundRadius+1)² window), inside the lung fields (mid-grey band of a 31×31 mean, as the phantom's);
 * σ = 1.4826·MAD(D); seed = argmax D; p(x) = sigmoid((D(x) − D_seed/2) / (scale·σ)) inside the lung fields,
 * 0 outside; the mask is the 4-connected region of p ≥ 0.5 grown from the seed. A seed barely above the
 * noise gives a soft map over many noise pixels, hence a low confidence.
 */
export function classicalSegmenter(options: ClassicalOptions = {}): Segmenter {
  const radius = options.backgroundRadius ?? 14;
  const scale = options.scale ?? 1.8;
  return {
    name: 'classical',
    async segment(image, entity) {
      const grey = toGrey(image);
      const { width, height } = grey;
      const values = Float32Array.from(grey.data);
      const data = new Float32Array(width * height);
      if (!FOCAL_ENTITY.test(entity)) return { width, height, data };
      const smooth = boxMean(values, width, height, 1);
      const ring = boxMean(values, width, height, 2);
      const field = boxMean(values, width, height, 15);
      const inside = (i: number) => field[i]! > 20 && field[i]! < 92;
      // centre minus the brightest of 8 ring points: an edge has a brighter side (negative), a blob none
      const offsets: number[] = [];
      for (let k = 0; k < 8; k++) {
        const angle = (k * Math.PI) / 4;
        offsets.push(Math.round(radius * Math.sin(angle)) * width + Math.round(radius * Math.cos(angle)));
      }
      const contrast = new Float32Array(width * height);
      const samples: number[] = [];
      let seed = -1;
      const margin = radius + 2;
      for (let y = margin; y < height - margin; y++)
        for (let x = margin; x < width - margin; x++) {
          const i = y * width + x;
          if (!inside(i)) continue;
          let brightest = -Infinity;
          for (const offset of offsets) brightest = Math.max(brightest, ring[i + offset]!);
          contrast[i] = smooth[i]! - brightest || 1e-6;
          samples.push(contrast[i]!);
          if (seed < 0 || contrast[i]! > contrast[seed]!) seed = i;
        }
      if (seed < 0 || samples.length < 16) return { width, height, data };
      samples.sort((a, b) => a - b);
      const median = samples[samples.length >> 1]!;
      const deviations = samples.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
      const sigma = Math.max(1e-3, 1.4826 * deviations[deviations.length >> 1]!);
      const level = (contrast[seed]! + median) / 2;
      for (let i = 0; i < data.length; i++)
        if (contrast[i] !== 0) data[i] = 1 / (1 + Math.exp(-(contrast[i]! - level) / (scale * sigma)));
      // keep only the seed's connected region above 0.5 as mask; the soft map stays for the confidence
      const grown = new Uint8Array(width * height);
      const stack = [seed];
      grown[seed] = 1;
      while (stack.length > 0) {
        const i = stack.pop()!;
        const x = i % width;
        for (const j of [i - width, i + width, x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1])
          if (j >= 0 && j < data.length && !grown[j] && data[j]! >= 0.5) {
            grown[j] = 1;
            stack.push(j);
          }
      }
      for (let i = 0; i < data.length; i++) if (!grown[i] && data[i]! >= 0.5) data[i] = 0.49;
      return { width, height, data };
    },
  };
}

/**
 * HTTP segmenter: POST `{image: <base64 PNG>, mediaType: 'image/png', text: <entity>}` to the URL; the reply
 * is `{width, height, probabilities: number[] (row-major, 0..1)}` or `{…, mask_png: <base64 grey PNG, 0..255>}`.
 */
export function httpSegmenter(url: string, options: { timeoutMs?: number } = {}): Segmenter {
  return {
    name: `http ${url}`,
    async segment(image, entity, signal) {
      const body = JSON.stringify({
        image: Buffer.from(await encodePng(image)).toString('base64'),
        mediaType: 'image/png',
        text: entity,
      });
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        throw new MedkitError(`segmenter ${url}: request failed: ${(error as Error).message}`);
      }
      const text = await response.text();
      if (!response.ok) throw new MedkitError(`segmenter ${url}: HTTP ${response.status}: ${text.slice(0, 200)}`);
      let json: { width?: unknown; height?: unknown; probabilities?: unknown };
      try {
        json = JSON.parse(text);
      } catch {
        throw new MedkitError(`segmenter ${url}: the reply is not JSON: ${text.slice(0, 120)}`);
      }
      const { width, height, probabilities } = json;
      if (width !== image.width || height !== image.height)
        throw new MedkitError(
          `segmenter ${url}: width/height ${String(width)}×${String(height)} differ from the image's ${image.width}×${image.height}`,
        );
      if (!Array.isArray(probabilities) || probabilities.length !== image.width * image.height)
        throw new MedkitError(`segmenter ${url}: probabilities must be a list of width·height numbers`);
      const data = new Float32Array(probabilities.length);
      for (let i = 0; i < data.length; i++) {
        const p = probabilities[i];
        if (typeof p !== 'number' || !(p >= 0 && p <= 1))
          throw new MedkitError(`segmenter ${url}: probabilities[${i}] = ${String(p)} is not in [0, 1]`);
        data[i] = p;
      }
      return { width: image.width, height: image.height, data };
    },
  };
}

/** Text → token ids for an ONNX segmenter without a tokenizer: UTF-8 bytes + 1 (0 is padding), at most 64. */
export const byteTokens = (text: string): number[] => [...Buffer.from(text, 'utf8')].slice(0, 64).map((b) => b + 1);

/**
 * ONNX segmenter (README: contract): inputs `pixel_values` f32 [1,3,H,W] in 0..1 (RGB) and `input_ids` i64
 * [1,T] (byteTokens of the entity), output `mask` f32 [1,1,H,W] of probabilities (values outside [0, 1]
 * are taken as logits and passed through a sigmoid).
 */
export function onnxSegmenter(path: string, options: { threads?: number } = {}): Segmenter {
  let model: Promise<OnnxModel> | null = null;
  return {
    name: `onnx ${path}`,
    async segment(image, entity) {
      model ??= openOnnxModel(path, { threads: options.threads ?? 1, purpose: 'CARE segmenter' });
      const session = await model;
      const { width, height } = image;
      const pixels = new Float32Array(3 * width * height);
      const c = image.channels;
      for (let i = 0; i < width * height; i++)
        for (let k = 0; k < 3; k++) pixels[k * width * height + i] = image.data[i * c + (c >= 3 ? k : 0)]! / 255;
      const ids = byteTokens(entity);
      const outputs = await session.run({
        pixel_values: float32Tensor(pixels, [1, 3, height, width]),
        input_ids: int64Tensor(ids.length > 0 ? ids : [0], [1, Math.max(1, ids.length)]),
      });
      const mask = outputs.mask;
      if (!mask || mask.dims.at(-1) !== width || mask.dims.at(-2) !== height)
        throw new MedkitError(
          `${path}: output "mask" must be [1,1,${height},${width}], got ${mask ? `[${mask.dims.join(',')}]` : 'nothing'}`,
        );
      const raw = mask.data as Float32Array;
      const logits = raw.some((v) => v < 0 || v > 1);
      const data = new Float32Array(width * height);
      for (let i = 0; i < data.length; i++) data[i] = logits ? 1 / (1 + Math.exp(-raw[i]!)) : raw[i]!;
      return { width, height, data };
    },
    async close() {
      if (model) await (await model).close();
    },
  };
}

export async function segmentEntity(
  segmenter: Segmenter,
  image: Raster,
  entity: string,
  signal?: AbortSignal,
): Promise<Segmentation> {
  const probability = await segmenter.segment(image, entity, signal);
  const mask = thresholdMap(probability);
  const empty = !mask.data.includes(1);
  return {
    entity,
    probability,
    mask,
    confidence: maskConfidence(probability),
    note: empty ? `empty mask: ${segmenter.name} found no '${entity}'` : `${segmenter.name}`,
  };
}
