// Structured answer scoring for MIMIC-Ext-CXR-QBA. The model replies with JSON
//   {"answer": text, "positiveness": "pos"|"neg", "findings": [tags], "laterality": side | [sides],
//    "regions": [names], "boxes": {"<image_id>": [[x1,y1,x2,y2]]} | [[...]]}
// `cxr_qba` compares it with the pooled main answers: ROUGE-L of the text, positiveness, set F1 of
// finding tags and regions, laterality (set equality). A key is null where the target has nothing
// to compare (no laterality, no regions…). `cxr_qba_boxes` is pixel-level IoU / IoP / IoT over
// the union of boxes per image (summed over the study's images), with hits at a threshold (0.3).
import type { JsonObject, Scorer } from '../../core/index.js';
import { boxSetOverlap, type PixelBox } from '../../scoring/box-iou.js';
import { looseJsonFromReply } from '../../scoring/step-judge.js';
import { rougeLMax } from '../../scoring/rouge.js';
import { overlapFromCounts } from '../../imaging/boxes.js';
import type { QbaTarget } from './load.js';

export interface StructuredAnswer {
  answer: string;
  positiveness: 'pos' | 'neg' | null;
  findings: string[];
  laterality: string[];
  regions: string[];
  /** Per image id; a bare list is keyed '*' (meaning: the first image). */
  boxes: Record<string, number[][]>;
  parsed: boolean;
}

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : typeof value === 'string' && value.trim() ? [value] : [])
    .map((item) => String(item).trim().toLowerCase())
    .filter(Boolean);

function boxesOf(value: unknown): Record<string, number[][]> {
  const isBox = (box: unknown): box is number[] =>
    Array.isArray(box) && box.length === 4 && box.every((v) => typeof v === 'number');
  if (Array.isArray(value)) return isBox(value) ? { '*': [value] } : { '*': value.filter(isBox) };
  if (value && typeof value === 'object') {
    const out: Record<string, number[][]> = {};
    for (const [key, boxes] of Object.entries(value))
      out[key] = Array.isArray(boxes) ? (isBox(boxes) ? [boxes] : boxes.filter(isBox)) : [];
    return out;
  }
  return {};
}

function sign(value: unknown, text: string): 'pos' | 'neg' | null {
  const word = String(value ?? '')
    .trim()
    .toLowerCase();
  if (['pos', 'positive', 'yes', 'true', 'present'].includes(word)) return 'pos';
  if (['neg', 'negative', 'no', 'false', 'absent'].includes(word)) return 'neg';
  const first = text.trim().toLowerCase();
  if (/^yes\b/.test(first)) return 'pos';
  if (/^no\b/.test(first)) return 'neg';
  return null;
}

/** Reads the model's JSON; prose falls back to answer = the text, positiveness from a leading yes/no. */
export function parseStructuredAnswer(text: string): StructuredAnswer {
  const json = looseJsonFromReply(text);
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    return {
      answer: text.trim(),
      positiveness: sign(undefined, text),
      findings: [],
      laterality: [],
      regions: [],
      boxes: {},
      parsed: false,
    };
  }
  const record = json as Record<string, unknown>;
  const answer = String(record.answer ?? record.text ?? '');
  return {
    answer,
    positiveness: sign(record.positiveness, answer),
    findings: list(record.findings ?? record.finding_tags ?? record.tags),
    laterality: list(record.laterality).filter((side) => side !== 'none'),
    regions: list(record.regions),
    boxes: boxesOf(record.boxes),
    parsed: true,
  };
}

/** Set F1 (1 when both are empty is never asked: callers give null then). */
export function setF1(predicted: readonly string[], target: readonly string[]): number {
  const p = new Set(predicted);
  const t = new Set(target);
  const hit = [...p].filter((item) => t.has(item)).length;
  if (p.size === 0 || t.size === 0) return 0;
  const precision = hit / p.size;
  const recall = hit / t.size;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

export function structuredScorer(): Scorer {
  return {
    name: 'cxr_qba',
    params: {
      answer: 'ROUGE-L F1 vs the main answers (best)',
      sets: 'F1 of lower-cased tags/regions',
      laterality: 'set equality, none dropped',
    },
    async score(state) {
      const target = state.sample.target as QbaTarget;
      const answer = parseStructuredAnswer(state.output.text);
      const value: Record<string, number | null> = {
        answer_rouge_l: target.texts.length ? rougeLMax(answer.answer, target.texts).f1 : null,
        positiveness: target.positiveness ? (answer.positiveness === target.positiveness ? 1 : 0) : null,
        findings_f1: target.tags.length ? setF1(answer.findings, target.tags) : null,
        laterality: target.laterality.length
          ? answer.laterality.length === target.laterality.length &&
            answer.laterality.every((side) => target.laterality.includes(side))
            ? 1
            : 0
          : null,
        regions_f1: target.regions.length ? setF1(answer.regions, target.regions) : null,
      };
      return {
        value,
        answer: answer.answer,
        explanation: answer.parsed
          ? 'structured JSON answer'
          : 'reply was not JSON: only the answer text and a leading yes/no were scored',
        metadata: {
          parsed: answer.parsed,
          predicted: {
            positiveness: answer.positiveness,
            findings: answer.findings,
            laterality: answer.laterality,
            regions: answer.regions,
          },
        },
      };
    },
  };
}

const toBoxes = (boxes: readonly number[][]): PixelBox[] =>
  boxes.map(([x1, y1, x2, y2]) => ({ x1: x1!, y1: y1!, x2: x2!, y2: y2! }));

/**
 * Pixel IoU / IoP / IoT of predicted vs target boxes, image by image, areas summed over the
 * study's images. Items without target boxes score null. `fallback` also scores fallback boxes.
 */
export function boxScorer(threshold = 0.3, fallback = false): Scorer {
  return {
    name: 'cxr_qba_boxes',
    params: {
      threshold,
      fallback,
      definition:
        'IoU=|P∩T|/|P∪T|, IoP=|P∩T|/|P|, IoT=|P∩T|/|T| over unions of boxes; hit@t = share of items with ratio ≥ t',
    },
    async score(state) {
      const target = state.sample.target as QbaTarget;
      const targetBoxes: Record<string, number[][]> = { ...target.boxes };
      if (fallback)
        for (const [id, boxes] of Object.entries(target.fallbackBoxes)) (targetBoxes[id] ??= []).push(...boxes);
      const imageIds = Object.keys(targetBoxes).filter((id) => targetBoxes[id]!.length > 0);
      const t = String(threshold);
      const keys = [
        'iou',
        'iop',
        'iot',
        `iou@${t}`,
        `iop@${t}`,
        `iot@${t}`,
        'px_intersection',
        'px_union',
        'px_predicted',
        'px_target',
      ];
      // A record of nulls (not a bare null), so the summary shows these items as dropped per key.
      if (imageIds.length === 0)
        return {
          value: Object.fromEntries(keys.map((key) => [key, null])),
          explanation: 'no target boxes for this question',
        };
      const predicted =
        (state.metadata.boxes as Record<string, number[][]> | undefined) ??
        parseStructuredAnswer(state.output.text).boxes;
      const firstImage = Object.keys((state.sample.metadata?.images ?? {}) as JsonObject)[0] ?? imageIds[0]!;
      const byImage: Record<string, number[][]> = {};
      for (const [id, boxes] of Object.entries(predicted))
        (byImage[id === '*' ? firstImage : id] ??= []).push(...boxes);
      let intersection = 0;
      let predictedArea = 0;
      let targetArea = 0;
      for (const id of new Set([...imageIds, ...Object.keys(byImage)])) {
        const overlap = boxSetOverlap(toBoxes(byImage[id] ?? []), toBoxes(targetBoxes[id] ?? []));
        intersection += overlap.intersection;
        predictedArea += overlap.predicted;
        targetArea += overlap.target;
      }
      const overlap = overlapFromCounts(intersection, predictedArea, targetArea);
      return {
        // px_* let a reader pool pixels over items: micro IoU = mean(px_intersection) / mean(px_union).
        value: {
          iou: overlap.iou,
          iop: overlap.iop,
          iot: overlap.iot,
          [`iou@${t}`]: overlap.iou >= threshold ? 1 : 0,
          [`iop@${t}`]: overlap.iop >= threshold ? 1 : 0,
          [`iot@${t}`]: overlap.iot >= threshold ? 1 : 0,
          px_intersection: overlap.intersection,
          px_union: overlap.union,
          px_predicted: overlap.predicted,
          px_target: overlap.target,
        },
        explanation: `IoU ${overlap.iou.toFixed(3)}, IoP ${overlap.iop.toFixed(3)}, IoT ${overlap.iot.toFixed(3)} (per-item; hit rate at ${threshold} in iou@${t} …; micro = mean px_intersection / mean px_union)`,
        metadata: { intersection, predictedArea, targetArea, unionArea: overlap.union },
      };
    },
  };
}
