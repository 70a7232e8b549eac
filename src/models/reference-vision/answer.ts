// The reference vision model's answer to one chat-completions body: analyse every view, pool the
// findings on the primary image, answer the question family with a probability distribution,
// and, when unsure and offered the zoom tool, ask to zoom into its most suspicious unexamined region.
// Pure apart from decoding images. completion.ts turns the decision into a chat.completion body.
import {
  analyseImage,
  DEFAULT_VISION,
  inLungField,
  type Detection,
  type ImageAnalysis,
  type VisionSettings,
} from './vision.js';
import type { ParsedRequest } from './request.js';

export const REFERENCE_LABEL = 'reference vision model (deterministic pixel rules, not a language model)';

export interface ReferenceVisionSettings extends VisionSettings {
  /** Below this answer probability the model asks for a zoom when offered one. */
  zoomThreshold: number;
  /** Side of a requested zoom box as a share of the primary image's longer side. */
  zoomFraction: number;
  /** Prior share of findings too small to see at the full-image analysis scale (README: calibration). */
  unseenPrior: number;
  /** The model stops asking after this many zooms in one conversation. */
  maxZooms: number;
}

export const DEFAULT_SETTINGS: ReferenceVisionSettings = {
  ...DEFAULT_VISION,
  zoomThreshold: 0.9,
  zoomFraction: 0.25,
  unseenPrior: 0.3,
  maxZooms: 8,
};

export type Family = 'presence' | 'count' | 'side' | 'location' | 'size';

export function questionFamily(question: string): Family {
  const text = question.toLowerCase();
  if (/how many|number of/.test(text)) return 'count';
  if (/(larger|bigger|smaller) than|diameter|how (large|big)/.test(text)) return 'size';
  if (/which side|left or right|right or left|laterality|which lung/.test(text)) return 'side';
  if (/which zone|upper, middle or lower|upper, middle, or lower|which (part|region|third)/.test(text))
    return 'location';
  return 'presence';
}

interface Finding extends Detection {
  /** Found in a view whose position on the primary is known. */
  positioned: boolean;
}

export interface Decision {
  family: Family;
  /** Candidate answers with probabilities, most likely first. */
  distribution: { answer: string; p: number }[];
  answer: string;
  confidence: number;
  /** P(a finding is present) at this point, for the first reasoning token. */
  presence: number;
  zoom: { box: number[]; alternatives: { box: number[]; p: number }[] } | null;
  reasoning: string;
}

const round = (value: number) => Math.round(value);

export async function decide(
  request: ParsedRequest,
  settings: ReferenceVisionSettings = DEFAULT_SETTINGS,
): Promise<Decision> {
  const primary = request.views[0];
  const analyses: { analysis: ImageAnalysis; view: (typeof request.views)[number] }[] = [];
  for (const view of request.views)
    analyses.push({
      view,
      analysis: await analyseImage(
        view.raster,
        settings,
        view.kind === 'primary' ? (request.mask ?? undefined) : undefined,
      ),
    });
  const primaryAnalysis = analyses[0].analysis;
  // Pool on the primary: a zoomed detection maps back through its box; duplicates within 8 px merge.
  const findings: Finding[] = [];
  for (const { view, analysis } of analyses) {
    for (const detection of analysis.candidates) {
      const mapped =
        view.box && view.kind !== 'view'
          ? {
              ...detection,
              x: view.box.x1 + (detection.x * (view.box.x2 - view.box.x1)) / view.raster.width,
              y: view.box.y1 + (detection.y * (view.box.y2 - view.box.y1)) / view.raster.height,
              diameter: (detection.diameter * (view.box.x2 - view.box.x1)) / view.raster.width,
              positioned: true,
            }
          : { ...detection, positioned: view.kind !== 'view' };
      if (request.mask && mapped.positioned && !insideMask(request.mask, primary.raster, mapped.x, mapped.y)) continue;
      // A crop is judged by the primary image's anatomy: nodules lie in the lung fields.
      if (view.kind === 'zoom' && !inLungField(primaryAnalysis, mapped.x, mapped.y)) continue;
      const twin = findings.find(
        (other) =>
          other.positioned &&
          mapped.positioned &&
          Math.hypot(other.x - mapped.x, other.y - mapped.y) < Math.max(8, 0.6 * (other.diameter + mapped.diameter)),
      );
      if (twin) {
        if (mapped.confidence > twin.confidence) Object.assign(twin, mapped);
      } else findings.push(mapped);
    }
  }
  findings.sort((a, b) => b.confidence - a.confidence);
  const best = findings[0];
  const seen = best?.confidence ?? 0;
  const unseen = unseenProbability(request, primaryAnalysis, settings);
  const presence = 1 - (1 - seen) * (1 - unseen);
  const family = questionFamily(request.question);
  const distribution = answerDistribution(family, request.question, findings, presence, unseen, primaryAnalysis);
  const zoomed = request.views.filter((view) => view.kind === 'zoom').map((view) => view.box!);
  let zoom: Decision['zoom'] = null;
  if (request.zoomTool && distribution[0].p < settings.zoomThreshold && request.zoomsSoFar < settings.maxZooms) {
    const side = settings.zoomFraction * Math.max(primary.raster.width, primary.raster.height);
    const open = primaryAnalysis.candidates.filter(
      (candidate) =>
        !zoomed.some(
          (box) => candidate.x >= box.x1 && candidate.x < box.x2 && candidate.y >= box.y1 && candidate.y < box.y2,
        ),
    );
    const top = open.slice(0, 5);
    if (top.length > 0) {
      const weights = top.map((candidate) => Math.exp(candidate.response / 2));
      const total = weights.reduce((a, b) => a + b, 0);
      const alternatives = top.map((candidate, index) => ({
        box: centredBox(candidate.x, candidate.y, side, primary.raster.width, primary.raster.height),
        p: weights[index] / total,
      }));
      zoom = { box: alternatives[0].box, alternatives };
    }
  }
  const head = distribution[0];
  const where = best?.positioned
    ? ` at (${round(best.x)}, ${round(best.y)}), about ${round(best.diameter)} px across`
    : '';
  const reasoning =
    `${request.views.length} image(s) seen at ≤${settings.resolution} px` +
    (request.mask
      ? `; search limited to the mask (${request.maskWhere})`
      : request.maskEmpty
        ? '; the mask was empty and is ignored'
        : '') +
    `; strongest focal opacity p=${seen.toFixed(2)}${where}; unexamined small-finding risk ${unseen.toFixed(2)}`;
  return { family, distribution, answer: head.answer, confidence: head.p, presence, zoom, reasoning };
}

function insideMask(
  mask: NonNullable<ParsedRequest['mask']>,
  image: { width: number; height: number },
  x: number,
  y: number,
): boolean {
  const mx = Math.min(mask.width - 1, Math.floor((x / image.width) * mask.width));
  const my = Math.min(mask.height - 1, Math.floor((y / image.height) * mask.height));
  return mask.data[my * mask.width + mx] === 1;
}

export function centredBox(x: number, y: number, side: number, width: number, height: number): number[] {
  const x1 = Math.max(0, Math.min(width - side, x - side / 2));
  const y1 = Math.max(0, Math.min(height - side, y - side / 2));
  return [round(x1), round(y1), round(Math.min(width, x1 + side)), round(Math.min(height, y1 + side))];
}

/**
 * P(a finding too small for the full-image analysis is present and unexamined): the prior, scaled
 * by how much the downsampling shrinks the image and by the share of the lung fields that no
 * full-resolution zoom has covered yet. A model looking at pixels it has not resolved says so.
 */
function unseenProbability(request: ParsedRequest, analysis: ImageAnalysis, settings: ReferenceVisionSettings): number {
  if (analysis.scale <= 1) return 0;
  const fields = [analysis.fields.left, analysis.fields.right].filter((field) => field !== null);
  let area = 0;
  let covered = 0;
  const sharp = request.views.filter(
    (view) =>
      view.kind === 'zoom' && (view.box!.x2 - view.box!.x1) / Math.min(view.raster.width, settings.resolution) <= 1.5,
  );
  for (const field of fields) {
    for (let y = field.top + 4; y < field.bottom; y += 8) {
      for (let x = field.x1 + 4; x < field.x2; x += 8) {
        area++;
        if (sharp.some((view) => x >= view.box!.x1 && x < view.box!.x2 && y >= view.box!.y1 && y < view.box!.y2))
          covered++;
      }
    }
  }
  const open = area === 0 ? 1 : 1 - covered / area;
  return settings.unseenPrior * (1 - 1 / analysis.scale) * open;
}

function answerDistribution(
  family: Family,
  question: string,
  findings: Finding[],
  presence: number,
  unseen: number,
  primary: ImageAnalysis,
): { answer: string; p: number }[] {
  const best = findings[0];
  const seen = best?.confidence ?? 0;
  let entries: [string, number][];
  switch (family) {
    case 'presence':
      entries = [
        ['yes', presence],
        ['no', 1 - presence],
      ];
      break;
    case 'count': {
      // Poisson-binomial over the six most likely findings, then one unseen finding may add 1.
      let counts = [1];
      for (const finding of findings.slice(0, 6)) {
        const next = new Array(counts.length + 1).fill(0);
        counts.forEach((p, k) => {
          next[k] += p * (1 - finding.confidence);
          next[k + 1] += p * finding.confidence;
        });
        counts = next;
      }
      const withUnseen = new Array(counts.length + 1).fill(0);
      counts.forEach((p, k) => {
        withUnseen[k] += p * (1 - unseen);
        withUnseen[k + 1] += p * unseen;
      });
      entries = withUnseen.slice(0, 4).map((p, k) => [String(k), p]);
      break;
    }
    case 'side': {
      // PA convention: the patient's right is on the image left.
      const guess = best ?? { x: primary.width / 2 };
      const patientRight = guess.x < primary.width / 2;
      const p = 0.5 + 0.5 * seen;
      entries = [
        [patientRight ? 'right' : 'left', p],
        [patientRight ? 'left' : 'right', 1 - p],
      ];
      break;
    }
    case 'location': {
      const zones = ['upper', 'middle', 'lower'];
      const guess = best ?? { x: primary.width / 2, y: primary.height / 2 };
      const field = guess.x < primary.width / 2 ? primary.fields.left : primary.fields.right;
      const top = field?.top ?? 0;
      const bottom = field?.bottom ?? primary.height;
      const zone = Math.min(2, Math.max(0, Math.floor((3 * (guess.y - top)) / Math.max(1, bottom - top))));
      const p = 1 / 3 + (2 / 3) * seen;
      entries = zones.map((name, index) => [name, index === zone ? p : (1 - p) / 2]);
      break;
    }
    case 'size': {
      const threshold = /(?:larger|bigger|smaller) than\s*([\d.]+)\s*(mm|px|pixels?)/i.exec(question);
      const spacing = /pixel spacing(?: is| of)?\s*([\d.]+)\s*mm/i.exec(question);
      const limit = threshold ? Number(threshold[1]) : Number.NaN;
      const mmPerPixel = threshold && threshold[2] === 'mm' ? (spacing ? Number(spacing[1]) : Number.NaN) : 1;
      const diameter = best ? best.diameter * mmPerPixel : Number.NaN;
      let larger = 0.5;
      if (Number.isFinite(diameter) && Number.isFinite(limit) && limit > 0)
        larger = 0.5 + 0.5 * seen * Math.tanh((diameter - limit) / (0.2 * limit));
      const asksSmaller = /smaller than/i.test(question);
      const yes = asksSmaller ? 1 - larger : larger;
      entries = [
        ['yes', yes],
        ['no', 1 - yes],
      ];
      break;
    }
  }
  return entries.map(([answer, p]) => ({ answer, p: Math.min(1 - 1e-6, Math.max(1e-6, p)) })).sort((a, b) => b.p - a.p);
}
