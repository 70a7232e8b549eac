// MedVR at inference (multimodal-methods.md §2): N zoom-tool trajectories, majority answer, the
// consensus zoom mask as visual evidence, and optionally the entropy monitor deciding when to
// spend extra samples. Every zoom (received and original pixels, crop file), trajectory and the
// consensus are evidence events in the transcript (README: evidence shapes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MedkitError,
  assistantMessage,
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
import { cropRaster, decodeSingleImage, encodePng, fitWithin, maskToBox, type Raster } from '../../imaging/index.js';
import { normaliseClosedAnswer, parseClosedAnswer } from '../../scoring/closed-answer.js';
import { createRng, hashSeed } from '../../stats/random.js';
import { branchProbability, entropyShift } from './entropy.js';
import { consensusMask, trajectoryMask } from './reward.js';
import { findZoomCall, resolveZoom, ZOOM_TOOL, zoomToolSpec, type Frame } from './zoom.js';
import type { MedvrOptions } from './options.js';

export const MEDVR_SYSTEM_PROMPT = `You answer questions about medical images. Think inside <think>...</think>. If a region needs a closer look, call the zoom tool:
<tool_call>{"name": "${ZOOM_TOOL}", "arguments": {"bbox_2d": [x1, y1, x2, y2], "label": "what you look for"}}</tool_call>
bbox_2d is in pixels of the image as you received it (the latest image unless you add "image_index"; 0 is the original). The crop comes back as a new image. When done, give the final answer inside <answer>...</answer>.`;

const NO_TOOL_PROMPT =
  'You answer questions about medical images. Think inside <think>...</think> and give the final answer inside <answer>...</answer>. No more zooming: answer now.';

export interface ZoomRecord {
  step: number;
  imageIndex: number;
  requested: number[];
  received: number[];
  original: number[];
  crop: string;
}

export interface Trajectory {
  index: number;
  /** 'base', or 'branch' when the entropy monitor spent an extra sample on it. */
  kind: 'base' | 'branch';
  answer: string | null;
  confidence: number | null;
  zooms: ZoomRecord[];
  invalidCalls: number;
  steps: number;
  entropy: { hBase: number; hTool: number; delta: number; p: number | null } | null;
  messages: ChatMessage[];
  output: ModelOutput | null;
  error: string | null;
}

/** A trajectory before its first step; a failed one keeps only its error. */
function emptyTrajectory(
  index: number,
  kind: Trajectory['kind'],
  messages: ChatMessage[],
  error: string | null,
): Trajectory {
  return {
    index,
    kind,
    answer: null,
    confidence: null,
    zooms: [],
    invalidCalls: 0,
    steps: 0,
    entropy: null,
    messages,
    output: null,
    error,
  };
}

export interface ImageInput {
  part: ImagePart;
  raster: Raster;
  path: string | null;
}

/** The one image of a sample; a sample without exactly one image is refused with a per-sample error. */
export async function sampleImage(state: TaskState): Promise<ImageInput> {
  return decodeSingleImage(state.messages, state.sample.id, 'MedVR');
}

const answerConfidence = (output: ModelOutput, answer: string): number | null => {
  const token = output.logprobs?.find((entry) => normaliseClosedAnswer(entry.token) === answer);
  return token ? Math.exp(token.logprob) : null;
};

export async function runTrajectory(
  index: number,
  kind: Trajectory['kind'],
  image: ImageInput,
  question: ChatMessage[],
  context: SolverContext,
  options: MedvrOptions,
  evidenceDir: string,
): Promise<Trajectory> {
  const native = options.tool_format === 'native';
  const messages: ChatMessage[] = [systemMessage(MEDVR_SYSTEM_PROMPT), ...structuredClone(question)];
  const frames: Frame[] = [
    {
      x1: 0,
      y1: 0,
      x2: image.raster.width,
      y2: image.raster.height,
      sentWidth: image.raster.width,
      sentHeight: image.raster.height,
    },
  ];
  const trajectory = emptyTrajectory(index, kind, messages, null);
  const config = {
    ...context.generateConfig,
    temperature: options.samples > 1 ? options.temperature : (context.generateConfig.temperature ?? 0),
    seed: context.seed + index,
    topLogprobs: options.top_logprobs,
  };
  for (let step = 0; step <= options.max_steps; step++) {
    const lastStep = step === options.max_steps;
    if (lastStep) messages[0] = systemMessage(NO_TOOL_PROMPT);
    const output = await context.generate({
      // a copy: the request is a snapshot (providers and scripted models may keep it)
      messages: [...messages],
      config,
      ...(native && !lastStep ? { tools: [zoomToolSpec], toolChoice: 'auto' as const } : {}),
    });
    trajectory.steps++;
    trajectory.output = output;
    const call = lastStep ? null : findZoomCall(output, step);
    messages.push(assistantMessage(output.text, native ? output.toolCalls : undefined));
    if (step === 0 && call) {
      const shift = entropyShift(output.logprobs, options.base_window);
      if (shift) trajectory.entropy = { ...shift, p: null };
    }
    if (!call) {
      const parsed = parseClosedAnswer(output.text);
      trajectory.answer = parsed.rule === 'none' ? null : normaliseClosedAnswer(parsed.answer);
      if (trajectory.answer !== null) trajectory.confidence = answerConfidence(output, trajectory.answer);
      return trajectory;
    }
    const reply = (text: string, error?: string) => {
      if (native)
        messages.push({
          role: 'tool',
          toolCallId: call.id,
          name: ZOOM_TOOL,
          content: text,
          ...(error ? { error } : {}),
        });
      else messages.push(userMessage(`<tool_response>${text}</tool_response>`));
    };
    let zoom;
    try {
      if (!call.ok) throw new Error(call.error);
      zoom = resolveZoom(call.args, frames, options.min_box);
    } catch (error) {
      const message = `Error: ${(error as Error).message}. Call ${ZOOM_TOOL} with {"bbox_2d": [x1, y1, x2, y2]} in pixels, or answer.`;
      trajectory.invalidCalls++;
      context.record({
        type: 'tool',
        name: ZOOM_TOOL,
        arguments: (call.ok ? call.args : {}) as JsonObject,
        result: message,
        error: (error as Error).message,
      });
      reply(message, (error as Error).message);
      continue;
    }
    const [x1, y1, x2, y2] = zoom.original as [number, number, number, number];
    let crop = cropRaster(image.raster, { x1, y1, x2, y2 });
    if (options.crop_max_side > 0) crop = await fitWithin(crop, options.crop_max_side);
    const cropPath = join(evidenceDir, `t${index}-z${trajectory.zooms.length + 1}.png`);
    writeFileSync(cropPath, await encodePng(crop));
    frames.push({ x1, y1, x2, y2, sentWidth: crop.width, sentHeight: crop.height });
    const record: ZoomRecord = {
      step,
      imageIndex: zoom.imageIndex,
      requested: zoom.requested,
      received: zoom.received,
      original: zoom.original,
      crop: cropPath,
    };
    trajectory.zooms.push(record);
    const text = `crop_box: [${zoom.received.join(', ')}] of image ${zoom.imageIndex}; it is shown as image ${frames.length - 1} (${crop.width}×${crop.height} pixels).`;
    context.record({ type: 'tool', name: ZOOM_TOOL, arguments: call.args as JsonObject, result: text });
    context.record({
      type: 'evidence',
      kind: 'image-region',
      title: `trajectory ${index}, zoom ${trajectory.zooms.length}`,
      data: {
        image: image.path ?? '(image bytes)',
        width: image.raster.width,
        height: image.raster.height,
        boxes: [{ x1, y1, x2, y2, label: `zoom ${trajectory.zooms.length} (trajectory ${index})` }],
        medvr: { trajectory: index, ...record } as unknown as JsonObject,
      },
    });
    reply(text);
    messages.push(
      userMessage([
        {
          type: 'image',
          source: { kind: 'path', path: cropPath },
          mediaType: 'image/png',
          label: `zoom ${trajectory.zooms.length}: original pixels [${zoom.original.join(', ')}]`,
        },
      ]),
    );
  }
  return trajectory;
}

/** Majority answer; a tie goes to the answer whose first trajectory came first (lowest index). */
export function majorityAnswer(trajectories: readonly Trajectory[]): string | null {
  const counts = new Map<string, { count: number; first: number }>();
  for (const trajectory of trajectories) {
    if (trajectory.answer === null) continue;
    const entry = counts.get(trajectory.answer) ?? { count: 0, first: trajectory.index };
    entry.count++;
    counts.set(trajectory.answer, entry);
  }
  let best: string | null = null;
  for (const [answer, entry] of counts) {
    const current = best === null ? null : counts.get(best)!;
    if (!current || entry.count > current.count || (entry.count === current.count && entry.first < current.first))
      best = answer;
  }
  return best;
}

export async function solveMedvr(
  state: TaskState,
  context: SolverContext,
  options: MedvrOptions,
  cacheDir: string,
): Promise<TaskState> {
  const image = await sampleImage(state);
  const dir = evidenceDir(cacheDir, 'medvr', state, context.seed);
  const question = state.messages.filter((message) => message.role !== 'system');
  const trajectories: Trajectory[] = [];
  const run = async (kind: Trajectory['kind']) => {
    const index = trajectories.length;
    try {
      trajectories.push(await runTrajectory(index, kind, image, question, context, options, dir));
    } catch (error) {
      if (context.signal.aborted) throw error;
      trajectories.push(emptyTrajectory(index, kind, [], (error as Error).message));
    }
    return trajectories.at(-1)!;
  };
  if (options.branching === 'entropy') {
    const base = Math.max(1, Math.ceil(options.samples / 2));
    const rng = createRng(hashSeed('medvr-branch', context.seed, state.sample.id));
    for (let i = 0; i < base; i++) await run('base');
    for (const trajectory of trajectories.slice(0, base)) {
      if (trajectories.length >= options.samples || !trajectory.entropy) continue;
      trajectory.entropy.p = branchProbability(trajectory.entropy.delta, options.p_base, options.gamma);
      // The fork point is the first zoom call; its prefix is the prompt, so a branch re-samples from there.
      if (rng.next() < trajectory.entropy.p) await run('branch');
    }
  } else {
    for (let i = 0; i < options.samples; i++) await run('base');
  }
  const finished = trajectories.filter((trajectory) => trajectory.error === null);
  if (finished.length === 0)
    throw new MedkitError(
      `sample ${state.sample.id}: every MedVR trajectory failed; first error: ${trajectories[0]?.error ?? 'none'}`,
    );
  const majority = majorityAnswer(finished);
  const size = { width: image.raster.width, height: image.raster.height };
  const toBox = (zoom: ZoomRecord) => ({
    x1: zoom.original[0]!,
    y1: zoom.original[1]!,
    x2: zoom.original[2]!,
    y2: zoom.original[3]!,
  });
  const agreeing = finished.filter((trajectory) => trajectory.answer !== null && trajectory.answer === majority);
  const consensus = consensusMask(
    agreeing.map((trajectory) => trajectoryMask(trajectory.zooms.map(toBox), size)),
    size,
  );
  const consensusBox = consensus ? maskToBox(consensus) : null;
  let maskPath: string | null = null;
  if (consensus) {
    maskPath = join(dir, 'consensus-mask.png');
    writeFileSync(
      maskPath,
      await encodePng({
        width: size.width,
        height: size.height,
        channels: 1,
        data: consensus.data.map((v) => v * 255),
      }),
    );
  }
  for (const trajectory of trajectories) {
    context.record({
      type: 'evidence',
      kind: 'medvr-trajectory',
      title: `trajectory ${trajectory.index} (${trajectory.kind}): ${trajectory.answer ?? trajectory.error ?? 'no answer'}`,
      data: {
        index: trajectory.index,
        kind: trajectory.kind,
        answer: trajectory.answer,
        confidence: trajectory.confidence,
        zooms: trajectory.zooms as unknown as JsonObject[],
        invalidCalls: trajectory.invalidCalls,
        steps: trajectory.steps,
        entropy: trajectory.entropy as unknown as JsonObject,
        error: trajectory.error,
      },
    });
  }
  context.record({
    type: 'evidence',
    kind: 'image-region',
    title: `consensus zoom mask over ${agreeing.length} agreeing trajectories`,
    data: {
      image: image.path ?? '(image bytes)',
      width: size.width,
      height: size.height,
      boxes: consensusBox ? [{ ...consensusBox, label: 'consensus zoom mask (box)' }] : [],
      masks: maskPath ? [{ image: maskPath, label: 'consensus zoom mask M̂' }] : [],
      medvr: {
        majority,
        agreeing: agreeing.map((t) => t.index),
        answers: trajectories.map((t) => t.answer),
      } as unknown as JsonObject,
    },
  });
  const zooms = trajectories.reduce((sum, t) => sum + t.zooms.length, 0);
  const invalid = trajectories.reduce((sum, t) => sum + t.invalidCalls, 0);
  state.metadata.medvr = {
    answers: trajectories.map((t) => t.answer),
    majority,
    trajectories: trajectories.length,
    branches: trajectories.filter((t) => t.kind === 'branch').length,
    zooms,
    invalid_calls: invalid,
    failed_trajectories: trajectories.length - finished.length,
    consensus_box: consensusBox ? [consensusBox.x1, consensusBox.y1, consensusBox.x2, consensusBox.y2] : null,
  };
  if (consensusBox)
    state.metadata.grounding = {
      boxes: [[consensusBox.x1, consensusBox.y1, consensusBox.x2, consensusBox.y2]],
      source: 'medvr consensus zoom mask',
    };
  const lead = agreeing[0] ?? finished[0]!;
  state.messages = lead.messages;
  const text = `<think>MedVR: ${trajectories.length} trajectories answered ${trajectories.map((t) => t.answer ?? '∅').join(', ')}; ${zooms} zooms, ${invalid} invalid calls.</think>\n<answer>${majority ?? ''}</answer>`;
  state.output = { ...(lead.output ?? state.output), text, toolCalls: [], finishReason: 'stop' };
  return state;
}
