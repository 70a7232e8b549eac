// The tool-calling agent (upstream's only strategy): one model call per step with tools, only the
// first tool call kept, temperature 0. For models without native tools, tool calls written as text
// are recognised: a ```json {name, parameters}``` fence (Llama) or <tool_call>{json}</tool_call>
// (Qwen, text up to </think> dropped). Gemini's fn(key='value') form is not parsed.
import type { SolverContext, ToolCall } from '../../core/index.js';
import { parseToolCall } from '../../models/tool-calls.js';
import type { AgentPolicy } from './env.js';

export function toolCallingAgent(context: SolverContext, options: { temperature?: number } = {}): AgentPolicy {
  let calls = 0;
  return {
    name: 'tool-calling',
    async step(messages, tools) {
      const started = Date.now();
      const output = await context.generate(
        {
          messages: [...messages],
          tools,
          toolChoice: 'auto',
          config: { ...context.generateConfig, temperature: options.temperature ?? 0 },
        },
        { role: 'agent' },
      );
      const latencyMs = output.latencyMs ?? Date.now() - started;
      calls++;
      const text = output.text ?? '';
      const native = output.toolCalls[0];
      if (native) return { text, toolCall: native, latencyMs };
      const fromText = textToolCall(text, `text_call_${calls}`);
      if (fromText) return { text: '', toolCall: fromText, latencyMs };
      return { text, latencyMs };
    },
  };
}

/** A tool call written as text, or undefined. */
export function textToolCall(raw: string, id: string): ToolCall | undefined {
  const text = raw.includes('</think>') ? raw.slice(raw.lastIndexOf('</think>') + '</think>'.length) : raw;
  const qwen = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/.exec(text);
  const llama = /```json\s*([\s\S]*?)```/.exec(text);
  const body = qwen?.[1] ?? llama?.[1];
  if (body === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const name = /"name"\s*:\s*"([^"]+)"/.exec(body)?.[1];
    if (!name) return undefined;
    return {
      id,
      name,
      arguments: {},
      rawArguments: body,
      parseError: `arguments are not JSON: ${(error as Error).message}`,
    };
  }
  if (typeof value !== 'object' || value === null || typeof (value as { name?: unknown }).name !== 'string')
    return undefined;
  const object = value as { name: string; parameters?: unknown; arguments?: unknown; function_input?: unknown };
  const args = object.arguments ?? object.parameters ?? object.function_input ?? {};
  return parseToolCall(id, object.name, typeof args === 'string' ? args : JSON.stringify(args));
}
