// The generator contract (MedVLSynther synthesis/generate/glm_generate.py): exactly one JSON object
// {question, options{A..E}, answer} with no extra keys, and the non-LLM template generator of the
// embedded default.
import { z } from 'zod';
import { createRng, hashSeed } from '../stats/random.js';
import type { Figure } from './figures.js';

export const OPTION_LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;
export type OptionLetter = (typeof OPTION_LETTERS)[number];

/** Exactly `{question, options{A..E}, answer}`: strict objects, so an extra key is a contract violation. */
export const generatedMcqSchema = z.strictObject({
  question: z.string().trim().min(1),
  options: z.strictObject({ A: z.string(), B: z.string(), C: z.string(), D: z.string(), E: z.string() }),
  answer: z.enum(OPTION_LETTERS),
});
export type GeneratedMcq = z.infer<typeof generatedMcqSchema>;

/** The generator's context: one `[Image i] …` line per image, then the in-text mentions (upstream's layout). */
export function generatorContext(figure: Figure): string {
  const lines = figure.images.map((_, i) => `[Image ${i + 1}] ${figure.caption}`);
  if (figure.mentions.length) lines.push('', 'In-text mentions:', ...figure.mentions.map((m) => `- ${m}`));
  return lines.join('\n');
}

export const TEMPLATE_GENERATOR = 'template (non-LLM)';

/**
 * Non-LLM generator for phantom figures: "which finding is shown?" with the ground-truth finding as the key
 * and four other findings of the same modality as distractors, positions seeded per figure. Figures without
 * ground truth (a user's captions) cannot be templated: the error says so.
 */
export function templateGenerate(figure: Figure, seed: number): GeneratedMcq {
  if (!figure.truth)
    throw new Error(
      `${figure.key}: the template generator needs a phantom's ground truth; give --role generator=<model> for real figures`,
    );
  const rng = createRng(hashSeed('synth-template', seed, figure.key));
  const distractors = rng.shuffle(figure.truth.pool.filter((label) => label !== figure.truth!.finding)).slice(0, 4);
  if (distractors.length < 4) throw new Error(`${figure.key}: fewer than four distractors in the label pool`);
  const texts = rng.shuffle([figure.truth.finding, ...distractors]).map(capitalise);
  const answer = OPTION_LETTERS[texts.indexOf(capitalise(figure.truth.finding))]!;
  const question =
    figure.anatomy === 'chest'
      ? 'A posteroanterior chest radiograph is shown. Which abnormality is present?'
      : 'A colour fundus photograph is shown. Which lesion is present?';
  const [A, B, C, D, E] = texts as [string, string, string, string, string];
  return { question, options: { A, B, C, D, E }, answer };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
