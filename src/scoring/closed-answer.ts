// Closed and short answers ("yes", "left", "2", an option's text or letter): the parsed answer,
// normalised (case, whitespace, trailing punctuation), must equal the reference. The parse takes
// the most explicit form first: <answer>…</answer> (DeepEyes/MedVR/CARE tags), then "ANSWER: x",
// then the last non-empty line.
import { choiceLetter, type Scorer } from '../core/index.js';

export function parseClosedAnswer(text: string): {
  answer: string;
  rule: 'answer-tag' | 'answer-line' | 'last-line' | 'none';
} {
  const tags = [...text.matchAll(/<answer>([\s\S]*?)<\/answer>/gi)];
  if (tags.length > 0) return { answer: tags.at(-1)![1].trim(), rule: 'answer-tag' };
  const lines = [...text.matchAll(/answer\s*[:：]\s*(.+)/gi)];
  if (lines.length > 0) return { answer: lines.at(-1)![1].trim(), rule: 'answer-line' };
  const last = text
    .replace(/<think>[\s\S]*?<\/think>/gi, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
  return last ? { answer: last, rule: 'last-line' } : { answer: '', rule: 'none' };
}

export const normaliseClosedAnswer = (text: string): string =>
  text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?,;:]+$/, '')
    .trim();

/** 1 when the normalised parsed answer equals a normalised reference; with choices, the letter counts too. */
export function closedAnswerScorer(): Scorer {
  return {
    name: 'closed_answer',
    params: { rule: 'normalised exact match (case, whitespace, trailing punctuation) of the parsed answer' },
    async score(state) {
      const { answer, rule } = parseClosedAnswer(state.output.text);
      const references = (Array.isArray(state.sample.target) ? state.sample.target : [state.sample.target]).map(
        (value) => normaliseClosedAnswer(String(value)),
      );
      let given = normaliseClosedAnswer(answer);
      const choices = state.sample.choices ?? [];
      const letter = /^\(?([a-z])\)?$/.exec(given)?.[1];
      if (letter && choices.length > 0) {
        const index = letter.toUpperCase().charCodeAt(0) - 65;
        if (index >= 0 && index < choices.length) given = normaliseClosedAnswer(choices[index]!);
      }
      const correct = references.includes(given);
      return {
        value: correct ? 1 : 0,
        answer,
        explanation: `parsed "${answer.slice(0, 60)}" (${rule}); reference ${references.join(' | ')}${choices.length ? `; options ${choices.map((c, i) => `${choiceLetter(i)}. ${c}`).join(', ')}` : ''}`,
        metadata: { rule },
      };
    },
  };
}
