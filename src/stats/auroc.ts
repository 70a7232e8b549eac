// Area under the ROC curve as the Mann–Whitney probability P(score of a positive > score of a negative),
// ties counted 1/2 (sklearn's roc_auc_score gives the same value), with a stratified percentile bootstrap.
import { sortedQuantile } from './descriptive.js';
import { StatsInputError } from './errors.js';
import { createRng } from './random.js';

export function auroc(scores: readonly number[], labels: readonly (0 | 1 | boolean)[]): number {
  if (scores.length !== labels.length) {
    throw new StatsInputError('auroc', 'labels', `has ${labels.length} entries for ${scores.length} scores`);
  }
  const items = scores.map((score, index) => ({ score, positive: Boolean(labels[index]) }));
  const positives = items.filter((item) => item.positive).length;
  const negatives = items.length - positives;
  if (!positives || !negatives)
    throw new StatsInputError('auroc', 'labels', 'needs both positive and negative examples');
  // Average ranks (ties share their mean rank); AUC = (rank sum of positives − P(P+1)/2) / (P·N).
  items.sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let start = 0; start < items.length; ) {
    let end = start;
    while (end + 1 < items.length && items[end + 1]!.score === items[start]!.score) end++;
    const rank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index++) if (items[index]!.positive) rankSum += rank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** AUROC with a percentile bootstrap CI, resampling positives and negatives separately (both kept non-empty). */
export function aurocWithCI(
  scores: readonly number[],
  labels: readonly (0 | 1 | boolean)[],
  { iterations = 1000, level = 0.95, seed = 0 } = {},
): { estimate: number; lower: number; upper: number; level: number; iterations: number } {
  const estimate = auroc(scores, labels);
  const positives = scores.filter((_, index) => labels[index]);
  const negatives = scores.filter((_, index) => !labels[index]);
  const rng = createRng(seed);
  const values: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    const p = Array.from({ length: positives.length }, () => positives[rng.int(positives.length)]!);
    const n = Array.from({ length: negatives.length }, () => negatives[rng.int(negatives.length)]!);
    values.push(auroc([...p, ...n], [...p.map(() => 1 as const), ...n.map(() => 0 as const)]));
  }
  values.sort((a, b) => a - b);
  return {
    estimate,
    lower: sortedQuantile(values, (1 - level) / 2),
    upper: sortedQuantile(values, (1 + level) / 2),
    level,
    iterations,
  };
}
