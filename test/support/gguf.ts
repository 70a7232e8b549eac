// A tiny, valid GGUF v3 llama model generated in JS, so the real `llama:` provider code (node-llama-cpp)
// runs in tests without downloading weights (no npm package ships any). The weights are random but
// seeded, so the file is byte-for-byte deterministic; a JSON-schema grammar still makes it answer in
// valid JSON. Layout (little-endian): magic, version, tensor count, KV count, KVs, tensor infos,
// padding to `general.alignment`, tensor data (each tensor aligned). See node20-notes §5.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createRng } from '../../src/stats/random.js';

export interface TinyGgufOptions {
  seed?: number;
  embeddingLength?: number;
  blockCount?: number;
  feedForwardLength?: number;
  headCount?: number;
  contextLength?: number;
}

export interface TinyGgufInfo {
  path: string;
  byteLength: number;
  vocabularySize: number;
  embeddingLength: number;
}

const ALIGNMENT = 32;
/** <unk>, <s>, </s>, 256 bytes and ▁. */
export const TINY_GGUF_VOCABULARY_SIZE = 260;
const GGML_TYPE_F32 = 0;

// GGUF metadata value types.
const enum ValueType {
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
}

type MetadataValue =
  | { type: ValueType.Uint32 | ValueType.Int32 | ValueType.Float32; value: number }
  | { type: ValueType.Bool; value: boolean }
  | { type: ValueType.String; value: string }
  | { type: ValueType.Array; itemType: ValueType.String; value: string[] }
  | { type: ValueType.Array; itemType: ValueType.Float32 | ValueType.Int32; value: number[] };

interface TensorPlan {
  name: string;
  /** ne[0] first: the innermost (row) length, as ggml orders dimensions. */
  dimensions: number[];
  /** Norm weights are 1s; the rest are small random values. */
  isNorm: boolean;
}

/** Grows a byte buffer; GGUF strings and counts are uint64, written as two uint32 halves. */
class ByteWriter {
  private buffer = Buffer.alloc(1 << 16);
  length = 0;
  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = Buffer.alloc(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
  uint32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value >>> 0, this.length);
    this.length += 4;
  }
  int32(value: number): void {
    this.ensure(4);
    this.buffer.writeInt32LE(value, this.length);
    this.length += 4;
  }
  uint64(value: number): void {
    this.ensure(8);
    this.buffer.writeBigUInt64LE(BigInt(value), this.length);
    this.length += 8;
  }
  float32(value: number): void {
    this.ensure(4);
    this.buffer.writeFloatLE(value, this.length);
    this.length += 4;
  }
  bytes(data: Uint8Array): void {
    this.ensure(data.byteLength);
    this.buffer.set(data, this.length);
    this.length += data.byteLength;
  }
  string(value: string): void {
    const data = Buffer.from(value, 'utf8');
    this.uint64(data.byteLength);
    this.bytes(data);
  }
  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.bytes(new Uint8Array(padding));
  }
  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function writeValue(writer: ByteWriter, value: MetadataValue): void {
  writer.uint32(value.type);
  switch (value.type) {
    case ValueType.Uint32:
      return writer.uint32(value.value);
    case ValueType.Int32:
      return writer.int32(value.value);
    case ValueType.Float32:
      return writer.float32(value.value);
    case ValueType.Bool:
      return writer.bytes(new Uint8Array([value.value ? 1 : 0]));
    case ValueType.String:
      return writer.string(value.value);
    case ValueType.Array:
      writer.uint32(value.itemType);
      writer.uint64(value.value.length);
      for (const item of value.value) {
        if (value.itemType === ValueType.String) writer.string(item as string);
        else if (value.itemType === ValueType.Float32) writer.float32(item as number);
        else writer.int32(item as number);
      }
  }
}

/** SentencePiece-style vocabulary: <unk>, <s>, </s>, the 256 byte tokens (byte fallback spells any text), then ▁. */
function byteVocabulary(): { tokens: string[]; scores: number[]; tokenTypes: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const tokenTypes = [2, 3, 3]; // UNKNOWN, CONTROL, CONTROL
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    tokenTypes.push(6); // BYTE
  }
  // SentencePiece writes spaces as U+2581; without this one normal token, spaces would round-trip as
  // its three UTF-8 bytes and node-llama-cpp warns that detokenize(tokenize(text)) differs from text.
  tokens.push('\u2581');
  tokenTypes.push(1); // NORMAL
  return { tokens, scores: tokens.map(() => 0), tokenTypes };
}

/** Builds the GGUF bytes in memory (deterministic for a seed). */
export function buildTinyGguf(options: TinyGgufOptions = {}): Buffer {
  const seed = options.seed ?? 1;
  const embedding = options.embeddingLength ?? 64;
  const blocks = options.blockCount ?? 2;
  const feedForward = options.feedForwardLength ?? 128;
  const heads = options.headCount ?? 4;
  const contextLength = options.contextLength ?? 4096;
  const vocabulary = byteVocabulary();
  const vocabularySize = vocabulary.tokens.length;

  const metadata: [string, MetadataValue][] = [
    ['general.architecture', { type: ValueType.String, value: 'llama' }],
    ['general.name', { type: ValueType.String, value: `medkit-tiny-random-${seed}` }],
    ['general.alignment', { type: ValueType.Uint32, value: ALIGNMENT }],
    ['general.file_type', { type: ValueType.Uint32, value: 0 }], // all F32
    ['llama.context_length', { type: ValueType.Uint32, value: contextLength }],
    ['llama.embedding_length', { type: ValueType.Uint32, value: embedding }],
    ['llama.block_count', { type: ValueType.Uint32, value: blocks }],
    ['llama.feed_forward_length', { type: ValueType.Uint32, value: feedForward }],
    ['llama.attention.head_count', { type: ValueType.Uint32, value: heads }],
    ['llama.attention.head_count_kv', { type: ValueType.Uint32, value: heads }],
    ['llama.rope.dimension_count', { type: ValueType.Uint32, value: embedding / heads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: ValueType.Float32, value: 1e-5 }],
    ['llama.vocab_size', { type: ValueType.Uint32, value: vocabularySize }],
    ['tokenizer.ggml.model', { type: ValueType.String, value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: ValueType.Array, itemType: ValueType.String, value: vocabulary.tokens }],
    ['tokenizer.ggml.scores', { type: ValueType.Array, itemType: ValueType.Float32, value: vocabulary.scores }],
    ['tokenizer.ggml.token_type', { type: ValueType.Array, itemType: ValueType.Int32, value: vocabulary.tokenTypes }],
    ['tokenizer.ggml.unknown_token_id', { type: ValueType.Uint32, value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: ValueType.Uint32, value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: ValueType.Uint32, value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: ValueType.Bool, value: true }],
    ['tokenizer.ggml.add_eos_token', { type: ValueType.Bool, value: false }],
  ];

  const tensors: TensorPlan[] = [
    { name: 'token_embd.weight', dimensions: [embedding, vocabularySize], isNorm: false },
    { name: 'output_norm.weight', dimensions: [embedding], isNorm: true },
    { name: 'output.weight', dimensions: [embedding, vocabularySize], isNorm: false },
  ];
  for (let block = 0; block < blocks; block++) {
    const prefix = `blk.${block}.`;
    tensors.push(
      { name: `${prefix}attn_norm.weight`, dimensions: [embedding], isNorm: true },
      { name: `${prefix}attn_q.weight`, dimensions: [embedding, embedding], isNorm: false },
      { name: `${prefix}attn_k.weight`, dimensions: [embedding, embedding], isNorm: false },
      { name: `${prefix}attn_v.weight`, dimensions: [embedding, embedding], isNorm: false },
      { name: `${prefix}attn_output.weight`, dimensions: [embedding, embedding], isNorm: false },
      { name: `${prefix}ffn_norm.weight`, dimensions: [embedding], isNorm: true },
      { name: `${prefix}ffn_gate.weight`, dimensions: [embedding, feedForward], isNorm: false },
      { name: `${prefix}ffn_up.weight`, dimensions: [embedding, feedForward], isNorm: false },
      { name: `${prefix}ffn_down.weight`, dimensions: [feedForward, embedding], isNorm: false },
    );
  }

  const writer = new ByteWriter();
  writer.bytes(Buffer.from('GGUF', 'latin1'));
  writer.uint32(3);
  writer.uint64(tensors.length);
  writer.uint64(metadata.length);
  for (const [key, value] of metadata) {
    writer.string(key);
    writeValue(writer, value);
  }
  let offset = 0;
  const sizes = tensors.map((tensor) => tensor.dimensions.reduce((product, size) => product * size, 1) * 4);
  tensors.forEach((tensor, index) => {
    writer.string(tensor.name);
    writer.uint32(tensor.dimensions.length);
    for (const size of tensor.dimensions) writer.uint64(size);
    writer.uint32(GGML_TYPE_F32);
    writer.uint64(offset);
    offset += Math.ceil(sizes[index]! / ALIGNMENT) * ALIGNMENT;
  });
  writer.padTo(ALIGNMENT);

  const rng = createRng(seed);
  tensors.forEach((tensor, index) => {
    const count = sizes[index]! / 4;
    const values = new Float32Array(count);
    // Scaled so activations stay finite through the blocks: 1/sqrt(fan-in).
    const scale = 1 / Math.sqrt(tensor.dimensions[0]!);
    for (let item = 0; item < count; item++) values[item] = tensor.isNorm ? 1 : rng.normal() * scale;
    writer.bytes(new Uint8Array(values.buffer));
    writer.padTo(ALIGNMENT);
  });
  return writer.result();
}

/** Writes the tiny model to `path` (creating folders) and says what it wrote. */
export async function writeTinyGguf(path: string, options: TinyGgufOptions = {}): Promise<TinyGgufInfo> {
  const data = buildTinyGguf(options);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  return {
    path,
    byteLength: data.byteLength,
    vocabularySize: TINY_GGUF_VOCABULARY_SIZE,
    embeddingLength: options.embeddingLength ?? 64,
  };
}
