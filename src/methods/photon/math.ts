// Photon's reference math as pure float64 functions (swift/photon/utils.py, patcher.py): ITS saliency, the
// ThresholdMLP's 12 features, the keep rule, the SGP surrogate backward, and the band / FLIP / MISMATCH losses.
// The TensorFlow.js versions (sgp.ts) are checked against these.

/** Per-head query and key rows of one sample: q[h][t], k[h][t] are vectors of the head dimension d. */
export interface QueryKeys {
  q: number[][][];
  k: number[][][];
}

const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

/** min-max to [0, 1] with utils.py's ε = 1e-8 in the denominator. */
export function minMax(values: ArrayLike<number>, eps = 1e-8): number[] {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < values.length; i++) {
    low = Math.min(low, values[i]!);
    high = Math.max(high, values[i]!);
  }
  return Array.from(values, (v) => (v - low) / (high - low + eps));
}

/**
 * ITS (instruction-conditioned token scheduling) saliency of the visual tokens from post-RoPE q/k:
 * c_t = mean_heads Σ_{t′∈Q, t′≠t} max(q_t·k_t′/√d, 0); w_t = c_t / max(Σc, 1); u_j = mean_heads Σ_t w_t q_t·k_j/√d;
 * ρ = minmax(u). `instruction` and `visual` are token positions.
 */
export function itsSaliency(
  { q, k }: QueryKeys,
  instruction: number[],
  visual: number[],
): { centrality: number[]; weights: number[]; u: number[]; rho: number[] } {
  const heads = q.length;
  if (heads === 0 || k.length !== heads) throw new RangeError('ITS: q and k need the same, non-zero number of heads');
  if (instruction.length === 0 || visual.length === 0) throw new RangeError('ITS: no instruction or no visual tokens');
  const d = q[0]![0]!.length;
  const scale = 1 / Math.sqrt(d);
  const centrality = instruction.map((t) => {
    let sum = 0;
    for (let h = 0; h < heads; h++)
      for (const other of instruction) if (other !== t) sum += Math.max(dot(q[h]![t]!, k[h]![other]!) * scale, 0);
    return sum / heads;
  });
  const total = centrality.reduce((a, b) => a + b, 0);
  const weights = centrality.map((c) => c / Math.max(total, 1));
  const u = visual.map((j) => {
    let sum = 0;
    for (let h = 0; h < heads; h++)
      instruction.forEach((t, index) => {
        sum += weights[index]! * dot(q[h]![t]!, k[h]![j]!) * scale;
      });
    return sum / heads;
  });
  return { centrality, weights, u, rho: minMax(u) };
}

/** torch.quantile (linear interpolation between order statistics). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
/** Population standard deviation (torch `std(unbiased=False)`). */
function std(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - m) ** 2;
  return Math.sqrt(sum / values.length);
}
const signlog = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x));

/**
 * The ThresholdMLP's 12 input features, in its order: of ρ = minmax(u) mean, std (population), min, max, q25, median;
 * of u mean, std, min, max; of signlog(u) = sign(u)·log1p|u| mean and max.
 */
export function thresholdFeatures(u: ArrayLike<number>): number[] {
  const rho = minMax(u);
  const slog = Array.from(u, signlog);
  return [
    mean(rho),
    std(rho),
    Math.min(...rho),
    Math.max(...rho),
    quantile(rho, 0.25),
    quantile(rho, 0.5),
    mean(u),
    std(u),
    Math.min(...Array.from(u)),
    Math.max(...Array.from(u)),
    mean(slog),
    Math.max(...slog),
  ];
}

export const KEEP_TEMPERATURE = 0.2;
export const THRESHOLD_SCALE = 0.9;

/** Keep probability q_j = σ((ρ_j − θ)/0.2) with θ = 0.9·MLP(z); kept iff q_j > 0.5 (⇔ ρ_j > θ). */
export function keepProbabilities(
  rho: ArrayLike<number>,
  mlpOutput: number,
): { theta: number; q: number[]; keep: boolean[] } {
  const theta = THRESHOLD_SCALE * mlpOutput;
  const q = Array.from(rho, (r) => 1 / (1 + Math.exp(-(r - theta) / KEEP_TEMPERATURE)));
  return { theta, q, keep: q.map((p) => p > 0.5) };
}

/** Constants of `_STEGather_v3_ada`. */
export const SGP = { beta: 0.8, minSigma: 3e-3, zClip: 1.5, scaleMin: 0.5, scaleMax: 2, satFloor: 5e-3, eps: 1e-6 };

/**
 * The SGP surrogate gradient ∂L/∂p_j for one sample (`_STEGather_v3_ada`, default non-strict rules):
 * imp_j = ⟨x_j, g_j⟩ (g_j = the gradient reaching row j, 0 for a dropped row); z = clip((imp − μ)/max(σ, 3e−3), ±1.5)
 * over the visual tokens; rel = ½ + ½ tanh z; dir = ½ − rel minus its visual mean; scale = clip(Σ_d|x_jd g_jd| / its
 * visual mean, 0.5, 2); sat = max(p(1 − p), 5e−3); ∂L/∂p_j = 0.8·dir·scale·sat on visual tokens, 0 elsewhere.
 * `strict` uses −⟨x_j, g_j⟩ (the Taylor estimate of the loss increase when j is dropped) as the importance.
 */
export function sgpGradient(
  x: number[][],
  g: number[][],
  p: ArrayLike<number>,
  vision: boolean[],
  strict = false,
): number[] {
  const n = x.length;
  const vm = vision.map((v) => (v ? 1 : 0));
  const count = Math.max(
    1,
    vm.reduce((a: number, b) => a + b, 0),
  );
  const imp = x.map((row, j) => (strict ? -1 : 1) * dot(row, g[j]!) * vm[j]!);
  const mu = imp.reduce((a, v, j) => a + v * vm[j]!, 0) / count;
  const variance = imp.reduce((a, v, j) => a + (v - mu) ** 2 * vm[j]!, 0) / count;
  const sigma = Math.max(Math.sqrt(variance), SGP.minSigma);
  const rel = imp.map((v) => 0.5 + 0.5 * Math.tanh(Math.min(SGP.zClip, Math.max(-SGP.zClip, (v - mu) / sigma))));
  const dirRaw = rel.map((r) => 0.5 - r);
  const dirMean = dirRaw.reduce((a, v, j) => a + v * vm[j]!, 0) / count;
  const mag = x.map((row, j) => row.reduce((a, v, d) => a + Math.abs(v * g[j]![d]!), 0) * vm[j]!);
  const rowMean = Math.max(mag.reduce((a, b) => a + b, 0) / count, SGP.eps);
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const scale = Math.min(SGP.scaleMax, Math.max(SGP.scaleMin, mag[j]! / rowMean));
    const sat = Math.max(p[j]! * (1 - p[j]!), SGP.satFloor);
    out.push(SGP.beta * (dirRaw[j]! - dirMean) * scale * sat * vm[j]!);
  }
  return out;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Band loss: r = mean σ((ρ − θ)/0.2); relu(r − 0.8) + relu(0.3 − r). Returns the loss and r. */
export function bandLoss(
  rho: ArrayLike<number>,
  theta: number,
  low = 0.3,
  high = 0.8,
): { loss: number; ratio: number } {
  const ratio = mean(Array.from(rho, (r) => sigmoid((r - theta) / KEEP_TEMPERATURE)));
  return { loss: Math.max(0, ratio - high) + Math.max(0, low - ratio), ratio };
}

function logSoftmax(logits: number[]): number[] {
  const top = Math.max(...logits);
  const lse = top + Math.log(logits.reduce((a, v) => a + Math.exp(v - top), 0));
  return logits.map((v) => v - lse);
}

/** FLIP loss over label positions: −mean log(1 − p_y + 1e−6). */
export function flipLoss(logits: number[][], labels: number[]): number {
  return mean(logits.map((row, i) => -Math.log(1 - Math.exp(logSoftmax(row)[labels[i]!]!) + 1e-6)));
}

/** MISMATCH loss over label positions: −mean token entropy (pushes the model towards uncertainty). */
export function mismatchLoss(logits: number[][]): number {
  return -mean(
    logits.map((row) => {
      const logp = logSoftmax(row);
      return -logp.reduce((a, lp) => a + Math.exp(lp) * lp, 0);
    }),
  );
}
