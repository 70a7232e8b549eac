// Local GGUF models through node-llama-cpp (an optional dependency, loaded with `await import()`
// only when a llama model is used). CPU only, prebuilt binaries only: `build: 'never'` because a
// source build clones llama.cpp from GitHub, which fails offline. Threads are always explicit:
// the default of 4 on a 2-core machine was measured ~170× slower per token (node20-notes §4).
import { existsSync } from 'node:fs';
import type {
  ChatModelFunctions,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaEmbeddingContext,
  LlamaGrammar,
  LlamaModel,
} from 'node-llama-cpp';
import { canonicalJson } from '../core/json.js';
import { ConfigError, MedkitError } from '../core/errors.js';
import type { ToolCall } from '../core/messages.js';
import type { FinishReason, GenerateRequest, ModelOutput, ModelV1, TokenUsage } from '../core/model.js';
import { toLlamaHistory } from './llama-history.js';

type LlamaModule = typeof import('node-llama-cpp');

export interface LlamaModelOptions {
  /** A .gguf file. */
  modelPath: string;
  /** CPU threads for evaluation (default 1: best for tiny models and for decoding). */
  threads?: number;
  /** Tokens of context (default 4096; chat templates spend many tokens on their own text). */
  contextSize?: number;
  /** Sampling seed when the request sets none (default 0), so sampled runs repeat. */
  seed?: number;
  /** Cap on generated tokens when the request sets none (default 512): random or looping models never stop. */
  maxTokens?: number;
}

export interface LlamaModelHandle extends ModelV1 {
  doEmbed(texts: string[], signal?: AbortSignal): Promise<{ embeddings: number[][]; usage?: TokenUsage }>;
  close(): Promise<void>;
}

/** A one-slot queue: one context sequence serves one request at a time, in arrival order. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

async function importLlama(): Promise<LlamaModule> {
  try {
    return await import('node-llama-cpp');
  } catch (cause) {
    throw new ConfigError(
      'the llama provider needs node-llama-cpp; install it with `npm install --save-exact node-llama-cpp@3.21.1`.',
      { cause },
    );
  }
}

// One native Llama instance per process (each getLlama() loads the binding again), disposed when
// the last model that used it closes, so the process can exit promptly.
let llamaUsers = 0;
let sharedLlama: Promise<{ module: LlamaModule; llama: Llama; messages: string[] }> | undefined;
function loadLlama(): Promise<{ module: LlamaModule; llama: Llama; messages: string[] }> {
  sharedLlama ??= (async () => {
    const module = await importLlama();
    // Providers never log: llama.cpp's warnings and errors are kept to explain a failed load.
    const messages: string[] = [];
    const llama = await module.getLlama({
      gpu: false,
      build: 'never',
      logLevel: module.LlamaLogLevel.warn,
      logger: (level, message) => {
        messages.push(`${level}: ${message.trim()}`);
        if (messages.length > 20) messages.shift();
      },
    });
    return { module, llama, messages };
  })();
  sharedLlama.catch(() => (sharedLlama = undefined));
  return sharedLlama;
}

function finishReasonFor(stopReason: string): FinishReason {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'functionCalls') return 'tool_calls';
  return 'stop';
}

export function llamaModel(options: LlamaModelOptions): LlamaModelHandle {
  const { modelPath } = options;
  const threads = options.threads ?? 1;
  const contextSize = options.contextSize ?? 4096;
  if (!existsSync(modelPath)) throw new ConfigError(`llama model file not found: ${modelPath}`);

  const mutex = new Mutex();
  const embedMutex = new Mutex();
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  let loaded: Promise<{ llama: Llama; module: LlamaModule; model: LlamaModel }> | undefined;
  let context: Promise<{ context: LlamaContext; sequence: LlamaContextSequence }> | undefined;
  let embeddingContext: Promise<LlamaEmbeddingContext> | undefined;
  let callNumber = 0;

  function load() {
    loaded ??= (async () => {
      llamaUsers++;
      try {
        const { llama, module, messages } = await loadLlama();
        try {
          return { llama, module, model: await llama.loadModel({ modelPath }) };
        } catch (cause) {
          const detail = messages.length > 0 ? ` (llama.cpp: ${messages.slice(-3).join(' | ')})` : '';
          throw new ConfigError(`llama could not load ${modelPath}: ${(cause as Error).message}${detail}`, { cause });
        }
      } catch (error) {
        llamaUsers--;
        throw error;
      }
    })();
    loaded.catch(() => (loaded = undefined));
    return loaded;
  }

  function chatContext() {
    context ??= (async () => {
      const { model } = await load();
      const created = await model.createContext({ contextSize, threads, sequences: 1 });
      return { context: created, sequence: created.getSequence() };
    })();
    return context;
  }

  function grammarFor(request: GenerateRequest): Promise<LlamaGrammar> | undefined {
    const format = request.config.responseFormat;
    if (!format) return undefined;
    const key = format.type === 'json' ? 'json' : canonicalJson(format.schema);
    let grammar = grammars.get(key);
    if (!grammar) {
      grammar = load().then(({ llama }) =>
        format.type === 'json'
          ? llama.getGrammarFor('json')
          : // node-llama-cpp accepts a subset of JSON Schema; it throws on what it cannot express.
            llama.createGrammarForJsonSchema(format.schema as Parameters<Llama['createGrammarForJsonSchema']>[0]),
      );
      grammars.set(key, grammar);
      grammar.catch(() => grammars.delete(key));
    }
    return grammar;
  }

  async function generate(request: GenerateRequest, signal?: AbortSignal): Promise<ModelOutput> {
    const history = toLlamaHistory(request.messages);
    const useTools = request.tools !== undefined && request.tools.length > 0 && request.toolChoice !== 'none';
    if (useTools && request.config.responseFormat) {
      throw new ConfigError(
        'the llama provider cannot combine tools and responseFormat in one request (node-llama-cpp allows a grammar or functions, not both).',
      );
    }
    const grammar = await grammarFor(request);
    const { module } = await load();
    const { sequence } = await chatContext();
    const config = request.config;
    return mutex.run(async () => {
      signal?.throwIfAborted();
      // Each request starts from an empty sequence: no state leaks from one sample into the next.
      await sequence.clearHistory();
      const before = sequence.tokenMeter.getState();
      const chat = new module.LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
      try {
        const common = {
          signal,
          maxTokens: config.maxTokens ?? options.maxTokens ?? 512,
          temperature: config.temperature ?? 0,
          seed: config.seed ?? options.seed ?? 0,
          ...(config.topP !== undefined ? { topP: config.topP } : {}),
          ...(config.stop && config.stop.length > 0 ? { customStopTriggers: config.stop } : {}),
        };
        const functions: ChatModelFunctions | undefined = useTools
          ? Object.fromEntries(
              request.tools!.map((tool) => [
                tool.name,
                { description: tool.description, params: tool.parameters as never },
              ]),
            )
          : undefined;
        const response = functions
          ? await chat.generateResponse(history, { ...common, functions })
          : await chat.generateResponse(history, grammar ? { ...common, grammar: await grammar } : common);
        const usage = module.TokenMeter.diff(sequence.tokenMeter, before);
        const number = callNumber++;
        const toolCalls: ToolCall[] = (response.functionCalls ?? []).map((call, index) => {
          const params: unknown = call.params;
          const toolCall: ToolCall = {
            id: `llama-${number}-${index}`,
            name: call.functionName,
            arguments: {},
            rawArguments: JSON.stringify(params ?? {}),
          };
          if (params !== null && typeof params === 'object' && !Array.isArray(params))
            toolCall.arguments = params as Record<string, unknown>;
          return toolCall;
        });
        return {
          text: response.response,
          toolCalls,
          finishReason: toolCalls.length > 0 ? 'tool_calls' : finishReasonFor(response.metadata.stopReason),
          usage: { inputTokens: usage.usedInputTokens, outputTokens: usage.usedOutputTokens },
          modelId: modelPath,
        };
      } finally {
        chat.dispose({ disposeSequence: false });
      }
    });
  }

  return {
    specificationVersion: 'v1',
    provider: 'llama',
    modelId: modelPath,
    cacheIdentity: { threads, contextSize, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
    async doGenerate(request, signal) {
      try {
        return await generate(request, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        if (MedkitError.isInstance(error)) throw error;
        throw new MedkitError(`llama (${modelPath}) failed: ${(error as Error).message}`, { cause: error });
      }
    },
    async doEmbed(texts, signal) {
      const { model } = await load();
      embeddingContext ??= model.createEmbeddingContext({ contextSize: Math.min(contextSize, 2048), threads });
      const embedder = await embeddingContext;
      return embedMutex.run(async () => {
        const embeddings: number[][] = [];
        let inputTokens = 0;
        for (const text of texts) {
          signal?.throwIfAborted();
          inputTokens += model.tokenize(text).length;
          embeddings.push(Array.from((await embedder.getEmbeddingFor(text)).vector));
        }
        return { embeddings, usage: { inputTokens, outputTokens: 0 } };
      });
    },
    async close() {
      const pending = [embeddingContext, context, loaded];
      embeddingContext = context = loaded = undefined;
      grammars.clear();
      const [embedder, chat, model] = await Promise.all(pending.map((item) => item?.catch(() => undefined)));
      await (embedder as LlamaEmbeddingContext | undefined)?.dispose();
      await (chat as { context: LlamaContext } | undefined)?.context.dispose();
      await (model as { model: LlamaModel } | undefined)?.model.dispose();
      if (model !== undefined && --llamaUsers === 0 && sharedLlama) {
        const shared = sharedLlama;
        sharedLlama = undefined;
        await (await shared.catch(() => undefined))?.llama.dispose();
      }
    },
  };
}
