/**
 * Grades as the pages show them: label in the current language, badge class and chart colour.
 * The sample's ids (excellent, good, qualified, unqualified) keep their colours; a document with
 * other ids gets colours by position, best first.
 */
import type { Grade } from '$engine/types.ts';
import { ta } from '$lib/i18n/assess.ts';

const BY_ID: Record<string, number> = { excellent: 0, good: 1, qualified: 2, unqualified: 3 };
/** Green, blue, amber, red: readable on white, distinct in greyscale print. */
export const GRADE_COLORS = ['#2f8f5b', '#3a6fb5', '#d4a017', '#c0392b'];
const BADGES = ['grade-excellent', 'grade-good', 'grade-qualified', 'grade-unqualified'];

/** The position (0 = best … 3 = worst) a grade is drawn with. */
function slot(id: string | null | undefined, grades: readonly Grade[]): number {
  if (!id) return 3;
  if (id in BY_ID) return BY_ID[id];
  const i = grades.findIndex((g) => g.id === id);
  if (i < 0) return 3;
  if (grades.length <= 1) return 0;
  // spread any number of grades over the four colours, keeping best and worst at the ends
  return Math.round((i * 3) / (grades.length - 1));
}

export function gradeColor(id: string | null | undefined, grades: readonly Grade[]): string {
  return GRADE_COLORS[slot(id, grades)];
}

export function gradeBadge(id: string | null | undefined, grades: readonly Grade[]): string {
  return BADGES[slot(id, grades)];
}

export function gradeLabel(
  id: string | null | undefined,
  grades: readonly Grade[],
  lang: 'zh' | 'en',
): string {
  if (!id) return '—';
  const g = grades.find((x) => x.id === id);
  if (!g) return id in BY_ID ? ta(`grade.${id as 'excellent'}`) : id;
  return lang === 'en' ? g.label.en || g.label.zh : g.label.zh;
}

/** Index of a grade in the list (best = 0), for sorting; unknown grades last. */
export function gradeOrder(id: string | null | undefined, grades: readonly Grade[]): number {
  const i = grades.findIndex((g) => g.id === id);
  return i < 0 ? grades.length : i;
}
