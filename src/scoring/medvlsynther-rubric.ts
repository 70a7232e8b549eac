// MedVLSynther's verifier rubric score and acceptance (synthesis/anotate_rubric_score.py,
// synthesis/filter_by_score.py @ 9df6f3b5). Used to filter generated MCQs, not to score a model.

/** The seven essential gates; titles compare case-insensitively. The dash in the last is U+2013. */
export const ESSENTIAL_TITLES = [
  'Stem Self-contained',
  'Vocabulary Constraint',
  'Diagnosis Leak',
  'Single Correct Option',
  'Option Type Consistency',
  'Clinical Validity',
  'Image\u2013Text Consistency',
] as const;

/** The documented 13K run: `--min_score 0.9670 --require_pass`. Upstream's default min_score is 0.95. */
export const ACCEPT_MIN_SCORE = 0.967;
export const DEFAULT_MIN_SCORE = 0.95;

export interface RubricItem {
  idx?: unknown;
  title?: unknown;
  description?: unknown;
  category?: unknown;
  weight?: unknown;
  score?: unknown;
  notes?: unknown;
}

export interface VerifierOutput {
  rubric?: RubricItem[];
  error?: string;
}

export interface RubricResult {
  /** clamp((pos_s − penalty) / pos_w, 0, 1); null when pos_w ≤ 0, on a verifier error or without a rubric. */
  verifyScore: number | null;
  verifyPass: boolean;
  positiveWeight: number;
  positiveScore: number;
  penalty: number;
  final: number;
  missingEssentials: string[];
}

/** int() as upstream: integers and integral strings parse; anything else counts as 0. */
function asInt(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return 0;
}

export function scoreRubric(output: VerifierOutput): RubricResult {
  const empty = {
    verifyScore: null,
    verifyPass: false,
    positiveWeight: 0,
    positiveScore: 0,
    penalty: 0,
    final: 0,
    missingEssentials: [...ESSENTIAL_TITLES],
  };
  if (output.error !== undefined || !Array.isArray(output.rubric) || output.rubric.length === 0) return empty;
  let positiveWeight = 0;
  let positiveScore = 0;
  let penalty = 0;
  for (const item of output.rubric) {
    const weight = asInt(item.weight);
    const score = asInt(item.score);
    const isPitfall =
      String(item.category ?? '')
        .trim()
        .toLowerCase() === 'pitfall';
    if (!isPitfall && weight > 0) {
      positiveWeight += weight;
      positiveScore += Math.min(Math.max(score, 0), weight);
    } else if (isPitfall && score < 0) penalty += -score;
  }
  const final = positiveScore - penalty;
  const verifyScore = positiveWeight > 0 ? Math.min(Math.max(final / positiveWeight, 0), 1) : null;
  const byTitle = new Map<string, RubricItem>();
  for (const item of output.rubric)
    byTitle.set(
      String(item.title ?? '')
        .trim()
        .toLowerCase(),
      item,
    );
  const missingEssentials = ESSENTIAL_TITLES.filter((title) => {
    const item = byTitle.get(title.toLowerCase());
    if (!item) return true;
    const weight = asInt(item.weight);
    return !(weight > 0 && asInt(item.score) === weight);
  });
  return {
    verifyScore,
    verifyPass: missingEssentials.length === 0,
    positiveWeight,
    positiveScore,
    penalty,
    final,
    missingEssentials,
  };
}

/** filter_by_score.py: keep when score ≥ minScore (null dropped) and, with requirePass, verify_pass. */
export function acceptItem(result: RubricResult, minScore = ACCEPT_MIN_SCORE, requirePass = true): boolean {
  if (result.verifyScore === null) return false;
  if (result.verifyScore < minScore) return false;
  return !requirePass || result.verifyPass;
}
