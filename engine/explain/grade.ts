/** How a region's final grade came about, in words (SPEC section 3, steps 7–10), and adjustment labels. */
import type { Grade, RegionResult, RuleDocument } from '../types.ts';
import { fmt, labelOf, type Lang } from './words.ts';

export interface GradeStep {
  kind: 'total' | 'score' | 'downgrade' | 'cap' | 'veto' | 'final';
  text: string;
  grade?: string;
}

/** How the final grade came about: score grade, then downgrades, caps and vetoes (SPEC section 3, steps 7–10). */
export function gradePath(result: RegionResult, doc: RuleDocument, lang: Lang): GradeStep[] {
  const grades: Grade[] = doc.grades ?? [];
  const p = doc.precision ?? 2;
  const name = (id: string) => labelOf(grades.find((g) => g.id === id)?.label, id, lang);
  const zh = lang === 'zh';
  const steps: GradeStep[] = [];
  const cap = doc.bonus?.cap;
  const bonusNote =
    result.bonusUncapped > result.bonus
      ? zh
        ? `（加分合计 ${fmt(result.bonusUncapped, p)} 分，封顶 ${fmt(cap ?? result.bonus, p)} 分）`
        : ` (bonus items sum to ${fmt(result.bonusUncapped, p)}, capped at ${fmt(cap ?? result.bonus, p)})`
      : '';
  steps.push({
    kind: 'total',
    text: zh
      ? `总分 ${fmt(result.total, p)} = 基础分 ${fmt(result.base, p)} + 加分 ${fmt(result.bonus, p)}${bonusNote}`
      : `Total ${fmt(result.total, p)} = base ${fmt(result.base, p)} + bonus ${fmt(result.bonus, p)}${bonusNote}`,
  });
  const sg = grades.find((g) => g.id === result.scoreGrade);
  steps.push({
    kind: 'score',
    grade: result.scoreGrade,
    text: zh
      ? `按分数评为「${name(result.scoreGrade)}」${sg ? `（${fmt(sg.min, p)} 分及以上）` : ''}`
      : `By score: ${name(result.scoreGrade)}${sg ? ` (${fmt(sg.min, p)} and above)` : ''}`,
  });
  let index = grades.findIndex((g) => g.id === result.scoreGrade);
  const last = grades.length - 1;
  const downs = (doc.downgrades ?? []).filter((d) => result.downgrades.includes(d.id));
  if (downs.length) {
    const levels = downs.map((d) => d.levels ?? 1);
    const drop =
      (doc.downgradeStacking ?? 'max') === 'sum' ? levels.reduce((a, b) => a + b, 0) : Math.max(...levels);
    const before = index;
    if (index >= 0) index = Math.min(last, index + drop);
    const same = index === before ? (zh ? '（已是最低等级）' : ' (already the lowest grade)') : '';
    const labels = downs.map((d) => `「${labelOf(d.label, d.id, lang)}」`).join(zh ? '、' : ', ');
    steps.push({
      kind: 'downgrade',
      grade: grades[index]?.id,
      text: zh
        ? `触发降档项${labels}，降 ${drop} 档 → 「${name(grades[index]?.id ?? '')}」${same}`
        : `Downgrade ${labels}: down ${drop} level${drop > 1 ? 's' : ''} → ${name(grades[index]?.id ?? '')}${same}`,
    });
  }
  for (const c of (doc.caps ?? []).filter((x) => result.caps.includes(x.id))) {
    const ci = grades.findIndex((g) => g.id === c.maxGrade);
    const changes = ci > index;
    if (changes) index = ci;
    const same = changes ? '' : zh ? '（等级不变）' : ' (no change)';
    steps.push({
      kind: 'cap',
      grade: grades[index]?.id,
      text: zh
        ? `触发封顶项「${labelOf(c.label, c.id, lang)}」：不得高于「${name(c.maxGrade)}」→ 「${name(grades[index]?.id ?? '')}」${same}`
        : `Cap “${labelOf(c.label, c.id, lang)}”: at most ${name(c.maxGrade)} → ${name(grades[index]?.id ?? '')}${same}`,
    });
  }
  const vetoes = (doc.vetoes ?? []).filter((v) => result.vetoes.includes(v.id));
  if (vetoes.length) {
    const labels = vetoes.map((v) => `「${labelOf(v.label, v.id, lang)}」`).join(zh ? '、' : ', ');
    steps.push({
      kind: 'veto',
      grade: grades[last]?.id,
      text: zh
        ? `触发否决项${labels}：直接评为「${name(grades[last]?.id ?? '')}」`
        : `Veto ${labels}: ${name(grades[last]?.id ?? '')} whatever the score`,
    });
  }
  steps.push({
    kind: 'final',
    grade: result.grade,
    text: zh ? `最终等级「${name(result.grade)}」` : `Final grade: ${name(result.grade)}`,
  });
  return steps;
}

/** The label of an adjustment (veto, downgrade or cap) by id, falling back to the id. */
export function adjustmentLabel(
  doc: RuleDocument | null,
  kind: 'veto' | 'downgrade' | 'cap',
  id: string,
  lang: Lang,
): string {
  const list = kind === 'veto' ? doc?.vetoes : kind === 'downgrade' ? doc?.downgrades : doc?.caps;
  return labelOf(list?.find((x) => x.id === id)?.label, id, lang);
}
