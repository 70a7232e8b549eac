// Chat messages with text and image parts. An image is a file path or bytes with a media type;
// logs keep the path or a sha256 of the bytes (see `loggableMessage`), never base64, because
// base64 blobs are what made peer harnesses' logs and viewers run out of memory.
import { sha256Hex } from './json.js';

export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export type ImageSource =
  | { kind: 'path'; path: string }
  | { kind: 'bytes'; data: Uint8Array }
  /** What a log holds for bytes: the hash, so a reader knows which image it was without the blob. */
  | { kind: 'hash'; sha256: string; byteLength: number };

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  mediaType: ImageMediaType;
  /** Free-form description for logs and viewers (e.g. "CT slice 12, lung window"). */
  label?: string;
  /** Provider hint ('low' | 'high' | 'auto' for OpenAI). */
  detail?: 'low' | 'high' | 'auto';
}

export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  name: string;
  /** Parsed arguments. When the model sent text that is not JSON, `arguments` is {} and `parseError` says why. */
  arguments: Record<string, unknown>;
  /** The raw argument text the model produced, kept for the audit trail. */
  rawArguments?: string;
  parseError?: string;
}

export interface SystemMessage {
  role: 'system';
  content: string;
}
export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  /** Who spoke, where a simulated user or several agents share a transcript. */
  source?: string;
}
export interface AssistantMessage {
  role: 'assistant';
  content: string;
  toolCalls?: ToolCall[];
  /** Role whose model produced it: 'agent', 'user', 'judge', ... */
  source?: string;
}
export interface ToolMessage {
  role: 'tool';
  toolCallId: string;
  name: string;
  content: string;
  /** Set when the tool failed; the content then holds the error text the model sees. */
  error?: string;
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export const systemMessage = (content: string): SystemMessage => ({ role: 'system', content });
export const userMessage = (content: string | ContentPart[], source?: string): UserMessage =>
  source === undefined ? { role: 'user', content } : { role: 'user', content, source };
export const assistantMessage = (content: string, toolCalls?: ToolCall[]): AssistantMessage =>
  toolCalls && toolCalls.length > 0 ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content };
export const textPart = (text: string): TextPart => ({ type: 'text', text });
export const imageFromPath = (path: string, mediaType: ImageMediaType, label?: string): ImagePart =>
  label === undefined
    ? { type: 'image', source: { kind: 'path', path }, mediaType }
    : { type: 'image', source: { kind: 'path', path }, mediaType, label };
export const imageFromBytes = (data: Uint8Array, mediaType: ImageMediaType, label?: string): ImagePart =>
  label === undefined
    ? { type: 'image', source: { kind: 'bytes', data }, mediaType }
    : { type: 'image', source: { kind: 'bytes', data }, mediaType, label };

/** The text of a message, image parts left out. */
export function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

export function imageParts(message: ChatMessage): ImagePart[] {
  if (typeof message.content === 'string') return [];
  return message.content.filter((part): part is ImagePart => part.type === 'image');
}

export function mediaTypeForPath(path: string): ImageMediaType {
  const lower = path.toLowerCase();
  if (lower.endsWith('.png')) return 'image/png';
  if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) return 'image/jpeg';
  if (lower.endsWith('.gif')) return 'image/gif';
  if (lower.endsWith('.webp')) return 'image/webp';
  throw new Error(`${path}: cannot tell the image type from the file name (expected .png, .jpg, .jpeg, .gif or .webp)`);
}

/** A copy fit for logs and cache keys: image bytes become their sha256. */
export function loggableMessage(message: ChatMessage): ChatMessage {
  if (typeof message.content === 'string' || message.role !== 'user') return message;
  return {
    ...message,
    content: message.content.map((part) =>
      part.type === 'image' && part.source.kind === 'bytes'
        ? {
            ...part,
            source: { kind: 'hash', sha256: sha256Hex(part.source.data), byteLength: part.source.data.byteLength },
          }
        : part,
    ),
  };
}
