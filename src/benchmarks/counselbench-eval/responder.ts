// Responders: the LLM therapist (persona prompt, T = 0.7, regenerate while the answer is over 250
// words, at most 20 tries: upstream `regenerate_until_valid_length`), a template baseline that
// needs no model, and a pass-through that rates a response given in the data file.
import { assistantMessage, inputText, systemMessage, userMessage, type Solver } from '../../core/index.js';
import { MAX_TRIES, MAX_WORDS, PERSONA_PROMPT, wordCount } from './prompts.js';

export interface ResponderOptions {
  temperature?: number;
  /** Regenerate while the answer has more words than this; 0 = no limit (CounselBench-ADV). */
  maxWords?: number;
  maxTries?: number;
  persona?: string;
}

export function therapistResponder(options: ResponderOptions = {}): Solver {
  const temperature = options.temperature ?? 0.7;
  const maxWords = options.maxWords ?? MAX_WORDS;
  const maxTries = options.maxTries ?? MAX_TRIES;
  const persona = options.persona ?? PERSONA_PROMPT;
  return {
    name: 'counsel-therapist',
    params: { temperature, maxWords, maxTries, persona },
    async solve(state, context) {
      const messages = [systemMessage(persona), userMessage(inputText(state.sample))];
      let tries = 0;
      let output = await context.generate({ messages, config: { ...context.generateConfig, temperature } });
      tries++;
      let words = wordCount(output.text);
      while (maxWords > 0 && words > maxWords && tries < maxTries) {
        context.record({
          type: 'info',
          message: `response has ${words} words (> ${maxWords}); regenerating (try ${tries + 1} of ${maxTries})`,
        });
        output = await context.generate({ messages, config: { ...context.generateConfig, temperature } });
        tries++;
        words = wordCount(output.text);
      }
      const lengthExceeded = maxWords > 0 && words > maxWords;
      if (lengthExceeded) {
        // Upstream stops after 20 tries and keeps the last answer; medkit keeps it too and flags it.
        context.record({
          type: 'info',
          message: `still ${words} words after ${tries} tries; the last answer is kept and flagged`,
        });
      }
      state.messages = [...messages, assistantMessage(output.text)];
      state.output = output;
      state.metadata.responder = context.modelName('agent') ?? 'agent';
      state.metadata.tries = tries;
      state.metadata.wordCount = words;
      state.metadata.lengthExceeded = lengthExceeded;
      return state;
    },
  };
}

/** Short, topic-aware replies assembled from fixed sentences. NOT a model and not a counsellor. */
export function templateResponder(): Solver {
  return {
    name: 'counsel-template-baseline',
    params: { note: 'template baseline: fixed sentences, not a model and not a valid counsellor' },
    async solve(state) {
      const topic = String(state.sample.metadata?.topic ?? 'this');
      const text = [
        'Thank you for sharing this; it sounds really hard, and it makes sense that you feel this way.',
        `Many people who struggle with ${topic.replace(/-/g, ' ')} find it helps to notice when the feelings are strongest and what happened just before.`,
        'Small steps, such as talking to someone you trust and keeping a regular routine, can make a difference.',
        'A licensed counsellor can help you explore this in more depth and find an approach that fits you.',
      ].join(' ');
      state.messages.push(assistantMessage(text));
      state.output = { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
      state.metadata.responder = 'template-baseline';
      state.metadata.baseline = 'template responder: not a model';
      state.metadata.wordCount = wordCount(text);
      return state;
    },
  };
}

/** Uses the response stored in the sample (`metadata.response`), for rating responses from a CounselBench-Eval file. */
export function givenResponse(): Solver {
  return {
    name: 'counsel-given-response',
    params: {},
    async solve(state) {
      const text = state.sample.metadata?.response;
      if (typeof text !== 'string')
        throw new Error(
          `sample ${state.sample.id}: metadata.response is missing; the given-response solver needs a response to rate`,
        );
      state.messages.push(assistantMessage(text));
      state.output = { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
      state.metadata.responder = String(
        state.sample.metadata?.responseBy ?? state.sample.metadata?.responder ?? 'given',
      );
      state.metadata.wordCount = wordCount(text);
      return state;
    },
  };
}
