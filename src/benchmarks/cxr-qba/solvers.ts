// CXR-QBA solvers: the structured LLM solver (images labelled by image id, JSON reply) and the
// honest baseline (prior-majority answer per question type + the brightest window as the box).
import {
  assistantMessage,
  imageFromPath,
  mediaTypeForPath,
  textPart,
  userMessage,
  type Sample,
  type Solver,
  type SolverContext,
  type TaskState,
} from '../../core/index.js';
import { clampBox, type Box } from '../../imaging/boxes.js';
import { decodeImage, imageInfo } from '../../imaging/image.js';
import { brightestWindow } from '../../imaging/regions.js';
import { parseStructuredAnswer } from './scoring.js';
import type { QbaTarget } from './load.js';

const imagesOf = (state: TaskState) => (state.sample.metadata?.images ?? {}) as Record<string, string>;

function recordRegions(
  state: TaskState,
  context: SolverContext,
  predicted: Record<string, number[][]>,
  sizes: Record<string, { width: number; height: number }>,
  label: string,
): void {
  const target = state.sample.target as QbaTarget;
  for (const [imageId, path] of Object.entries(imagesOf(state))) {
    const size = sizes[imageId];
    if (!size) continue;
    const boxes = [
      ...(target.boxes[imageId] ?? []).map(([x1, y1, x2, y2]) => ({
        x1: x1!,
        y1: y1!,
        x2: x2!,
        y2: y2!,
        label: 'ground truth',
      })),
      ...(target.fallbackBoxes[imageId] ?? []).map(([x1, y1, x2, y2]) => ({
        x1: x1!,
        y1: y1!,
        x2: x2!,
        y2: y2!,
        label: 'ground truth (fallback)',
      })),
      ...(predicted[imageId] ?? []).map(([x1, y1, x2, y2]) => ({ x1: x1!, y1: y1!, x2: x2!, y2: y2!, label })),
    ];
    context.record({
      type: 'evidence',
      kind: 'image-region',
      title: `${imageId}: ${label} vs ground truth`,
      data: { image: path, width: size.width, height: size.height, boxes },
    });
  }
}

export const STRUCTURED_INSTRUCTION =
  'Answer about the chest radiograph(s) above. Reply with JSON only:\n' +
  '{"answer": "<one or two sentences>", "positiveness": "pos" or "neg" (is the asked-about finding / abnormality present?), ' +
  '"findings": ["<short finding tags>"], "laterality": "left" | "right" | "bilateral" | "none" (the patient\'s side), ' +
  '"regions": ["<anatomical regions>"], "boxes": {"<image id>": [[x1, y1, x2, y2]]} (pixel coordinates, origin top-left; omit when not applicable)}';

export function structuredSolver(): Solver {
  return {
    name: 'structured-answer',
    params: { instruction: STRUCTURED_INSTRUCTION },
    async solve(state, context) {
      const images = imagesOf(state);
      const sizes: Record<string, { width: number; height: number }> = {};
      const parts = [];
      for (const [imageId, path] of Object.entries(images)) {
        const info = await imageInfo(path);
        sizes[imageId] = { width: info.width, height: info.height };
        parts.push(
          imageFromPath(path, mediaTypeForPath(path), imageId),
          textPart(`Image id ${imageId}: ${info.width}×${info.height} pixels.`),
        );
      }
      state.messages = [
        userMessage([
          ...parts,
          textPart(`Question: ${String(state.sample.metadata?.question ?? '')}\n\n${STRUCTURED_INSTRUCTION}`),
        ]),
      ];
      const output = await context.generate({ messages: state.messages, config: { ...context.generateConfig } });
      state.output = output;
      state.messages.push(assistantMessage(output.text));
      const parsed = parseStructuredAnswer(output.text);
      const firstImage = Object.keys(images)[0];
      const boxes: Record<string, number[][]> = {};
      const problems: string[] = [];
      for (const [key, list] of Object.entries(parsed.boxes)) {
        const imageId = key === '*' ? firstImage : key;
        if (!imageId || !sizes[imageId]) {
          problems.push(`boxes for unknown image "${key}" ignored`);
          continue;
        }
        for (const [x1, y1, x2, y2] of list) {
          let box: Box = {
            x1: Math.min(x1!, x2!),
            y1: Math.min(y1!, y2!),
            x2: Math.max(x1!, x2!),
            y2: Math.max(y1!, y2!),
          };
          if (x2! < x1! || y2! < y1!) problems.push(`swapped corners [${x1}, ${y1}, ${x2}, ${y2}] put in order`);
          const clipped = clampBox(box, sizes[imageId]!);
          if (clipped.x1 !== box.x1 || clipped.y1 !== box.y1 || clipped.x2 !== box.x2 || clipped.y2 !== box.y2)
            problems.push(`box [${x1}, ${y1}, ${x2}, ${y2}] clipped to the image`);
          box = clipped;
          if (box.x2 > box.x1 && box.y2 > box.y1) (boxes[imageId] ??= []).push([box.x1, box.y1, box.x2, box.y2]);
        }
      }
      state.metadata.boxes = boxes;
      if (problems.length) state.metadata.boxProblems = problems;
      if (Object.keys(boxes).length) recordRegions(state, context, boxes, sizes, 'model');
      return state;
    },
  };
}

/**
 * Prior-majority answers, fixed from the phantom generator's prior (not from any label): a study
 * has findings with probability 3/4, so is_abnormal → yes; any one named finding is usually
 * absent, so has_finding → no; every other type → "no acute abnormality". Boxes: the brightest
 * window of the first image for where-questions.
 */
export const PRIOR_ANSWERS: PriorTable = {
  is_abnormal: { answer: 'Yes, the study is abnormal.', positiveness: 'pos' },
  is_normal: { answer: 'No, the study is not normal.', positiveness: 'neg' },
  has_finding: { answer: 'No.', positiveness: 'neg' },
};

export type PriorTable = Record<string, { answer: string; positiveness: 'pos' | 'neg' }>;

/**
 * A prior from files the user holds out (e.g. the train split's qa.json folder): per question type,
 * the majority positiveness of the main answers and its most common answer text. Never the test labels.
 */
export async function priorFromQa(samples: AsyncIterable<Sample>): Promise<PriorTable> {
  const counts = new Map<string, { pos: number; neg: number; texts: Map<string, number> }>();
  for await (const sample of samples) {
    const target = sample.target as QbaTarget;
    if (!target.positiveness) continue;
    const type = String(sample.metadata?.question_type ?? '');
    const entry = counts.get(type) ?? { pos: 0, neg: 0, texts: new Map() };
    entry[target.positiveness as 'pos' | 'neg']++;
    const text = target.texts.join(' ');
    entry.texts.set(
      `${target.positiveness}\u0000${text}`,
      (entry.texts.get(`${target.positiveness}\u0000${text}`) ?? 0) + 1,
    );
    counts.set(type, entry);
  }
  const table: PriorTable = {};
  for (const [type, entry] of counts) {
    const positiveness = entry.pos > entry.neg ? 'pos' : 'neg';
    const best = [...entry.texts]
      .filter(([key]) => key.startsWith(`${positiveness}\u0000`))
      .sort((a, b) => b[1] - a[1])[0];
    table[type] = {
      answer: best ? best[0].split('\u0000')[1]! : positiveness === 'pos' ? 'Yes.' : 'No.',
      positiveness,
    };
  }
  return table;
}

export function priorMajoritySolver(
  prior: PriorTable | (() => Promise<PriorTable>) = PRIOR_ANSWERS,
  source = 'phantom generator prior',
): Solver {
  let table: PriorTable | undefined = typeof prior === 'function' ? undefined : prior;
  return {
    name: 'prior-majority',
    params: {
      source,
      ...(typeof prior === 'function' ? {} : { answers: prior }),
      other: 'No acute cardiopulmonary abnormality.',
      box: 'brightest window (1/6 of each side) of the first image for where-questions',
    },
    async solve(state, context) {
      table ??= await (prior as () => Promise<PriorTable>)();
      const type = String(state.sample.metadata?.question_type ?? '');
      const chosen = table[type] ?? { answer: 'No acute cardiopulmonary abnormality.', positiveness: 'neg' as const };
      const reply: Record<string, unknown> = {
        answer: chosen.answer,
        positiveness: chosen.positiveness,
        findings: [],
        laterality: 'none',
        regions: [],
      };
      const [imageId, path] = Object.entries(imagesOf(state))[0] ?? [];
      if (/where/.test(type) && imageId && path) {
        const raster = await decodeImage(path);
        const box = brightestWindow(raster);
        reply.boxes = { [imageId]: [[box.x1, box.y1, box.x2, box.y2]] };
        state.metadata.boxes = reply.boxes as Record<string, number[][]>;
        recordRegions(
          state,
          context,
          reply.boxes as Record<string, number[][]>,
          { [imageId]: raster },
          'brightest region (baseline)',
        );
      }
      const text = JSON.stringify(reply);
      state.output = { ...state.output, text, finishReason: 'stop' };
      state.messages.push(assistantMessage(text));
      return state;
    },
  };
}
