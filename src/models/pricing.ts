// Cost from a user-supplied price table. medkit ships no prices: they change, and a stale table
// would print confident wrong numbers.
import type { TokenUsage } from '../core/model.js';

/** US dollars per one million tokens. */
export interface TokenPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Model id → price. */
export type PriceTable = Record<string, TokenPrice>;

/** The cost of one call, or undefined when the table has neither the requested nor the answering model. */
export function computeCost(
  usage: TokenUsage,
  prices: PriceTable | undefined,
  ...modelIds: (string | undefined)[]
): number | undefined {
  if (!prices) return undefined;
  for (const modelId of modelIds) {
    const price = modelId === undefined ? undefined : prices[modelId];
    if (price)
      return (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000;
  }
  return undefined;
}
