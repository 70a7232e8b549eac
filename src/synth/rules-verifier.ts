// The non-LLM verifier of the `rules-only` preset. It writes a rubric in the verifier's format
// ({rubric: [{idx, title, description, category, weight, score, notes}]}), so the one upstream
// formula (scoring/medvlsynther-rubric.ts) scores it. It judges what rules can judge; the gates it
// cannot judge (clinical validity, image–text consistency) count as passed under this preset and are
// listed in `assumedPassed`, so every item says which gates were judged by rules only.
import type { RubricItem } from '../scoring/medvlsynther-rubric.js';
import { type GeneratedMcq, OPTION_LETTERS } from './generator.js';
import type { Figure } from './figures.js';

export const RULES_VERIFIER = 'rules (non-LLM)';

export interface RulesVerdict {
  rubric: RubricItem[];
  /** Gates whose verdict comes from a rule (a rule's check, not a reading of the image or of medicine). */
  judgedByRules: string[];
  /** Gates no rule can judge; scored as passed under the `rules-only` preset. */
  assumedPassed: string[];
}

const FORBIDDEN = /\b(caption|context)s?\b/i;
const ALL_NONE = /\b(all|none|both|neither) of the (above|options)\b/i;
const norm = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const sentences = (text: string) => text.split(/[.?!]+(\s|$)/).filter((part) => part.trim().length > 1).length;

/** The caption's key phrase: the ground-truth finding when known, else the answer text itself. */
function keyPhrase(figure: Figure, mcq: GeneratedMcq): string {
  return figure.truth?.finding ?? mcq.options[mcq.answer];
}

export function rulesVerify(figure: Figure, mcq: GeneratedMcq): RulesVerdict {
  const stem = mcq.question;
  const texts = OPTION_LETTERS.map((letter) => mcq.options[letter]);
  const distinct = new Set(texts.map(norm)).size === texts.length && texts.every((t) => norm(t).length > 0);
  const wordCounts = texts.map(words);
  const phrase = (t: string) => words(t) <= 6 && !/[.!?]$/.test(t.trim());
  const sameForm = (texts.every(phrase) || !texts.some(phrase)) && !texts.some((t) => ALL_NONE.test(t));
  const parallel = sameForm && Math.max(...wordCounts) <= 3 * Math.max(1, Math.min(...wordCounts));
  const leak = norm(stem).includes(norm(keyPhrase(figure, mcq)));
  const forbidden = FORBIDDEN.test(stem);
  const selfContained = words(stem) >= 5 && !/\b(above|below|the (text|passage|article))\b/i.test(stem);
  const concise = sentences(stem) <= 2 && words(stem) <= 35;
  const items: Array<[string, string, number, boolean, string]> = [
    ['Stem Self-contained', 'Essential', 5, selfContained, 'rule: ≥ 5 words, no reference to surrounding text'],
    ['Vocabulary Constraint', 'Essential', 5, !forbidden, 'rule: no "caption"/"context" in the stem'],
    ['Diagnosis Leak', 'Essential', 5, !leak, "rule: the caption's key phrase is not in the stem"],
    [
      'Single Correct Option',
      'Essential',
      5,
      distinct,
      'rule: five distinct non-empty options (not medical uniqueness)',
    ],
    [
      'Option Type Consistency',
      'Essential',
      5,
      sameForm,
      'rule: all short phrases or all sentences, no all/none-of-the-above',
    ],
    ['Clinical Validity', 'Essential', 5, true, 'not judged by rules: counted as passed (rules-only preset)'],
    ['Image\u2013Text Consistency', 'Essential', 5, true, 'not judged by rules: counted as passed (rules-only preset)'],
    ['Answer Field Validity', 'Important', 3, distinct, 'rule: answer in A–E, options non-empty and distinct'],
    [
      'JSON Schema Compliance',
      'Important',
      3,
      true,
      'rule: the output passed the strict {question, options, answer} schema',
    ],
    [
      'Parallel Options',
      'Important',
      3,
      parallel,
      'rule: same form and word counts within 3× (no check for a key cued by length)',
    ],
    ['Stem Concision', 'Optional', 2, concise, 'rule: ≤ 2 sentences and ≤ 35 words'],
  ];
  const rubric: RubricItem[] = items.map(([title, category, weight, ok, notes], i) => ({
    idx: i + 1,
    title,
    description: notes,
    category,
    weight,
    score: ok ? weight : 0,
    notes,
  }));
  rubric.push(
    {
      idx: rubric.length + 1,
      title: 'Forbidden Terms',
      category: 'Pitfall',
      weight: -2,
      score: forbidden ? -2 : 0,
      notes: 'rule',
    },
    {
      idx: rubric.length + 2,
      title: 'Multiple Keys',
      category: 'Pitfall',
      weight: -2,
      score: distinct ? 0 : -2,
      notes: 'rule: duplicate options',
    },
  );
  return {
    rubric,
    judgedByRules: items.filter(([title]) => !ASSUMED.includes(title)).map(([title]) => title),
    assumedPassed: [...ASSUMED],
  };
}

const ASSUMED = ['Clinical Validity', 'Image\u2013Text Consistency'];
