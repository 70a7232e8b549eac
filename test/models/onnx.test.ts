import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  float32Tensor,
  int64Tensor,
  openOnnxModel,
  tinyPatchEncoderOnnx,
  tinySegmenterOnnx,
  tinyTextEncoderOnnx,
} from '../../src/models/onnx/index.js';

describe('ONNX helpers: generated tiny models through onnxruntime-node', () => {
  it('the tiny segmenter gives a per-pixel probability, and the text input reaches the output', async () => {
    const plain = await openOnnxModel(tinySegmenterOnnx({ threshold: 0.5, gain: 20 }));
    assert.deepEqual(
      plain.inputs.map((input) => [input.name, input.type]),
      [
        ['pixel_values', 'float32'],
        ['input_ids', 'int64'],
      ],
    );
    const pixels = new Float32Array(3 * 4 * 4).fill(0.2);
    for (let channel = 0; channel < 3; channel++) pixels[channel * 16 + 5] = 0.9;
    const { mask } = await plain.run({
      pixel_values: float32Tensor(pixels, [1, 3, 4, 4]),
      input_ids: int64Tensor([1, 2, 3], [1, 3]),
    });
    assert.deepEqual(mask.dims, [1, 1, 4, 4]);
    const values = Array.from(mask.data as Float32Array);
    // sigmoid(20 · (0.9 − 0.5)) and sigmoid(20 · (0.2 − 0.5)), computed by hand.
    assert.ok(Math.abs(values[5]! - 1 / (1 + Math.exp(-8))) < 1e-5);
    assert.ok(Math.abs(values[0]! - 1 / (1 + Math.exp(6))) < 1e-6);
    const texted = await openOnnxModel(tinySegmenterOnnx({ textGain: 1 }));
    const shifted = await texted.run({
      pixel_values: float32Tensor(pixels, [1, 3, 4, 4]),
      input_ids: int64Tensor([2, 2], [1, 2]),
    });
    assert.ok((shifted.mask.data as Float32Array)[0]! > values[0]!, 'token ids move the logit');
    await plain.close();
    await texted.close();
  });

  it('the tiny patch encoder returns [B, N, D] patch features in row-major order', async () => {
    const encoder = await openOnnxModel(tinyPatchEncoderOnnx({ patch: 4, dim: 5 }));
    const pixels = new Float32Array(3 * 8 * 12);
    pixels.fill(1, 0, 3 * 8 * 12);
    const { features } = await encoder.run({ pixel_values: float32Tensor(pixels, [1, 3, 8, 12]) });
    assert.deepEqual(features.dims, [1, 6, 5]);
    // Identical patches give identical features.
    const data = features.data as Float32Array;
    for (let patch = 1; patch < 6; patch++) {
      for (let d = 0; d < 5; d++) assert.ok(Math.abs(data[patch * 5 + d]! - data[d]!) < 1e-5);
    }
  });

  it('the tiny text encoder zeroes masked positions (mean pooling is the caller’s job)', async () => {
    const encoder = await openOnnxModel(tinyTextEncoderOnnx({ vocab: 16, dim: 4 }));
    const { last_hidden_state: hidden } = await encoder.run({
      input_ids: int64Tensor([1, 2, 3], [1, 3]),
      attention_mask: int64Tensor([1, 1, 0], [1, 3]),
    });
    assert.deepEqual(hidden.dims, [1, 3, 4]);
    const data = hidden.data as Float32Array;
    assert.ok(Math.abs(data[0]! - Math.cos(4 * 0.731) * 0.5) < 1e-6, 'row 1 of the table');
    assert.deepEqual(Array.from(data.slice(8, 12)).map(Math.abs), [0, 0, 0, 0]);
  });

  it('bad inputs and bad files get errors that name the file and the tensor', async () => {
    const segmenter = await openOnnxModel(tinySegmenterOnnx());
    const pixels = float32Tensor(new Float32Array(48), [1, 3, 4, 4]);
    await assert.rejects(() => segmenter.run({ pixel_values: pixels }), /input "input_ids" missing/);
    await assert.rejects(
      () =>
        segmenter.run({
          pixel_values: float32Tensor(new Float32Array(48), [1, 4, 3, 4]),
          input_ids: int64Tensor([1], [1, 1]),
        }),
      /"pixel_values" needs dimension 1 = 3/,
    );
    await assert.rejects(
      () =>
        segmenter.run({
          pixel_values: float32Tensor(new Float32Array(5), [1, 3, 4, 4]),
          input_ids: int64Tensor([1], [1, 1]),
        }),
      /5 values for dims \[1,3,4,4\]/,
    );
    await assert.rejects(
      () => segmenter.run({ pixel_values: pixels, input_ids: float32Tensor([1], [1, 1]) }),
      /"input_ids" is int64 in the model, got float32/,
    );
    const folder = mkdtempSync(join(tmpdir(), 'medkit-onnx-'));
    const garbage = join(folder, 'garbage.onnx');
    writeFileSync(garbage, 'not a protobuf at all');
    await assert.rejects(
      () => openOnnxModel(garbage, { purpose: 'segmenter' }),
      /garbage\.onnx: not a loadable ONNX model/,
    );
    const empty = join(folder, 'empty.onnx');
    writeFileSync(empty, '');
    await assert.rejects(() => openOnnxModel(empty), /empty\.onnx: the file is empty/);
    await assert.rejects(
      () => openOnnxModel(join(folder, 'missing.onnx'), { purpose: 'segmenter' }),
      /segmenter file not found/,
    );
  });

  it('a model written to disk opens from its path', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'medkit-onnx-'));
    const path = join(folder, 'encoder.onnx');
    writeFileSync(path, tinyPatchEncoderOnnx({ patch: 2, dim: 3 }));
    const encoder = await openOnnxModel(path, { threads: 1 });
    assert.equal(encoder.file, path);
    const { features } = await encoder.run({ pixel_values: float32Tensor(new Float32Array(3 * 4 * 4), [1, 3, 4, 4]) });
    assert.deepEqual(features.dims, [1, 4, 3]);
  });
});
