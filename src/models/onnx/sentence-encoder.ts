// Sentence embeddings from a user-supplied MiniLM-style `.onnx` (e.g. all-MiniLM-L6-v2 exported by optimum) and
// its `tokenizer.json`, as sentence-transformers computes them: tokens with the tokenizer's special tokens,
// the encoder's `last_hidden_state`, mean pooling over the attention mask, L2 normalisation. CARE's entity reward
// uses it for s_ij (multimodal-methods.md §1: cosine of MiniLM-L6-v2 embeddings).
import type { Tokenizer } from '@huggingface/tokenizers';
import { ConfigError } from '../../core/index.js';
import { readTokenizer } from '../tokenizer.js';
import { int64Tensor, OnnxModelError, openOnnxModel, type OnnxModel, type OnnxTensor } from './session.js';

export interface SentenceEncoder {
  readonly file: string;
  /** One L2-normalised vector per text (a text with no tokens is an error naming it). */
  embed(texts: readonly string[]): Promise<number[][]>;
  close(): Promise<void>;
}

/** Mean of the token vectors whose mask is 1, L2-normalised: [B, T, D] → B vectors of D. */
export function meanPool(hidden: OnnxTensor, mask: readonly (readonly number[])[]): number[][] {
  const [batch, tokens, dim] = hidden.dims as [number, number, number];
  const data = hidden.data as Float32Array;
  return Array.from({ length: batch }, (_, b) => {
    const sum = new Array<number>(dim).fill(0);
    let count = 0;
    for (let t = 0; t < tokens; t++) {
      if (!mask[b]![t]) continue;
      count++;
      for (let d = 0; d < dim; d++) sum[d]! += data[(b * tokens + t) * dim + d]!;
    }
    const mean = sum.map((value) => value / Math.max(count, 1e-9));
    const norm = Math.sqrt(mean.reduce((total, value) => total + value * value, 0));
    return norm === 0 ? mean : mean.map((value) => value / norm);
  });
}

/**
 * Opens the encoder. Contract (README): inputs `input_ids` and `attention_mask` int64 [B, T] (and
 * `token_type_ids`, zeros, when the model declares it); output `last_hidden_state` float32 [B, T, D] (else the
 * first output of rank 3; a rank-2 [B, D] output is taken as already pooled). At most `maxTokens` per text.
 */
export async function openSentenceEncoder(
  onnxFile: string,
  tokenizerFile: string,
  options: { maxTokens?: number } = {},
): Promise<SentenceEncoder> {
  const tokenizer: Tokenizer = readTokenizer(tokenizerFile);
  const model: OnnxModel = await openOnnxModel(onnxFile, { purpose: 'sentence encoder' });
  const names = model.inputs.map((input) => input.name);
  for (const needed of ['input_ids', 'attention_mask'])
    if (!names.includes(needed)) {
      await model.close();
      throw new ConfigError(
        `${onnxFile}: a sentence encoder needs inputs input_ids and attention_mask; this model has ${names.join(', ')}`,
      );
    }
  const maxTokens = options.maxTokens ?? 256;
  const outputName =
    model.outputs.find((output) => output.name === 'last_hidden_state')?.name ??
    model.outputs.find((output) => output.shape?.length === 3)?.name ??
    model.outputs[0]!.name;
  return {
    file: onnxFile,
    async embed(texts) {
      if (texts.length === 0) return [];
      const encoded = texts.map((text) => {
        const { ids } = tokenizer.encode(text);
        if (ids.length === 0) throw new ConfigError(`${tokenizerFile}: '${text}' has no tokens`);
        return ids.slice(0, maxTokens);
      });
      const length = Math.max(...encoded.map((ids) => ids.length));
      const ids = encoded.flatMap((row) => [...row, ...new Array<number>(length - row.length).fill(0)]);
      const mask = encoded.map((row) => [...row.map(() => 1), ...new Array<number>(length - row.length).fill(0)]);
      const dims = [texts.length, length];
      const feeds: Record<string, OnnxTensor> = {
        input_ids: int64Tensor(ids, dims),
        attention_mask: int64Tensor(mask.flat(), dims),
      };
      if (names.includes('token_type_ids')) feeds.token_type_ids = int64Tensor(new Array(ids.length).fill(0), dims);
      const output = (await model.run(feeds))[outputName];
      if (!output || (output.type !== 'float32' && output.type !== 'float64'))
        throw new OnnxModelError(onnxFile, `output "${outputName}" is missing or not float`);
      if (output.dims.length === 2)
        return Array.from({ length: texts.length }, (_, b) => {
          const dim = output.dims[1]!;
          return Array.from(output.data.subarray(b * dim, (b + 1) * dim) as Float32Array);
        });
      if (output.dims.length !== 3 || output.dims[0] !== texts.length || output.dims[1] !== length)
        throw new OnnxModelError(
          onnxFile,
          `output "${outputName}" has dims [${output.dims}], expected [${texts.length}, ${length}, D] (last_hidden_state)`,
        );
      return meanPool(output, mask);
    },
    close: () => model.close(),
  };
}
