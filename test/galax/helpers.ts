// Small fixtures for the GALAX tests: a reply-list model (until src/models/scripted.ts lands, a
// ModelV1 that answers from a list) and a tiny synthetic benchmark configuration.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelV1 } from '../../src/core/index.js';

export function replyModel(replies: string[]): ModelV1 & { prompts: string[] } {
  const prompts: string[] = [];
  let next = 0;
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'replies',
    prompts,
    async doGenerate(request) {
      const last = request.messages.at(-1);
      prompts.push(typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content));
      if (next >= replies.length) throw new Error(`replyModel: all ${replies.length} replies are used up`);
      return { text: replies[next++]!, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
    },
  };
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `medkit-galax-${prefix}-`));

/** A small world: 120 genes, 4 modules, 2 diseases; cheap enough for unit tests. */
export const smallArgs = { lines: 2, referenceLines: 12, genes: 120, answerSize: 12, maxSteps: 6 };
