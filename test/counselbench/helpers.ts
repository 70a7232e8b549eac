// Test models for these files: the project's scriptedModel, with its recorded requests also
// available as `requests`.
import type { GenerateRequest } from '../../src/core/index.js';
import { scriptedModel, type ScriptedModel } from '../../src/models/scripted.js';

export function fakeModel(
  replies: string[] | ((request: GenerateRequest, call: number) => string),
  modelId = 'fake',
): ScriptedModel & { requests: GenerateRequest[] } {
  const model = scriptedModel(replies, { modelId });
  return Object.assign(model, { requests: model.calls as GenerateRequest[] });
}

export const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index}`).join(' ');
