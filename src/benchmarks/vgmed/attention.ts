// VGMED's attention-grounding metrics (Guimeng-Leo-Liu/Medical-MLLMs-Fail, measure_attention.py),
// computed from attention maps the user supplies on the model's token grid. For a map `a` over N
// image tokens and the GT token set G (every token a GT box touches, src/imaging/tokens.ts):
//   Attention Ratio = (Σ_{i∈G} a_i) / ((Σ_i a_i) · |G| / N)        1.0 = uniform; higher is better
//   KL(GT‖att)      = −log|G| − (1/|G|) Σ_{i∈G} log q_i, q = a/Σa    lower is better
//   JS(GT, att)     = ½KL(g‖m) + ½KL(q‖m), m = (g+q)/2, g = 1/|G| on G   lower is better
// Natural logarithms (upstream's base is unconfirmed). q_i is floored at EPS before the log so a
// token with zero attention gives a large finite KL instead of infinity. The normalised map is the
// query map divided element-wise by the generic "describe the image" map plus EPS.

export const EPS = 1e-8;

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

export function attentionRatio(map: ArrayLike<number>, gt: readonly number[], where = 'attention map'): number {
  const sum = checkMap(map, gt, where);
  let inside = 0;
  for (const index of gt) inside += map[index]!;
  return inside / ((sum * gt.length) / map.length);
}

export function klGtAttention(map: ArrayLike<number>, gt: readonly number[], where = 'attention map'): number {
  const sum = checkMap(map, gt, where);
  let logs = 0;
  for (const index of gt) logs += Math.log(Math.max(map[index]! / sum, EPS));
  return -Math.log(gt.length) - logs / gt.length;
}

export function jsGtAttention(map: ArrayLike<number>, gt: readonly number[], where = 'attention map'): number {
  const sum = checkMap(map, gt, where);
  const inGt = new Uint8Array(map.length);
  for (const index of gt) inGt[index] = 1;
  const g = 1 / gt.length;
  let klG = 0;
  let klQ = 0;
  for (let i = 0; i < map.length; i++) {
    const q = map[i]! / sum;
    const p = inGt[i] ? g : 0;
    const m = (p + q) / 2;
    if (p > 0) klG += p * Math.log(p / m);
    if (q > 0) klQ += q * Math.log(q / m);
  }
  return 0.5 * klG + 0.5 * klQ;
}

export function groundingMetrics(map: ArrayLike<number>, gt: readonly number[], where?: string): GroundingMetrics {
  return {
    attentionRatio: attentionRatio(map, gt, where),
    kl: klGtAttention(map, gt, where),
    js: jsGtAttention(map, gt, where),
  };
}

/** Query map / (generic map + EPS), element-wise (VGMED's normalised map). */
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
