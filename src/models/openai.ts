// OpenAI chat completions, and every server that speaks that API (vLLM, Ollama, SGLang, llama.cpp
// server) through `baseURL`. The SDK's own retries are off (`maxRetries: 0`): the runner retries,
// using `isRetryable` and `retryAfterMs` from the errors built here. A plain (non-streamed) chat call
// goes over the lean undici path (openai-http.ts) unless `transport: 'sdk'` or MEDKIT_OPENAI_TRANSPORT=sdk;
// streaming and embeddings use the SDK. Both paths share the wire mapping and the error mapping.
import OpenAI from 'openai';
import type { GenerateRequest, ModelOutput, ModelV1, TokenUsage } from '../core/model.js';
import { ConfigError, ProviderCallError } from '../core/errors.js';
import { undiciPoster, type JsonPoster } from './openai-http.js';
import { ChunkAccumulator, fromOpenAICompletion, toOpenAIBody } from './openai-wire.js';
import { computeCost, type PriceTable } from './pricing.js';
import {
  parseJsonBody,
  readJsonBody,
  resolveApiKey,
  toProviderError,
  type ProviderContext,
} from './provider-errors.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIModelOptions {
  /** Model name as the server knows it, e.g. `gpt-4o-mini` or a vLLM served name. */
  model: string;
  /** Defaults to OPENAI_BASE_URL, then https://api.openai.com/v1. */
  baseURL?: string;
  /** Defaults to OPENAI_API_KEY. May be left out for servers on this machine or a private network. */
  apiKey?: string;
  organization?: string;
  /** $ per 1M input/output tokens by model id; fills `ModelOutput.cost`. */
  prices?: PriceTable;
  /**
   * Stream the reply and assemble it here. Same output; useful behind proxies that cut idle
   * connections during long generations.
   */
  stream?: boolean;
  /** Sent as the provider name in errors and logs; default 'openai'. */
  providerName?: string;
  /**
   * How a plain chat call travels: 'undici' (default: a keep-alive pool, no SDK per request) or 'sdk' (the
   * official client, as before); default from MEDKIT_OPENAI_TRANSPORT. Same requests, replies and errors.
   */
  transport?: OpenAITransport;
}

export type OpenAITransport = 'undici' | 'sdk';

function transportOf(options: OpenAIModelOptions): OpenAITransport {
  const chosen = options.transport ?? process.env.MEDKIT_OPENAI_TRANSPORT ?? 'undici';
  if (chosen !== 'undici' && chosen !== 'sdk')
    throw new ConfigError(`MEDKIT_OPENAI_TRANSPORT must be 'undici' or 'sdk', got '${chosen}'`);
  return chosen;
}

export interface OpenAIModel extends ModelV1 {
  doEmbed(texts: string[], signal?: AbortSignal): Promise<{ embeddings: number[][]; usage?: TokenUsage }>;
}

export function openaiModel(options: OpenAIModelOptions): OpenAIModel {
  const provider = options.providerName ?? 'openai';
  const baseURL = (options.baseURL ?? process.env.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const apiKey = resolveApiKey({ apiKey: options.apiKey, keyVariable: 'OPENAI_API_KEY', baseURL });
  const client = new OpenAI({
    apiKey,
    baseURL,
    organization: options.organization ?? null,
    project: null,
    maxRetries: 0,
    logLevel: 'off', // providers never log: the runner's log is the one record
    // The runner's AbortSignal is the per-request timeout; this only bounds a call nobody limited.
    timeout: 30 * 60 * 1000,
  });
  const context: ProviderContext = {
    provider,
    baseURL,
    keyVariable: 'OPENAI_API_KEY',
    sdk: {
      APIError: OpenAI.APIError,
      APIConnectionError: OpenAI.APIConnectionError,
      APIUserAbortError: OpenAI.APIUserAbortError,
    },
  };
  const useMaxCompletionTokens = baseURL === OPENAI_DEFAULT_BASE_URL;
  // The plain chat call: the status and body text of a 2xx reply (anything else throws the SDK's error).
  const poster: JsonPoster =
    transportOf(options) === 'undici'
      ? undiciPoster({ baseURL, apiKey, ...(options.organization ? { organization: options.organization } : {}) })
      : {
          async post(_path, body, signal) {
            const response = await client.chat.completions
              .create(body as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, { signal })
              .asResponse();
            return { status: response.status, text: await response.text() };
          },
        };

  async function generate(request: GenerateRequest, signal?: AbortSignal): Promise<ModelOutput> {
    const body = await toOpenAIBody(options.model, request, { useMaxCompletionTokens });
    let output: ModelOutput;
    if (options.stream) {
      const accumulator = new ChunkAccumulator();
      const stream = await client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      for await (const chunk of stream) accumulator.add(chunk);
      // The SDK ends quietly when the connection closes early; a reply with no finish reason was cut off.
      if (!accumulator.finished) {
        throw new ProviderCallError(provider, undefined, 'the stream ended before the reply finished', {
          isRetryable: true,
        });
      }
      output = fromOpenAICompletion(accumulator.completion());
    } else {
      // The raw response, parsed here: a garbled body then keeps its HTTP status in the error.
      const response = await poster.post('/chat/completions', body, signal);
      const completion = parseJsonBody(response.text, response.status, provider) as
        | OpenAI.Chat.Completions.ChatCompletion
        | undefined;
      if (!completion || !Array.isArray(completion.choices)) {
        throw new ProviderCallError(provider, response.status, 'the reply has no `choices` list', {
          isRetryable: true,
        });
      }
      // A 200 without an answer is a failed call, not an empty answer: retried, never cached or scored.
      if (completion.choices.length === 0 || !completion.choices[0]?.message) {
        const what = completion.choices.length === 0 ? 'an empty `choices` list' : 'a choice without a message';
        throw new ProviderCallError(provider, response.status, `the reply has ${what} (no answer)`, {
          isRetryable: true,
        });
      }
      output = fromOpenAICompletion(completion);
    }
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
    async doEmbed(texts, signal) {
      try {
        // 'float' explicitly: the SDK otherwise asks for base64, which some compatible servers lack.
        const response = await client.embeddings
          .create({ model: options.model, input: texts, encoding_format: 'float' }, { signal })
          .asResponse();
        const reply = (await readJsonBody(response, provider)) as OpenAI.Embeddings.CreateEmbeddingResponse;
        if (!reply || !Array.isArray(reply.data) || reply.data.length !== texts.length) {
          throw new ProviderCallError(
            provider,
            response.status,
            `expected ${texts.length} embeddings, got ${reply?.data?.length ?? 'none'}`,
            {
              isRetryable: true,
            },
          );
        }
        const embeddings = [...reply.data]
          .sort((left, right) => left.index - right.index)
          .map((item) => item.embedding);
        const usage = reply.usage ? { inputTokens: reply.usage.prompt_tokens, outputTokens: 0 } : undefined;
        return usage ? { embeddings, usage } : { embeddings };
      } catch (error) {
        throw toProviderError(error, context, signal);
      }
    },
  };
}
