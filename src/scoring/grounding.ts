// Grounding: how well the region a solver says it looked at covers the ground-truth box. A solver
// that grounds its answer writes `state.metadata.grounding = { boxes: [[x1,y1,x2,y2]...] }` in
// original-image pixels (MedVR: the consensus zoom mask's boxes; CARE: the kept mask boxes); the
// benchmark's sample metadata gives `box` (xyxy pixels) and `width`/`height`. Pixel IoU of the
// union of the solver's boxes against the truth; null (not scored) where either is missing.
import type { Scorer } from '../core/index.js';
import { regionOverlap } from '../imaging/boxes.js';

const isBox = (value: unknown): value is number[] =>
  Array.isArray(value) &&
  value.length === 4 &&
  value.every((item) => typeof item === 'number' && Number.isFinite(item));

export function groundingIoUScorer(): Scorer {
  return {
    name: 'grounding_iou',
    params: { rule: 'pixel IoU of the union of state.metadata.grounding.boxes vs sample metadata box' },
    async score(state) {
      const truth = state.sample.metadata?.box;
      const width = Number(state.sample.metadata?.width);
      const height = Number(state.sample.metadata?.height);
      const grounding = state.metadata.grounding as { boxes?: unknown[] } | undefined;
      const boxes = (grounding?.boxes ?? []).filter(isBox);
      if (!isBox(truth) || boxes.length === 0 || !(width > 0 && height > 0))
        return { value: null, explanation: !isBox(truth) ? 'no ground-truth box' : 'the solver grounded nothing' };
      const toBox = ([x1, y1, x2, y2]: number[]) => ({ x1: x1!, y1: y1!, x2: x2!, y2: y2! });
      const overlap = regionOverlap(boxes.map(toBox), [toBox(truth)], { width, height });
      return {
        value: overlap.iou,
        explanation: `IoU ${overlap.iou.toFixed(3)} over ${boxes.length} grounded box(es)`,
        metadata: { iot: overlap.iot, iop: overlap.iop },
      };
    },
  };
}
