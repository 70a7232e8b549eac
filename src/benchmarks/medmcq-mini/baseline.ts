// The honest non-LLM baseline: pick the longest option. Test writers often make the correct
// option the most qualified one, so this beats chance on many MCQ sets; it knows no medicine,
// and its score is the floor a model has to clear to show it knows any.
import { choiceLetter, type Solver } from '../../core/index.js';

export function longestOptionBaseline(): Solver {
  return {
    name: 'longest-option-baseline',
    params: { rule: 'longest option; ties go to the earliest' },
    async solve(state) {
      const choices = state.sample.choices ?? [];
      let best = 0;
      choices.forEach((choice, index) => {
        if (choice.length > choices[best]!.length) best = index;
      });
      const letter = choiceLetter(best);
      state.output = { ...state.output, text: `ANSWER: ${letter}`, finishReason: 'stop' };
      state.messages.push({ role: 'assistant', content: `ANSWER: ${letter}`, source: 'baseline' });
      state.metadata.baselineRule = 'longest-option';
      return state;
    },
  };
}
