// Constrained decoding for attribute tokens against OpenAI-compatible servers: `logit_bias` on the ids the
// user's tokenizer gives the markers and allowed tokens (read from its tokenizer.json with Hugging Face's
// tokenizers.js), or a JSON-schema enum where the server supports structured output (vLLM, SGLang, OpenAI).
import type { Tokenizer } from '@huggingface/tokenizers';
import { ConfigError, type GenerateConfig } from '../../core/index.js';
import { readTokenizer } from '../../models/tokenizer.js';
import { ATTRIBUTE_BEGIN, ATTRIBUTE_END, type AttributeEntry, type AttributeRegistry } from './attributes.js';

export { readTokenizer };

export interface AttributeTokenIds {
  begin: number;
  end: number;
  byToken: Map<string, number>;
}

/**
 * The ids of the markers and attribute tokens. Each must be ONE token of the vocabulary (added as a special
 * token, as AttTok's training does); a token the tokenizer splits or lacks is an error listing all of them.
 */
export function attributeTokenIds(tokenizer: Tokenizer, registry: AttributeRegistry, file = 'tokenizer.json') {
  const missing: string[] = [];
  const byToken = new Map<string, number>();
  for (const token of registry.specialTokens) {
    const id = tokenizer.token_to_id(token);
    const encoded = tokenizer.encode(token, { add_special_tokens: false }).ids;
    if (id === undefined || encoded.length !== 1 || encoded[0] !== id) missing.push(token);
    else byToken.set(token, id);
  }
  if (missing.length) {
    throw new ConfigError(
      `${file}: ${missing.length} attribute token(s) are not single tokens of this tokenizer: ${missing.join(' ')}. ` +
        'Add them as special tokens (medkit atttok export writes added_tokens.json for that).',
    );
  }
  return {
    begin: byToken.get(ATTRIBUTE_BEGIN)!,
    end: byToken.get(ATTRIBUTE_END)!,
    byToken,
  } satisfies AttributeTokenIds;
}

/**
 * `logit_bias` that restricts the attribute block to the markers and the allowed tokens (+bias each; the
 * OpenAI range is −100..100). Use it for the block alone (max_tokens = 3: begin, attribute, end): a bias this
 * strong applies at every position, so free text after the block needs a second call without it.
 */
export function attributeLogitBias(ids: AttributeTokenIds, allowed: AttributeEntry[], bias = 100): GenerateConfig {
  if (bias < -100 || bias > 100) throw new ConfigError(`logit bias ${bias} is outside −100..100`);
  const logitBias: Record<string, number> = { [ids.begin]: bias, [ids.end]: bias };
  for (const entry of allowed) {
    const id = ids.byToken.get(entry.token);
    if (id === undefined) throw new ConfigError(`${entry.token} has no token id`);
    logitBias[id] = bias;
  }
  return { logitBias, maxTokens: 3, temperature: 0 };
}

/** Structured output naming one allowed attribute token (for servers with JSON-schema decoding). */
export function attributeChoiceFormat(allowed: AttributeEntry[]): GenerateConfig {
  return {
    responseFormat: {
      type: 'json_schema',
      name: 'attribute',
      schema: {
        type: 'object',
        properties: { attribute: { type: 'string', enum: allowed.map((entry) => entry.token) } },
        required: ['attribute'],
        additionalProperties: false,
      },
    },
  };
}
