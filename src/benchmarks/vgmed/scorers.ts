// VGMED scorers. `attention_grounding` is the paper's metric (Attention Ratio, KL(GT‖att), JS) on
// the maps in state.metadata.attention. `box_iou_proxy` scores a box the model drew: it is NOT the
// VGMED metric (the paper uses no boxes from the model) and every output says so.
import type { JsonObject, Metric, MetricResult, Scorer, ScoredUnit } from '../../core/index.js';
import { boxesToTokenMask, uniformGrid } from '../../imaging/tokens.js';
import { boxOverlapMicroMetric, boxSetOverlap, overlapMetadata } from '../../scoring/box-iou.js';
import { EPS, groundingMetrics, headMaps, KL_FLOOR } from './attention.js';
import { readAttentionFile, type AttentionEntry } from './solvers.js';
import type { VgmedTarget } from './items.js';

export const PROXY_NOTE = 'box-IoU proxy for models without attention access: NOT the VGMED attention-grounding metric';

const toBoxes = (boxes: number[][]) => boxes.map(([x1, y1, x2, y2]) => ({ x1: x1!, y1: y1!, x2: x2!, y2: y2! }));
const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * Per-[layer][head] metrics (measure_attention_head.py) for a [layer][head][token] entry of the
 * attention file; the generic map is per head when it has heads, else its layer (head mean).
 */
export function perHeadMetrics(
  entry: AttentionEntry,
  gt: readonly number[],
  where: string,
): { attention_ratio: number[][]; kl: number[][]; js: number[][] } | null {
  const heads = headMaps(entry.maps);
  if (!heads) return null;
  const generic = entry.generic === undefined ? null : (entry.generic as unknown[]);
  const out = { attention_ratio: [] as number[][], kl: [] as number[][], js: [] as number[][] };
  heads.forEach((layer, l) => {
    const genericLayer = generic?.[l] as number[] | number[][] | undefined;
    const rows = layer.map((map, h) => {
      let values = map;
      if (genericLayer) {
        const g = Array.isArray(genericLayer[0]) ? (genericLayer as number[][])[h]! : (genericLayer as number[]);
        values = map.map((value, i) => value / (g[i]! + EPS));
      }
      return groundingMetrics(values, gt, `${where} layer ${l} head ${h}`);
    });
    out.attention_ratio.push(rows.map((row) => round(row.attentionRatio)));
    out.kl.push(rows.map((row) => round(row.kl)));
    out.js.push(rows.map((row) => round(row.js)));
  });
  return out;
}

/**
 * `layer`: 'mean' (average of the per-layer metrics, default) or a 0-based layer index. With
 * `headsFile` (the attention file, `--arg heads=true`), per-head metrics go into the metadata.
 */
export function attentionGroundingScorer(layer: 'mean' | number = 'mean', headsFile?: string): Scorer {
  let entries: Map<string, AttentionEntry> | undefined;
  return {
    name: 'attention_grounding',
    params: {
      layer,
      eps: EPS,
      klFloor: KL_FLOOR,
      log: 'natural',
      gtTokens: 'every token a GT box touches (floor(x1/p) … ceil(x2/p)−1)',
      perHead: headsFile ?? false,
    },
    async score(state) {
      const attention = state.metadata.attention as
        | { grid: [number, number]; resized: [number, number]; layers: number[][] }
        | undefined;
      if (!attention)
        return {
          value: null,
          explanation: 'no attention map: use --solver attention-maps --arg attention=<file>, or the baseline',
        };
      const target = state.sample.target as VgmedTarget;
      const [rows, cols] = attention.grid;
      const grid = uniformGrid(rows, cols, { width: attention.resized[0], height: attention.resized[1] });
      const gt = boxesToTokenMask(toBoxes(target.boxes), target, grid);
      const perLayer = attention.layers.map((map, index) =>
        groundingMetrics(map, gt.indices, `sample ${state.sample.id} layer ${index}`),
      );
      let chosen;
      if (layer === 'mean') {
        const mean = (key: 'attentionRatio' | 'kl' | 'js') =>
          perLayer.reduce((sum, item) => sum + item[key], 0) / perLayer.length;
        chosen = { attentionRatio: mean('attentionRatio'), kl: mean('kl'), js: mean('js') };
      } else {
        chosen = perLayer[layer];
        if (!chosen)
          return { value: null, explanation: `layer ${layer} requested but the map has ${perLayer.length} layers` };
      }
      const metadata: JsonObject = {
        gtTokens: gt.count,
        tokens: rows * cols,
        perLayer: {
          attention_ratio: perLayer.map((item) => round(item.attentionRatio)),
          kl: perLayer.map((item) => round(item.kl)),
          js: perLayer.map((item) => round(item.js)),
        },
      };
      let headNote = '';
      if (headsFile) {
        entries ??= readAttentionFile(headsFile);
        const entry = entries.get(state.sample.id);
        const perHead = entry ? perHeadMetrics(entry, gt.indices, `${headsFile}: "${state.sample.id}"`) : null;
        if (perHead) {
          metadata.perHead = perHead;
          const ranked = perHead.attention_ratio
            .flatMap((row, l) => row.map((value, h) => ({ l, h, value })))
            .sort((a, b) => b.value - a.value)
            .slice(0, 5);
          headNote = `; top heads by AR: ${ranked.map((item) => `L${item.l}H${item.h} ${item.value.toFixed(2)}`).join(', ')}`;
        } else headNote = '; no per-head maps for this sample';
      }
      return {
        value: { attention_ratio: chosen.attentionRatio, kl: chosen.kl, js: chosen.js },
        explanation: `${gt.count}/${rows * cols} GT tokens; ${layer === 'mean' ? `mean over ${perLayer.length} layers` : `layer ${layer}`}: AR ${chosen.attentionRatio.toFixed(3)}, KL ${chosen.kl.toFixed(3)}, JS ${chosen.js.toFixed(3)}${headNote}`,
        metadata,
      };
    },
  };
}

export function boxIouProxyScorer(threshold = 0.5): Scorer {
  return {
    name: 'box_iou_proxy',
    params: { threshold, note: PROXY_NOTE },
    async score(state) {
      const predicted = state.metadata.boxes as number[][] | undefined;
      if (predicted === undefined) return { value: null, explanation: `no box from the solver (${PROXY_NOTE})` };
      const target = state.sample.target as VgmedTarget;
      const overlap = boxSetOverlap(toBoxes(predicted), toBoxes(target.boxes));
      const problems = (state.metadata.boxProblems as string[] | undefined) ?? [];
      return {
        // px_* let a reader pool pixels over items: micro IoU = mean(px_intersection) / mean(px_union).
        value: {
          iou: overlap.iou,
          iop: overlap.iop,
          iot: overlap.iot,
          [`hit@${threshold}`]: overlap.iou >= threshold ? 1 : 0,
          px_intersection: overlap.intersection,
          px_union: overlap.union,
        },
        answer: JSON.stringify(predicted),
        explanation: `${PROXY_NOTE}. IoU ${overlap.iou.toFixed(3)}${problems.length ? `; ${problems.join('; ')}` : ''}`,
        metadata: { ...overlapMetadata(overlap), note: PROXY_NOTE },
      };
    },
  };
}

/** Mean attention ratio per layer over all samples (where maps have that layer). */
export function perLayerMetric(): Metric {
  return {
    name: 'attention_grounding.per_layer',
    scorerKey: 'attention_grounding.attention_ratio',
    compute(units: ScoredUnit[]): MetricResult[] {
      const sums: number[] = [];
      const counts: number[] = [];
      for (const unit of units) {
        const perLayer = (unit.metadata as { perLayer?: { attention_ratio?: number[] } } | undefined)?.perLayer
          ?.attention_ratio;
        perLayer?.forEach((value, layer) => {
          sums[layer] = (sums[layer] ?? 0) + value;
          counts[layer] = (counts[layer] ?? 0) + 1;
        });
      }
      return sums.map((sum, layer) => ({
        name: `attention_ratio@layer${layer}`,
        value: sum / counts[layer]!,
        n: counts[layer]!,
        note: 'mean Attention Ratio of this layer over samples',
      }));
    },
  };
}

export const proxyMicroMetric = (): Metric =>
  boxOverlapMicroMetric('box_iou_proxy', `micro (pixels pooled over items); ${PROXY_NOTE}`, 'box_iou_proxy.iou');

/** A row that puts the proxy's label into every run summary: mean box IoU, named as what it is. */
export function proxyLabelMetric(): Metric {
  return {
    name: 'box_iou_proxy.label',
    scorerKey: 'box_iou_proxy.iou',
    compute(units: ScoredUnit[]): MetricResult[] {
      const values = units.map((unit) => unit.value).filter((value): value is number => value !== null);
      if (values.length === 0) return [];
      return [
        {
          name: 'box_iou_proxy.iou = PROXY, NOT the VGMED metric',
          value: values.reduce((a, b) => a + b, 0) / values.length,
          n: values.length,
          dropped: units.length - values.length,
          note: PROXY_NOTE,
        },
      ];
    },
  };
}
