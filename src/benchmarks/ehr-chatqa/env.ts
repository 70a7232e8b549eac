// The episode loop (reference §2, §5): the agent makes one call per step; a tool call runs one tool
// (only the first call is kept), a reply without a tool call is `respond` and goes to the user. The
// episode ends when the user's message contains ###END###, at 30 agent steps, or past 600 s of
// cumulative agent model time.
import type { ChatMessage, JsonValue, SolverContext, ToolCall, ToolSpec } from '../../core/index.js';
import { END, GREETING, type VisibleTurn } from './prompts.js';
import type { EhrTools } from './tools.js';

export interface AgentStep {
  text: string;
  toolCall?: ToolCall;
  /** Model time this step took (counts toward the 600 s budget). */
  latencyMs: number;
}

export interface AgentPolicy {
  readonly name: string;
  step(messages: ChatMessage[], tools: ToolSpec[]): Promise<AgentStep>;
}

export interface UserReply {
  text: string;
  /** Messages rejected by the rule check before this one, with the reason. */
  rejected: { text: string; reason: string }[];
  verifierRejections: number;
  reflections: number;
  /** Set when the simulator gave up and ended the conversation. */
  gaveUp?: string;
}

export interface UserSimulator {
  readonly name: string;
  /** The next user message given the visible conversation (starting with the agent's greeting). */
  reply(turns: VisibleTurn[]): Promise<UserReply>;
}

export type EndReason = 'user-end' | 'max-steps' | 'agent-timeout' | 'agent-error' | 'context-overflow' | 'user-error';

export interface Episode {
  endReason: EndReason;
  /** The agent's view: system prompt, user turns, assistant turns and tool results. */
  messages: ChatMessage[];
  /** What both sides saw: greeting, user messages and agent replies. */
  turns: VisibleTurn[];
  /** Every sql_execute query, in order (exploratory ones included). */
  queries: string[];
  /** Every agent `respond` text, in order. */
  responses: string[];
  steps: number;
  agentMs: number;
  toolCalls: number;
  toolErrors: number;
  /** Tool calls whose argument text was not JSON. */
  parseErrors: number;
  emptyAgentMessages: number;
  userRejections: number;
  verifierRejections: number;
  reflections: number;
  error?: string;
}

export interface EpisodeOptions {
  systemPrompt: string;
  tools: EhrTools;
  agent: AgentPolicy;
  user: UserSimulator;
  context: SolverContext;
  maxSteps?: number;
  agentTimeMs?: number;
}

export async function runEpisode(options: EpisodeOptions): Promise<Episode> {
  const { tools, agent, user, context } = options;
  const maxSteps = options.maxSteps ?? 30;
  const agentTimeMs = options.agentTimeMs ?? 600_000;
  const specs = tools.specs();
  const episode: Episode = {
    endReason: 'max-steps',
    messages: [{ role: 'system', content: options.systemPrompt }],
    turns: [{ role: 'agent', text: GREETING }],
    queries: [],
    responses: [],
    steps: 0,
    agentMs: 0,
    toolCalls: 0,
    toolErrors: 0,
    parseErrors: 0,
    emptyAgentMessages: 0,
    userRejections: 0,
    verifierRejections: 0,
    reflections: 0,
  };
  const userTurn = async (): Promise<boolean> => {
    let reply: UserReply;
    try {
      reply = await user.reply(episode.turns);
    } catch (error) {
      episode.endReason = 'user-error';
      episode.error = `user simulator failed: ${error instanceof Error ? error.message : String(error)}`;
      return true;
    }
    episode.userRejections += reply.rejected.length;
    episode.verifierRejections += reply.verifierRejections;
    episode.reflections += reply.reflections;
    for (const rejected of reply.rejected)
      context.record({
        type: 'evidence',
        kind: 'user-turn',
        data: { text: rejected.text, verdict: `rejected: ${rejected.reason}` },
      });
    context.record({
      type: 'evidence',
      kind: 'user-turn',
      data: { text: reply.text, verdict: reply.gaveUp ? `gave up: ${reply.gaveUp}` : 'sent' },
    });
    episode.turns.push({ role: 'user', text: reply.text });
    episode.messages.push({ role: 'user', content: reply.text, source: 'user' });
    if (reply.text.includes(END)) {
      episode.endReason = 'user-end';
      return true;
    }
    return false;
  };

  if (await userTurn()) return episode;
  while (episode.steps < maxSteps) {
    episode.steps++;
    let step: AgentStep;
    try {
      step = await agent.step(episode.messages, specs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      episode.endReason = /context|too long|maximum.*tokens/i.test(message) ? 'context-overflow' : 'agent-error';
      episode.error = message;
      return episode;
    }
    episode.agentMs += step.latencyMs;
    if (episode.agentMs > agentTimeMs) {
      episode.endReason = 'agent-timeout';
      episode.error = `agent model time ${Math.round(episode.agentMs / 1000)} s exceeds ${agentTimeMs / 1000} s`;
      return episode;
    }
    if (step.toolCall) {
      const call = step.toolCall;
      episode.toolCalls++;
      episode.messages.push({ role: 'assistant', content: step.text, toolCalls: [call], source: 'agent' });
      let result: string;
      let error: string | undefined;
      let durationMs = 0;
      if (call.parseError !== undefined) {
        episode.parseErrors++;
        result = `Error: the arguments of ${call.name} are not valid JSON (${call.parseError}). Send the tool call again with a JSON object of arguments.`;
        error = result;
      } else {
        if (call.name === 'sql_execute' && typeof call.arguments.query === 'string')
          episode.queries.push(call.arguments.query);
        const outcome = await tools.call(call.name, call.arguments);
        ({ result, error, durationMs } = outcome);
      }
      if (error !== undefined) episode.toolErrors++;
      episode.messages.push({
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content: result,
        ...(error !== undefined ? { error } : {}),
      });
      context.record({
        type: 'tool',
        name: call.name,
        arguments: (call.rawArguments ?? call.arguments) as JsonValue,
        result,
        ...(error !== undefined ? { error } : {}),
        durationMs,
      });
      if (call.name === 'sql_execute' && error === undefined) {
        context.record({
          type: 'evidence',
          kind: 'sql-result',
          data: { sql: String(call.arguments.query), columns: [], rows: result.slice(0, 2000) },
        });
      }
      continue;
    }
    const text = step.text;
    if (text.trim() === '') episode.emptyAgentMessages++;
    episode.messages.push({ role: 'assistant', content: text, source: 'agent' });
    episode.responses.push(text);
    episode.turns.push({ role: 'agent', text });
    if (await userTurn()) return episode;
  }
  episode.endReason = 'max-steps';
  return episode;
}
