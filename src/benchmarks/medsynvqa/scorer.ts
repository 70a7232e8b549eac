// The medsyn_correct scorer, in its own module so the benchmark (index.ts) and its rewards (rewards.ts) both
// import it without importing each other.
import type { Scorer } from '../../core/index.js';
import { extractAnswer, gradeAnswer, predictedLetter } from './extract.js';

/** 1 when the extracted prediction is the key (upstream grade_answer); `loose` adds the LLaVA-Med substring rule. */
export function medsynScorer(loose = false): Scorer {
  return {
    name: 'medsyn_correct',
    params: { loose, extraction: 'eval/regrade_eval_results.py extract_answer', grading: 'grade_answer' },
    async score(state) {
      const metadata = state.sample.metadata ?? {};
      const options = metadata.options as Record<string, string>;
      const answer = String(metadata.answer);
      const answerLabel = String(metadata.answer_label);
      const { prediction, rule } = extractAnswer(state.output.text);
      const correct = gradeAnswer(prediction, answer, answerLabel, loose);
      const letter = predictedLetter(prediction, options, loose);
      return {
        value: correct ? 1 : 0,
        answer: prediction,
        explanation: `extracted "${prediction.slice(0, 80)}" by rule ${rule}; key ${answerLabel}. ${answer}`,
        metadata: { rule, predicted_letter: letter, converted: letter in options },
      };
    },
  };
}
