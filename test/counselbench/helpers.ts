// A tiny replying model for these tests (the providers' scriptedModel may replace it): answers
// come from a list or a function of the request, and every request is kept for assertions.
import type { GenerateRequest, Model, ModelOutput } from '../../src/core/index.js';

export function fakeModel(replies: string[] | ((request: GenerateRequest, call: number) => string), modelId = 'fake'): Model & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  return {
    specificationVersion: 'v1',
    provider: 'fake',
    modelId,
    requests,
    async doGenerate(request): Promise<ModelOutput> {
      requests.push(request);
      const call = requests.length - 1;
      const text = typeof replies === 'function' ? replies(request, call) : replies[call];
      if (text === undefined) throw new Error(`fake model ${modelId}: no reply ${call + 1}`);
      return { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
    },
  };
}

export const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index}`).join(' ');
