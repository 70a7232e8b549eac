// CARE-Flow (multimodal-methods.md §1): entities → entity-referring masks with confidence C = 1 − H/log 2
// (keep iff C ≥ τ) → three evidence views → the answering model (EG-VQA) once per view → majority vote.
// Every entity, mask, view and answer is an evidence event in the transcript (README: evidence shapes).
import { join } from 'node:path';
import {
  MedkitError,
  systemMessage,
  userMessage,
  type ChatMessage,
  type ImagePart,
  type JsonObject,
  type ModelOutput,
  type SolverContext,
  type TaskState,
} from '../../core/index.js';
import { evidenceDir } from '../evidence-dir.js';
import { decodeSingleImage, maskToBox, type Raster } from '../../imaging/index.js';
import { normaliseClosedAnswer, parseClosedAnswer } from '../../scoring/closed-answer.js';
import { proposeEntities } from './entities.js';
import type { CareOptions } from './options.js';
import { segmentEntity, type Segmentation, type Segmenter } from './segment.js';
import { buildViews, VIEW_ORDER, writeMaskPng, type EvidenceView, type ViewKind } from './views.js';

export const EG_VQA_SYSTEM_PROMPT =
  'You answer questions about medical images. The first image is the full image; the second is an evidence view (a zoomed crop, a binary mask of the relevant region, or an all-ones mask meaning the whole image). Think inside <think>...</think> and give the final answer inside <answer>...</answer>.';

export interface ViewAnswer {
  kind: ViewKind;
  path: string;
  answer: string | null;
  text: string;
  error: string | null;
  messages: ChatMessage[];
  output: ModelOutput | null;
}

export interface CareEvidence {
  image: { raster: Raster; path: string | null; part: ImagePart };
  question: string;
  questionMessages: ChatMessage[];
  entities: string[];
  segmentations: (Segmentation & { kept: boolean; maskPath: string | null; error: string | null })[];
  chosen: Segmentation | null;
  views: EvidenceView[];
  dir: string;
}

/** The one image of a sample (a per-sample error otherwise). */
export async function careImage(state: TaskState): Promise<CareEvidence['image']> {
  return decodeSingleImage(state.messages, state.sample.id, 'CARE');
}

const questionText = (messages: ChatMessage[]): string =>
  messages
    .filter((message) => message.role === 'user')
    .map((message) =>
      typeof message.content === 'string'
        ? message.content
        : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'),
    )
    .join('\n')
    .trim();

/** Steps 1–3: entities, masks with confidence (kept iff C ≥ τ), the views of the most confident kept mask. */
export async function gatherEvidence(
  state: TaskState,
  context: SolverContext,
  options: CareOptions,
  segmenter: Segmenter,
  cacheDir: string,
): Promise<CareEvidence> {
  const image = await careImage(state);
  const dir = evidenceDir(cacheDir, 'care', state, context.seed);
  const questionMessages = state.messages.filter((message) => message.role !== 'system');
  const question = questionText(questionMessages);
  const proposal = await proposeEntities(question, context, options.max_entities);
  context.record({
    type: 'evidence',
    kind: 'care-entities',
    title: `entities (${proposal.source}): ${proposal.entities.join(', ') || 'none'}`,
    data: { entities: proposal.entities, source: proposal.source, raw: proposal.raw ?? null },
  });
  const segmentations: CareEvidence['segmentations'] = [];
  for (const [index, entity] of proposal.entities.entries()) {
    try {
      const segmentation = await segmentEntity(segmenter, image.raster, entity, context.signal);
      const empty = !segmentation.mask.data.includes(1);
      const kept = !empty && segmentation.confidence >= options.tau;
      const maskPath = empty ? null : await writeMaskPng(segmentation.mask, join(dir, `mask-${index}.png`));
      segmentations.push({ ...segmentation, kept, maskPath, error: null });
    } catch (error) {
      if (context.signal.aborted) throw error;
      const message = (error as Error).message;
      const blank = { width: image.raster.width, height: image.raster.height };
      segmentations.push({
        entity,
        probability: { ...blank, data: new Float32Array(0) },
        mask: { ...blank, data: new Uint8Array(0) },
        confidence: 0,
        note: `segmenter failed: ${message}`,
        kept: false,
        maskPath: null,
        error: message,
      });
    }
    const s = segmentations.at(-1)!;
    const box = s.maskPath ? maskToBox(s.mask) : null;
    context.record({
      type: 'evidence',
      kind: 'image-region',
      title: `mask of '${entity}': C = ${s.confidence.toFixed(3)} (${s.kept ? 'kept' : 'dropped'})`,
      data: {
        image: image.path ?? '(image bytes)',
        width: image.raster.width,
        height: image.raster.height,
        boxes: box ? [{ ...box, label: `${entity} (C = ${s.confidence.toFixed(2)})` }] : [],
        masks: s.maskPath ? [{ image: s.maskPath, label: `${entity} mask` }] : [],
        care: {
          entity,
          confidence: s.confidence,
          tau: options.tau,
          kept: s.kept,
          segmenter: segmenter.name,
          note: s.note,
          error: s.error,
        },
      },
    });
  }
  const kept = segmentations.filter((s) => s.kept).sort((a, b) => b.confidence - a.confidence);
  const chosen = kept[0] ?? null;
  const views = await buildViews(image.raster, chosen?.mask ?? null, chosen?.entity ?? null, dir, {
    pad: options.crop_pad,
    cropMaxSide: options.crop_max_side,
  });
  return { image, question, questionMessages, entities: proposal.entities, segmentations, chosen, views, dir };
}

/** EG-VQA once on one view: the question (with its image) and the view as a second image. */
export async function answerView(
  evidence: CareEvidence,
  view: EvidenceView,
  context: SolverContext,
  extra: ChatMessage[] = [],
): Promise<ViewAnswer> {
  const messages: ChatMessage[] = [
    systemMessage(EG_VQA_SYSTEM_PROMPT),
    ...structuredClone(evidence.questionMessages),
    userMessage([
      { type: 'text', text: view.description },
      { type: 'image', source: { kind: 'path', path: view.path }, mediaType: 'image/png', label: `${view.kind} view` },
    ]),
    ...extra,
  ];
  try {
    const output = await context.generate({ messages: [...messages], config: context.generateConfig });
    const parsed = parseClosedAnswer(output.text);
    const answer = parsed.rule === 'none' ? null : normaliseClosedAnswer(parsed.answer);
    return { kind: view.kind, path: view.path, answer, text: output.text, error: null, messages, output };
  } catch (error) {
    if (context.signal.aborted) throw error;
    return {
      kind: view.kind,
      path: view.path,
      answer: null,
      text: '',
      error: (error as Error).message,
      messages,
      output: null,
    };
  }
}

/** Most votes; a tie goes to the answer of the earliest view in VIEW_ORDER (zoom, mask, global). */
export function careVote(answers: readonly Pick<ViewAnswer, 'kind' | 'answer'>[]): string | null {
  const counts = new Map<string, { count: number; rank: number }>();
  for (const { kind, answer } of answers) {
    if (answer === null) continue;
    const entry = counts.get(answer) ?? { count: 0, rank: VIEW_ORDER.indexOf(kind) };
    entry.count++;
    entry.rank = Math.min(entry.rank, VIEW_ORDER.indexOf(kind));
    counts.set(answer, entry);
  }
  let best: string | null = null;
  for (const [answer, entry] of counts) {
    const current = best === null ? null : counts.get(best)!;
    if (!current || entry.count > current.count || (entry.count === current.count && entry.rank < current.rank))
      best = answer;
  }
  return best;
}

export function recordViewAnswer(context: SolverContext, evidence: CareEvidence, answer: ViewAnswer, round = 0): void {
  const view = evidence.views.find((v) => v.kind === answer.kind)!;
  context.record({
    type: 'evidence',
    kind: 'care-view',
    title: `${answer.kind} view${round > 0 ? ` (round ${round})` : ''}: ${answer.answer ?? answer.error ?? 'no answer'}`,
    data: {
      view: answer.kind,
      image: answer.path,
      box: [view.box.x1, view.box.y1, view.box.x2, view.box.y2],
      entity: evidence.chosen?.entity ?? null,
      answer: answer.answer,
      response: answer.text,
      error: answer.error,
      round,
    },
  });
}

export function finish(
  state: TaskState,
  evidence: CareEvidence,
  answers: ViewAnswer[],
  final: string | null,
  summary: string,
  extra: JsonObject = {},
): TaskState {
  const lead = answers.find((a) => a.answer === final && a.output) ?? answers.find((a) => a.output);
  const box = evidence.chosen ? maskToBox(evidence.chosen.mask) : null;
  state.metadata.care = {
    entities: evidence.entities,
    masks: evidence.segmentations.map((s) => ({
      entity: s.entity,
      confidence: s.confidence,
      kept: s.kept,
      error: s.error,
    })),
    chosen: evidence.chosen?.entity ?? null,
    views: answers.map((a) => ({ view: a.kind, answer: a.answer, error: a.error })),
    answer: final,
    ...extra,
  } as unknown as JsonObject;
  if (box) state.metadata.grounding = { boxes: [[box.x1, box.y1, box.x2, box.y2]], source: 'care kept mask' };
  if (lead) state.messages = lead.messages;
  state.output = {
    ...(lead?.output ?? state.output),
    text: `<think>${summary}</think>\n<answer>${final ?? ''}</answer>`,
    toolCalls: [],
    finishReason: 'stop',
  };
  return state;
}

export async function solveCareFlow(
  state: TaskState,
  context: SolverContext,
  options: CareOptions,
  segmenter: Segmenter,
  cacheDir: string,
): Promise<TaskState> {
  const evidence = await gatherEvidence(state, context, options, segmenter, cacheDir);
  const answers: ViewAnswer[] = [];
  const wanted = options.views.split(',').map((view) => view.trim());
  let views = evidence.views.filter((view) => wanted.includes(view.kind));
  let fallback = '';
  if (views.length === 0) {
    views = evidence.views.filter((view) => view.kind === 'global');
    fallback = ` Views ${options.views} need a kept mask: the global view answered instead.`;
  }
  for (const view of views) {
    const answer = await answerView(evidence, view, context);
    recordViewAnswer(context, evidence, answer);
    answers.push(answer);
  }
  if (answers.every((a) => a.answer === null))
    throw new MedkitError(
      `sample ${state.sample.id}: no CARE view gave an answer; first: ${answers[0]?.error ?? answers[0]?.text.slice(0, 120) ?? 'none'}`,
    );
  const final = careVote(answers);
  const note =
    (evidence.chosen ? '' : ' No mask was kept (C < τ or empty): the global view alone answered.') + fallback;
  context.record({
    type: 'evidence',
    kind: 'care-vote',
    title: `vote: ${final ?? 'none'}`,
    data: {
      answers: answers.map((a) => ({ view: a.kind, answer: a.answer })),
      answer: final,
      tieBreak: VIEW_ORDER,
      note: note.trim() || null,
    },
  });
  const summary = `CARE-Flow: entities ${evidence.entities.join(', ') || 'none'}; kept mask ${evidence.chosen ? `'${evidence.chosen.entity}' (C = ${evidence.chosen.confidence.toFixed(3)})` : 'none'}; views ${answers.map((a) => `${a.kind}=${a.answer ?? '∅'}`).join(', ')}.${note}`;
  return finish(state, evidence, answers, final, summary);
}
