// The one autodiff engine of the method kits: TensorFlow.js on its pure-JavaScript CPU backend. The umbrella
// package is used because it registers the gradient functions (tfjs-core alone ships them as ES modules that
// Node 20 cannot import); tfjs-node needs a download that is not reachable. The CPU backend is enough for the
// toy-sized reference math and gradient checks the kits run. Loaded on first use: importing a kit costs nothing.
type Tf = typeof import('@tensorflow/tfjs');

let tfPromise: Promise<Tf> | undefined;

/** tfjs-core on the 'cpu' backend, ready to use. float32 throughout (the CPU backend has no float64). */
export function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    // The CPU backend prints an advert for tfjs-node on first use when IS_NODE is set; medkit never uses
    // tfjs's Node-only features (file IO, fetch), so the flag is cleared to keep logs clean.
    tf.env().set('IS_NODE', false);
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return tfPromise;
}

/**
 * Central finite differences of a scalar function at `x` (float64), for checking autodiff gradients.
 * `h` is relative to each coordinate's magnitude (at least `h` absolute).
 */
export function finiteDifferenceGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-4): Float64Array {
  const point = Float64Array.from(x);
  const gradient = new Float64Array(point.length);
  for (let index = 0; index < point.length; index++) {
    const original = point[index]!;
    const step = h * Math.max(1, Math.abs(original));
    point[index] = original + step;
    const up = f(point);
    point[index] = original - step;
    const down = f(point);
    point[index] = original;
    gradient[index] = (up - down) / (2 * step);
  }
  return gradient;
}

/** Largest |a − b| / max(1, |b|) over two gradients (the check's error measure). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let index = 0; index < b.length; index++) {
    worst = Math.max(worst, Math.abs(a[index]! - b[index]!) / Math.max(1, Math.abs(b[index]!)));
  }
  return worst;
}
