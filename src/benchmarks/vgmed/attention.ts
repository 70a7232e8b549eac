// VGMED's attention-grounding metrics (Guimeng-Leo-Liu/Medical-MLLMs-Fail, measure_attention.py),
// computed from attention maps the user supplies on the model's token grid, formula for formula as
// upstream's numpy code. For a map `a` over N image tokens and the GT token set G (every token a GT
// box touches, src/imaging/tokens.ts), g = 1/|G| on G and 0 elsewhere:
//   Attention Ratio = Σ_{i∈G} a_i / ((Σ_i a_i) / N · |G| + 1e-8)                 1.0 = uniform; higher is better
//   KL(GT‖att)      = Σ_i g'_i log(g'_i / q'_i), q = a / (Σa + 1e-8),
//                     g' and q' clipped to [1e-12, 1] (upstream's KL floor)    lower is better
//   JS(GT, att)     = ½Σ q log((q+ε)/(m+ε)) + ½Σ g log((g+ε)/(m+ε)), m = (g+q)/2, ε = 1e-8   lower is better
// Natural logarithms (numpy's log). The normalised map is the query map divided element-wise by the
// generic "describe the image" map; upstream divides with no epsilon (a zero gives inf/NaN), medkit
// adds EPS to the divisor (documented deviation).

/** Upstream's epsilon in the Attention Ratio, the JS divergence and the map normalisation (sum + 1e-8). */
export const EPS = 1e-8;
/** Upstream's clip floor inside the KL divergence (`np.clip(x, 1e-12, 1)`). */
export const KL_FLOOR = 1e-12;

export interface GroundingMetrics {
  attentionRatio: number;
  kl: number;
  js: number;
}

function checkMap(map: ArrayLike<number>, gt: readonly number[], where: string): number {
  if (gt.length === 0) throw new Error(`${where}: no ground-truth tokens (the boxes touch no token of the grid)`);
  let sum = 0;
  for (let i = 0; i < map.length; i++) {
    const value = map[i]!;
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${where}: attention value ${value} at token ${i} is not a finite non-negative number`);
    sum += value;
  }
  if (!(sum > 0)) throw new Error(`${where}: attention map sums to 0`);
  for (const index of gt)
    if (index < 0 || index >= map.length)
      throw new Error(`${where}: GT token ${index} is outside the map of ${map.length} tokens`);
  return sum;
}

/** Upstream `make_gt_mask`: 1/|G| on the distinct GT tokens, 0 elsewhere. */
function gtMask(length: number, gt: readonly number[]): Float64Array {
  const mask = new Float64Array(length);
  for (const index of gt) mask[index] = 1;
  let count = 0;
  for (let i = 0; i < length; i++) count += mask[i]!;
  for (let i = 0; i < length; i++) mask[i]! /= count;
  return mask;
}

/** Upstream `attention_ratio_vectorized` (|G| counts the GT token list as given; medkit's lists are distinct). */
export function attentionRatio(map: ArrayLike<number>, gt: readonly number[], where = 'attention map'): number {
  const sum = checkMap(map, gt, where);
  let inside = 0;
  for (const index of gt) inside += map[index]!;
  return inside / ((sum / map.length) * gt.length + EPS);
}

/** Upstream `kl_divergence_vectorized`: KL(g‖q) over every token, both clipped to [1e-12, 1]. */
export function klGtAttention(map: ArrayLike<number>, gt: readonly number[], where = 'attention map'): number {
  const sum = checkMap(map, gt, where);
  const g = gtMask(map.length, gt);
  let kl = 0;
  for (let i = 0; i < map.length; i++) {
    const q = Math.min(Math.max(map[i]! / (sum + EPS), KL_FLOOR), 1);
    const p = Math.min(Math.max(g[i]!, KL_FLOOR), 1);
    kl += p * Math.log(p / q);
  }
  return kl;
}

/** Upstream `js_divergence_vectorized`: ε = 1e-8 inside both logs. */
export function jsGtAttention(map: ArrayLike<number>, gt: readonly number[], where = 'attention map'): number {
  const sum = checkMap(map, gt, where);
  const g = gtMask(map.length, gt);
  let klQ = 0;
  let klG = 0;
  for (let i = 0; i < map.length; i++) {
    const q = map[i]! / (sum + EPS);
    const m = 0.5 * (q + g[i]!);
    klQ += q * Math.log((q + EPS) / (m + EPS));
    klG += g[i]! * Math.log((g[i]! + EPS) / (m + EPS));
  }
  return 0.5 * (klQ + klG);
}

export function groundingMetrics(map: ArrayLike<number>, gt: readonly number[], where?: string): GroundingMetrics {
  return {
    attentionRatio: attentionRatio(map, gt, where),
    kl: klGtAttention(map, gt, where),
    js: jsGtAttention(map, gt, where),
  };
}

/** Query map / (generic map + EPS), element-wise (VGMED's normalised map; upstream has no EPS). */
export function normaliseByGeneric(
  query: readonly number[],
  generic: readonly number[],
  where = 'attention map',
): number[] {
  if (query.length !== generic.length)
    throw new Error(`${where}: query map has ${query.length} tokens, generic map ${generic.length}`);
  return query.map((value, index) => value / (generic[index]! + EPS));
}

/** A [layer][token] map, or [layer][head][token] averaged over heads (as upstream). */
export function layerMaps(maps: unknown, tokens: number, where: string): number[][] {
  if (!Array.isArray(maps) || maps.length === 0)
    throw new Error(`${where}: maps must be a non-empty [layer][token] or [layer][head][token] array`);
  return maps.map((layer, l) => {
    if (!Array.isArray(layer) || layer.length === 0) throw new Error(`${where}: layer ${l} is not an array`);
    const heads: unknown[][] = Array.isArray(layer[0]) ? (layer as unknown[][]) : [layer];
    const mean = new Array<number>(tokens).fill(0);
    heads.forEach((head, h) => {
      if (!Array.isArray(head) || head.length !== tokens) {
        throw new Error(
          `${where}: layer ${l}${heads.length > 1 ? ` head ${h}` : ''} has ${Array.isArray(head) ? head.length : 'no'} tokens; the grid has ${tokens}`,
        );
      }
      head.forEach((value, i) => {
        if (typeof value !== 'number') throw new Error(`${where}: layer ${l} token ${i} is not a number`);
        mean[i] += value / heads.length;
      });
    });
    return mean;
  });
}

/** Per-head maps [layer][head][token] (for measure_attention_head.py-style reports); null for [layer][token] input. */
export function headMaps(maps: unknown): number[][][] | null {
  if (!Array.isArray(maps) || !Array.isArray(maps[0]) || !Array.isArray((maps[0] as unknown[])[0])) return null;
  return maps as number[][][];
}
