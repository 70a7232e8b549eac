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

export function extractChoice(text: string, choices: readonly string[]): ChoiceExtraction {
  const count = Math.max(choices.length, 1);
  const letters = Array.from({ length: count }, (_, index) => choiceLetter(index)).join('');
  const letterClass = `[${letters}${letters.toLowerCase()}]`;
  const normalise = (letter: string) => letter.toUpperCase();
  const trimmed = text.trim();

  // 1. An explicit final line "ANSWER: X" (the prompt asks for it); the last one wins.
  const answerLines = [...trimmed.matchAll(new RegExp(`answer\\s*[:：]\\s*\\(?\\**(${letterClass})\\b`, 'gi'))];
  if (answerLines.length > 0) return { letter: normalise(answerLines.at(-1)![1]!), rule: 'answer-line' };

  // 2. "the answer is (C)", "correct option is C", "I choose B".
  const phrase = new RegExp(
    `(?:answer|option|choice)\\s+(?:is|would be|:)?\\s*(?:option\\s+)?\\(?\\**(${letterClass})\\b\\)?`,
    'gi',
  );
  const phrases = [...trimmed.matchAll(phrase)];
  if (phrases.length > 0) return { letter: normalise(phrases.at(-1)![1]!), rule: 'answer-phrase' };

  // 3. A reply that starts with the letter: "C", "C.", "(C)", "C) Metformin".
  const leading = new RegExp(`^\\(?\\**(${letterClass})\\**(?:[).:\\s]|$)`).exec(trimmed);
  if (leading) return { letter: normalise(leading[1]!), rule: 'leading-letter' };

  // 4. Exactly one standalone capital letter in range anywhere.
  const lone = [
    ...new Set(
      [...trimmed.matchAll(new RegExp(`(?:^|[^A-Za-z])([${letters}])(?=$|[^A-Za-z])`, 'g'))].map((match) => match[1]!),
    ),
  ];
  if (lone.length === 1) return { letter: lone[0], rule: 'lone-letter' };

  // 5. The text of exactly one option appears in the reply.
  const lower = trimmed.toLowerCase();
  const mentioned = choices
    .map((choice, index) => ({
      index,
      found: new RegExp(`(?:^|\\W)${escapeRegExp(choice.toLowerCase())}(?:$|\\W)`).test(lower),
    }))
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
