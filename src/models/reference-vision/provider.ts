// `--model reference-vision[:key=value,...]`: the reference vision model in this process, reached
// through the same OpenAI wire mapping as a server (toOpenAIBody → answerChatCompletion →
// fromOpenAICompletion), so in-process and loopback runs send and read identical bodies.
import type OpenAI from 'openai';
import { ConfigError, ProviderCallError } from '../../core/errors.js';
import type { ModelV1 } from '../../core/model.js';
import { fromOpenAICompletion, toOpenAIBody } from '../openai-wire.js';
import { DEFAULT_SETTINGS, REFERENCE_LABEL, type ReferenceVisionSettings } from './answer.js';
import { answerChatCompletion } from './completion.js';
import { ReferenceVisionRequestError, type WireBody } from './request.js';

export const REFERENCE_VISION_PROVIDER = 'reference-vision';

const KEYS: Record<string, keyof ReferenceVisionSettings> = {
  res: 'resolution',
  resolution: 'resolution',
  threshold: 'threshold',
  width: 'width',
  zoom_threshold: 'zoomThreshold',
  zoom_fraction: 'zoomFraction',
  unseen_prior: 'unseenPrior',
  max_zooms: 'maxZooms',
};

/** 'res=96,zoom_threshold=0.8' → settings; unknown keys and bad numbers are ConfigErrors naming the key. */
export function parseReferenceVisionOptions(text: string): ReferenceVisionSettings {
  const settings: ReferenceVisionSettings = { ...DEFAULT_SETTINGS };
  const trimmed = text.trim();
  if (trimmed === '') return settings;
  for (const pair of trimmed.split(',')) {
    const [key, value] = pair.split('=').map((part) => part.trim());
    const field = KEYS[key ?? ''];
    if (!field)
      throw new ConfigError(
        `reference-vision option '${key}' is unknown; known: ${Object.keys(KEYS).join(', ')} (e.g. reference-vision:res=96)`,
      );
    const number = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(number) || number <= 0)
      throw new ConfigError(`reference-vision option ${key}: expected a positive number, got '${value ?? ''}'`);
    (settings as unknown as Record<string, number>)[field] =
      field === 'resolution' || field === 'maxZooms' ? Math.round(number) : number;
  }
  if (settings.resolution < 16)
    throw new ConfigError(`reference-vision option res: at least 16 pixels, got ${settings.resolution}`);
  return settings;
}

export function referenceVisionModel(settings: ReferenceVisionSettings = DEFAULT_SETTINGS, options = ''): ModelV1 {
  const modelId = options ? `reference-vision:${options}` : 'reference-vision';
  return {
    specificationVersion: 'v1',
    provider: REFERENCE_VISION_PROVIDER,
    modelId,
    cacheIdentity: { kind: REFERENCE_LABEL, settings: JSON.stringify(settings) },
    async doGenerate(request, signal) {
      signal?.throwIfAborted();
      const body = await toOpenAIBody(modelId, request, { useMaxCompletionTokens: false });
      try {
        const completion = await answerChatCompletion(body as unknown as WireBody, settings, modelId);
        return fromOpenAICompletion(completion as unknown as OpenAI.Chat.Completions.ChatCompletion);
      } catch (error) {
        if (error instanceof ReferenceVisionRequestError)
          throw new ProviderCallError(REFERENCE_VISION_PROVIDER, 400, error.message, { isRetryable: false });
        throw error;
      }
    },
  };
}
