// Wilcoxon signed-rank test for paired samples, following scipy.stats.wilcoxon (scipy 1.17,
// scipy/stats/_wilcoxon.py) so that medkit's p-values can be checked against a Python notebook.
import { averageRanks } from './descriptive.js';
import { StatsInputError, requireFiniteNumbers, requireSameLength } from './errors.js';
import { normalCdf, normalSf } from './normal.js';

export interface WilcoxonOptions {
  /**
   * 'wilcox' (default) drops zero differences; 'pratt' ranks them, then drops their ranks;
   * 'zsplit' ranks them and gives half of each zero's rank to each side.
   */
  zeroMethod?: 'wilcox' | 'pratt' | 'zsplit';
  /** 'greater' tests whether a tends to exceed b. Default 'two-sided'. */
  alternative?: 'two-sided' | 'greater' | 'less';
  /** Continuity correction of 0.5 in the normal approximation (scipy default false). */
  correction?: boolean;
}

export interface WilcoxonResult {
  /** min(W+, W−) for two-sided, as scipy; W+ (rank sum of positive differences) for one-sided. */
  statistic: number;
  /** Differences that entered the ranking (non-zero ones under 'wilcox'). */
  n: number;
  /**
   * Normal-approximation z of W+ (tie-corrected, positive when a tends to exceed b), reported for
   * every method as an effect size (r = z/√n). scipy reports −|z| for two-sided, and only when
   * asymptotic; take −Math.abs(z) to compare.
   */
  z: number;
  pValue: number;
  /**
   * 'exact': the exact null distribution (n ≤ 50, no ties, no zeros).
   * 'permutation': the exact distribution conditional on the observed ranks, by enumerating all
   * sign flips (ties or zeros, at most 13 differences; scipy ≥ 1.13 does the same).
   * 'normal': normal approximation with tie correction (more than 50, or ties/zeros with more than 13).
   */
  method: 'exact' | 'permutation' | 'normal';
}

/**
 * Paired Wilcoxon signed-rank test on the differences a − b, with scipy's `method='auto'` choice.
 * Differences are rounded to 12 significant digits before ranking (scipy's docs advise it), so
 * floating-point noise cannot split ties; this is the only departure from scipy.
 * Throws when a and b differ in length, are empty or hold non-finite numbers. When every
 * difference is zero under 'wilcox', the statistic is 0 and the p-value is 1 (≤ 13 pairs) or NaN
 * (more), exactly as scipy.
 */
export function wilcoxonSignedRank(
  a: readonly number[],
  b: readonly number[],
  { zeroMethod = 'wilcox', alternative = 'two-sided', correction = false }: WilcoxonOptions = {},
): WilcoxonResult {
  requireSameLength('wilcoxonSignedRank', ['a', a], ['b', b]);
  requireFiniteNumbers('wilcoxonSignedRank', 'a', a);
  requireFiniteNumbers('wilcoxonSignedRank', 'b', b);
  if (!['wilcox', 'pratt', 'zsplit'].includes(zeroMethod)) {
    throw new StatsInputError(
      'wilcoxonSignedRank',
      'zeroMethod',
      `is ${String(zeroMethod)}; expected wilcox, pratt or zsplit`,
    );
  }
  if (!['two-sided', 'greater', 'less'].includes(alternative)) {
    throw new StatsInputError(
      'wilcoxonSignedRank',
      'alternative',
      `is ${String(alternative)}; expected two-sided, greater or less`,
    );
  }
  // scipy warns that subtracting floats can split ties that are equal in exact arithmetic; rounding
  // to 12 significant digits keeps 0.3 − 0.1 and 0.2 tied, as a reader of the data would expect.
  const differences = a.map((value, index) => Number((value - b[index]!).toPrecision(12)));
  const zeroCount = differences.filter((difference) => difference === 0).length;
  const ranked = zeroMethod === 'wilcox' ? differences.filter((difference) => difference !== 0) : differences;
  const count = ranked.length;
  const { ranks, tieSizes } = averageRanks(ranked.map(Math.abs));

  let rankSumPositive = 0;
  let rankSumNegative = 0;
  let zeroRankSum = 0;
  ranked.forEach((difference, index) => {
    if (difference > 0) rankSumPositive += ranks[index]!;
    else if (difference < 0) rankSumNegative += ranks[index]!;
    else zeroRankSum += ranks[index]!;
  });
  if (zeroMethod === 'zsplit') {
    rankSumPositive += zeroRankSum / 2;
    rankSumNegative += zeroRankSum / 2;
  }

  let expected = (count * (count + 1)) / 4;
  let varianceTimes24 = count * (count + 1) * (2 * count + 1);
  let tieTerm = tieSizes.reduce((sum, size) => sum + size ** 3 - size, 0);
  if (zeroMethod === 'pratt' && zeroCount > 0) {
    // Cureton (1967): the zeros' ranks 1..z are not in play, so remove them from mean and variance,
    // and their tie group from the tie correction (zeros always form the lowest group).
    expected -= (zeroCount * (zeroCount + 1)) / 4;
    varianceTimes24 -= zeroCount * (zeroCount + 1) * (2 * zeroCount + 1);
    tieTerm -= zeroCount ** 3 - zeroCount;
  }
  const standardError = Math.sqrt((varianceTimes24 - tieTerm / 2) / 24);
  const z = (rankSumPositive - expected) / standardError;

  const hasTies = tieSizes.some((size) => size > 1);
  let method: WilcoxonResult['method'];
  if (differences.length > 50) method = 'normal';
  else if (!hasTies && zeroCount === 0) method = 'exact';
  else if (differences.length <= 13) method = 'permutation';
  else method = 'normal';

  let pValue: number;
  if (method === 'normal') {
    let corrected = z;
    if (correction) {
      const sign = alternative === 'greater' ? 1 : alternative === 'less' ? -1 : Math.sign(z);
      corrected = z - (sign * 0.5) / standardError;
    }
    if (alternative === 'less') pValue = normalCdf(corrected);
    else if (alternative === 'greater') pValue = normalSf(corrected);
    else pValue = 2 * normalSf(Math.abs(corrected));
  } else {
    // Under H0 each non-zero difference is positive or negative with probability 1/2 given its
    // rank, so W+ is the sum of a random subset of the non-zero ranks (plus a constant for zsplit).
    const signedRanks = ranked.flatMap((difference, index) => (difference !== 0 ? [ranks[index]!] : []));
    const constant = zeroMethod === 'zsplit' ? zeroRankSum / 2 : 0;
    const { atMost, atLeast } = signFlipTailProbabilities(signedRanks, rankSumPositive - constant);
    if (alternative === 'less') pValue = atMost;
    else if (alternative === 'greater') pValue = atLeast;
    else pValue = Math.min(1, 2 * Math.min(atMost, atLeast));
  }

  const statistic = alternative === 'two-sided' ? Math.min(rankSumPositive, rankSumNegative) : rankSumPositive;
  return { statistic, n: count, z, pValue, method };
}

/**
 * P(S ≤ observed) and P(S ≥ observed) where S is the sum of a uniformly random subset of `ranks`.
 * Ranks are multiples of 1/2 (average ranks), so doubled they are integers and the subset-sum
 * counts come from one dynamic-programming pass; counts stay below 2^51, exact in a double.
 */
function signFlipTailProbabilities(ranks: readonly number[], observed: number): { atMost: number; atLeast: number } {
  const doubled = ranks.map((rank) => Math.round(rank * 2));
  const total = doubled.reduce((sum, value) => sum + value, 0);
  let counts = new Float64Array(total + 1);
  counts[0] = 1;
  let reach = 0;
  for (const value of doubled) {
    const next = new Float64Array(total + 1);
    for (let sum = 0; sum <= reach; sum++) {
      const ways = counts[sum]!;
      if (ways === 0) continue;
      next[sum] += ways;
      next[sum + value] += ways;
    }
    counts = next;
    reach += value;
  }
  const target = Math.round(observed * 2);
  const outcomes = 2 ** doubled.length;
  let atMost = 0;
  let atLeast = 0;
  for (let sum = 0; sum <= total; sum++) {
    if (sum <= target) atMost += counts[sum]!;
    if (sum >= target) atLeast += counts[sum]!;
  }
  return { atMost: atMost / outcomes, atLeast: atLeast / outcomes };
}
