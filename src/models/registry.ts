// Model specs as the CLI takes them: `<provider>:<model>`. Providers load lazily, so `medkit list`
// and scripted runs never import an SDK or native library they do not use.
import { ConfigError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import type { PriceTable } from './pricing.js';

export interface ProviderInfo {
  name: string;
  description: string;
  example: string;
}

export const providers: readonly ProviderInfo[] = [
  {
    name: 'openai',
    description:
      'OpenAI chat completions, or any compatible server via --base-url (vLLM, Ollama, SGLang); OPENAI_API_KEY',
    example: 'openai:gpt-4o-mini',
  },
  {
    name: 'anthropic',
    description: 'Anthropic messages API; ANTHROPIC_API_KEY',
    example: 'anthropic:claude-sonnet-4-5',
  },
  {
    name: 'llama',
    description: 'a local GGUF file through node-llama-cpp (CPU; optional dependency; text only)',
    example: 'llama:./models/model.gguf',
  },
  {
    name: 'reference-vision',
    description:
      'the reference vision model: deterministic pixel rules over the OpenAI wire, in process (not a language model)',
    example: 'reference-vision:res=128',
  },
  {
    name: 'scripted',
    description: 'replies from a JSON, JSONL or YAML script file (demos, tests)',
    example: 'scripted:./script.yaml',
  },
];

export interface CreateModelOptions {
  /** openai / anthropic: the server (else OPENAI_BASE_URL / ANTHROPIC_BASE_URL, else the vendor's). */
  baseURL?: string;
  /** openai / anthropic: the key (else OPENAI_API_KEY / ANTHROPIC_API_KEY). */
  apiKey?: string;
  prices?: PriceTable;
  /** llama only. */
  threads?: number;
  contextSize?: number;
  seed?: number;
}

/** 'baseline' picks a benchmark's non-LLM solver: the CLI handles it, it is not a model. */
export const BASELINE_SPEC = 'baseline';
export function isBaselineSpec(spec: string): boolean {
  return spec.trim().toLowerCase() === BASELINE_SPEC;
}

const known = (): string => `${providers.map((provider) => provider.name).join(', ')}`;

/** Splits at the first colon only, so paths with colons (C:\models\x.gguf) stay whole. */
export function parseModelSpec(spec: string): { provider: string; name: string } {
  const trimmed = spec.trim();
  if (isBaselineSpec(trimmed)) {
    throw new ConfigError(
      `'baseline' is not a model: it selects the benchmark's non-LLM solver (the CLI's --model baseline), so it cannot be created here.`,
    );
  }
  const colon = trimmed.indexOf(':');
  // The reference vision model needs no name: its options, if any, follow the colon.
  if (trimmed.toLowerCase() === 'reference-vision') return { provider: 'reference-vision', name: '' };
  if (colon < 0) {
    const asProvider = providers.find((provider) => provider.name === trimmed.toLowerCase());
    if (asProvider)
      throw new ConfigError(`model '${trimmed}' needs a name after the provider, e.g. ${asProvider.example}`);
    throw new ConfigError(
      `model '${trimmed}' needs a provider prefix, e.g. openai:${trimmed}; known providers: ${known()}`,
    );
  }
  const provider = trimmed.slice(0, colon).toLowerCase();
  const name = trimmed.slice(colon + 1).trim();
  const info = providers.find((candidate) => candidate.name === provider);
  if (!info) throw new ConfigError(`unknown model provider '${provider}' in '${trimmed}'; known providers: ${known()}`);
  if (name === '' && provider !== 'reference-vision')
    throw new ConfigError(`model '${trimmed}' needs a name after the provider, e.g. ${info.example}`);
  return { provider, name };
}

/** Builds the model a spec names; throws ConfigError (one clear sentence) when it cannot. */
export async function createModel(spec: string, options: CreateModelOptions = {}): Promise<Model> {
  const { provider, name } = parseModelSpec(spec);
  switch (provider) {
    case 'openai': {
      const { openaiModel } = await import('./openai.js');
      return openaiModel({ model: name, baseURL: options.baseURL, apiKey: options.apiKey, prices: options.prices });
    }
    case 'anthropic': {
      const { anthropicModel } = await import('./anthropic.js');
      return anthropicModel({ model: name, baseURL: options.baseURL, apiKey: options.apiKey, prices: options.prices });
    }
    case 'llama': {
      const { llamaModel } = await import('./llama.js');
      return llamaModel({
        modelPath: name,
        threads: options.threads,
        contextSize: options.contextSize,
        seed: options.seed,
      });
    }
    case 'reference-vision': {
      const { referenceVisionModel, parseReferenceVisionOptions } = await import('./reference-vision/provider.js');
      return referenceVisionModel(parseReferenceVisionOptions(name), name);
    }
    case 'scripted': {
      const { loadScriptedModel } = await import('./scripted.js');
      return loadScriptedModel(name);
    }
    default:
      throw new ConfigError(`unknown model provider '${provider}'; known providers: ${known()}`);
  }
}
