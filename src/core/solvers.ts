// Small composable solvers. Benchmarks chain them; agents are solvers too.
import type { JsonObject } from './json.js';
import { assistantMessage, systemMessage, userMessage, type ChatMessage } from './messages.js';
import type { GenerateConfig } from './model.js';
import { choiceLetter, inputText, type Sample } from './sample.js';
import type { Solver, SolverContext, TaskState } from './task.js';

export function initialMessages(sample: Sample): ChatMessage[] {
  return typeof sample.input === 'string' ? [userMessage(sample.input)] : structuredClone(sample.input);
}

export function newTaskState(sample: Sample, epoch: number): TaskState {
  return {
    sample,
    epoch,
    messages: initialMessages(sample),
    output: { text: '', toolCalls: [], finishReason: 'unknown', usage: { inputTokens: 0, outputTokens: 0 } },
    completed: false,
    metadata: {},
    events: [],
  };
}

/** Runs solvers in order; stops early once one marks the state completed. */
export function chain(...solvers: Solver[]): Solver {
  return {
    name: 'chain',
    params: { steps: solvers.map((solver) => ({ name: solver.name, params: solver.params })) },
    async solve(state, context) {
      let current = state;
      for (const solver of solvers) {
        if (current.completed) break;
        current = await solver.solve(current, context);
      }
      return current;
    },
  };
}

/** Calls the agent model on the conversation and appends its answer. */
export function generate(config: GenerateConfig = {}): Solver {
  return {
    name: 'generate',
    params: config as JsonObject,
    async solve(state, context) {
      return generateInto(state, context, config);
    },
  };
}

export async function generateInto(
  state: TaskState,
  context: SolverContext,
  config: GenerateConfig = {},
): Promise<TaskState> {
  const output = await context.generate({ messages: state.messages, config: { ...context.generateConfig, ...config } });
  state.messages.push(assistantMessage(output.text, output.toolCalls));
  state.output = output;
  return state;
}

export function systemPrompt(text: string): Solver {
  return {
    name: 'system-prompt',
    params: { text },
    async solve(state) {
      state.messages = [systemMessage(text), ...state.messages.filter((message) => message.role !== 'system')];
      return state;
    },
  };
}

export const DEFAULT_MCQ_TEMPLATE =
  'Answer the following multiple-choice question. Reply with the letter of the single best option on the last line as "ANSWER: X".\n\n{question}\n\n{choices}';

/** Rewrites the first user turn as a lettered multiple-choice prompt. */
export function multipleChoicePrompt({ template = DEFAULT_MCQ_TEMPLATE } = {}): Solver {
  return {
    name: 'multiple-choice-prompt',
    params: { template },
    async solve(state) {
      const choices = (state.sample.choices ?? [])
        .map((choice, index) => `${choiceLetter(index)}. ${choice}`)
        .join('\n');
      const text = template.replace('{question}', inputText(state.sample)).replace('{choices}', choices);
      const firstUser = state.messages.findIndex((message) => message.role === 'user');
      const message = userMessage(text);
      if (firstUser >= 0) state.messages[firstUser] = message;
      else state.messages.push(message);
      return state;
    },
  };
}

/** A solver from a function, for baselines and tests. */
export function solverFrom(name: string, params: JsonObject, solve: Solver['solve']): Solver {
  return { name, params, solve };
}
