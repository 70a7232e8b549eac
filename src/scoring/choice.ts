// Choice extraction for multiple-choice answers. Models answer in many shapes ("ANSWER: C",
// "The answer is (c).", "C. Metformin", the option text alone); we look for the most explicit
// form first, so a letter mentioned in passing ("unlike option A, ...") does not win.
import { choiceLetter, type Scorer } from '../core/index.js';

export interface ChoiceExtraction {
  /** The chosen letter (A, B, ...), or undefined when none can be found. */
  letter: string | undefined;
  /** Which rule matched, for the log. */
  rule: 'answer-line' | 'answer-phrase' | 'leading-letter' | 'lone-letter' | 'option-text' | 'none';
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface ChoicePatterns {
  answerLine: RegExp;
  phrase: RegExp;
  leading: RegExp;
  lone: RegExp;
}

// The patterns depend only on the number of options, so they are built once per count and reused: scoring runs
// once per unit, and compiling seven regular expressions each time was most of its cost. `matchAll` copies a
// global pattern and `leading` has no `g` flag, so sharing them keeps no state between calls.
const patternsByCount = new Map<number, ChoicePatterns>();
function choicePatterns(count: number): ChoicePatterns {
  let patterns = patternsByCount.get(count);
  if (!patterns) {
    const letters = Array.from({ length: count }, (_, index) => choiceLetter(index)).join('');
    const letterClass = `[${letters}${letters.toLowerCase()}]`;
    patterns = {
      answerLine: new RegExp(`answer\\s*[:：]\\s*\\(?\\**(${letterClass})\\b`, 'gi'),
      phrase: new RegExp(
        `(?:answer|option|choice)\\s+(?:is|would be|:)?\\s*(?:option\\s+)?\\(?\\**(${letterClass})\\b\\)?`,
        'gi',
      ),
      leading: new RegExp(`^\\(?\\**(${letterClass})\\**(?:[).:\\s]|$)`),
      lone: new RegExp(`(?:^|[^A-Za-z])([${letters}])(?=$|[^A-Za-z])`, 'g'),
    };
    patternsByCount.set(count, patterns);
  }
  return patterns;
}

/** The option-text patterns of a list of options, by its text (a sample's options come back every epoch). */
const optionPatterns = new Map<string, RegExp[]>();
function optionTextPatterns(choices: readonly string[]): RegExp[] {
  const key = choices.join('\u0000');
  let patterns = optionPatterns.get(key);
  if (!patterns) {
    patterns = choices.map((choice) => new RegExp(`(?:^|\\W)${escapeRegExp(choice.toLowerCase())}(?:$|\\W)`));
    if (optionPatterns.size >= 4096) optionPatterns.clear(); // a million distinct questions stay bounded
    optionPatterns.set(key, patterns);
  }
  return patterns;
}

export function extractChoice(text: string, choices: readonly string[]): ChoiceExtraction {
  const patterns = choicePatterns(Math.max(choices.length, 1));
  const normalise = (letter: string) => letter.toUpperCase();
  const trimmed = text.trim();

  // 1. An explicit final line "ANSWER: X" (the prompt asks for it); the last one wins.
  const answerLines = [...trimmed.matchAll(patterns.answerLine)];
  if (answerLines.length > 0) return { letter: normalise(answerLines.at(-1)![1]!), rule: 'answer-line' };

  // 2. "the answer is (C)", "correct option is C", "I choose B".
  const phrases = [...trimmed.matchAll(patterns.phrase)];
  if (phrases.length > 0) return { letter: normalise(phrases.at(-1)![1]!), rule: 'answer-phrase' };

  // 3. A reply that starts with the letter: "C", "C.", "(C)", "C) Metformin".
  const leading = patterns.leading.exec(trimmed);
  if (leading) return { letter: normalise(leading[1]!), rule: 'leading-letter' };

  // 4. Exactly one standalone capital letter in range anywhere.
  const lone = [...new Set([...trimmed.matchAll(patterns.lone)].map((match) => match[1]!))];
  if (lone.length === 1) return { letter: lone[0], rule: 'lone-letter' };

  // 5. The text of exactly one option appears in the reply.
  const lower = trimmed.toLowerCase();
  const mentioned = optionTextPatterns(choices)
    .map((pattern, index) => ({ index, found: pattern.test(lower) }))
    .filter((entry) => entry.found);
  if (mentioned.length === 1) return { letter: choiceLetter(mentioned[0]!.index), rule: 'option-text' };
  return { letter: undefined, rule: 'none' };
}

/** The letter(s) a target names: 'C', 2 (index), or the option text. */
export function targetLetters(target: unknown, choices: readonly string[]): string[] {
  const values = Array.isArray(target) ? target : [target];
  return values.map((value) => {
    if (typeof value === 'number') return choiceLetter(value);
    const text = String(value).trim();
    if (/^[A-Za-z]$/.test(text)) return text.toUpperCase();
    const index = choices.findIndex((choice) => choice.trim().toLowerCase() === text.toLowerCase());
    return index >= 0 ? choiceLetter(index) : text;
  });
}

/** 1 when the extracted letter is the target, else 0; an answer with no letter scores 0 and says so. */
export function choiceScorer(): Scorer {
  return {
    name: 'choice',
    params: {},
    async score(state) {
      const choices = state.sample.choices ?? [];
      const extraction = extractChoice(state.output.text, choices);
      const expected = targetLetters(state.sample.target, choices);
      if (extraction.letter === undefined) {
        return {
          value: 0,
          explanation: 'no option letter could be extracted from the answer',
          metadata: { rule: 'none', target: expected.join(',') },
        };
      }
      const correct = expected.includes(extraction.letter);
      return {
        value: correct ? 1 : 0,
        answer: extraction.letter,
        explanation: `extracted ${extraction.letter} by ${extraction.rule}; target ${expected.join(',')}`,
        metadata: { rule: extraction.rule, target: expected.join(',') },
      };
    },
  };
}
