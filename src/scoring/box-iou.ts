// Pixel-level overlap of box sets (MIMIC-Ext-CXR-QBA's IoU / IoP / IoT, the VGMED box proxy).
// P is the union of the predicted boxes and T the union of the target boxes, both as areas in
// pixel units (a box [x1,y1,x2,y2] covers x1 <= x < x2), so several overlapping boxes are counted
// once. Areas are exact (coordinate compression), not rasterised.
//   IoU = |P∩T| / |P∪T|   IoP = |P∩T| / |P| (intersection over prediction)   IoT = |P∩T| / |T|
// Two aggregates, always labelled: `micro` pools pixel areas over items (sum ∩ / sum ∪ ...), and
// `hit rate @t` is the share of items whose per-item overlap is >= t (default 0.3).
import type { Metric, MetricResult, ScoredUnit, Scorer } from '../core/index.js';
import { microOverlap, overlapFromCounts, type Box, type Overlap } from '../imaging/boxes.js';

/** A pixel xyxy box (src/imaging's `Box`) with an optional label. */
export type PixelBox = Box & { label?: string };
export type { Overlap };

/** Area of the union of boxes, and of (∪P ∩ ∪T) when `other` is given. */
function coveredArea(first: readonly PixelBox[], second?: readonly PixelBox[]): number {
  const all = second ? [...first, ...second] : [...first];
  if (all.length === 0) return 0;
  const xs = [...new Set(all.flatMap((box) => [box.x1, box.x2]))].sort((a, b) => a - b);
  const ys = [...new Set(all.flatMap((box) => [box.y1, box.y2]))].sort((a, b) => a - b);
  const inAny = (boxes: readonly PixelBox[], x: number, y: number) =>
    boxes.some((box) => box.x1 <= x && x < box.x2 && box.y1 <= y && y < box.y2);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const cx = (xs[i]! + xs[i + 1]!) / 2;
    for (let j = 0; j + 1 < ys.length; j++) {
      const cy = (ys[j]! + ys[j + 1]!) / 2;
      if (inAny(first, cx, cy) && (!second || inAny(second, cx, cy)))
        area += (xs[i + 1]! - xs[i]!) * (ys[j + 1]! - ys[j]!);
    }
  }
  return area;
}

/** Area of the union of the boxes (overlaps counted once). */
export function unionArea(boxes: readonly PixelBox[]): number {
  return coveredArea(boxes.filter((box) => box.x2 > box.x1 && box.y2 > box.y1));
}

/**
 * Exact continuous areas, so no image size is needed; for integer corners this equals
 * src/imaging's rasterised `regionOverlap`. Empty denominators give 0 (as imaging's Overlap).
 */
export function boxSetOverlap(predicted: readonly PixelBox[], target: readonly PixelBox[]): Overlap {
  const valid = (boxes: readonly PixelBox[]) => boxes.filter((box) => box.x2 > box.x1 && box.y2 > box.y1);
  const p = valid(predicted);
  const t = valid(target);
  const intersection = p.length && t.length ? coveredArea(p, t) : 0;
  return overlapFromCounts(intersection, coveredArea(p), coveredArea(t));
}

export interface PooledOverlap {
  /** Pixel areas pooled over items. */
  micro: { iou: number | null; iop: number | null; iot: number | null };
  /** Share of items with overlap >= threshold (an item with an undefined ratio counts as a miss). */
  hitRate: { iou: number; iop: number; iot: number };
  threshold: number;
  n: number;
}

export function poolOverlaps(items: readonly Overlap[], threshold = 0.3): PooledOverlap {
  const hits = { iou: 0, iop: 0, iot: 0 };
  for (const item of items) for (const key of ['iou', 'iop', 'iot'] as const) if (item[key] >= threshold) hits[key]++;
  const pooled = microOverlap(items);
  const n = items.length;
  return {
    micro: {
      iou: pooled.union > 0 ? pooled.iou : null,
      iop: pooled.predicted > 0 ? pooled.iop : null,
      iot: pooled.target > 0 ? pooled.iot : null,
    },
    hitRate: { iou: n ? hits.iou / n : 0, iop: n ? hits.iop / n : 0, iot: n ? hits.iot / n : 0 },
    threshold,
    n,
  };
}

/** Metadata a box scorer stores so `boxOverlapMicroMetric` can pool pixels over items. */
export function overlapMetadata(overlap: Overlap): Record<string, number> {
  return {
    intersection: overlap.intersection,
    predictedArea: overlap.predicted,
    targetArea: overlap.target,
    unionArea: overlap.union,
  };
}

/**
 * Micro (pixel-pooled) IoU / IoP / IoT over all scored units of `scorer`, read from the metadata
 * written with `overlapMetadata`. Units without that metadata are dropped and counted; with none at
 * all the metric reports nothing rather than a NaN.
 */
export function boxOverlapMicroMetric(
  scorer: string,
  label = 'micro (pixels pooled over items)',
  scorerKey = `${scorer}.iou`,
): Metric {
  return {
    name: `${scorer}.micro`,
    scorerKey,
    compute(units: ScoredUnit[]): MetricResult[] {
      const overlaps: Overlap[] = [];
      let dropped = 0;
      for (const unit of units) {
        const m = unit.metadata as Record<string, unknown> | undefined;
        if (!m || typeof m.intersection !== 'number') {
          dropped++;
          continue;
        }
        overlaps.push(overlapFromCounts(m.intersection as number, Number(m.predictedArea), Number(m.targetArea)));
      }
      if (overlaps.length === 0) return []; // no unit carried pixel counts (no boxes were scored)
      const pooled = poolOverlaps(overlaps);
      return (['iou', 'iop', 'iot'] as const).map((key) => ({
        name: `${scorer}.${key}_micro`,
        value: pooled.micro[key] ?? Number.NaN,
        n: overlaps.length,
        dropped,
        note: `${key.toUpperCase()} ${label}`,
      }));
    },
  };
}

/**
 * Boxes a model wrote as text: JSON ({"boxes": [[x1,y1,x2,y2],…]} or {"box": [...]} or
 * [{x1,y1,x2,y2}]), else every "[a, b, c, d]" group of four numbers. Returns [] when none.
 */
export function extractBoxes(text: string): PixelBox[] {
  const fromJson = (value: unknown): PixelBox[] => {
    if (Array.isArray(value)) {
      if (value.length === 4 && value.every((v) => typeof v === 'number'))
        return [{ x1: value[0], y1: value[1], x2: value[2], y2: value[3] }];
      return value.flatMap(fromJson);
    }
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (['x1', 'y1', 'x2', 'y2'].every((key) => typeof record[key] === 'number')) {
        return [{ x1: record.x1 as number, y1: record.y1 as number, x2: record.x2 as number, y2: record.y2 as number }];
      }
      for (const key of ['boxes', 'bboxes', 'box', 'bbox']) if (key in record) return fromJson(record[key]);
    }
    return [];
  };
  const jsonCandidates = [...text.matchAll(/```(?:json)?\s*([\s\S]*?)```/g)].map((match) => match[1]!);
  const braces = text.indexOf('{');
  if (braces >= 0) jsonCandidates.push(text.slice(braces, text.lastIndexOf('}') + 1));
  jsonCandidates.push(text.trim());
  for (const candidate of jsonCandidates) {
    try {
      const boxes = fromJson(JSON.parse(candidate));
      if (boxes.length) return boxes;
    } catch {
      // not JSON; try the next form
    }
  }
  const number = '(-?\\d+(?:\\.\\d+)?)';
  const group = new RegExp(`[\\[(]\\s*${number}\\s*,\\s*${number}\\s*,\\s*${number}\\s*,\\s*${number}\\s*[\\])]`, 'g');
  return [...text.matchAll(group)].map((match) => ({
    x1: Number(match[1]),
    y1: Number(match[2]),
    x2: Number(match[3]),
    y2: Number(match[4]),
  }));
}

/**
 * Scorer `box_iou`: the boxes a model wrote (extractBoxes) against the target boxes (the same shapes, as
 * JSON), as {iou, iop, iot, hit@threshold}; pixel counts go to metadata for `boxOverlapMicroMetric`.
 * An answer with no box scores 0 (a miss), a sample without target boxes is not scored.
 */
export function boxIouScorer({ threshold = 0.3 }: { threshold?: number } = {}): Scorer {
  return {
    name: 'box_iou',
    params: { threshold, boxes: 'pixel xyxy; union of boxes per side' },
    async score(state) {
      const target = extractBoxes(JSON.stringify(state.sample.target ?? null));
      if (target.length === 0) return { value: null, explanation: 'the sample has no target boxes' };
      const predicted = extractBoxes(state.output.text);
      const overlap = boxSetOverlap(predicted, target);
      return {
        value: {
          iou: overlap.iou,
          iop: overlap.iop,
          iot: overlap.iot,
          [`hit@${threshold}`]: overlap.iou >= threshold ? 1 : 0,
        },
        answer: JSON.stringify(predicted.map((box) => [box.x1, box.y1, box.x2, box.y2])),
        explanation: predicted.length
          ? `${predicted.length} predicted box(es) vs ${target.length} target box(es): IoU ${overlap.iou.toFixed(3)}`
          : 'no box found in the answer (scored as no overlap)',
        metadata: overlapMetadata(overlap),
      };
    },
  };
}
