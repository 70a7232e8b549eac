// Reads an OpenAI chat-completions body the way the reference vision model is allowed to: the
// images it was sent (data: URLs only, never a path or a URL to fetch), the question text, the
// zoom calls it made earlier in the conversation, and the tools it is offered. Nothing else.
import { decodeImage, toGrey, type Mask, type Raster } from '../../imaging/index.js';

export const ZOOM_TOOL_NAME = 'image_zoom_in_tool';

/** A request the model cannot read (HTTP 400 on the server, a non-retryable error in process). */
export class ReferenceVisionRequestError extends Error {
  override readonly name = 'ReferenceVisionRequestError';
}

/** An image with what the model knows of where it lies on the first (primary) image. */
export interface View {
  raster: Raster;
  /** 'primary' = the first image; 'zoom' = a crop the model asked for (position known); 'view' = another image of unknown position. */
  kind: 'primary' | 'zoom' | 'view';
  /** Its box in the primary image's received pixels (null for 'view'). */
  box: { x1: number; y1: number; x2: number; y2: number } | null;
  /** Where it came from: "message 2, image 1". */
  where: string;
}

export interface ParsedRequest {
  /** Text of the first user message: the question. */
  question: string;
  views: View[];
  /** A second image that is a binary mask (see README: the mask rule), in its own pixels. */
  mask: Mask | null;
  maskWhere: string | null;
  maskEmpty: boolean;
  /** How a zoom may be requested: a native tool, the DeepEyes text form, or not at all. */
  zoomTool: 'native' | 'text' | null;
  zoomsSoFar: number;
  temperature: number;
  seed: number | undefined;
  logprobs: boolean;
  topLogprobs: number;
}

interface WirePart {
  type?: string;
  text?: string;
  image_url?: { url?: string } | string;
}
interface WireMessage {
  role?: string;
  content?: string | WirePart[] | null;
  tool_calls?: { function?: { name?: string; arguments?: string } }[];
}

export interface WireBody {
  model?: string;
  messages?: WireMessage[];
  tools?: { type?: string; function?: { name?: string } }[];
  tool_choice?: unknown;
  temperature?: number;
  seed?: number;
  logprobs?: boolean;
  top_logprobs?: number;
}

const TOOL_CALL_TEXT = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g;
const CROP_BOX_TEXT = /crop_box:\s*\[([^\]]*)\]/;

/** An image counts as a mask when ≥ 99% of its grey pixels are ≤ 15 or ≥ 240 (README: the mask rule). */
export function asMask(raster: Raster): Mask | null {
  const grey = raster.channels === 1 ? raster : toGrey(raster);
  let extreme = 0;
  for (const value of grey.data) if (value <= 15 || value >= 240) extreme++;
  if (extreme < grey.data.length * 0.99) return null;
  const data = new Uint8Array(grey.width * grey.height);
  for (let index = 0; index < data.length; index++) data[index] = grey.data[index] >= 128 ? 1 : 0;
  return { width: grey.width, height: grey.height, data };
}

async function decodeDataUrl(url: string, where: string): Promise<Raster> {
  const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (!match?.[2])
    throw new ReferenceVisionRequestError(
      `${where}: only base64 data: URLs are read (the reference model never fetches a URL or opens a file)`,
    );
  try {
    return await decodeImage(new Uint8Array(Buffer.from(match[3], 'base64')), { name: where });
  } catch (error) {
    throw new ReferenceVisionRequestError(`${where}: the image could not be decoded (${(error as Error).message})`);
  }
}

/** The zoom call in an assistant turn: native tool call first, else the DeepEyes text form. */
function zoomCallOf(message: WireMessage): Record<string, unknown> | null {
  const candidates: string[] = [];
  for (const call of message.tool_calls ?? [])
    if (call.function?.name === ZOOM_TOOL_NAME) candidates.push(call.function.arguments ?? '');
  const text = typeof message.content === 'string' ? message.content : '';
  for (const match of text.matchAll(TOOL_CALL_TEXT)) {
    try {
      const parsed = JSON.parse(match[1]) as { name?: string; arguments?: unknown };
      if (parsed.name === ZOOM_TOOL_NAME) candidates.push(JSON.stringify(parsed.arguments ?? {}));
    } catch {
      // a malformed call of its own: medkit answers it with an error, no crop follows
    }
  }
  for (const raw of candidates) {
    try {
      const args = JSON.parse(raw) as Record<string, unknown>;
      if (args && typeof args === 'object') return args;
    } catch {}
  }
  return null;
}

const numbers = (value: unknown): number[] | null =>
  Array.isArray(value) && value.length === 4 && value.every((item) => typeof item === 'number' && Number.isFinite(item))
    ? (value as number[])
    : null;

const textOf = (message: WireMessage): string =>
  typeof message.content === 'string'
    ? message.content
    : (message.content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('\n');

export async function parseRequest(body: WireBody): Promise<ParsedRequest> {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw new ReferenceVisionRequestError('messages: expected a non-empty list');
  const views: View[] = [];
  let question: string | null = null;
  let mask: Mask | null = null;
  let maskWhere: string | null = null;
  let pending: { box: number[]; imageIndex: number | null } | null = null;
  let cropOverride: number[] | null = null;
  let zoomsSoFar = 0;
  let mentionsTool = false;
  for (const [index, message] of messages.entries()) {
    const text = textOf(message);
    if (text.includes(ZOOM_TOOL_NAME) && (message.role === 'system' || message.role === 'user')) mentionsTool = true;
    if (message.role === 'assistant') {
      const call = zoomCallOf(message);
      const box = call ? numbers(call.bbox_2d) : null;
      pending = box ? { box, imageIndex: typeof call?.image_index === 'number' ? call.image_index : null } : null;
      cropOverride = null;
      if (pending) zoomsSoFar++;
      continue;
    }
    if (message.role === 'tool') {
      const match = CROP_BOX_TEXT.exec(text);
      if (match) cropOverride = numbers(match[1].split(',').map(Number));
      continue;
    }
    if (message.role !== 'user') continue;
    if (question === null && text.trim() !== '') question = text;
    const match = CROP_BOX_TEXT.exec(text);
    if (match) cropOverride = numbers(match[1].split(',').map(Number));
    const parts = Array.isArray(message.content) ? message.content : [];
    let imageNumber = 0;
    for (const part of parts) {
      if (part.type !== 'image_url') continue;
      imageNumber++;
      const where = `messages[${index}] image ${imageNumber}`;
      const url = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
      if (typeof url !== 'string') throw new ReferenceVisionRequestError(`${where}: image_url has no url`);
      const raster = await decodeDataUrl(url, where);
      if (views.length === 0) {
        views.push({ raster, kind: 'primary', box: { x1: 0, y1: 0, x2: raster.width, y2: raster.height }, where });
        continue;
      }
      const asBinary = asMask(raster);
      if (asBinary && !pending) {
        mask = asBinary;
        maskWhere = where;
        continue;
      }
      if (pending) {
        const reference = views.filter((view) => view.kind !== 'view');
        const base = reference[pending.imageIndex ?? reference.length - 1] ?? reference[reference.length - 1];
        const local = cropOverride ?? pending.box;
        const frame = base.box!;
        const sx = (frame.x2 - frame.x1) / base.raster.width;
        const sy = (frame.y2 - frame.y1) / base.raster.height;
        const box = {
          x1: frame.x1 + Math.max(0, local[0]) * sx,
          y1: frame.y1 + Math.max(0, local[1]) * sy,
          x2: frame.x1 + Math.min(base.raster.width, local[2]) * sx,
          y2: frame.y1 + Math.min(base.raster.height, local[3]) * sy,
        };
        views.push({ raster, kind: box.x2 > box.x1 && box.y2 > box.y1 ? 'zoom' : 'view', box, where });
        pending = null;
        cropOverride = null;
        continue;
      }
      views.push({ raster, kind: 'view', box: null, where });
    }
  }
  if (views.length === 0)
    throw new ReferenceVisionRequestError(
      'the request holds no image: the reference vision model answers only about images',
    );
  const offered =
    (body.tools ?? []).some((tool) => tool.function?.name === ZOOM_TOOL_NAME) && body.tool_choice !== 'none';
  const maskEmpty = mask !== null && !mask.data.includes(1);
  return {
    question: question ?? '',
    views,
    mask: maskEmpty ? null : mask,
    maskWhere,
    maskEmpty,
    zoomTool: offered ? 'native' : mentionsTool ? 'text' : null,
    zoomsSoFar,
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    seed: typeof body.seed === 'number' ? body.seed : undefined,
    logprobs: body.logprobs === true,
    topLogprobs: typeof body.top_logprobs === 'number' ? Math.max(0, Math.min(20, body.top_logprobs)) : 0,
  };
}
