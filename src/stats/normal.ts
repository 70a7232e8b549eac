// The standard normal tail, for the Wilcoxon normal approximation. Written out instead of the
// usual 7-digit Abramowitz–Stegun fit because p-values are compared with scipy to ~1e-12.

const SQRT_PI = Math.sqrt(Math.PI);

/** erf(x) for small |x| by its all-positive series: erf(x) = 2/√π · e^(−x²) · Σ (2x²)^n x / (2n+1)!!. */
function erfSeries(x: number): number {
  const twoXSquared = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= twoXSquared / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x * x) * sum;
}

/** erfc(x) for x ≥ 2 by its continued fraction (modified Lentz), accurate where 1 − erf(x) cancels. */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let fraction = x;
  let numerator = x;
  let denominator = 0;
  for (let k = 1; k < 500; k++) {
    const partial = k / 2;
    denominator = x + partial * denominator;
    if (Math.abs(denominator) < tiny) denominator = tiny;
    denominator = 1 / denominator;
    numerator = x + partial / numerator;
    if (Math.abs(numerator) < tiny) numerator = tiny;
    const delta = numerator * denominator;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / fraction;
}

/** Complementary error function; relative error below 1e-13 over the real line (checked against Python math.erfc). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  return erfcContinuedFraction(x);
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** P(Z ≥ z) for a standard normal Z, without the cancellation of 1 − normalCdf(z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
