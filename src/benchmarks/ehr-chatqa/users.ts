// Simulated users. The scripted user speaks the task's `user_turns` in order, asks for a
// double-check, then ends. The LLM user (role `user`) is upstream's ReflectionUser: rule check on
// every message (3 attempts, then ###END###), a verifier from the second message on, and up to 3
// reflections whose last one is sent anyway.
import type { ChatMessage, SolverContext } from '../../core/index.js';
import type { UserReply, UserSimulator } from './env.js';
import {
  END,
  reflectionPrompt,
  userMessageProblem,
  userSystemPrompt,
  verifierPrompt,
  type VisibleTurn,
} from './prompts.js';

export const DOUBLE_CHECK = 'can you double-check that this covers everything I asked?';

export function scriptedUser(turns: string[]): UserSimulator {
  const script = [...turns, DOUBLE_CHECK, END];
  let next = 0;
  return {
    name: 'scripted',
    async reply() {
      const text = script[Math.min(next, script.length - 1)]!;
      next++;
      return { text, rejected: [], verifierRejections: 0, reflections: 0 };
    },
  };
}

export interface LlmUserOptions {
  instruction: string;
  /** Explanations of earlier user errors, injected as "previous user mistakes". */
  mistakes?: string[];
  /** Upstream default 1.0. */
  temperature?: number;
  /** Rule-check attempts before giving up with ###END### (upstream 3). */
  maxAttempts?: number;
  /** Reflection rounds after a verifier "no" (upstream 3). */
  maxReflections?: number;
  /** Turn the verifier and reflections off (upstream LLMUser). */
  verify?: boolean;
}

/** Roles flipped for the user model: the agent's words arrive as `user`, the user's own as `assistant`. */
export function flippedMessages(system: string, turns: VisibleTurn[]): ChatMessage[] {
  return [
    { role: 'system', content: system },
    ...turns.map(
      (turn): ChatMessage =>
        turn.role === 'agent' ? { role: 'user', content: turn.text } : { role: 'assistant', content: turn.text },
    ),
  ];
}

export function llmUser(context: SolverContext, options: LlmUserOptions): UserSimulator {
  const mistakes = options.mistakes ?? [];
  const maxAttempts = options.maxAttempts ?? 3;
  const maxReflections = options.maxReflections ?? 3;
  const system = userSystemPrompt(options.instruction, mistakes);
  let sent = 0;

  const verify = async (turns: VisibleTurn[], candidate: string): Promise<boolean> => {
    const output = await context.generate(
      {
        messages: [{ role: 'user', content: verifierPrompt(options.instruction, mistakes, turns, candidate) }],
        config: { temperature: 0 },
      },
      { role: 'user', recordInput: true },
    );
    return output.text.trim().toLowerCase() === 'yes';
  };

  return {
    name: 'llm',
    async reply(turns) {
      const reply: UserReply = { text: '', rejected: [], verifierRejections: 0, reflections: 0 };
      const messages = flippedMessages(system, turns);
      let candidate: string | undefined;
      for (let attempt = 0; attempt < maxAttempts && candidate === undefined; attempt++) {
        let text: string;
        try {
          const output = await context.generate(
            { messages: [...messages], config: { temperature: options.temperature ?? 1 } },
            { role: 'user' },
          );
          text = output.text;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (/context|too long/i.test(message)) return { ...reply, text: END, gaveUp: `context overflow: ${message}` };
          reply.rejected.push({ text: '', reason: `generation failed: ${message}` });
          continue;
        }
        const problem = userMessageProblem(text);
        if (problem === undefined) {
          candidate = text.trim() === END ? END : text;
          break;
        }
        reply.rejected.push({ text, reason: problem });
        messages.push(
          { role: 'assistant', content: text },
          {
            role: 'user',
            content: `[System] Your last message was rejected because ${problem}. Follow the rules and write the message again.`,
          },
        );
      }
      if (candidate === undefined) return { ...reply, text: END, gaveUp: `${maxAttempts} failed attempts` };
      // The first message is not verified; ###END### is checked like any other message.
      if (options.verify !== false && sent > 0) {
        let passed = await verify(turns, candidate);
        for (let round = 0; !passed && round < maxReflections; round++) {
          reply.verifierRejections++;
          reply.reflections++;
          const output = await context.generate(
            {
              messages: [{ role: 'user', content: reflectionPrompt(options.instruction, turns, candidate) }],
              config: { temperature: 0, responseFormat: { type: 'json' } },
            },
            { role: 'user', recordInput: true },
          );
          const revised = parseReflection(output.text);
          if (revised === undefined || userMessageProblem(revised) !== undefined) continue;
          candidate = revised; // the last reflected response is sent even if the verifier still says no
          passed = await verify(turns, candidate);
        }
      }
      sent++;
      return { ...reply, text: candidate };
    },
  };
}

function parseReflection(text: string): string | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value = JSON.parse(text.slice(start, end + 1)) as { new_response?: unknown };
    return typeof value.new_response === 'string' ? value.new_response : undefined;
  } catch {
    return undefined;
  }
}
