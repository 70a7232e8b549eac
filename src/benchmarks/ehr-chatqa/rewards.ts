// Rewards exactly as upstream (reference §6): IncreQA re-executes the agent's SQL and compares the
// gold's first column as a set; AdaptQA checks containment inside <answer> tags plus a leftover
// check. `scope: 'final'` (medkit) counts only the last query / the last tagged reply.
import {
  firstColumnSetMatch,
  normalizeRows,
  PY_SPACE_CLASS,
  pyFloat,
  pyFloatStr,
  pyRound,
  pyStrip,
} from '../../scoring/sql-result.js';

export type RewardScope = 'any' | 'final';

/**
 * Upstream's ad-hoc table (`numeric_to_words` in src/envs/base.py), exactly: only numbers that occur in
 * its golds, and for the compounds only the spellings it lists ("thirty five" but not "two hundred
 * forty seven" with spaces; no twelve, thirteen, fifteen, seventeen, eighteen, twenty...).
 */
export const NUMBER_WORDS: Readonly<Record<string, string>> = Object.freeze({
  'two hundred and forty-seven': '247',
  'two hundred forty-seven': '247',
  'six hundred and fifty-nine': '659',
  'six hundred fifty-nine': '659',
  'thirty five': '35',
  'thirty-five': '35',
  'forty-eight': '48',
  'forty eight': '48',
  'thirty-seven': '37',
  'thirty seven': '37',
  'twenty-eight': '28',
  'twenty eight': '28',
  'seventy-two': '72',
  'seventy two': '72',
  eleven: '11',
  thirty: '30',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  fourteen: '14',
  sixteen: '16',
  nineteen: '19',
  zero: '0',
  two: '2',
  one: '1',
});

const numberWord = (text: string): string | undefined =>
  Object.hasOwn(NUMBER_WORDS, text) ? NUMBER_WORDS[text] : undefined;

/** Upstream `answer(x)`: lowercased, trimmed; floats become integer strings when integral, else round(x, 4). */
export function normalizeAnswer(value: unknown): string {
  const text = pyStrip(String(value === null || value === undefined ? 'None' : value).toLowerCase());
  const number = pyFloat(text);
  if (number === undefined) return text;
  if (Number.isInteger(number)) return BigInt(number).toString();
  return pyFloatStr(pyRound(number, 4));
}

/**
 * Upstream's pattern `(?:<answer>|```answer|```\s*\n)(.*?)(?:</answer>|```)` with re.DOTALL: a bare fence
 * opens a span only when a newline follows it (after optional whitespace, Python's \s), so
 * "The count is ```19```" has no span. Leftmost match, alternatives in order, lazy body: JavaScript's
 * backtracking finds the same match.
 */
const SPAN = new RegExp(`(?:<answer>|\`\`\`answer|\`\`\`${PY_SPACE_CLASS}*\\n)([\\s\\S]*?)(?:</answer>|\`\`\`)`);

/** The first answer span of a message, or undefined. */
export function answerSpan(text: string): string | undefined {
  const match = SPAN.exec(text);
  return match ? match[1] : undefined;
}

export interface AdaptResult {
  reward: 0 | 1;
  /** Index (in `responses`) of the first passing reply. */
  matched?: number;
  golds: string[];
  spans: (string | null)[];
}

/** Upstream `calculate_reward_ans` over the agent's replies, in order. */
export function adaptReward(goldAnswer: unknown, responses: string[], scope: RewardScope = 'any'): AdaptResult {
  const rows = normalizeRows(goldAnswer);
  const golds = (typeof rows === 'string' ? [] : rows).map((row) => {
    const gold = normalizeAnswer(row[0]);
    return numberWord(gold) ?? gold;
  });
  const spans = responses.map((text) => answerSpan(text) ?? null);
  let candidates = responses.map((_, index) => index);
  if (scope === 'final') {
    const last = spans
      .map((span, index) => (span === null ? -1 : index))
      .filter((index) => index >= 0)
      .pop();
    candidates = last === undefined ? [] : [last];
  }
  for (const index of candidates) {
    const span = spans[index];
    if (span === null || span === undefined) continue;
    if (passes(span, golds)) return { reward: 1, matched: index, golds, spans };
  }
  return { reward: 0, golds, spans };
}

/**
 * Upstream's check of one span: Python strip + lower; a span that is wholly a number word becomes its
 * digits (upstream maps it inside its loop over golds, so never when there are no golds); every gold must
 * be a substring; then the leftover after deleting golds (longest first, once each) and the filler
 * tokens, rstrip('0'), rstrip('.') and strip must be empty. With no gold rows the span passes when
 * the leftover of the raw span is empty, as upstream.
 */
function passes(span: string, golds: string[]): boolean {
  let p = pyStrip(span).toLowerCase();
  if (golds.length > 0) p = numberWord(p) ?? p;
  if (!golds.every((gold) => p.includes(gold))) return false;
  // Python's sorted(key=len)[::-1]: stable sort by length, then reversed (equal lengths in reverse order).
  const longestFirst = golds
    .map((gold, order) => ({ gold, order }))
    .sort((a, b) => a.gold.length - b.gold.length || a.order - b.order)
    .reverse();
  for (const { gold } of longestFirst) p = p.replace(gold, () => '');
  for (const token of ['and', ',', ';', '.0000', '.000', '.00', '.0', '%', 'days', 'day']) p = p.split(token).join('');
  p = pyStrip(p.replace(/0+$/, '').replace(/\.+$/, ''));
  return p === '';
}

export interface ExecutedQuery {
  query: string;
  rows?: unknown[][];
  error?: string;
}

export interface IncreResult {
  reward: 0 | 1;
  matched?: number;
  errors: number;
  executed: number;
}

/**
 * Upstream `calculate_reward_sql`: every sql_execute query of the episode, in order, re-run on a fresh
 * read-only connection (`run`); the first whose result has a column equal (as a set, None dropped) to
 * the gold's first column scores 1. Errors are skipped.
 */
export async function increReward(
  goldAnswer: unknown,
  queries: string[],
  run: (query: string) => Promise<ExecutedQuery>,
  scope: RewardScope = 'any',
): Promise<IncreResult> {
  const selected =
    scope === 'final'
      ? queries.slice(-1).map((query) => ({ query, index: queries.length - 1 }))
      : queries.map((query, index) => ({ query, index }));
  let errors = 0;
  let executed = 0;
  for (const { query, index } of selected) {
    const outcome = await run(query);
    executed++;
    if (outcome.error !== undefined || !outcome.rows) {
      errors++;
      continue;
    }
    if (outcome.rows.length > 0 && firstColumnSetMatch(goldAnswer, outcome.rows))
      return { reward: 1, matched: index, errors, executed };
  }
  return { reward: 0, errors, executed };
}
