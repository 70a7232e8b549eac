// The bootstrap's inner loop for the mean: `iterations` resample means of `values`, drawing indices with
// mulberry32 from `seed` exactly as createRng(seed).int(n) does (same state sequence, same
// floor(next() * n)), so the intervals are bit-identical to resampling through the Rng object.
// A run summary draws iterations × n indices (10⁹ for a million samples), so the loop is written
// out here: the generator inlined with its state in a local, typed arrays only, and the sum kept in
// integers when that is exact, which keeps the floating-point add chain off the critical path.

/**
 * Each value's code (its level's index) and the distinct values in order of first appearance, or
 * undefined when there are more than 256. Few levels are searched in a list (0/1 scores: two
 * compares per value), more in a Map.
 */
function codesOf(values: ArrayLike<number>): { codes: Uint8Array; levels: number[] } | undefined {
  const codes = new Uint8Array(values.length);
  const levels: number[] = [];
  let codeOf: Map<number, number> | undefined;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    let code = -1;
    if (codeOf === undefined) {
      // SameValueZero, as the Set of levels before: +0 and −0 are one level.
      for (let level = 0; level < levels.length; level++)
        if (levels[level] === value) {
          code = level;
          break;
        }
    } else code = codeOf.get(value) ?? -1;
    if (code < 0) {
      if (levels.length === 256) return undefined;
      code = levels.length;
      levels.push(value);
      if (levels.length === 8) codeOf = new Map(levels.map((level, at) => [level, at]));
      else codeOf?.set(value, code);
    }
    codes[index] = code;
  }
  return { codes, levels };
}

/**
 * The power of two 2^p (p = 0..16) that makes every level an integer in [0, 255], when there is one
 * and a sum of `size` such integers stays below 2^31: then the sum of any draw, taken in any order,
 * is exactly `integer sum × 2^−p` in floating point too (every partial sum is representable).
 */
function integerScale(levels: readonly number[], size: number): number | undefined {
  if (size * 255 >= 2 ** 31) return undefined;
  for (let power = 0; power <= 16; power++) {
    const scale = 2 ** power;
    if (levels.every((level) => Number.isInteger(level * scale) && level * scale >= 0 && level * scale <= 255))
      return scale;
  }
  return undefined;
}

/**
 * Codes of `bits` bits (1, 2, 4 or 8) packed into 32-bit words: a million 0/1 scores take 125 kB,
 * which stays in cache while the draws read it at random (the reads, not the arithmetic, were half
 * the time with one byte per value).
 */
function packCodes(codes: Uint8Array, bits: number): Int32Array {
  const perWord = 32 / bits;
  const words = new Int32Array(Math.ceil(codes.length / perWord));
  for (let index = 0; index < codes.length; index++)
    words[Math.floor(index / perWord)]! |= codes[index]! << ((index % perWord) * bits);
  return words;
}

/**
 * Resample means: results[i] = (Σ of n draws with replacement) / n, the draws summed in draw order, for
 * i = 0 .. iterations − 1, all from one mulberry32 stream started at `seed`.
 */
export function resampleMeans(values: ArrayLike<number>, iterations: number, seed: number): Float64Array {
  const size = values.length;
  const results = new Float64Array(iterations);
  const coded = codesOf(values);
  if (!coded) {
    meansOfValues(Float64Array.from(values as ArrayLike<number>), iterations, seed >>> 0, results);
    return results;
  }
  const { codes, levels } = coded;
  const scale = integerScale(levels, size);
  if (scale !== undefined && levels.every((level) => level * scale <= 1)) {
    // 0/1 scores (the common case): the bits are the values, so a draw is one shift and mask.
    const bits = packCodes(
      codes.map((code) => levels[code]! * scale),
      1,
    );
    meansOfBits(bits, size, 1 / scale, iterations, seed >>> 0, results);
    return results;
  }
  const log2Bits = levels.length <= 2 ? 0 : levels.length <= 4 ? 1 : levels.length <= 16 ? 2 : 3;
  const words = packCodes(codes, 1 << log2Bits);
  if (scale !== undefined) {
    // Small non-negative integers (rubric points, quarter points scaled): exact integer sums.
    const integers = Int32Array.from(levels, (level) => level * scale);
    meansOfIntegerCodes(words, log2Bits, size, integers, 1 / scale, iterations, seed >>> 0, results);
  } else meansOfCodes(words, log2Bits, size, Float64Array.from(levels), iterations, seed >>> 0, results);
  return results;
}

// The loops repeat the generator on purpose: one function per array type keeps each loop
// monomorphic, and a call per draw would cost more than the draw. A draw's code is bits
// [(index mod c)·b, +b) of word index / c, with b = 2^log2Bits bits per code and c = 32 / b codes per word.

function meansOfBits(
  bits: Int32Array,
  size: number,
  unit: number,
  iterations: number,
  seed: number,
  results: Float64Array,
): void {
  let state = seed | 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let sum = 0;
    for (let position = 0; position < size; position++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      // floor() of a non-negative number below 2^31 is its truncation, `| 0`.
      const index = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * size) | 0;
      sum += (bits[index >>> 5]! >>> (index & 31)) & 1;
    }
    results[iteration] = (sum * unit) / size;
  }
}

function meansOfIntegerCodes(
  words: Int32Array,
  log2Bits: number,
  size: number,
  integers: Int32Array,
  unit: number,
  iterations: number,
  seed: number,
  results: Float64Array,
): void {
  const wordShift = 5 - log2Bits;
  const slotMask = (1 << wordShift) - 1;
  const codeMask = (1 << (1 << log2Bits)) - 1;
  let state = seed | 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let sum = 0;
    for (let position = 0; position < size; position++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const index = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * size);
      sum = (sum + integers[(words[index >>> wordShift]! >>> ((index & slotMask) << log2Bits)) & codeMask]!) | 0;
    }
    // unit = 2^−p: the product is exact, so this is the floating-point sum divided by n.
    results[iteration] = (sum * unit) / size;
  }
}

function meansOfCodes(
  words: Int32Array,
  log2Bits: number,
  size: number,
  lookup: Float64Array,
  iterations: number,
  seed: number,
  results: Float64Array,
): void {
  const wordShift = 5 - log2Bits;
  const slotMask = (1 << wordShift) - 1;
  const codeMask = (1 << (1 << log2Bits)) - 1;
  let state = seed | 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let sum = 0;
    for (let position = 0; position < size; position++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const index = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * size);
      sum += lookup[(words[index >>> wordShift]! >>> ((index & slotMask) << log2Bits)) & codeMask]!;
    }
    results[iteration] = sum / size;
  }
}

function meansOfValues(values: Float64Array, iterations: number, seed: number, results: Float64Array): void {
  const size = values.length;
  let state = seed | 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let sum = 0;
    for (let position = 0; position < size; position++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      sum += values[Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * size)]!;
    }
    results[iteration] = sum / size;
  }
}
