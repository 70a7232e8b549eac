// The entropy monitor of MedVR's EVR (multimodal-methods.md §2) from what an API returns: top-k
// logprobs per token. The full distribution is unknown, so H_t is a TRUNCATED entropy: the k
// listed terms −p log p plus one tail bucket holding the remaining mass 1 − Σ top-k, counted as a
// single outcome (a lower bound on the true entropy; exact when the top-k hold all the mass).
import type { TokenLogprob } from '../../core/index.js';

export function truncatedEntropy(token: TokenLogprob): number {
  const listed = token.top.length > 0 ? token.top : [{ token: token.token, logprob: token.logprob }];
  let mass = 0;
  let entropy = 0;
  for (const option of listed) {
    const p = Math.exp(option.logprob);
    mass += p;
    if (p > 0) entropy -= p * Math.log(p);
  }
  const tail = 1 - mass;
  if (tail > 1e-9) entropy -= tail * Math.log(tail);
  return entropy;
}

const mean = (values: number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/**
 * H_base over the tokens before the tool call (the first `baseWindow` of them), H_tool over the
 * tool-call tokens (from the first token containing "<tool_call>"; its coordinates). Null when
 * the reply has no logprobs or no text tool call.
 */
export function entropyShift(
  logprobs: readonly TokenLogprob[] | undefined,
  baseWindow = 8,
): { hBase: number; hTool: number; delta: number } | null {
  if (!logprobs || logprobs.length === 0) return null;
  const start = logprobs.findIndex((token) => token.token.includes('<tool_call>'));
  if (start < 0) return null;
  const hBase = mean(logprobs.slice(0, Math.min(start, baseWindow)).map(truncatedEntropy));
  const hTool = mean(logprobs.slice(start).map(truncatedEntropy));
  return { hBase, hTool, delta: hTool - hBase };
}

/** P = clip(P_base + γ·ΔH, 0, 1). */
export const branchProbability = (delta: number, pBase: number, gamma: number): number =>
  Math.min(1, Math.max(0, pBase + gamma * delta));
