// A model that answers from a script: the model every unit test uses, and the one offline demos
// use (`scripted:<file>`). It records every request in `calls`, so tests can assert what a solver
// or agent actually sent.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseJsonLinesText } from '../core/data-files.js';
import { ConfigError, SampleFormatError, ScriptExhaustedError } from '../core/errors.js';
import { messageText, type ToolCall } from '../core/messages.js';
import type { GenerateRequest, ModelOutput, ModelV1, TokenUsage } from '../core/model.js';
import { parseToolCall } from './tool-calls.js';

export interface ScriptedToolCall {
  /** Default `call_<call number>_<position>`. */
  id?: string;
  name: string;
  /** An object, or text (kept raw, with `parseError` when it is not a JSON object). */
  arguments?: Record<string, unknown> | string;
}

/** A reply: its text, or any part of a ModelOutput (tool calls may leave out ids). */
export type ScriptedReply = string | (Partial<Omit<ModelOutput, 'toolCalls'>> & { toolCalls?: ScriptedToolCall[] });

/** Replies in order, or a function of the request (return undefined when it has nothing to say). */
export type ScriptedReplies =
  | readonly ScriptedReply[]
  | ((request: GenerateRequest, callIndex: number) => ScriptedReply | undefined | Promise<ScriptedReply | undefined>);

export interface ScriptMatchRule {
  /** Case-insensitive text the last user or tool message must contain (all of them, for a list). */
  contains: string | string[];
  /** Only match a message with this role. */
  role?: 'user' | 'tool';
  reply: ScriptedReply;
}

export interface ScriptedModelOptions {
  modelId?: string;
  /** Checked before the list on every call; a match does not use up a listed reply. */
  match?: ScriptMatchRule[];
  /** The answer when nothing matches and the list is used up (otherwise ScriptExhaustedError). */
  fallback?: ScriptedReply;
  /** Named in ScriptExhaustedError (the script file, for loaded scripts). */
  source?: string;
}

export interface ScriptedModel extends ModelV1 {
  readonly calls: GenerateRequest[];
  doEmbed(texts: string[]): Promise<{ embeddings: number[][]; usage: TokenUsage }>;
}

/** The text the model is reacting to: the last user or tool message. */
function lastInput(request: GenerateRequest): { role: 'user' | 'tool'; text: string } | undefined {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index]!;
    if (message.role === 'user' || message.role === 'tool') return { role: message.role, text: messageText(message) };
  }
  return undefined;
}

function matchRule(rules: readonly ScriptMatchRule[], request: GenerateRequest): ScriptedReply | undefined {
  const input = lastInput(request);
  if (!input) return undefined;
  const text = input.text.toLowerCase();
  for (const rule of rules) {
    if (rule.role !== undefined && rule.role !== input.role) continue;
    const needles = Array.isArray(rule.contains) ? rule.contains : [rule.contains];
    if (needles.every((needle) => text.includes(needle.toLowerCase()))) return rule.reply;
  }
  return undefined;
}

export function toModelOutput(reply: ScriptedReply, callIndex: number, modelId: string): ModelOutput {
  const object = typeof reply === 'string' ? { text: reply } : reply;
  const toolCalls: ToolCall[] = (object.toolCalls ?? []).map((call, position) => {
    const id = call.id ?? `call_${callIndex}_${position}`;
    if (typeof call.arguments === 'string') return parseToolCall(id, call.name, call.arguments);
    return { id, name: call.name, arguments: call.arguments ?? {} };
  });
  const output: ModelOutput = {
    ...object,
    text: object.text ?? '',
    toolCalls,
    finishReason: object.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage: object.usage ?? { inputTokens: 0, outputTokens: 0 },
  };
  output.modelId ??= modelId;
  return output;
}

/** Hashed bag of words in 64 dimensions, unit length: texts sharing words land close. Offline demos only. */
export function hashedEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 0x811c9dc5;
    for (const char of word) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
    vector[hash % dimensions]! += (hash & 0x100) === 0 ? 1 : -1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

export function scriptedModel(replies: ScriptedReplies, options: ScriptedModelOptions = {}): ScriptedModel {
  const calls: GenerateRequest[] = [];
  const isList = typeof replies !== 'function';
  const modelId = options.modelId ?? (isList ? `scripted-${replies.length}` : 'scripted-function');
  let nextListed = 0;
  return {
    specificationVersion: 'v1',
    provider: 'scripted',
    modelId,
    calls,
    async doGenerate(request) {
      const callIndex = calls.length;
      calls.push(request);
      let reply = options.match ? matchRule(options.match, request) : undefined;
      if (reply === undefined) {
        if (isList) reply = replies[nextListed] !== undefined ? replies[nextListed++] : undefined;
        else reply = await replies(request, callIndex);
      }
      reply ??= options.fallback;
      if (reply === undefined)
        throw new ScriptExhaustedError(isList ? replies.length : callIndex, options.source ?? 'scripted model');
      return toModelOutput(reply, callIndex, modelId);
    },
    async doEmbed(texts) {
      const inputTokens = texts.reduce((sum, text) => sum + (text.match(/\S+/g) ?? []).length, 0);
      return { embeddings: texts.map((text) => hashedEmbedding(text)), usage: { inputTokens, outputTokens: 0 } };
    },
  };
}

// ---- script files ---------------------------------------------------------------------------

const toolCallSchema = z.strictObject({
  id: z.string().optional(),
  name: z.string().min(1),
  arguments: z
    .union([z.record(z.string(), z.unknown()), z.string()], { error: 'expected an object or a text' })
    .optional(),
});
const replyObjectSchema = z.strictObject({
  text: z.string().optional(),
  toolCalls: z.array(toolCallSchema).optional(),
  finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'error', 'unknown']).optional(),
  usage: z
    .strictObject({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() })
    .optional(),
  cost: z.number().nonnegative().optional(),
  logprobs: z
    .array(
      z.strictObject({
        token: z.string(),
        logprob: z.number(),
        top: z.array(z.strictObject({ token: z.string(), logprob: z.number() })),
      }),
    )
    .optional(),
  modelId: z.string().optional(),
});
const fileSchema = z.strictObject({
  modelId: z.string().optional(),
  replies: z.array(z.unknown()).optional(),
  match: z
    .array(
      z.strictObject({
        contains: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
          error: 'expected a text or a list of texts',
        }),
        role: z.enum(['user', 'tool']).optional(),
        reply: z.unknown(),
      }),
    )
    .optional(),
  fallback: z.unknown().optional(),
});

interface Where {
  file: string;
  line?: number;
}
const fail = (where: Where, field: string, problem: string): never => {
  throw new ConfigError(`${where.file}${where.line !== undefined ? `:${where.line}` : ''}: ${field}: ${problem}`);
};

function issueText(error: z.ZodError, prefix: string): [string, string] {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
  return [path || '(script)', issue.message];
}

/** Checks one reply: a string, or an object with the reply fields (strings are the common case). */
function validateReply(value: unknown, field: string, where: Where): ScriptedReply {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(
      where,
      field,
      `expected a string or an object with text/toolCalls, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`,
    );
  }
  const parsed = replyObjectSchema.safeParse(value);
  if (!parsed.success) return fail(where, ...issueText(parsed.error, field));
  return parsed.data as ScriptedReply;
}

/** Parses script text (format from the file extension: .json, .jsonl, .yaml/.yml) into model options. */
export function parseScript(text: string, file: string): { replies: ScriptedReply[]; options: ScriptedModelOptions } {
  const extension = extname(file).toLowerCase();
  const where: Where = { file };
  if (extension === '.jsonl') {
    let rows: ReturnType<typeof parseJsonLinesText>;
    try {
      rows = parseJsonLinesText(text, file);
    } catch (error) {
      // A script is configuration, not a dataset: the same message, as a ConfigError.
      if (error instanceof SampleFormatError) throw new ConfigError(error.message, { cause: error });
      throw error;
    }
    const replies = rows.map(({ value, at }) => validateReply(value, 'reply', at));
    return { replies, options: { source: file, modelId: basename(file, extension) } };
  }
  let document: unknown;
  try {
    document = extension === '.yaml' || extension === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    fail(
      where,
      '(file)',
      `is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (Array.isArray(document)) {
    return {
      replies: document.map((value, index) => validateReply(value, `${index}`, where)),
      options: { source: file, modelId: basename(file, extension) },
    };
  }
  if (document === null || typeof document !== 'object') {
    return fail(where, '(file)', 'expected a list of replies, or an object with replies, match and fallback');
  }
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) return fail(where, ...issueText(parsed.error, ''));
  const script = parsed.data;
  if (!script.replies && !script.match && script.fallback === undefined) {
    fail(where, '(file)', 'has no replies, match rules or fallback');
  }
  const options: ScriptedModelOptions = { source: file, modelId: script.modelId ?? basename(file, extension) };
  if (script.match) {
    options.match = script.match.map((rule, index) => ({
      ...rule,
      reply: validateReply(rule.reply, `match.${index}.reply`, where),
    }));
  }
  if (script.fallback !== undefined) options.fallback = validateReply(script.fallback, 'fallback', where);
  return {
    replies: (script.replies ?? []).map((value, index) => validateReply(value, `replies.${index}`, where)),
    options,
  };
}

/** Reads a JSON, JSONL or YAML script: a list of replies, or `{ replies, match, fallback, modelId }`. */
export async function loadScriptedModel(path: string): Promise<ScriptedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `scripted model file ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? error})`,
      { cause: error },
    );
  }
  const { replies, options } = parseScript(text, path);
  return scriptedModel(replies, options);
}
