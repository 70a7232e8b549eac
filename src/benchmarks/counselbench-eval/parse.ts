// Parsing the EVAL judge's six lines into per-dimension outcomes. Tolerant of "Key: N",
// "Key: N - label", "Key: label", bullets, bold and case; everything it cannot read becomes an
// outcome that says why (missing, out of range, unparseable), never a silent default.
import { parseKeyedLines } from '../../scoring/judge-parse.js';
import { DIMENSIONS, UNSURE, type DimensionKey, type DimensionSpec, type RatingValue } from './ratings.js';

export type DimensionOutcome =
  | { status: 'ok'; value: RatingValue }
  | { status: 'unsure' }
  | { status: 'missing' }
  | { status: 'invalid'; raw: string; problem: string };

export type DropReason = 'unsure' | 'missing' | 'invalid';

export interface ParsedJudgeRating {
  outcomes: Record<DimensionKey, DimensionOutcome>;
  /** The judge's own text for each dimension found ("4 - Good"). */
  raw: Partial<Record<DimensionKey, string>>;
  /** One line per dimension that could not be read (the per-item errors the log keeps). */
  errors: string[];
}

const normalizeLabel = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const isUnsure = (text: string) => /\b(i am not sure|i'm not sure|not sure|unsure)\b/i.test(text);

/** Reads one dimension's raw value. */
export function parseDimensionValue(spec: DimensionSpec, raw: string): DimensionOutcome {
  const text = raw.trim();
  if (text === '') return { status: 'invalid', raw, problem: 'empty value' };
  if (spec.kind === 'yes-no') {
    if (/^(?:\W*)yes\b/i.test(text)) return { status: 'ok', value: 'Yes' };
    if (/^(?:\W*)no\b/i.test(text)) return { status: 'ok', value: 'No' };
    if (isUnsure(text)) return { status: 'unsure' };
    return { status: 'invalid', raw, problem: `expected Yes, No or "${UNSURE}"` };
  }
  const max = spec.anchors.length;
  const number = /^\W*?(-?\d+(?:\.\d+)?)/.exec(text);
  if (number) {
    const value = Number(number[1]);
    if (!Number.isInteger(value))
      return { status: 'invalid', raw, problem: `${value} is not a whole scale point (1-${max})` };
    if (value < 1 || value > max) return { status: 'invalid', raw, problem: `${value} is out of range 1-${max}` };
    return { status: 'ok', value };
  }
  if (spec.allowsUnsure && isUnsure(text)) return { status: 'unsure' };
  // A label with no number: exact label first, then the longest label the text starts with.
  const label = normalizeLabel(text);
  const exact = spec.anchors.find((anchor) => normalizeLabel(anchor.label) === label);
  if (exact) return { status: 'ok', value: exact.value };
  const prefixed = [...spec.anchors]
    .sort((left, right) => right.label.length - left.label.length)
    .find((anchor) => label.startsWith(normalizeLabel(anchor.label)));
  if (prefixed) return { status: 'ok', value: prefixed.value };
  return {
    status: 'invalid',
    raw,
    problem: `expected a number 1-${max}${spec.allowsUnsure ? ` or "${UNSURE}"` : ''} or one of the labels`,
  };
}

/** Parses the judge's answer to the six-dimension prompt. */
export function parseJudgeRating(text: string): ParsedJudgeRating {
  const { values, duplicates } = parseKeyedLines(
    text,
    DIMENSIONS.map((spec) => spec.label),
  );
  const outcomes = {} as Record<DimensionKey, DimensionOutcome>;
  const rawValues: Partial<Record<DimensionKey, string>> = {};
  const errors: string[] = [];
  for (const spec of DIMENSIONS) {
    const raw = values[spec.label];
    if (raw !== undefined) rawValues[spec.key] = raw;
    const outcome: DimensionOutcome = raw === undefined ? { status: 'missing' } : parseDimensionValue(spec, raw);
    outcomes[spec.key] = outcome;
    if (outcome.status === 'missing') errors.push(`${spec.label}: missing from the judge output`);
    if (outcome.status === 'invalid') errors.push(`${spec.label}: ${outcome.problem} (got "${outcome.raw}")`);
  }
  for (const label of duplicates) errors.push(`${label}: given more than once; the first line was used`);
  return { outcomes, raw: rawValues, errors };
}

/** The outcome for an already-typed value (expert records, upstream lists such as ['Yes', 'I am not sure']). */
export function outcomeOf(spec: DimensionSpec, value: RatingValue | null | undefined): DimensionOutcome {
  if (value === null || value === undefined) return { status: 'missing' };
  if (value === UNSURE)
    return spec.allowsUnsure
      ? { status: 'unsure' }
      : { status: 'invalid', raw: UNSURE, problem: `${spec.label} has no "${UNSURE}" option` };
  return parseDimensionValue(spec, String(value));
}
