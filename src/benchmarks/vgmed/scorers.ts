// VGMED scorers. `attention_grounding` is the paper's metric (Attention Ratio, KL(GT‖att), JS) on
// the maps in state.metadata.attention. `box_iou_proxy` scores a box the model drew: it is NOT the
// VGMED metric (the paper uses no boxes from the model) and every output says so.
import type { JsonObject, Metric, MetricResult, Scorer, ScoredUnit } from '../../core/index.js';
import { boxesToTokenMask, uniformGrid } from '../../imaging/tokens.js';
import { boxOverlapMicroMetric, boxSetOverlap, overlapMetadata } from '../../scoring/box-iou.js';
import { groundingMetrics } from './attention.js';
import type { VgmedTarget } from './items.js';

export const PROXY_NOTE = 'box-IoU proxy for models without attention access: NOT the VGMED attention-grounding metric';

const toBoxes = (boxes: number[][]) => boxes.map(([x1, y1, x2, y2]) => ({ x1: x1!, y1: y1!, x2: x2!, y2: y2! }));
const round = (value: number) => Math.round(value * 1e6) / 1e6;

/** `layer`: 'mean' (average of the per-layer metrics, default) or a 0-based layer index. */
export function attentionGroundingScorer(layer: 'mean' | number = 'mean'): Scorer {
  return {
    name: 'attention_grounding',
    params: { layer, eps: 1e-8, log: 'natural', gtTokens: 'every token a GT box touches (floor(x1/p) … ceil(x2/p)−1)' },
    async score(state) {
      const attention = state.metadata.attention as { grid: [number, number]; resized: [number, number]; layers: number[][] } | undefined;
      if (!attention) return { value: null, explanation: 'no attention map: use --solver attention-maps --arg attention=<file>, or the baseline' };
      const target = state.sample.target as VgmedTarget;
      const [rows, cols] = attention.grid;
      const grid = uniformGrid(rows, cols, { width: attention.resized[0], height: attention.resized[1] });
      const gt = boxesToTokenMask(toBoxes(target.boxes), target, grid);
      const perLayer = attention.layers.map((map, index) => groundingMetrics(map, gt.indices, `sample ${state.sample.id} layer ${index}`));
      let chosen;
      if (layer === 'mean') {
        const mean = (key: 'attentionRatio' | 'kl' | 'js') => perLayer.reduce((sum, item) => sum + item[key], 0) / perLayer.length;
        chosen = { attentionRatio: mean('attentionRatio'), kl: mean('kl'), js: mean('js') };
      } else {
        chosen = perLayer[layer];
        if (!chosen) return { value: null, explanation: `layer ${layer} requested but the map has ${perLayer.length} layers` };
      }
      const metadata: JsonObject = {
        gtTokens: gt.count,
        tokens: rows * cols,
        perLayer: { attention_ratio: perLayer.map((item) => round(item.attentionRatio)), kl: perLayer.map((item) => round(item.kl)), js: perLayer.map((item) => round(item.js)) },
      };
      return {
        value: { attention_ratio: chosen.attentionRatio, kl: chosen.kl, js: chosen.js },
        explanation: `${gt.count}/${rows * cols} GT tokens; ${layer === 'mean' ? `mean over ${perLayer.length} layers` : `layer ${layer}`}: AR ${chosen.attentionRatio.toFixed(3)}, KL ${chosen.kl.toFixed(3)}, JS ${chosen.js.toFixed(3)}`,
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
        value: { iou: overlap.iou, iop: overlap.iop, iot: overlap.iot, [`hit@${threshold}`]: overlap.iou >= threshold ? 1 : 0, px_intersection: overlap.intersection, px_union: overlap.union },
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
        const perLayer = (unit.metadata as { perLayer?: { attention_ratio?: number[] } } | undefined)?.perLayer?.attention_ratio;
        perLayer?.forEach((value, layer) => {
          sums[layer] = (sums[layer] ?? 0) + value;
          counts[layer] = (counts[layer] ?? 0) + 1;
        });
      }
      return sums.map((sum, layer) => ({ name: `attention_ratio@layer${layer}`, value: sum / counts[layer]!, n: counts[layer]!, note: 'mean Attention Ratio of this layer over samples' }));
    },
  };
}

export const proxyMicroMetric = (): Metric => boxOverlapMicroMetric('box_iou_proxy', `micro (pixels pooled over items); ${PROXY_NOTE}`, 'box_iou_proxy.iou');

/** A row that puts the proxy's label into every run summary: mean box IoU, named as what it is. */
export function proxyLabelMetric(): Metric {
  return {
    name: 'box_iou_proxy.label',
    scorerKey: 'box_iou_proxy.iou',
    compute(units: ScoredUnit[]): MetricResult[] {
      const values = units.map((unit) => unit.value).filter((value): value is number => value !== null);
      if (values.length === 0) return [];
      return [{ name: 'box_iou_proxy.iou = PROXY, NOT the VGMED metric', value: values.reduce((a, b) => a + b, 0) / values.length, n: values.length, dropped: units.length - values.length, note: PROXY_NOTE }];
    },
  };
}
