// Rewards exactly as upstream (reference §6): IncreQA re-executes the agent's SQL and compares the
// gold's first column as a set; AdaptQA checks containment inside <answer> tags plus a leftover
// check. `scope: 'final'` (medkit) counts only the last query / the last tagged reply.
import { firstColumnSetMatch, normalizeRows, pyFloat, pyFloatStr, pyRound } from '../../scoring/sql-result.js';

export type RewardScope = 'any' | 'final';

/** Upstream's ad-hoc table: only numbers that occur in its golds. */
export const NUMBER_WORDS: Record<string, string> = (() => {
  const table: Record<string, string> = {
    zero: '0',
    one: '1',
    two: '2',
    three: '3',
    four: '4',
    five: '5',
    six: '6',
    seven: '7',
    eight: '8',
    nine: '9',
    ten: '10',
    eleven: '11',
    fourteen: '14',
    sixteen: '16',
    nineteen: '19',
    thirty: '30',
  };
  const compound: [string, string][] = [
    ['twenty-eight', '28'],
    ['thirty-five', '35'],
    ['thirty-seven', '37'],
    ['forty-eight', '48'],
    ['seventy-two', '72'],
    ['two hundred forty-seven', '247'],
    ['two hundred and forty-seven', '247'],
    ['six hundred fifty-nine', '659'],
    ['six hundred and fifty-nine', '659'],
  ];
  for (const [words, digits] of compound) {
    table[words] = digits;
    table[words.replace(/-/g, ' ')] = digits;
  }
  return table;
})();

/** Upstream `answer(x)`: lowercased, trimmed; floats become integer strings when integral, else round(x, 4). */
export function normalizeAnswer(value: unknown): string {
  const text = String(value === null || value === undefined ? 'None' : value)
    .toLowerCase()
    .trim();
  const number = pyFloat(text);
  if (number === undefined) return text;
  if (Number.isInteger(number)) return BigInt(number).toString();
  return pyFloatStr(pyRound(number, 4));
}

const SPAN = /(?:<answer>|```answer|```)\s*([\s\S]*?)(?:<\/answer>|```)/;

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
    return NUMBER_WORDS[gold] ?? gold;
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
    if (golds.length > 0 && passes(span, golds)) return { reward: 1, matched: index, golds, spans };
  }
  return { reward: 0, golds, spans };
}

function passes(span: string, golds: string[]): boolean {
  let p = span.trim().toLowerCase();
  if (NUMBER_WORDS[p] !== undefined) p = NUMBER_WORDS[p]!;
  if (!golds.every((gold) => p.includes(gold))) return false;
  for (const gold of [...golds].sort((a, b) => b.length - a.length)) p = p.replace(gold, '');
  for (const token of ['and', ',', ';', '.0000', '.000', '.00', '.0', '%', 'days', 'day']) p = p.split(token).join('');
  p = p.replace(/0+$/, '').replace(/\.$/, '').trim();
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
