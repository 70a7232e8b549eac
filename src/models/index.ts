// medkit/models: providers implementing ModelV1 (src/core/model.ts), and the spec registry.
// llama.ts is re-exported for its types and factory; node-llama-cpp itself loads only when a llama
// model is used.
export * from './openai.js';
export * from './anthropic.js';
export * from './llama.js';
export * from './scripted.js';
export * from './registry.js';
export * from './pricing.js';
export { parseToolCall } from './tool-calls.js';
export { encodeImage, dataUrl, type EncodedImage } from './images.js';
export { parseRetryAfter, isLocalBaseURL, resolveApiKey, toProviderError } from './provider-errors.js';
export { toLlamaHistory, LLAMA_NO_IMAGES } from './llama-history.js';
export { toOpenAIBody, toOpenAIMessages, fromOpenAICompletion, mapLogprobs } from './openai-wire.js';
