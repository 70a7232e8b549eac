// Answer-position rebalancing. Upstream rebalanced A–E after filtering but its script is not in the
// reference, so this is medkit's documented algorithm: over the N kept items, the target letters are
// A..E repeated to length N (counts differ by at most one), shuffled with a seeded RNG; item i's key is
// swapped with the option at target letter i. The swap keeps the option texts and moves only two.
import { createRng, hashSeed } from '../stats/random.js';
import { OPTION_LETTERS, type OptionLetter } from './generator.js';

export function rebalanceTargets(count: number, seed: number): OptionLetter[] {
  const targets = Array.from({ length: count }, (_, i) => OPTION_LETTERS[i % OPTION_LETTERS.length]!);
  return createRng(hashSeed('synth-rebalance', seed)).shuffle(targets);
}

/** Moves the key to `target` by swapping two options; returns new options and answer. */
export function moveAnswer(
  options: Record<OptionLetter, string>,
  answer: OptionLetter,
  target: OptionLetter,
): { options: Record<OptionLetter, string>; answer: OptionLetter } {
  const moved = { ...options };
  moved[target] = options[answer];
  moved[answer] = options[target];
  return { options: moved, answer: target };
}
