// ONNX helpers shared by every feature that runs a user-supplied `.onnx` (one session wrapper) and by the
// tests and benches that need a model without weights (one tiny-model generator).
export * from './session.js';
export { buildOnnxModel, tinySegmenterOnnx, tinyPatchEncoderOnnx, tinyTextEncoderOnnx } from './build.js';
export type { BuildGraph, BuildNode, BuildValue, BuildInitializer } from './build.js';
export { meanPool, openSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';
