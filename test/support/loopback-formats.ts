// Wire formats for the loopback server: reading OpenAI / Anthropic request bodies into one shape,
// and writing a scripted reply as an OpenAI chat completion, an Anthropic message, or their streams.
/* eslint-disable @typescript-eslint/no-explicit-any -- request bodies are untyped JSON by nature */

export type LoopbackApi = 'openai' | 'anthropic';

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** An object is sent as JSON; a string is sent as is (use it to send arguments that are not JSON). */
  arguments: Record<string, unknown> | string;
}

export interface ScriptedLogprob {
  token: string;
  logprob: number;
  top?: { token: string; logprob: number }[];
}

export interface LoopbackReplyObject {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** Per-token log-probabilities; when left out and the request asks, the server makes some up. */
  logprobs?: ScriptedLogprob[];
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  usage?: { inputTokens: number; outputTokens: number };
  model?: string;
}

export type LoopbackReply = string | LoopbackReplyObject;

export interface NormalizedMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  text: string;
  imageCount: number;
  toolCallId?: string;
}

export interface ReceivedImage {
  mediaType: string;
  base64: string;
}

/** What a script function sees: the request in one shape for both APIs, plus the raw body. */
export interface LoopbackTurn {
  api: LoopbackApi;
  /** 0-based count of chat requests since start, setScript or reset (embeddings not counted); a list script uses it. */
  index: number;
  body: any;
  model: string;
  messages: NormalizedMessage[];
  /** The last message's role and text: what the model is reacting to. */
  lastRole: NormalizedMessage['role'];
  lastText: string;
  /** Text of the last user message. */
  lastUserText: string;
  toolNames: string[];
  images: ReceivedImage[];
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: any) => {
      if (part?.type === 'text') return String(part.text ?? '');
      if (part?.type === 'tool_result') return textOf(part.content);
      return '';
    })
    .filter((text) => text !== '')
    .join('\n');
}

export function normalizeTurn(api: LoopbackApi, body: any, index: number): LoopbackTurn {
  const messages: NormalizedMessage[] = [];
  const images: ReceivedImage[] = [];
  const collectImages = (content: unknown): number => {
    if (!Array.isArray(content)) return 0;
    let count = 0;
    for (const part of content as any[]) {
      if (api === 'openai' && part?.type === 'image_url') {
        const match = DATA_URL.exec(String(part.image_url?.url ?? ''));
        images.push(match ? { mediaType: match[1]!, base64: match[2]! } : { mediaType: 'url', base64: '' });
        count++;
      }
      if (api === 'anthropic' && part?.type === 'image') {
        images.push({ mediaType: String(part.source?.media_type ?? ''), base64: String(part.source?.data ?? '') });
        count++;
      }
    }
    return count;
  };
  if (api === 'anthropic' && body?.system !== undefined) {
    messages.push({ role: 'system', text: textOf(body.system), imageCount: 0 });
  }
  for (const message of (body?.messages ?? []) as any[]) {
    const content = message?.content;
    if (api === 'anthropic' && Array.isArray(content) && content.some((part: any) => part?.type === 'tool_result')) {
      for (const part of content.filter((item: any) => item?.type === 'tool_result')) {
        messages.push({
          role: 'tool',
          text: textOf(part.content),
          imageCount: 0,
          toolCallId: String(part.tool_use_id),
        });
      }
      continue;
    }
    const role = ['system', 'user', 'assistant', 'tool'].includes(message?.role) ? message.role : 'user';
    const normalized: NormalizedMessage = { role, text: textOf(content), imageCount: collectImages(content) };
    if (role === 'tool') normalized.toolCallId = String(message.tool_call_id);
    messages.push(normalized);
  }
  const last = messages[messages.length - 1];
  const toolNames = ((body?.tools ?? []) as any[]).map((tool) => String(tool?.function?.name ?? tool?.name ?? ''));
  return {
    api,
    index,
    body,
    model: String(body?.model ?? ''),
    messages,
    lastRole: last?.role ?? 'user',
    lastText: last?.text ?? '',
    lastUserText: [...messages].reverse().find((message) => message.role === 'user')?.text ?? '',
    toolNames,
    images,
  };
}

/** A reply with every field filled, ready to write in either format. */
export interface ResolvedReply {
  text: string;
  toolCalls: { id: string; name: string; rawArguments: string; input: unknown }[];
  logprobs: ScriptedLogprob[] | undefined;
  finishReason: NonNullable<LoopbackReplyObject['finishReason']>;
  usage: { inputTokens: number; outputTokens: number };
  model: string;
}

const wordCount = (text: string): number => (text.match(/\S+/g) ?? []).length;

/** Made-up but deterministic log-probabilities, one per word or space run. */
function inventLogprobs(text: string, top: number): ScriptedLogprob[] {
  return (text.match(/\s+|[^\s]+/g) ?? []).map((token, position) => {
    const logprob = -0.05 * ((position % 7) + 1);
    const alternatives = Array.from({ length: top }, (_, rank) => ({
      token: rank === 0 ? token : `${token}~${rank}`,
      logprob: rank === 0 ? logprob : logprob - rank,
    }));
    return { token, logprob, top: alternatives };
  });
}

export function resolveReply(reply: LoopbackReply, turn: LoopbackTurn, callNumber: number): ResolvedReply {
  const object: LoopbackReplyObject = typeof reply === 'string' ? { text: reply } : reply;
  const text = object.text ?? '';
  const toolCalls = (object.toolCalls ?? []).map((call, position) => {
    const rawArguments = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    let input: unknown = {};
    try {
      input = JSON.parse(rawArguments);
    } catch {
      // Anthropic carries tool input as an object, so text that is not JSON can only travel in a stream.
      input = { __raw: rawArguments };
    }
    return { id: call.id ?? `call_${callNumber}_${position}`, name: call.name, rawArguments, input };
  });
  const body = turn.body ?? {};
  const wantsLogprobs = turn.api === 'openai' && body.logprobs === true;
  const logprobs =
    object.logprobs ?? (wantsLogprobs ? inventLogprobs(text, Number(body.top_logprobs ?? 0)) : undefined);
  const inputTokens = turn.messages.reduce(
    (sum, message) => sum + wordCount(message.text) + 85 * message.imageCount,
    0,
  );
  return {
    text,
    toolCalls,
    logprobs: wantsLogprobs ? logprobs : undefined,
    finishReason: object.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage: object.usage ?? { inputTokens, outputTokens: wordCount(text) + toolCalls.length * 8 },
    model: object.model ?? turn.model,
  };
}

function openaiLogprobs(logprobs: ScriptedLogprob[]): any[] {
  const bytes = (token: string) => [...Buffer.from(token, 'utf8')];
  return logprobs.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: bytes(entry.token),
    top_logprobs: (entry.top ?? []).map((top) => ({ token: top.token, logprob: top.logprob, bytes: bytes(top.token) })),
  }));
}

export function openaiCompletion(reply: ResolvedReply, id: string): any {
  const message: any = {
    role: 'assistant',
    content: reply.toolCalls.length > 0 && reply.text === '' ? null : reply.text,
    refusal: null,
  };
  if (reply.toolCalls.length > 0) {
    message.tool_calls = reply.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.rawArguments },
    }));
  }
  return {
    id,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: reply.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: reply.logprobs ? { content: openaiLogprobs(reply.logprobs), refusal: null } : null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: {
      prompt_tokens: reply.usage.inputTokens,
      completion_tokens: reply.usage.outputTokens,
      total_tokens: reply.usage.inputTokens + reply.usage.outputTokens,
    },
  };
}

/** SSE `data:` payloads of an OpenAI stream, `[DONE]` last. */
export function openaiStreamEvents(reply: ResolvedReply, id: string, includeUsage: boolean): string[] {
  const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model: reply.model };
  const chunk = (delta: any, extra: any = {}) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null, ...extra }] });
  const events = [chunk({ role: 'assistant', content: '' })];
  const pieces = reply.logprobs ? reply.logprobs.map((entry) => entry.token) : (reply.text.match(/\s*\S+\s*/g) ?? []);
  const logprobs = reply.logprobs ? openaiLogprobs(reply.logprobs) : undefined;
  pieces.forEach((piece, position) => {
    events.push(
      chunk({ content: piece }, logprobs ? { logprobs: { content: [logprobs[position]], refusal: null } } : {}),
    );
  });
  reply.toolCalls.forEach((call, index) => {
    events.push(
      chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
    );
    const half = Math.ceil(call.rawArguments.length / 2);
    for (const part of [call.rawArguments.slice(0, half), call.rawArguments.slice(half)]) {
      if (part !== '') events.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  events.push(JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason }] }));
  if (includeUsage) {
    const usage = {
      prompt_tokens: reply.usage.inputTokens,
      completion_tokens: reply.usage.outputTokens,
      total_tokens: reply.usage.inputTokens + reply.usage.outputTokens,
    };
    events.push(JSON.stringify({ ...base, choices: [], usage }));
  }
  events.push('[DONE]');
  return events;
}

const ANTHROPIC_STOP = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
} as const;

export function anthropicMessage(reply: ResolvedReply, id: string): any {
  const content: any[] = [];
  if (reply.text !== '') content.push({ type: 'text', text: reply.text });
  for (const call of reply.toolCalls)
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content,
    stop_reason: ANTHROPIC_STOP[reply.finishReason],
    stop_sequence: null,
    usage: { input_tokens: reply.usage.inputTokens, output_tokens: reply.usage.outputTokens },
  };
}

/** Anthropic SSE events as [event name, data]. */
export function anthropicStreamEvents(reply: ResolvedReply, id: string): [string, string][] {
  const message = anthropicMessage(reply, id);
  const events: [string, any][] = [
    [
      'message_start',
      {
        type: 'message_start',
        message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 0 } },
      },
    ],
  ];
  let index = 0;
  if (reply.text !== '') {
    events.push([
      'content_block_start',
      { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
    ]);
    for (const piece of reply.text.match(/\s*\S+\s*/g) ?? []) {
      events.push([
        'content_block_delta',
        { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } },
      ]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    index++;
  }
  for (const call of reply.toolCalls) {
    events.push([
      'content_block_start',
      {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      },
    ]);
    events.push([
      'content_block_delta',
      { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: call.rawArguments } },
    ]);
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    index++;
  }
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: { output_tokens: reply.usage.outputTokens },
    },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events.map(([name, data]) => [name, JSON.stringify(data)]);
}

/** A deterministic unit vector for a text (hash-seeded), so equal texts embed equally. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  let state = 2166136261;
  for (const char of text) state = Math.imul(state ^ char.codePointAt(0)!, 16777619) >>> 0;
  const vector = Array.from({ length: dimensions }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  });
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

export function errorBody(api: LoopbackApi, status: number, message: string): any {
  const type =
    status === 429
      ? 'rate_limit_error'
      : status === 401
        ? 'authentication_error'
        : status >= 500
          ? 'api_error'
          : 'invalid_request_error';
  return api === 'anthropic'
    ? { type: 'error', error: { type, message } }
    : { error: { message, type, code: null, param: null } };
}
