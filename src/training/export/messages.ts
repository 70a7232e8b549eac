// A captured prompt in trainers' shapes. Images become files under the export folder (named by their sha256,
// so a figure shared by many prompts is written once) and stand in the text as `<image>`, the placeholder
// verl's RLHFDataset and ms-swift split on; TRL gets its conversational parts ({type: 'image'}) instead.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChatMessage, ContentPart, ImageMediaType } from '../../core/index.js';

export const IMAGE_PLACEHOLDER = '<image>';

const EXTENSIONS: Record<ImageMediaType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** One message as trainers take it: text with `<image>` placeholders (verl, ms-swift, OpenRLHF, hf). */
export interface TextMessage {
  role: string;
  content: string;
}

/** TRL's conversational form: text-only content stays a string; with images, a list of parts. */
export interface PartsMessage {
  role: string;
  content: string | ({ type: 'text'; text: string } | { type: 'image' })[];
}

export interface ExportedPrompt {
  text: TextMessage[];
  parts: PartsMessage[];
  /** Absolute paths of the image files, in placeholder order. */
  images: string[];
}

/** Writes each distinct image once under `imagesDir`; returns its absolute path. */
export class ImageStore {
  private readonly written = new Map<string, string>();
  constructor(private readonly imagesDir: string) {}

  path(part: Extract<ContentPart, { type: 'image' }>, baseDir: string): string {
    const source = part.source;
    if (source.kind === 'hash')
      throw new Error(`an image known only by its hash (${source.sha256.slice(0, 12)}) cannot be exported`);
    const bytes = source.kind === 'bytes' ? source.data : readFileSync(resolve(baseDir, source.path));
    const hash = createHash('sha256').update(bytes).digest('hex');
    const known = this.written.get(hash);
    if (known) return known;
    mkdirSync(this.imagesDir, { recursive: true });
    const file = resolve(join(this.imagesDir, `${hash.slice(0, 24)}.${EXTENSIONS[part.mediaType] ?? 'png'}`));
    if (!existsSync(file)) {
      if (source.kind === 'path') copyFileSync(resolve(baseDir, source.path), file);
      else writeFileSync(file, bytes);
    }
    this.written.set(hash, file);
    return file;
  }
}

function roleOf(message: ChatMessage): string {
  return message.role;
}

/**
 * The messages of a prompt in both shapes. Text parts are joined without separators, as the parts sit side by
 * side in the request medkit sends; tool results keep their text (a first request rarely has any).
 */
export function exportMessages(messages: ChatMessage[], store: ImageStore, baseDir = process.cwd()): ExportedPrompt {
  const images: string[] = [];
  const text: TextMessage[] = [];
  const parts: PartsMessage[] = [];
  for (const message of messages) {
    if (typeof message.content === 'string') {
      text.push({ role: roleOf(message), content: message.content });
      parts.push({ role: roleOf(message), content: message.content });
      continue;
    }
    let joined = '';
    const list: ({ type: 'text'; text: string } | { type: 'image' })[] = [];
    for (const part of message.content) {
      if (part.type === 'text') {
        joined += part.text;
        list.push({ type: 'text', text: part.text });
      } else {
        images.push(store.path(part, baseDir));
        joined += IMAGE_PLACEHOLDER;
        list.push({ type: 'image' });
      }
    }
    text.push({ role: roleOf(message), content: joined });
    parts.push({ role: roleOf(message), content: list.some((item) => item.type === 'image') ? list : joined });
  }
  const placeholders = text.reduce((n, message) => n + message.content.split(IMAGE_PLACEHOLDER).length - 1, 0);
  if (images.length > 0 && placeholders !== images.length)
    throw new Error(
      `the prompt's text itself contains "${IMAGE_PLACEHOLDER}": trainers would pair ${placeholders} placeholders with ${images.length} images`,
    );
  return { text, parts, images };
}
