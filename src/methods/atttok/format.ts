// Targets as the released training writes them, and the checker for what a model generates.
import {
  ATTRIBUTE_BEGIN,
  ATTRIBUTE_END,
  type AttributeEntry,
  type AttributeRegistry,
  normalisePhrase,
} from './attributes.js';

/** `<|attribute_begin|><|fundus_milddr|><|attribute_end|> Mild DR` (several entries: tokens in order). */
export function formatTarget(entries: AttributeEntry | AttributeEntry[], text?: string): string {
  const list = Array.isArray(entries) ? entries : [entries];
  const tokens = list.map((entry) => entry.token).join('');
  const label = text ?? list.map((entry) => entry.keyword).join(', ');
  return `${ATTRIBUTE_BEGIN}${tokens}${ATTRIBUTE_END} ${label}`;
}

export interface ParsedAttributes {
  /** Known attribute tokens inside the markers, in order. */
  attributes: AttributeEntry[];
  /** `<|...|>` strings inside the markers that the registry does not know (rejected). */
  unknown: string[];
  /** The text after the end marker (or the whole text when there are no markers). */
  freeText: string;
  /** Whether a begin … end block was found. */
  hasBlock: boolean;
  /**
   * Consistency of tokens and text: true when the free text names the first attribute (keyword or
   * synonym) and names no other registered attribute of the same modality; null when there is no token.
   */
  consistent: boolean | null;
  /** What is wrong, for the transcript (empty when well-formed and consistent). */
  problems: string[];
}

const SPECIAL = /<\|[^|<>]*\|>/g;

/** Parses generated text: the first begin … end block, its tokens, and the free text after it. */
export function parseAttributes(text: string, registry: AttributeRegistry): ParsedAttributes {
  const problems: string[] = [];
  const begin = text.indexOf(ATTRIBUTE_BEGIN);
  const end = begin >= 0 ? text.indexOf(ATTRIBUTE_END, begin + ATTRIBUTE_BEGIN.length) : -1;
  const hasBlock = begin >= 0 && end >= 0;
  if (begin >= 0 && end < 0) problems.push('begin marker without an end marker');
  if (begin < 0 && text.includes(ATTRIBUTE_END)) problems.push('end marker without a begin marker');
  const inside = hasBlock ? text.slice(begin + ATTRIBUTE_BEGIN.length, end) : '';
  const freeText = (hasBlock ? text.slice(end + ATTRIBUTE_END.length) : text).replace(SPECIAL, ' ').trim();
  const attributes: AttributeEntry[] = [];
  const unknown: string[] = [];
  for (const match of inside.matchAll(SPECIAL)) {
    const entry = registry.byToken.get(match[0]);
    if (entry) attributes.push(entry);
    else unknown.push(match[0]);
  }
  const stray = inside.replace(SPECIAL, '').trim();
  if (stray) problems.push(`text inside the markers: "${stray.slice(0, 40)}"`);
  if (unknown.length) problems.push(`unknown attribute token(s): ${unknown.join(' ')}`);
  if (hasBlock && !attributes.length && !unknown.length) problems.push('empty attribute block');
  let consistent: boolean | null = null;
  if (attributes.length) {
    const first = attributes[0]!;
    const said = namedAttributes(freeText, registry).filter((entry) => entry.modality === first.modality);
    consistent = said.includes(first) && said.every((entry) => attributes.includes(entry));
    if (!consistent) {
      problems.push(
        said.length
          ? `the text names ${said.map((entry) => entry.keyword).join(', ')} but the token is ${first.token}`
          : `the text does not name ${first.keyword}`,
      );
    }
  }
  return { attributes, unknown, freeText, hasBlock, consistent, problems };
}

/**
 * Registered attributes a free text names (keyword or synonym as whole words). A longer phrase wins over
 * a shorter one it contains ('no diabetic retinopathy' over 'diabetic retinopathy').
 */
export function namedAttributes(text: string, registry: AttributeRegistry): AttributeEntry[] {
  let haystack = ` ${normalisePhrase(text)} `;
  const phrases = registry.entries
    .flatMap((entry) =>
      [entry.keyword, ...entry.synonyms].map((phrase) => ({ entry, phrase: normalisePhrase(phrase) })),
    )
    .filter((item) => item.phrase)
    .sort((a, b) => b.phrase.length - a.phrase.length);
  const found: AttributeEntry[] = [];
  for (const { entry, phrase } of phrases) {
    const needle = ` ${phrase} `;
    if (!haystack.includes(needle)) continue;
    haystack = haystack.split(needle).join(' | ');
    if (!found.includes(entry)) found.push(entry);
  }
  return found;
}
