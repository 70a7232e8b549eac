// A sample is one item of a dataset. It is plain JSON (images as file paths), so a unit of work
// (task, sample, epoch) can be handed to another process or machine as it is.
import type { JsonObject, JsonValue } from './json.js';
import type { ChatMessage } from './messages.js';

export interface Sample {
  /** Unique within the dataset; the run log and resume key on it. */
  id: string;
  /** A question, or a whole conversation (with images as parts). */
  input: string | ChatMessage[];
  /** The reference answer(s); structured targets (boxes, SQL results) are JSON. */
  target: JsonValue;
  /** Options of a multiple-choice question, in order (A, B, C...). */
  choices?: string[];
  metadata?: JsonObject;
  /** Named files the sample refers to (images, databases), as paths. */
  files?: Record<string, string>;
}

/** A dataset is streamed, never loaded whole: 1,000,000 samples pass through in bounded memory. */
export type Dataset = AsyncIterable<Sample> | Iterable<Sample>;

export function inputText(sample: Sample): string {
  if (typeof sample.input === 'string') return sample.input;
  return sample.input
    .map((message) =>
      typeof message.content === 'string'
        ? message.content
        : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'),
    )
    .join('\n');
}

export function targetValues(sample: Sample): string[] {
  const target = sample.target;
  if (Array.isArray(target)) return target.map((value) => String(value));
  if (target === null || typeof target === 'object') return [JSON.stringify(target)];
  return [String(target)];
}

export const choiceLetter = (index: number): string => String.fromCharCode(65 + index);
