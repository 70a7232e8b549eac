// A user's Hugging Face `tokenizer.json` (with the `tokenizer_config.json` beside it, if present), read with
// tokenizers.js (pure JavaScript): one reader for every feature that needs a model's own token ids (AttTok's
// logit_bias, MiniLM sentence embeddings for CARE's entity reward). Errors name the file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ConfigError } from '../core/index.js';

function readJson(file: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw new ConfigError(`${file}: no such ${what}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${file}: not a ${what} (${(error as Error).message})`);
  }
}

/** Loads a tokenizer.json (and the tokenizer_config.json beside it, if present). */
export function readTokenizer(file: string): Tokenizer {
  const json = readJson(file, 'tokenizer.json');
  if (!json.model || typeof json.model !== 'object')
    throw new ConfigError(`${file}: no "model" section (is it a tokenizer.json?)`);
  const configFile = join(dirname(file), 'tokenizer_config.json');
  const config = existsSync(configFile) ? readJson(configFile, 'tokenizer_config.json') : {};
  try {
    return new Tokenizer(json, config);
  } catch (error) {
    throw new ConfigError(`${file}: the tokenizer could not be built (${(error as Error).message})`);
  }
}
