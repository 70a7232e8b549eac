// AttTok's attribute-token registry: modality × concept → `<|modality_concept|>`, with the label text the
// target spells out after the end marker, and synonyms the parser accepts in free text. The token form and
// the begin/end markers are the released code's (`add_attribute.py`, `attribute_list.txt`).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, SampleFormatError } from '../../core/index.js';

export const ATTRIBUTE_BEGIN = '<|attribute_begin|>';
export const ATTRIBUTE_END = '<|attribute_end|>';

/** Lower-case letters and digits only, as in `fundus_milddr`; underscores separate modality and concept. */
const NAME = /^[a-z0-9]+$/;
const TOKEN = /^<\|([a-z0-9]+)_([a-z0-9_]+)\|>$/;

export interface AttributeEntry {
  modality: string;
  concept: string;
  /** `<|modality_concept|>` */
  token: string;
  /** The label text written after the end marker ('Mild DR'). */
  keyword: string;
  /** Other phrasings accepted in free text ('mild diabetic retinopathy'). */
  synonyms: string[];
}

export interface AttributeRegistry {
  entries: AttributeEntry[];
  byToken: Map<string, AttributeEntry>;
  /** The markers and every attribute token, in the order they are added to a tokenizer. */
  specialTokens: string[];
}

export const attributeEntrySchema = z.object({
  modality: z.string().regex(NAME, 'lower-case letters and digits only'),
  concept: z.string().regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and _ only'),
  keyword: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
});

export const tokenFor = (modality: string, concept: string): string => `<|${modality}_${concept}|>`;

export function createRegistry(rows: z.input<typeof attributeEntrySchema>[], file = '<attributes>'): AttributeRegistry {
  const entries: AttributeEntry[] = [];
  const byToken = new Map<string, AttributeEntry>();
  rows.forEach((row, index) => {
    const parsed = attributeEntrySchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SampleFormatError(file, index + 1, issue.path.join('.') || '(entry)', issue.message);
    }
    const entry = { ...parsed.data, token: tokenFor(parsed.data.modality, parsed.data.concept) };
    if (byToken.has(entry.token))
      throw new SampleFormatError(file, index + 1, 'concept', `${entry.token} is listed twice`);
    byToken.set(entry.token, entry);
    entries.push(entry);
  });
  if (!entries.length) throw new ConfigError(`${file}: no attributes`);
  return { entries, byToken, specialTokens: [ATTRIBUTE_BEGIN, ATTRIBUTE_END, ...entries.map((entry) => entry.token)] };
}

/** The released demo set (diabetic-retinopathy grades on fundus photographs). */
export const FUNDUS_DR_ATTRIBUTES: z.input<typeof attributeEntrySchema>[] = [
  { modality: 'fundus', concept: 'nodr', keyword: 'No DR', synonyms: ['no diabetic retinopathy', 'normal'] },
  { modality: 'fundus', concept: 'milddr', keyword: 'Mild DR', synonyms: ['mild diabetic retinopathy', 'mild npdr'] },
  {
    modality: 'fundus',
    concept: 'moderatedr',
    keyword: 'Moderate DR',
    synonyms: ['moderate diabetic retinopathy', 'moderate npdr'],
  },
  {
    modality: 'fundus',
    concept: 'severedr',
    keyword: 'Severe DR',
    synonyms: ['severe diabetic retinopathy', 'severe npdr'],
  },
  { modality: 'fundus', concept: 'pdr', keyword: 'PDR', synonyms: ['proliferative diabetic retinopathy'] },
];

export const fundusDrRegistry = (): AttributeRegistry =>
  createRegistry(FUNDUS_DR_ATTRIBUTES, '<embedded fundus DR set>');

/**
 * Reads a registry a user supplies:
 * - `.json` / `.yaml`: a list of `{modality, concept, keyword, synonyms?}` (or `{attributes: [...]}`);
 * - `.txt`: the released `attribute_list.txt`, one `<|modality_concept|>` per line; the keyword is then the
 *   concept itself (the release keeps label texts in its data files, not in this list).
 */
export function readRegistry(file: string): AttributeRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw new ConfigError(`${file}: no such file`);
  }
  if (file.endsWith('.txt')) {
    const rows: z.input<typeof attributeEntrySchema>[] = [];
    text.split(/\r?\n/).forEach((line, index) => {
      const token = line.trim();
      if (!token || token === ATTRIBUTE_BEGIN || token === ATTRIBUTE_END) return;
      const match = TOKEN.exec(token);
      if (!match)
        throw new SampleFormatError(file, index + 1, 'token', `"${token}" is not of the form <|modality_concept|>`);
      rows.push({ modality: match[1]!, concept: match[2]!, keyword: match[2]! });
    });
    return createRegistry(rows, file);
  }
  let value: unknown;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'} (${(error as Error).message})`,
    );
  }
  const list = Array.isArray(value) ? value : (value as { attributes?: unknown })?.attributes;
  if (!Array.isArray(list)) throw new ConfigError(`${file}: expected a list of attributes (or {attributes: [...]})`);
  return createRegistry(list as z.input<typeof attributeEntrySchema>[], file);
}

/** Finds the entry for a label given as a token, a `modality_concept` name, a keyword or a synonym. */
export function findAttribute(registry: AttributeRegistry, label: string): AttributeEntry | undefined {
  const wanted = normalisePhrase(label);
  for (const entry of registry.entries) {
    if (entry.token === label.trim() || `${entry.modality}_${entry.concept}` === label.trim()) return entry;
    if (normalisePhrase(entry.keyword) === wanted || entry.synonyms.some((s) => normalisePhrase(s) === wanted)) {
      return entry;
    }
  }
  return undefined;
}

export function normalisePhrase(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
