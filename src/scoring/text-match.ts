// Text scorers that task files and code-defined benchmarks pick by name: exact, includes, regex and
// numeric. They follow inspect_ai's `exact`, `includes`, `pattern` and `match(numeric=True)` (what
// its users expect); the deliberate differences are listed in src/taskfile/README.md. A sample's
// target may be one value or a list; the unit is correct when the answer matches any of them.
import { targetValues, type JsonObject, type Score, type Scorer, type TaskState } from '../core/index.js';

/** SQuAD-style normalisation as inspect's exact(): casefold, punctuation and articles out, numbers as floats. */
export function normalizeAnswerText(text: string): string {
  return text
    .split(/[\s-]+/)
    .map((token) => {
      let word = token.toLowerCase();
      const number = Number(word);
      if (word !== '' && Number.isFinite(number)) return String(number);
      word = word.replace(/[!"#$%&'()*+,./:;<=>?@[\\\]^_`{|}~]/g, '');
      return /^(a|an|the)$/.test(word) ? '' : word;
    })
    .filter((word) => word !== '')
    .join(' ');
}

function matchAnyTarget(
  name: string,
  params: JsonObject,
  check: (answer: string, target: string) => { matched: boolean; answer?: string },
): Scorer {
  return {
    name,
    params,
    async score(state: TaskState): Promise<Score> {
      const targets = targetValues(state.sample);
      let answer: string | undefined;
      for (const target of targets) {
        const result = check(state.output.text, target);
        answer = result.answer ?? answer;
        if (result.matched)
          return { value: 1, ...(answer !== undefined ? { answer } : {}), explanation: `matches target '${target}'` };
      }
      return {
        value: 0,
        ...(answer !== undefined ? { answer } : {}),
        explanation: `matches none of ${targets.map((target) => `'${target}'`).join(', ')}`,
      };
    },
  };
}

/** 1 when the normalised answer equals a normalised target (word order kept). */
export function exactScorer(): Scorer {
  return matchAnyTarget(
    'exact',
    { normalize: 'casefold, no punctuation or articles, numbers as floats' },
    (text, target) => {
      const answer = normalizeAnswerText(text);
      return { matched: answer !== '' && answer === normalizeAnswerText(target), answer };
    },
  );
}

/** 1 when a target appears in the answer (case-insensitive unless ignoreCase is false). */
export function includesScorer({ ignoreCase = true }: { ignoreCase?: boolean } = {}): Scorer {
  const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
  return matchAnyTarget('includes', { ignoreCase }, (text, target) => ({
    matched: target.trim() !== '' && fold(text).includes(fold(target.trim())),
  }));
}

/**
 * Extracts the answer with a regular expression (its first capture group, or the whole match when it
 * has none; the last match in the answer wins) and compares it with the targets, trimmed.
 */
export function regexScorer({ pattern, ignoreCase = true }: { pattern: string; ignoreCase?: boolean }): Scorer {
  const expression = new RegExp(pattern, ignoreCase ? 'gi' : 'g'); // a bad pattern throws here, at task load
  return matchAnyTarget('regex', { pattern, ignoreCase }, (text, target) => {
    const matches = [...text.matchAll(expression)];
    const last = matches.at(-1);
    if (!last) return { matched: false };
    const answer = (last[1] ?? last[0]).trim();
    const wanted = target.trim();
    return { matched: ignoreCase ? answer.toLowerCase() === wanted.toLowerCase() : answer === wanted, answer };
  });
}

const NUMBER = /[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+−]?\.\d+/g;

/** Numbers written in a text, in order: thousands separators, currency signs and unicode minus handled. */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(NUMBER)].map((match) => Number(match[0].replace(/,/g, '').replace('−', '-')));
}

export interface NumericScorerOptions {
  /** Absolute tolerance: |answer - target| <= tolerance (default 0). */
  tolerance?: number;
  /** Relative tolerance: |answer - target| <= relative * |target| (default 0). Either tolerance passes. */
  relative?: number;
  /** Which number of the answer is its answer: the last (default, as inspect's match at "end") or the first. */
  pick?: 'last' | 'first';
}

/** 1 when the answer's number is within tolerance of a numeric target; a target that is not a number never matches. */
export function numericScorer({ tolerance = 0, relative = 0, pick = 'last' }: NumericScorerOptions = {}): Scorer {
  return matchAnyTarget('numeric', { tolerance, relative, pick }, (text, target) => {
    const numbers = numbersIn(text);
    const value = pick === 'first' ? numbers[0] : numbers.at(-1);
    const wanted = numbersIn(target);
    if (value === undefined || wanted.length !== 1)
      return value === undefined ? { matched: false } : { matched: false, answer: String(value) };
    const difference = Math.abs(value - wanted[0]!);
    return {
      matched: difference <= tolerance || difference <= relative * Math.abs(wanted[0]!),
      answer: String(value),
    };
  });
}
