// Quality grades: A++ > A+ > A > B > C > D. An item's grade is the minimum of every grade found in
// its question_quality (all nested values), in its answers' *quality* fields and, when given, in
// the scene graph's study_quality. Only the literal grade strings are read; the criterion enums
// (ALIGNED_MENTIONED …) are not mapped to grades (their full mapping is not documented).
export const GRADES = ['D', 'C', 'B', 'A', 'A+', 'A++'] as const;
export type Grade = (typeof GRADES)[number];

export const gradeRank = (grade: string): number => GRADES.indexOf(grade.trim().toUpperCase() as Grade);

export function isGrade(value: unknown): value is Grade {
  return typeof value === 'string' && gradeRank(value) >= 0;
}

/** Every grade string anywhere in `value`. */
export function collectGrades(value: unknown, into: Grade[] = []): Grade[] {
  if (isGrade(value)) into.push(value.trim().toUpperCase() as Grade);
  else if (Array.isArray(value)) value.forEach((item) => collectGrades(item, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => collectGrades(item, into));
  return into;
}

export function minGrade(grades: readonly Grade[]): Grade | null {
  if (grades.length === 0) return null;
  return grades.reduce((low, grade) => (gradeRank(grade) < gradeRank(low) ? grade : low));
}

/** Whether an item of `grade` passes a `--arg min_grade` filter; ungraded items pass only without a filter. */
export function passesGrade(grade: Grade | null, threshold: string | undefined): boolean {
  if (!threshold) return true;
  if (gradeRank(threshold) < 0)
    throw new Error(`unknown grade "${threshold}"; use one of ${[...GRADES].reverse().join(', ')}`);
  return grade !== null && gradeRank(grade) >= gradeRank(threshold);
}
