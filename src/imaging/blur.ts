// Separable Gaussian blur on a plain value grid (row-major, width fastest) with edge replication: the one blur the
// reference vision model's blob detector and RetMAE's high-frequency score share. The kernel and the output have
// the input's array type, so a Float32 caller gets exactly the float32 arithmetic it always had.

type Grid = Float32Array | Float64Array;

/** Normalised Gaussian kernel of radius max(1, ⌈3σ⌉), in the array type of `like`. */
export function gaussianKernel<T extends Grid>(sigma: number, like: T): T {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new (like.constructor as new (length: number) => T)(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) total += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= total;
  return kernel;
}

/** Separable Gaussian blur (rows, then columns) with edge replication; σ ≤ 0 returns a copy. */
export function gaussianBlur<T extends Grid>(values: T, width: number, height: number, sigma: number): T {
  const make = (length: number) => new (values.constructor as new (length: number) => T)(length);
  if (!(sigma > 0)) {
    const copy = make(values.length);
    copy.set(values);
    return copy;
  }
  const kernel = gaussianKernel(sigma, values);
  const radius = (kernel.length - 1) / 2;
  const pass = make(values.length);
  const out = make(values.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++)
        sum += kernel[k + radius]! * values[y * width + Math.min(width - 1, Math.max(0, x + k))]!;
      pass[y * width + x] = sum;
    }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++)
        sum += kernel[k + radius]! * pass[Math.min(height - 1, Math.max(0, y + k)) * width + x]!;
      out[y * width + x] = sum;
    }
  return out;
}
