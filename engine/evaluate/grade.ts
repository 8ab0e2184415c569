/**
 * Steps 7–10 of evaluation: the score grade, then downgrades, caps and vetoes, in that order.
 */
import type { PreparedDocument } from './prepare.ts';

export interface GradeOutcome {
  scoreGrade: number;
  grade: number;
}

/**
 * The grade by score and the final grade, as indexes into `grades` (0 = best).
 *
 * @param downgradeLevels the `levels` of every triggered downgrade
 * @param capGrades the `maxGrade` index of every triggered cap
 */
export function gradeOf(
  p: PreparedDocument,
  total: number,
  downgradeLevels: number[],
  capGrades: number[],
  vetoed: boolean,
): GradeOutcome {
  const last = p.grades.length - 1;
  let scoreGrade = p.grades.findIndex((g) => g.min <= total);
  if (scoreGrade < 0) scoreGrade = last;
  let grade = scoreGrade;
  if (downgradeLevels.length > 0) {
    const shift =
      p.stacking === 'sum' ? downgradeLevels.reduce((a, b) => a + b, 0) : Math.max(...downgradeLevels);
    grade = Math.min(last, grade + shift);
  }
  for (const cap of capGrades) grade = Math.max(grade, cap);
  if (vetoed) grade = last;
  return { scoreGrade, grade };
}
