// Parsing of KGARevion's inputs and LLM outputs: question + options, query typing, the JSON
// replies (terms, triplets, revised triplets, answer). Python-style tuples `("a", "r", "b")` are
// accepted, as upstream's parser turns `(`/`)` into `[`/`]` (here only outside strings).
import { choiceLetter } from '../../core/index.js';
import { extractJsonObject } from '../../scoring/judge-parse.js';
import type { QaItem, QueryType, Triplet } from './types.js';

/** Options {yes, no} -> yes_no; {yes, no, maybe} -> yes_no_maybe; anything else -> mcq. */
export function queryType(options: readonly string[]): QueryType {
  const set = new Set(options.map((option) => option.trim().toLowerCase().replace(/[.!]$/, '')));
  if (set.size === 2 && set.has('yes') && set.has('no')) return 'yes_no';
  if (set.size === 3 && set.has('yes') && set.has('no') && set.has('maybe')) return 'yes_no_maybe';
  return 'mcq';
}

/** "stem\nA. opt\nB. opt" (upstream's format: line 1 stem, each later line an option with its 2-char label). */
export function parseQuestionText(text: string, id = 'question'): QaItem {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const optionPattern = /^\(?([A-Ja-j])[).:]\s*(.+)$/;
  const options: string[] = [];
  const stem: string[] = [];
  for (const line of lines) {
    const match = optionPattern.exec(line);
    if (match && match[1]!.toUpperCase() === choiceLetter(options.length)) options.push(match[2]!.trim());
    else if (options.length === 0) stem.push(line);
    else options[options.length - 1] += ` ${line}`;
  }
  // Inline options: "Which ...? A. x B. y C. z"
  if (options.length === 0) {
    const inline = [...text.matchAll(/(?:^|\s)\(?([A-J])[).]\s+(.+?)(?=\s+\(?[A-J][).]\s+|$)/gs)];
    if (inline.length >= 2 && inline.every((match, index) => match[1] === choiceLetter(index))) {
      const first = text.indexOf(inline[0]![0]);
      return { id, question: text.slice(0, first).trim(), options: inline.map((match) => match[2]!.trim()) };
    }
  }
  return { id, question: stem.join(' '), options };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Turns `(`/`)` outside double-quoted strings into `[`/`]`, and single-quoted strings into double-quoted ones. */
export function pythonishToJson(text: string): string {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === '\\') {
        out += char + (text[i + 1] ?? '');
        i++;
      } else if (char === quote) {
        out += '"';
        quote = undefined;
      } else out += char === '"' ? '\\"' : char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      out += '"';
    } else if (char === '(') out += '[';
    else if (char === ')') out += ']';
    else out += char;
  }
  return out;
}

function jsonObject(text: string): Parsed<Record<string, unknown>> {
  const direct = extractJsonObject(text);
  if (direct.ok) return direct;
  const converted = extractJsonObject(pythonishToJson(text));
  return converted.ok ? converted : direct;
}

function keyOf(object: Record<string, unknown>, wanted: string): unknown {
  const lower = wanted.toLowerCase().replace(/[_\s]/g, '');
  const key = Object.keys(object).find((k) => k.toLowerCase().replace(/[_\s]/g, '') === lower);
  return key === undefined ? undefined : object[key];
}

/** `{"medical_terminologies": [...]}` */
export function parseTerms(text: string): Parsed<string[]> {
  const parsed = jsonObject(text);
  if (!parsed.ok) return parsed;
  const terms = keyOf(parsed.value, 'medical_terminologies');
  if (!Array.isArray(terms)) return { ok: false, error: 'no "medical_terminologies" list in the JSON' };
  return { ok: true, value: terms.map((term) => String(term).trim()).filter(Boolean) };
}

/** `{"Triplets": [[h, r, t], ...]}` or `{"Revised_Triplets": ...}`; items may also be {head, relation, tail}. */
export function parseTriplets(text: string, key: 'Triplets' | 'Revised_Triplets' = 'Triplets'): Parsed<Triplet[]> {
  const parsed = jsonObject(text);
  if (!parsed.ok) return parsed;
  const list = keyOf(parsed.value, key) ?? keyOf(parsed.value, key === 'Triplets' ? 'Revised_Triplets' : 'Triplets');
  if (!Array.isArray(list)) return { ok: false, error: `no "${key}" list in the JSON` };
  const triplets: Triplet[] = [];
  for (const item of list) {
    if (
      Array.isArray(item) &&
      item.length === 3 &&
      item.every((part) => typeof part === 'string' || typeof part === 'number')
    ) {
      triplets.push({ head: String(item[0]).trim(), relation: String(item[1]).trim(), tail: String(item[2]).trim() });
    } else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      const head = keyOf(record, 'head');
      const relation = keyOf(record, 'relation');
      const tail = keyOf(record, 'tail');
      if (typeof head === 'string' && typeof relation === 'string' && typeof tail === 'string')
        triplets.push({ head, relation, tail });
      else
        return { ok: false, error: `a triplet object lacks head/relation/tail: ${JSON.stringify(item).slice(0, 80)}` };
    } else return { ok: false, error: `a triplet is not [head, relation, tail]: ${JSON.stringify(item).slice(0, 80)}` };
  }
  if (triplets.length === 0) return { ok: false, error: 'the triplet list is empty' };
  return { ok: true, value: triplets };
}

/** `{"Answer": "B"}` (or "B. text", or the option text) -> letter. */
export function parseAnswer(text: string, options: readonly string[]): Parsed<string> {
  const parsed = jsonObject(text);
  if (!parsed.ok) return parsed;
  const answer = keyOf(parsed.value, 'Answer');
  if (typeof answer !== 'string' || !answer.trim()) return { ok: false, error: 'no "Answer" string in the JSON' };
  const value = answer.trim();
  const letter = /^\(?([A-Za-z])(?:[).:\s]|$)/.exec(value)?.[1]?.toUpperCase();
  if (letter && letter.charCodeAt(0) - 65 < options.length) return { ok: true, value: letter };
  const index = options.findIndex((option) => option.trim().toLowerCase() === value.toLowerCase());
  if (index >= 0) return { ok: true, value: choiceLetter(index) };
  return { ok: false, error: `"Answer" names no option: ${value.slice(0, 40)}` };
}
