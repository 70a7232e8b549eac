import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runEval } from '../../../src/eval.js';
import { encodeNifti } from '../../../src/imaging/nifti.js';
import {
  corruptPatchMatrix,
  corruptVolume,
  fromPatchMatrix,
  toPatchMatrix,
} from '../../../src/methods/photon/corruption.js';
import { confidentAnswer } from '../../../src/methods/photon/shortcut.js';
import { createRng } from '../../../src/stats/random.js';

const shape: [number, number, number] = [28, 28, 42]; // a 2 × 2 × 3 patch grid of 14³
const volume = Float32Array.from({ length: 28 * 28 * 42 }, (_, i) => i);

describe('Photon corruptions and shortcut probe', () => {
  it('the patch matrix has one row per 14³ patch and round-trips', () => {
    const matrix = toPatchMatrix(volume, shape);
    assert.equal(matrix.rows, 12);
    assert.equal(matrix.columns, 2744);
    // Row 1 is the patch at (t 0, h 0, w 1): its first voxel is (z 0, y 0, x 14).
    assert.equal(matrix.data[2744], 14);
    // Column 14 + 1 of row 0 is (z 0, y 1, x 1).
    assert.equal(matrix.data[15], 42 + 1);
    assert.deepEqual(fromPatchMatrix(matrix, shape), volume);
    assert.throws(() => toPatchMatrix(volume, [28, 28, 40]), /not a multiple of the 14-voxel patch/);
  });

  it('the six corruptions act on rows (patches) and columns (voxel positions) as the code does', () => {
    const matrix = toPatchMatrix(volume, shape);
    const rowsOf = (m: { data: Float32Array; columns: number }) =>
      Array.from({ length: 12 }, (_, r) => m.data[r * m.columns]!);
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const shuffled = corruptPatchMatrix(matrix, 'row-shuffle', createRng(1));
    assert.deepEqual(sorted(rowsOf(shuffled)), sorted(rowsOf(matrix)));
    assert.notDeepEqual(rowsOf(shuffled), rowsOf(matrix));
    // Each shuffled row is a whole patch, unchanged inside.
    const first = shuffled.data.subarray(0, 2744);
    const source = rowsOf(matrix).indexOf(first[0]!);
    assert.deepEqual(first, matrix.data.subarray(source * 2744, (source + 1) * 2744));
    // Row + column: the same column permutation in every row (voxel sums per row are kept).
    const both = corruptPatchMatrix(matrix, 'row-col-shuffle', createRng(2));
    const rowSum = (m: { data: Float32Array }, r: number) =>
      m.data.subarray(r * 2744, (r + 1) * 2744).reduce((a, b) => a + b, 0);
    assert.deepEqual(
      sorted(Array.from({ length: 12 }, (_, r) => rowSum(both, r))),
      sorted(Array.from({ length: 12 }, (_, r) => rowSum(matrix, r))),
    );
    // keep-20: whole rows survive or are zero; keep-10: the same columns survive in every row.
    const keep20 = corruptPatchMatrix(matrix, 'keep-20', createRng(3));
    for (let r = 0; r < 12; r++) {
      const row = keep20.data.subarray(r * 2744, (r + 1) * 2744);
      const kept = row.some((v, c) => v === matrix.data[r * 2744 + c] && v !== 0);
      assert.ok(kept ? row.every((v, c) => v === matrix.data[r * 2744 + c]) : row.every((v) => v === 0));
    }
    const keep10 = corruptPatchMatrix(matrix, 'keep-10', createRng(4));
    const keptColumns = Array.from({ length: 2744 }, (_, c) => keep10.data[2744 + c] !== 0);
    const share = keptColumns.filter(Boolean).length / 2744;
    assert.ok(share > 0.07 && share < 0.13, `kept ${share} of the columns`);
    for (let r = 1; r < 12; r++)
      for (let c = 0; c < 2744; c += 97) assert.equal(keep10.data[r * 2744 + c] !== 0, keptColumns[c]);
    const noise = corruptVolume(volume, shape, 'noise', createRng(5));
    assert.ok(noise.every((v) => v >= 0 && v < 1));
    assert.ok(corruptVolume(volume, shape, 'zeros', createRng(6)).every((v) => v === 0));
    assert.throws(() => corruptVolume(volume, shape, 'blur' as never, createRng(7)), /unknown corruption 'blur'/);
  });

  it("'confident' is a definite answer and, with logprobs, the answer token's probability ≥ 0.9", () => {
    assert.deepEqual(confidentAnswer('ANSWER: B', ['x', 'y'], undefined, 0.9), { confident: true, letter: 'B' });
    assert.equal(confidentAnswer('I cannot tell from these images.', ['x', 'y'], undefined, 0.9).confident, false);
    const logprobs = (p: number) => [
      { token: 'ANSWER', logprob: 0 },
      { token: ':', logprob: 0 },
      { token: ' B', logprob: Math.log(p) },
    ];
    assert.equal(confidentAnswer('ANSWER: B', ['x', 'y'], logprobs(0.95), 0.9).confident, true);
    assert.equal(confidentAnswer('ANSWER: B', ['x', 'y'], logprobs(0.6), 0.9).confident, false);
  });

  it('runs the embedded phantom set (clean + six corruptions per volume) and refuses a bad user file by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'photon-shortcut-'));
    const summary = await runEval({
      benchmark: 'photon-shortcut',
      args: { n: 2, depth: 28, slices: 2 },
      outDir: join(dir, 'run'),
      cacheDir: join(dir, 'cache'),
      cache: false,
    });
    assert.equal(summary.counts.samples, 14);
    assert.equal(summary.counts.errors, 0);
    // The baseline always answers A: confident on every corrupted volume (the pure shortcut).
    assert.equal(summary.metrics['shortcut-confident']![0]!.value, 1);
    assert.equal(summary.metrics['shortcut-confident']![0]!.n, 12);

    const data = new Int16Array(16 * 16 * 16).fill(-1000);
    writeFileSync(join(dir, 'v.nii'), encodeNifti(data, [16, 16, 16], [2, 2, 2]));
    writeFileSync(
      join(dir, 'items.jsonl'),
      `${JSON.stringify({ id: 1, volume: 'v.nii', question: 'q?', choices: ['a', 'b'], answer: 'a' })}\n${JSON.stringify({ id: 2, volume: 'v.nii', question: 'q?', choices: ['a', 'b'], answer: 'c' })}\n`,
    );
    const bad = await runEval({
      benchmark: 'photon-shortcut',
      args: { path: join(dir, 'items.jsonl'), depth: 14, slices: 1 },
      outDir: join(dir, 'run-bad'),
      cacheDir: join(dir, 'cache'),
      cache: false,
    }).catch((error: Error) => error);
    assert.match(
      bad instanceof Error ? bad.message : JSON.stringify(bad),
      /items\.jsonl:2: answer 'c' is not one of the choices/,
    );
  });
});
