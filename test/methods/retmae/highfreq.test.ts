import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRaster } from '../../../src/imaging/raster.js';
import { butterworthHighPass, highFrequencyScores, patchSelections } from '../../../src/methods/retmae/highfreq.js';

const cosineImage = (size: number, cycles: number) =>
  Float64Array.from({ length: size * size }, (_, i) => Math.cos((2 * Math.PI * cycles * (i % size)) / size));
const rms = (values: Float64Array) => Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);

describe('RetMAE high-frequency token score', () => {
  it('the Butterworth high-pass passes high and blocks low frequencies with the textbook gain', () => {
    const size = 64;
    for (const [cycles, d0Fraction, order] of [
      [2, 0.25, 2],
      [30, 0.25, 2],
      [16, 0.25, 1],
    ] as const) {
      const out = butterworthHighPass(cosineImage(size, cycles), size, size, d0Fraction, order);
      const gain = 1 / (1 + ((d0Fraction * size) / cycles) ** (2 * order));
      // A cosine on the frequency grid keeps its shape; its amplitude is scaled by H(D = cycles).
      assert.ok(
        Math.abs(rms(out) - gain * Math.SQRT1_2) < 1e-9,
        `${cycles} cycles: ${rms(out)} vs ${gain * Math.SQRT1_2}`,
      );
    }
    const constant = butterworthHighPass(new Float64Array(64 * 64).fill(3), 64, 64, 0.1, 2);
    assert.ok(rms(constant) < 1e-12, 'the DC term is removed');
  });

  it('keeps the patches where the fine texture is, inside the field of view', () => {
    const size = 64;
    const raster = createRaster(size, size, 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        // Bright field everywhere; a fine checkerboard only in the right half, a slow ramp in the left half.
        const value = x >= size / 2 ? ((x + y) % 2 ? 220 : 60) : 100 + x;
        raster.data.set([value, value, value], (y * size + x) * 3);
      }
    }
    const scores = highFrequencyScores(raster, { patch: 16, fovSoftness: 0, blurSigma: 0 });
    assert.deepEqual(scores.grid, [4, 4]);
    assert.equal(scores.kept.length, 4, '25% of 16 patches');
    for (const id of scores.kept) assert.ok(id % 4 >= 2, `patch ${id} is in the textured half`);
    const selections = patchSelections(scores, 7);
    for (const id of selections.low) assert.ok(id % 4 < 2, `low-frequency patch ${id} is in the smooth half`);
    assert.equal(new Set(selections.random).size, 4);
  });

  it('the rim of the field of view does not outscore real texture inside it', () => {
    const size = 64;
    const raster = createRaster(size, size, 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const insideDisc = Math.hypot(x - 31.5, y - 31.5) < 30;
        // A fine texture in patch 5 (x, y in 16..31); the rest of the disc is flat.
        const textured = x >= 16 && x < 32 && y >= 16 && y < 32 && (x + y) % 2 === 0;
        raster.data.set(insideDisc ? [200, textured ? 60 : 140, 60] : [0, 0, 0], (y * size + x) * 3);
      }
    }
    const scores = highFrequencyScores(raster, { patch: 16, keepRatio: 1 / 16 });
    assert.deepEqual(scores.kept, [5]);
    for (const rim of [0, 3, 12, 15]) {
      assert.ok(
        scores.scores[rim]! < 0.1 * scores.scores[5]!,
        `rim patch ${rim}: ${scores.scores[rim]} vs ${scores.scores[5]}`,
      );
    }
  });

  it('rejects sizes that are not a multiple of the patch and bad keep ratios', () => {
    assert.throws(() => highFrequencyScores(createRaster(30, 32, 3)), /not a multiple of the 16-pixel patch/);
    assert.throws(() => highFrequencyScores(createRaster(32, 32, 3), { keepRatio: 0 }), /keepRatio 0/);
  });
});
