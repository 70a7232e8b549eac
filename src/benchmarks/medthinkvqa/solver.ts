// The Think-with-Images solver: (1) findings for each image, (2) an integrated imaging summary,
// (3) differential reasoning that rules out the distractors and ends with "ANSWER: X". Three calls
// in one conversation (mode 'three-call', default) or one call with three sections ('single').
// Setting 'default' shows history + images + options; 'expert' also shows the expert imaging
// findings and captions (the paper's expert-intermediates setting).
import {
  assistantMessage,
  imageFromPath,
  mediaTypeForPath,
  systemMessage,
  textPart,
  userMessage,
  type ContentPart,
  type JsonObject,
  type Sample,
  type Solver,
  type SolverContext,
  type TaskState,
} from '../../core/index.js';
import { extractChoice } from '../../scoring/choice.js';
import { looseJsonFromReply } from '../../scoring/step-judge.js';
import { OPTION_LETTERS, type CaseImage } from './items.js';

export type Setting = 'default' | 'expert';
export type Mode = 'three-call' | 'single';

export interface TwiOutput extends JsonObject {
  step1_per_image_findings: string[];
  step2_integrated_summary: string;
  step3_differential_reasoning: string;
}

const SYSTEM = 'You are an expert radiologist solving a diagnostic case from its clinical history and images.';

export function caseContent(state: TaskState, setting: Setting): ContentPart[] {
  const metadata = state.sample.metadata ?? {};
  const images = (metadata.images ?? []) as unknown as CaseImage[];
  const parts: ContentPart[] = [
    textPart(`Clinical history: ${String(metadata.clinical_history ?? '') || '(none given)'}`),
  ];
  for (const [position, image] of images.entries()) {
    const kind = [image.modality, image.subModality].filter(Boolean).join(', ');
    const caption = setting === 'expert' && image.caption ? ` Caption: ${image.caption}` : '';
    parts.push(
      textPart(`Image ${position + 1}${kind ? ` (${kind})` : ''}:${caption}`),
      imageFromPath(image.path, mediaTypeForPath(image.path), `image ${position + 1}: ${image.id}`),
    );
  }
  if (setting === 'expert' && metadata.imaging_findings)
    parts.push(textPart(`Expert imaging findings: ${String(metadata.imaging_findings)}`));
  const options = (state.sample.choices ?? []).map((choice, index) => `${OPTION_LETTERS[index]}. ${choice}`).join('\n');
  parts.push(textPart(`Candidate diagnoses:\n${options}`));
  return parts;
}

const STEP1 = (count: number | string) =>
  `Step 1 - per-image findings. For each of the ${count} images, in order, describe what you see. Reply with JSON only: {"per_image_findings": ["Image 1: ...", ...]} (one entry per image).`;
const STEP2 =
  'Step 2 - integrated summary. Combine the per-image findings (and any change over time) into one imaging summary of a few sentences.';
const STEP3 =
  'Step 3 - differential reasoning. Weigh each candidate diagnosis against the history and the imaging summary, rule out the distractors one by one, and choose the single best diagnosis. End with a line "ANSWER: X" where X is A, B, C, D or E.';
const SINGLE = (count: number) =>
  `Work in three steps. Reply with JSON only: {"step1_per_image_findings": ["Image 1: ...", ... one per image, ${count} in all], "step2_integrated_summary": "...", ` +
  '"step3_differential_reasoning": "... rule out each distractor ...", "answer": "A|B|C|D|E"}';

/** Per-image findings from a step-1 reply: JSON list, else one entry per "Image k:" line, else the whole text. */
export function parseFindings(text: string, count: number): string[] {
  const json = looseJsonFromReply(text) as Record<string, unknown> | unknown[] | undefined;
  const list = Array.isArray(json)
    ? json
    : json && typeof json === 'object'
      ? (json.per_image_findings ?? json.step1_per_image_findings)
      : undefined;
  if (Array.isArray(list) && list.length) return list.map((item) => String(item).trim());
  const lines = text
    .split('\n')
    .filter((line) => /^\s*(?:[-*]\s*)?image\s*\d+\s*[:.)-]/i.test(line))
    .map((line) => line.trim());
  if (lines.length) return lines.slice(0, Math.max(count, 1));
  return [text.trim()];
}

export function thinkWithImagesSolver(setting: Setting = 'default', mode: Mode = 'three-call'): Solver {
  return {
    name: 'think-with-images',
    params: { setting, mode, system: SYSTEM, step1: STEP1('N'), step2: STEP2, step3: STEP3 },
    async solve(state, context) {
      const images = (state.sample.metadata?.images ?? []) as unknown as CaseImage[];
      const config = { ...context.generateConfig };
      const ask = async (text: string, first = false) => {
        state.messages.push(first ? userMessage([...caseContent(state, setting), textPart(text)]) : userMessage(text));
        const output = await context.generate({ messages: state.messages, config });
        state.messages.push(assistantMessage(output.text));
        state.output = output;
        return output.text;
      };
      state.messages = [systemMessage(SYSTEM)];
      let twi: TwiOutput;
      if (mode === 'single') {
        const reply = await ask(SINGLE(images.length), true);
        const json = (looseJsonFromReply(reply) ?? {}) as Record<string, unknown>;
        const reasoning = String(json.step3_differential_reasoning ?? reply);
        twi = {
          step1_per_image_findings: Array.isArray(json.step1_per_image_findings)
            ? json.step1_per_image_findings.map(String)
            : [],
          step2_integrated_summary: String(json.step2_integrated_summary ?? ''),
          step3_differential_reasoning: reasoning,
        };
        if (typeof json.answer === 'string')
          state.output = { ...state.output, text: `${reasoning}\nANSWER: ${json.answer}` };
      } else {
        const findings = parseFindings(await ask(STEP1(images.length), true), images.length);
        const summary = (await ask(STEP2)).trim();
        const reasoning = (await ask(STEP3)).trim();
        twi = {
          step1_per_image_findings: findings,
          step2_integrated_summary: summary,
          step3_differential_reasoning: reasoning,
        };
      }
      return finish(state, context, twi, state.output.text);
    },
  };
}

function finish(state: TaskState, context: SolverContext, twi: TwiOutput, answerText: string): TaskState {
  const extraction = extractChoice(answerText, state.sample.choices ?? []);
  state.metadata.twi = twi;
  state.metadata.prediction = extraction.letter ?? null;
  state.metadata.prediction_rationale = twi.step3_differential_reasoning;
  state.metadata.source = (state.sample.metadata?.source ?? null) as string | null;
  if (!extraction.letter)
    context.record({ type: 'info', message: 'no option letter could be read from the final reply' });
  return state;
}

export interface Prior {
  /** Diagnosis text (lower-cased) → weight. */
  diagnoses: Record<string, number>;
  /** Answer letter → weight, for ties (e.g. how often each letter is correct in a train split). */
  letters?: Record<string, number>;
  source: string;
}

/** A prior from a held-out release file (train.jsonl): how often each diagnosis and each letter is the answer. */
export async function priorFromRows(samples: AsyncIterable<Sample>, source: string): Promise<Prior> {
  const prior: Prior = { diagnoses: {}, letters: {}, source };
  for await (const sample of samples) {
    const text = String(sample.metadata?.correct_answer_text ?? '')
      .trim()
      .toLowerCase();
    if (text) prior.diagnoses[text] = (prior.diagnoses[text] ?? 0) + 1;
    const letter = String(sample.target);
    prior.letters![letter] = (prior.letters![letter] ?? 0) + 1;
  }
  return prior;
}

/**
 * Baseline without a model: the option with the highest prior weight (diagnosis text, case-
 * insensitive; for the synthetic set the generator's published weights, for real data a train
 * split via priorFromRows), ties broken by the letter prior, then the earliest option. It never
 * sees the answer or the images.
 */
export function priorMajoritySolver(prior: Prior | (() => Promise<Prior>)): Solver {
  let table: Prior | undefined = typeof prior === 'function' ? undefined : prior;
  return {
    name: 'prior-majority',
    params:
      typeof prior === 'function'
        ? { prior: 'loaded from a held-out file at the first sample' }
        : { prior: prior.source, diagnoses: prior.diagnoses },
    async solve(state, context) {
      table ??= await (prior as () => Promise<Prior>)();
      const choices = state.sample.choices ?? [];
      const weight = (index: number) =>
        [
          table!.diagnoses[choices[index]!.trim().toLowerCase()] ?? 0,
          table!.letters?.[OPTION_LETTERS[index]!] ?? 0,
        ] as const;
      let best = 0;
      choices.forEach((_, index) => {
        const [w, l] = weight(index);
        const [bw, bl] = weight(best);
        if (w > bw || (w === bw && l > bl)) best = index;
      });
      const letter = OPTION_LETTERS[best]!;
      const text = `No model: the option with the highest prior weight (${table.source}) is chosen.\nANSWER: ${letter}`;
      state.output = { ...state.output, text, finishReason: 'stop' };
      state.messages.push(assistantMessage(text));
      return finish(
        state,
        context,
        { step1_per_image_findings: [], step2_integrated_summary: '', step3_differential_reasoning: '' },
        text,
      );
    },
  };
}
