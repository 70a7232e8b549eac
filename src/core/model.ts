// The versioned provider spec. Providers implement `ModelV1`; only src/runner calls `doGenerate`,
// wrapped in cache, retries, rate limits and usage accounting ("do": not for direct use).
import type { ChatMessage, ToolCall } from './messages.js';
import type { ToolChoice, ToolSpec } from './tools.js';

export interface GenerateConfig {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  /** Structured output: free JSON, or JSON that follows a JSON Schema (llama: a grammar). */
  responseFormat?: { type: 'json' } | { type: 'json_schema'; name: string; schema: Record<string, unknown> };
  /** Ask for per-token log-probabilities with this many alternatives per position (0 = chosen token only). */
  topLogprobs?: number;
  /** Per-request timeout in ms; the runner enforces it. */
  timeoutMs?: number;
  /**
   * Additive biases on token ids (OpenAI `logit_bias`, −100..100; ids are the server tokenizer's), e.g. to
   * constrain decoding to a set of special tokens. Providers without it ignore it and say so in their README.
   */
  logitBias?: Record<string, number>;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  config: GenerateConfig;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top: { token: string; logprob: number }[];
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'unknown';

/** What a model returned for one request. */
export interface ModelOutput {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: TokenUsage;
  /** USD, when the provider or a price table knows it. */
  cost?: number;
  logprobs?: TokenLogprob[];
  /** Which model answered (servers may resolve aliases). */
  modelId?: string;
  /** Set by the runner's cache middleware. */
  cached?: boolean;
  latencyMs?: number;
}

export interface ModelV1 {
  readonly specificationVersion: 'v1'; // a breaking change adds ModelV2 beside this, never edits it
  readonly provider: string; // 'openai' | 'anthropic' | 'llama' | 'scripted' | ...
  readonly modelId: string;
  /** Non-secret settings that change answers (base URL, threads...): part of the cache key. */
  readonly cacheIdentity?: Record<string, string | number | boolean>;
  doGenerate(request: GenerateRequest, signal?: AbortSignal): Promise<ModelOutput>;
  /** Text embeddings, where the provider has them. */
  doEmbed?(texts: string[], signal?: AbortSignal): Promise<{ embeddings: number[][]; usage?: TokenUsage }>;
  /** Free native resources (llama contexts). */
  close?(): Promise<void>;
}

export type Model = ModelV1;

/** The roles one run can give different models. */
export const MODEL_ROLES = ['agent', 'user', 'judge', 'grader', 'validator', 'proposer', 'coordinator'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

export const emptyUsage = (): TokenUsage => ({ inputTokens: 0, outputTokens: 0 });
