// MedSynVQA evaluation prompt and answer extraction, as UCSC-VLAA/MedVLSynther @ 9df6f3b5 does it
// (eval/run_offline_inference.py build_messages; eval/regrade_eval_results.py extract_answer and
// grade_answer). Kept rule for rule; the quirks are upstream's and are listed in README.md.

/**
 * Upstream's INSTRUCTION_PROMPT is a Python raw string, so its "\n" is a literal backslash and n,
 * not a newline. We send the same characters.
 */
export const INSTRUCTION_PROMPT =
  'You will solve a problem/request. You should provide your thoughts within <think> </think> tags before providing the answer.\\nWrite your final answer within <answer> </answer> tags.';

/** The user text: instruction, blank line, "Question: …", blank line, "Options:", then "\n\nA. …" per option. */
export function buildPrompt(
  question: string,
  options: Record<string, string>,
  instruction = INSTRUCTION_PROMPT,
): string {
  let text = `Question: ${question}\n\nOptions:`;
  for (const [letter, option] of Object.entries(options)) text += `\n\n${letter}. ${option}`;
  return `${instruction}\n\n${text}`;
}

export type ExtractionRule = 'answer-tag' | 'answer:' | 'answer is:' | 'answer is' | 'is:' | 'whole-text';

function lastGroup(text: string, pattern: RegExp): string | undefined {
  const matches = [...text.matchAll(pattern)];
  return matches.length ? matches.at(-1)![1]!.trim() : undefined;
}

/**
 * The first rule that matches, in order: the last <answer>…</answer> span (its first non-empty
 * line); the text after the last "answer:" to the end of that line; after "answer is:"; after
 * "answer is"; after "is:" (all case-insensitive, no word boundaries: "diagnosis: X" matches
 * "is:", as upstream); else the whole text. Then <think>, </think>, <answer>, </answer> are deleted.
 */
export function extractAnswer(text: string): { prediction: string; rule: ExtractionRule } {
  let extracted: string | undefined;
  let rule: ExtractionRule = 'whole-text';
  const tags = [...text.matchAll(/<answer>([\s\S]*?)<\/answer>/g)];
  if (tags.length) {
    const inner = tags.at(-1)![1]!.trim();
    const firstLine = /\s*([^\n\r]+)/.exec(inner);
    extracted = firstLine ? firstLine[1]!.trim() : inner;
    rule = 'answer-tag';
  } else {
    // Python's `.` matches everything but \n; `[^\n]` keeps that (JS `.` would also stop at \r).
    const rules: [ExtractionRule, RegExp][] = [
      ['answer:', /answer:\s*([^\n]*)\s*/gi],
      ['answer is:', /answer is:\s*([^\n]*)\s*/gi],
      ['answer is', /answer is\s*([^\n]*)\s*/gi],
      ['is:', /is:\s*([^\n]*)\s*/gi],
    ];
    for (const [name, pattern] of rules) {
      const found = lastGroup(text, pattern);
      if (found !== undefined) {
        extracted = found;
        rule = name;
        break;
      }
    }
  }
  const prediction = (extracted ?? text.trim())
    .replaceAll('<think>', '')
    .replaceAll('</think>', '')
    .replaceAll('<answer>', '')
    .replaceAll('</answer>', '')
    .trim();
  return { prediction, rule };
}

/**
 * Correct when, case-insensitively after trimming, the prediction equals "<label>. <option text>",
 * the label, or the option text. `loose` (upstream's LLaVA-Med rule) also accepts the option text
 * anywhere in the prediction.
 */
export function gradeAnswer(prediction: string, answer: string, answerLabel?: string, loose = false): boolean {
  const predicted = prediction.trim().toLowerCase();
  if (loose && prediction.toLowerCase().includes(answer.toLowerCase())) return true;
  if (answerLabel !== undefined) {
    if (predicted === `${answerLabel}. ${answer}`.trim().toLowerCase()) return true;
    if (predicted === answerLabel.trim().toLowerCase()) return true;
  }
  return predicted === answer.trim().toLowerCase();
}

/** The option letter a prediction maps to (first option that grades it correct), else the raw prediction. */
export function predictedLetter(prediction: string, options: Record<string, string>, loose = false): string {
  for (const [label, option] of Object.entries(options))
    if (gradeAnswer(prediction, option, label, loose)) return label;
  return prediction;
}
