// The LLM roles of `medkit synth`: `generator` and `verifier`, each a model bound with the runner's
// middleware (cache, retries, connection gate, timeout: src/runner). Model output is untrusted text:
// it is parsed (extractJsonObject) and validated with zod, never evaluated. An output that breaks the
// contract is retried with a correction turn (which also changes the cache key, so a cached bad reply
// is not replayed) up to `maxAttempts`, then recorded as a failure with the raw text.
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import {
  assistantMessage,
  type ChatMessage,
  imageFromPath,
  mediaTypeForPath,
  textPart,
  userMessage,
} from '../core/index.js';
import { createModel } from '../models/registry.js';
import { type ResponseCache, withCache } from '../runner/cache.js';
import { addUsage, bindModel, type ModelBinding, type RoleUsage } from '../runner/context.js';
import {
  DEFAULT_RETRY_POLICY,
  type GenerateMiddleware,
  RateGate,
  withGate,
  withRetry,
  withTimeout,
} from '../runner/middleware.js';
import { extractJsonObject } from '../scoring/judge-parse.js';
import { ESSENTIAL_TITLES } from '../scoring/medvlsynther-rubric.js';
import type { Figure } from './figures.js';
import { type GeneratedMcq, generatedMcqSchema, generatorContext } from './generator.js';
import { GenerationFailure, type SynthGenerator, type SynthVerifier } from './pipeline.js';

// The contract and rules of synthesis/generate/glm_generate.py as the reference states them; upstream's
// exact wording is not in the reference (a documented deviation), so the prompt's hash is recorded.
export const GENERATOR_PROMPT = `You write one multiple-choice question for medical students from the images and text below.
Rules: the stem is self-contained; answering needs inspection of the image(s); caption facts are paraphrased, never
copied; exactly one best answer among five options A-E; never mention "caption" or "context"; no patient identifiers
or brand names; no chain of thought. Archetypes: finding identification, diagnosis, next step, localisation,
modality/sequence recognition.
Output exactly one JSON object and nothing else, with no extra keys:
{"question": "<self-contained stem>", "options": {"A": "...", "B": "...", "C": "...", "D": "...", "E": "..."}, "answer": "<A-E>"}`;

export const VERIFIER_PROMPT = `You verify a generated multiple-choice question against the images and source text.
Return {"rubric": [{"idx", "title", "description", "category", "weight", "score", "notes"}]} with no totals, or
{"error": "insufficient_evidence"}. Weights: Essential 5, Important 3-4, Optional 1-2, Pitfall -1 or -2. Each item
scores 0 or its full weight; a pitfall scores its weight only when triggered. Always include the seven essential
items titled exactly: ${ESSENTIAL_TITLES.join('; ')}. Judge essentials as a fair referee; bonus items as a critic
(default 0). Add 4-8 bonus items and the pitfalls Forbidden Terms, Synonym Drift, Multiple Keys, Medical Inaccuracy.`;

export interface SynthRoleOptions {
  baseUrl?: string;
  maxRetries: number;
  timeoutMs: number;
  /** Requests in flight to this role's model (the runner's gate). */
  connections: number;
}

/** A role model bound with the runner's middleware: cache, retries with backoff, a gate of connections, timeout. */
export async function bindSynthRole(
  spec: string,
  options: SynthRoleOptions,
  cache?: ResponseCache,
): Promise<ModelBinding> {
  const model = await createModel(spec, options.baseUrl ? { baseURL: options.baseUrl } : {});
  const gate = new RateGate(options.connections);
  const middleware: GenerateMiddleware[] = cache ? [withCache(cache, model)] : [];
  middleware.push(
    withRetry({ ...DEFAULT_RETRY_POLICY, maxRetries: options.maxRetries }, gate),
    withGate(gate),
    withTimeout(options.timeoutMs),
  );
  return bindModel(spec, model, middleware);
}

export const promptHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

const rubricItem = z.looseObject({
  title: z.unknown(),
  category: z.unknown(),
  weight: z.unknown(),
  score: z.unknown(),
});
const verifierReply = z.union([
  z.looseObject({ rubric: z.array(rubricItem).min(1) }),
  z.looseObject({ error: z.string() }),
]);

function figureTurn(figure: Figure, text: string): ChatMessage {
  return userMessage([
    ...figure.images.map((path, i) => imageFromPath(path, mediaTypeForPath(path), `Image ${i + 1}`)),
    textPart(text),
  ]);
}

/** Calls the role until `parse` accepts the text, at most maxAttempts times; throws GenerationFailure. */
async function callUntilValid<T>(
  binding: ModelBinding,
  first: ChatMessage,
  parse: (text: string) => { ok: true; value: T } | { ok: false; error: string },
  maxAttempts: number,
  signal: AbortSignal,
  usage: Partial<Record<'role', RoleUsage>>,
): Promise<T> {
  // every request in flight listens on the run's signal (timeouts, Ctrl-C): as the runner does, no cap
  setMaxListeners(0, signal);
  const messages: ChatMessage[] = [first];
  let last = { error: '', raw: '' };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const output = await binding.generate({ messages, config: { temperature: 0 } }, signal);
    addUsage(usage, 'role', output);
    const parsed = parse(output.text);
    if (parsed.ok) return parsed.value;
    last = { error: parsed.error, raw: output.text };
    messages.push(
      assistantMessage(output.text),
      userMessage(`That reply was not valid (${parsed.error}). Reply with exactly one JSON object as specified.`),
    );
  }
  throw new GenerationFailure(
    `${binding.name}: ${maxAttempts} replies broke the contract; last: ${last.error}`,
    last.raw,
  );
}

function parseWith<T>(schema: z.ZodType<T>) {
  return (text: string): { ok: true; value: T } | { ok: false; error: string } => {
    const json = extractJsonObject(text);
    if (!json.ok) return { ok: false, error: json.error };
    const checked = schema.safeParse(json.value);
    if (checked.success) return { ok: true, value: checked.data };
    const issue = checked.error.issues[0]!;
    return { ok: false, error: `${issue.path.join('.') || '(object)'}: ${issue.message}` };
  };
}

export function llmGenerator(
  binding: ModelBinding,
  maxAttempts = 3,
  signal = new AbortController().signal,
): SynthGenerator {
  const usage: Partial<Record<'role', RoleUsage>> = {};
  return {
    name: binding.name,
    promptHash: promptHash(GENERATOR_PROMPT),
    usage: () => usage.role,
    generate: (figure) =>
      callUntilValid(
        binding,
        figureTurn(figure, `${GENERATOR_PROMPT}\n\n${generatorContext(figure)}`),
        parseWith(generatedMcqSchema),
        maxAttempts,
        signal,
        usage,
      ),
  };
}

export function llmVerifier(
  binding: ModelBinding,
  maxAttempts = 3,
  signal = new AbortController().signal,
): SynthVerifier {
  const usage: Partial<Record<'role', RoleUsage>> = {};
  return {
    name: binding.name,
    promptHash: promptHash(VERIFIER_PROMPT),
    usage: () => usage.role,
    async verify(figure, mcq: GeneratedMcq) {
      const text = `${VERIFIER_PROMPT}\n\nSources:\n${generatorContext(figure)}\n\nMCQ:\n${JSON.stringify(mcq)}`;
      const reply = await callUntilValid(
        binding,
        figureTurn(figure, text),
        parseWith(verifierReply),
        maxAttempts,
        signal,
        usage,
      );
      return 'error' in reply && typeof reply.error === 'string'
        ? { error: reply.error }
        : { rubric: (reply as { rubric: Record<string, unknown>[] }).rubric };
    },
  };
}
