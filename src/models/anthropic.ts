// Anthropic messages API. System messages move to `system`, tool results travel as user-turn
// `tool_result` blocks, images as base64 source blocks. SDK retries are off: the runner retries.
import Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage, ToolCall } from '../core/messages.js';
import type { FinishReason, GenerateRequest, ModelOutput, ModelV1 } from '../core/model.js';
import type { ToolChoice } from '../core/tools.js';
import { ProviderCallError } from '../core/errors.js';
import { encodeImage } from './images.js';
import { computeCost, type PriceTable } from './pricing.js';
import { readJsonBody, resolveApiKey, toProviderError, type ProviderContext } from './provider-errors.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** The API requires max_tokens; this is used when the request sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type MessageParam = Anthropic.Messages.MessageParam;
type BlockParam = Anthropic.Messages.ContentBlockParam;
type CreateParams = Anthropic.Messages.MessageCreateParamsNonStreaming;

export interface AnthropicModelOptions {
  model: string;
  /** Defaults to ANTHROPIC_BASE_URL, then https://api.anthropic.com. */
  baseURL?: string;
  /** Defaults to ANTHROPIC_API_KEY. May be left out for servers on this machine or a private network. */
  apiKey?: string;
  /** $ per 1M input/output tokens by model id; fills `ModelOutput.cost`. */
  prices?: PriceTable;
  /**
   * Send `temperature` and `top_p`. Off by default: the messages API of @anthropic-ai/sdk 1.14
   * deprecates them (its types no longer have them). Turn on for older models or compatible servers.
   */
  sendSamplingParameters?: boolean;
}

// Free JSON has no switch in the messages API (a JSON Schema does: output_config.format).
const JSON_INSTRUCTION = 'Respond with a single JSON value and nothing else: no prose, no code fences.';

export async function toAnthropicMessages(
  messages: readonly ChatMessage[],
): Promise<{ system: string[]; messages: MessageParam[] }> {
  const system: string[] = [];
  const wire: MessageParam[] = [];
  // Consecutive tool results answer one assistant turn, so they share one user message.
  const pushUser = (blocks: BlockParam[]) => {
    const last = wire[wire.length - 1];
    if (last && last.role === 'user' && Array.isArray(last.content)) (last.content as BlockParam[]).push(...blocks);
    else wire.push({ role: 'user', content: blocks });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user': {
        if (typeof message.content === 'string') {
          pushUser([{ type: 'text', text: message.content }]);
          break;
        }
        const blocks: BlockParam[] = [];
        for (const part of message.content) {
          if (part.type === 'text') blocks.push({ type: 'text', text: part.text });
          else {
            const image = await encodeImage(part);
            blocks.push({ type: 'image', source: { type: 'base64', media_type: image.mediaType, data: image.base64 } });
          }
        }
        pushUser(blocks);
        break;
      }
      case 'assistant': {
        const blocks: BlockParam[] = [];
        if (message.content !== '') blocks.push({ type: 'text', text: message.content });
        for (const call of message.toolCalls ?? []) {
          blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
        }
        // The API rejects an empty assistant turn.
        if (blocks.length === 0) blocks.push({ type: 'text', text: ' ' });
        wire.push({ role: 'assistant', content: blocks });
        break;
      }
      case 'tool':
        pushUser([
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            content: message.content,
            ...(message.error !== undefined ? { is_error: true } : {}),
          },
        ]);
        break;
    }
  }
  return { system, messages: wire };
}

function toAnthropicToolChoice(choice: ToolChoice): Anthropic.Messages.ToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}

export async function toAnthropicBody(
  model: string,
  request: GenerateRequest,
  options: { sendSamplingParameters?: boolean } = {},
): Promise<CreateParams> {
  const config = request.config;
  const { system, messages } = await toAnthropicMessages(request.messages);
  if (config.responseFormat?.type === 'json') system.push(JSON_INSTRUCTION);
  const body: CreateParams = { model, messages, max_tokens: config.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS };
  if (system.length > 0) body.system = system.join('\n\n');
  if (options.sendSamplingParameters) {
    const sampling: Record<string, number> = {};
    if (config.temperature !== undefined) sampling.temperature = config.temperature;
    if (config.topP !== undefined) sampling.top_p = config.topP;
    Object.assign(body, sampling); // not in the SDK's types any more; the SDK sends extra keys as they are
  }
  if (config.stop && config.stop.length > 0) body.stop_sequences = config.stop;
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: { type: 'object', ...tool.parameters } as Anthropic.Messages.Tool.InputSchema,
    }));
    if (request.toolChoice !== undefined) body.tool_choice = toAnthropicToolChoice(request.toolChoice);
  }
  if (config.responseFormat?.type === 'json_schema') {
    body.output_config = { format: { type: 'json_schema', schema: config.responseFormat.schema } };
  }
  // No seed and no log-probabilities in this API: those settings are left out, not faked.
  return body;
}

function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'unknown';
  }
}

export function fromAnthropicMessage(message: Anthropic.Messages.Message): ModelOutput {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text') texts.push(block.text);
    if (block.type === 'tool_use') {
      const input = block.input;
      const call: ToolCall = { id: block.id, name: block.name, arguments: {} };
      if (input !== null && typeof input === 'object' && !Array.isArray(input))
        call.arguments = input as Record<string, unknown>;
      else {
        call.rawArguments = JSON.stringify(input);
        call.parseError = 'tool input is not an object';
      }
      toolCalls.push(call);
    }
  }
  const usage = message.usage;
  // Cached prompt tokens are still prompt tokens: count them, or cost and context use look too small.
  const inputTokens =
    (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0);
  const output: ModelOutput = {
    text: texts.join(''),
    toolCalls,
    finishReason: mapStopReason(message.stop_reason),
    usage: { inputTokens, outputTokens: usage?.output_tokens ?? 0 },
  };
  if (message.model) output.modelId = message.model;
  return output;
}

export function anthropicModel(options: AnthropicModelOptions): ModelV1 {
  const provider = 'anthropic';
  const baseURL = (options.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const apiKey = resolveApiKey({ apiKey: options.apiKey, keyVariable: 'ANTHROPIC_API_KEY', baseURL });
  const client = new Anthropic({
    apiKey,
    authToken: null,
    baseURL,
    maxRetries: 0,
    logLevel: 'off',
    timeout: 30 * 60 * 1000,
  });
  const context: ProviderContext = {
    provider,
    baseURL,
    keyVariable: 'ANTHROPIC_API_KEY',
    sdk: {
      APIError: Anthropic.APIError,
      APIConnectionError: Anthropic.APIConnectionError,
      APIUserAbortError: Anthropic.APIUserAbortError,
    },
  };

  async function generate(request: GenerateRequest, signal?: AbortSignal): Promise<ModelOutput> {
    const body = await toAnthropicBody(options.model, request, options);
    const response = await client.messages.create(body, { signal }).asResponse();
    const message = (await readJsonBody(response, provider)) as Anthropic.Messages.Message;
    if (!message || !Array.isArray(message.content)) {
      throw new ProviderCallError(provider, response.status, 'the reply has no `content` list', { isRetryable: true });
    }
    // No blocks and no stop reason: the server sent no answer (an empty reply with end_turn is the model's own).
    if (message.content.length === 0 && !message.stop_reason) {
      throw new ProviderCallError(
        provider,
        response.status,
        'the reply has no content and no stop reason (no answer)',
        {
          isRetryable: true,
        },
      );
    }
    const output = fromAnthropicMessage(message);
    const cost = computeCost(output.usage, options.prices, options.model, output.modelId);
    if (cost !== undefined) output.cost = cost;
    return output;
  }

  return {
    specificationVersion: 'v1',
    provider,
    modelId: options.model,
    cacheIdentity: { baseURL },
    async doGenerate(request, signal) {
      try {
        return await generate(request, signal);
      } catch (error) {
        throw toProviderError(error, context, signal);
      }
    },
  };
}
