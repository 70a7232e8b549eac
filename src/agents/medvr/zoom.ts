// The zoom tool: parse a call (native tool call, or DeepEyes' <tool_call>{...}</tool_call> text),
// validate and clamp its bbox_2d, map it from the pixels of the image the model received to
// original-image pixels, and crop. `bbox_2d` is [x1, y1, x2, y2] in pixels of the image as the
// model received it; `image_index` (a medkit extension; 0 = the original) picks which image the
// box refers to, default the latest one, so a zoom inside a crop is relative to that crop.
import { z } from 'zod';
import type { ModelOutput, ToolSpec } from '../../core/index.js';
import { toolSpec } from '../../core/index.js';

export const ZOOM_TOOL = 'image_zoom_in_tool';

export const zoomInput = z.object({
  bbox_2d: z.array(z.number()).length(4).describe('[x1, y1, x2, y2] in pixels of the image as you received it'),
  image_index: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('which image the box refers to: 0 = the original; default the latest'),
  label: z.string().optional().describe('what you are looking for'),
});

export const zoomToolSpec: ToolSpec = toolSpec({
  name: ZOOM_TOOL,
  description: 'Zoom in on a region of an image: returns the crop at full resolution as a new image.',
  inputSchema: zoomInput,
});

/** An image the model has seen: where it lies on the original, and the size it was sent at. */
export interface Frame {
  /** Box on the original image (pixels). */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  sentWidth: number;
  sentHeight: number;
}

export type ParsedZoom =
  | { ok: true; id: string; native: boolean; args: Record<string, unknown> }
  | { ok: false; id: string; native: boolean; error: string };

const TEXT_CALL = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/;

/** The first zoom call of a reply, or null when the reply is a final answer. */
export function findZoomCall(output: ModelOutput, step: number): ParsedZoom | null {
  const native = output.toolCalls[0];
  if (native) {
    if (native.name !== ZOOM_TOOL)
      return {
        ok: false,
        id: native.id,
        native: true,
        error: `unknown tool '${native.name}'; the only tool is ${ZOOM_TOOL}`,
      };
    if (native.parseError) return { ok: false, id: native.id, native: true, error: native.parseError };
    return { ok: true, id: native.id, native: true, args: native.arguments };
  }
  const match = TEXT_CALL.exec(output.text);
  if (!match) return null;
  const id = `text-${step}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(match[1]!);
  } catch (error) {
    return { ok: false, id, native: false, error: `the <tool_call> body is not JSON: ${(error as Error).message}` };
  }
  const call = parsed as { name?: unknown; arguments?: unknown };
  if (call?.name !== ZOOM_TOOL)
    return {
      ok: false,
      id,
      native: false,
      error: `unknown tool '${String(call?.name)}'; the only tool is ${ZOOM_TOOL}`,
    };
  if (!call.arguments || typeof call.arguments !== 'object')
    return { ok: false, id, native: false, error: '"arguments" must be an object with bbox_2d' };
  return { ok: true, id, native: false, args: call.arguments as Record<string, unknown> };
}

export interface ResolvedZoom {
  imageIndex: number;
  /** As asked, in the received pixels of that image. */
  requested: number[];
  /** After clamping and the minimum size, in the same pixels. */
  received: number[];
  /** The same region on the original image. */
  original: number[];
}

/**
 * Validates a zoom's arguments against the frames seen so far; throws an Error whose message the
 * model is shown. Boxes partly outside are clamped; boxes under `minSide` pixels grow about their centre.
 */
export function resolveZoom(args: Record<string, unknown>, frames: readonly Frame[], minSide: number): ResolvedZoom {
  const parsed = zoomInput.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || 'arguments'}: ${issue.message}`);
  }
  const { bbox_2d: box, image_index: given } = parsed.data;
  if (!box.every(Number.isFinite)) throw new Error('bbox_2d: every coordinate must be a finite number');
  const imageIndex = given ?? frames.length - 1;
  const frame = frames[imageIndex];
  if (!frame) throw new Error(`image_index ${imageIndex}: only images 0–${frames.length - 1} have been shown`);
  let [x1, y1, x2, y2] = box as [number, number, number, number];
  if (x2 <= x1 || y2 <= y1) throw new Error(`bbox_2d [${box.join(', ')}]: needs x1 < x2 and y1 < y2 (xyxy pixels)`);
  const { sentWidth: width, sentHeight: height } = frame;
  if (x2 <= 0 || y2 <= 0 || x1 >= width || y1 >= height)
    throw new Error(`bbox_2d [${box.join(', ')}] lies wholly outside image ${imageIndex} (${width}×${height} pixels)`);
  [x1, y1, x2, y2] = [Math.max(0, x1), Math.max(0, y1), Math.min(width, x2), Math.min(height, y2)];
  const grow = (a: number, b: number, limit: number): [number, number] => {
    const side = Math.min(limit, Math.max(minSide, b - a));
    const start = Math.min(limit - side, Math.max(0, (a + b) / 2 - side / 2));
    return [start, start + side];
  };
  [x1, x2] = grow(x1, x2, width);
  [y1, y2] = grow(y1, y2, height);
  const received = [x1, y1, x2, y2].map((value) => Math.round(value));
  const sx = (frame.x2 - frame.x1) / width;
  const sy = (frame.y2 - frame.y1) / height;
  const original = [
    frame.x1 + received[0]! * sx,
    frame.y1 + received[1]! * sy,
    frame.x1 + received[2]! * sx,
    frame.y1 + received[3]! * sy,
  ].map((value) => Math.round(value * 100) / 100);
  return { imageIndex, requested: box, received, original };
}
