// medkit requests ⇄ OpenAI chat-completions bodies. Pure functions (apart from reading image files),
// so the mapping is tested without a server. Also used for OpenAI-compatible servers (vLLM, Ollama).
import type OpenAI from 'openai';
import type { ChatMessage } from '../core/messages.js';
import type { FinishReason, GenerateRequest, ModelOutput, TokenLogprob } from '../core/model.js';
import type { ToolChoice, ToolSpec } from '../core/tools.js';
import { dataUrl, encodeImage } from './images.js';
import { parseToolCall } from './tool-calls.js';

export { parseToolCall };

type MessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type ContentPart = OpenAI.Chat.Completions.ChatCompletionContentPart;
type CreateParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type Completion = OpenAI.Chat.Completions.ChatCompletion;
type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type WireLogprob = OpenAI.Chat.Completions.ChatCompletionTokenLogprob;

export async function toOpenAIMessages(messages: readonly ChatMessage[]): Promise<MessageParam[]> {
  const wire: MessageParam[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        wire.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        if (typeof message.content === 'string') {
          wire.push({ role: 'user', content: message.content });
          break;
        }
        const parts: ContentPart[] = [];
        for (const part of message.content) {
          if (part.type === 'text') parts.push({ type: 'text', text: part.text });
          else {
            const url = dataUrl(await encodeImage(part));
            parts.push({ type: 'image_url', image_url: part.detail ? { url, detail: part.detail } : { url } });
          }
        }
        wire.push({ role: 'user', content: parts });
        break;
      }
      case 'assistant': {
        const toolCalls = message.toolCalls ?? [];
        if (toolCalls.length === 0) {
          wire.push({ role: 'assistant', content: message.content });
          break;
        }
        wire.push({
          role: 'assistant',
          content: message.content === '' ? null : message.content,
          tool_calls: toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            // Replay what the model sent, even when it was not JSON: the transcript stays faithful.
            function: { name: call.name, arguments: call.rawArguments ?? JSON.stringify(call.arguments) },
          })),
        });
        break;
      }
      case 'tool':
        wire.push({ role: 'tool', tool_call_id: message.toolCallId, content: message.content });
        break;
    }
  }
  return wire;
}

export function toOpenAITools(tools: readonly ToolSpec[]): OpenAI.Chat.Completions.ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

export function toOpenAIToolChoice(choice: ToolChoice): OpenAI.Chat.Completions.ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/**
 * The request body. `useMaxCompletionTokens`: api.openai.com's reasoning models reject `max_tokens`,
 * while many compatible servers know only `max_tokens`.
 */
export async function toOpenAIBody(
  model: string,
  request: GenerateRequest,
  options: { useMaxCompletionTokens: boolean },
): Promise<CreateParams> {
  const config = request.config;
  const body: CreateParams = { model, messages: await toOpenAIMessages(request.messages) };
  if (config.temperature !== undefined) body.temperature = config.temperature;
  if (config.topP !== undefined) body.top_p = config.topP;
  if (config.seed !== undefined) body.seed = config.seed;
  if (config.stop && config.stop.length > 0) body.stop = config.stop;
  if (config.maxTokens !== undefined) {
    if (options.useMaxCompletionTokens) body.max_completion_tokens = config.maxTokens;
    else body.max_tokens = config.maxTokens;
  }
  if (request.tools && request.tools.length > 0) body.tools = toOpenAITools(request.tools);
  if (request.toolChoice !== undefined && request.tools && request.tools.length > 0)
    body.tool_choice = toOpenAIToolChoice(request.toolChoice);
  const format = config.responseFormat;
  if (format?.type === 'json') body.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    body.response_format = { type: 'json_schema', json_schema: { name: format.name, schema: format.schema } };
  }
  if (config.logitBias && Object.keys(config.logitBias).length > 0) body.logit_bias = config.logitBias;
  if (config.topLogprobs !== undefined) {
    body.logprobs = true;
    if (config.topLogprobs > 0) body.top_logprobs = config.topLogprobs;
  }
  return body;
}

export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'unknown';
  }
}

export function mapLogprobs(content: readonly WireLogprob[] | null | undefined): TokenLogprob[] | undefined {
  if (!content) return undefined;
  return content.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    top: (entry.top_logprobs ?? []).map((alternative) => ({ token: alternative.token, logprob: alternative.logprob })),
  }));
}

/** A completion body → ModelOutput (without cost, which needs the price table). */
export function fromOpenAICompletion(completion: Completion): ModelOutput {
  const choice = completion.choices?.[0];
  const message = choice?.message;
  const toolCalls = (message?.tool_calls ?? [])
    .filter((call) => call.type === 'function')
    .map((call) => parseToolCall(call.id, call.function.name, call.function.arguments ?? ''));
  const output: ModelOutput = {
    text: message?.content ?? message?.refusal ?? '',
    toolCalls,
    finishReason: mapFinishReason(choice?.finish_reason),
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    },
  };
  const logprobs = mapLogprobs(choice?.logprobs?.content);
  if (logprobs) output.logprobs = logprobs;
  if (completion.model) output.modelId = completion.model;
  return output;
}

/** Folds streamed chunks into one completion, so both paths share `fromOpenAICompletion`. */
export class ChunkAccumulator {
  private text = '';
  private refusal = '';
  private finishReason: string | null = null;
  private model = '';
  private usage: Completion['usage'];
  private logprobs: WireLogprob[] | undefined;
  private readonly toolCalls = new Map<number, { id: string; name: string; arguments: string }>();

  get finished(): boolean {
    return this.finishReason !== null;
  }

  add(chunk: Chunk): void {
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta ?? {};
    if (delta.content) this.text += delta.content;
    if (delta.refusal) this.refusal += delta.refusal;
    for (const call of delta.tool_calls ?? []) {
      const entry = this.toolCalls.get(call.index) ?? { id: '', name: '', arguments: '' };
      if (call.id) entry.id = call.id;
      if (call.function?.name) entry.name += call.function.name;
      if (call.function?.arguments) entry.arguments += call.function.arguments;
      this.toolCalls.set(call.index, entry);
    }
    if (choice.logprobs?.content) (this.logprobs ??= []).push(...choice.logprobs.content);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  completion(): Completion {
    const toolCalls = [...this.toolCalls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      }));
    return {
      id: 'stream',
      object: 'chat.completion',
      created: 0,
      model: this.model,
      choices: [
        {
          index: 0,
          finish_reason: (this.finishReason ?? 'stop') as Completion['choices'][number]['finish_reason'],
          logprobs: this.logprobs ? { content: this.logprobs, refusal: null } : null,
          message: {
            role: 'assistant',
            content: this.text === '' && toolCalls.length > 0 ? null : this.text,
            refusal: this.refusal === '' ? null : this.refusal,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
        },
      ],
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }
}
