// A tiny in-test model for the visual tests: fixed replies in order, every request kept.
// (scriptedModel in src/models is another engineer's; this keeps these tests independent of it.)
import type { GenerateRequest, ModelV1 } from '../../src/core/index.js';

export function fixedReplies(
  replies: string[] | ((request: GenerateRequest, index: number) => string),
): ModelV1 & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  return {
    specificationVersion: 'v1',
    provider: 'fixed',
    modelId: 'replies',
    requests,
    async doGenerate(request) {
      requests.push(request);
      const index = requests.length - 1;
      const text = typeof replies === 'function' ? replies(request, index) : replies[index];
      if (text === undefined) throw new Error(`fixedReplies: no reply #${index + 1}`);
      return { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
    },
  };
}
