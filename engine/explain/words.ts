/**
 * The words of explanations in Chinese and English (engine/explain/trace.ts, grade.ts), and numbers,
 * labels and values written for reading.
 */
import { unitIn } from './units.ts';
import { roundHalfAway } from '../numeric/round.ts';

export type Lang = 'zh' | 'en';

export interface Words {
  /** A document's unit in this language. */
  unit: (u: string) => string;
  sep: string;
  colon: string;
  then: string;
  yes: string;
  no: string;
  none: string;
  noDeduction: string;
  notApplicable: string;
  deducted: (d: string) => string;
  exhausted: (max: string, d: string) => string;
  byFormula: (p: string, d: string) => string;
  holds: (c: string) => string;
  notHolds: (c: string) => string;
  noneHolds: string;
  branchPoints: (c: string, p: string, d: string) => string;
  bonus: (p: string) => string;
  noBonus: string;
  raw: (r: string) => string;
  clampLow: string;
  clampHigh: (max: string) => string;
  rounded: (digits: number, p: string) => string;
}

const pts = (p: string) => `${p} ${p === '1' ? 'point' : 'points'}`;

export const WORDS: Record<Lang, Words> = {
  zh: {
    unit: (u) => u,
    sep: '，',
    colon: '：',
    then: '；',
    yes: '是',
    no: '否',
    none: '（无数据）',
    noDeduction: '未扣分',
    notApplicable: '不适用（按所在类别的不适用处理计分）',
    deducted: (d) => `扣 ${d} 分`,
    exhausted: (max, d) => `扣完为止（分值 ${max} 分），扣 ${d} 分`,
    byFormula: (p, d) => `按公式得 ${p} 分，扣 ${d} 分`,
    holds: (c) => `「${c}」成立`,
    notHolds: (c) => `「${c}」不成立`,
    noneHolds: '各条件均不成立',
    branchPoints: (c, p, d) => `${c}，本项得 ${p} 分，扣 ${d} 分`,
    bonus: (p) => `加 ${p} 分`,
    noBonus: '不加分',
    raw: (r) => `公式结果 ${r}`,
    clampLow: '低于 0，按 0 分计',
    clampHigh: (max) => `超过分值，按 ${max} 分计`,
    rounded: (digits, p) => `保留 ${digits} 位小数得 ${p} 分`,
  },
  en: {
    unit: (u) => unitIn(u, 'en'),
    sep: ', ',
    colon: ': ',
    then: '; ',
    yes: 'yes',
    no: 'no',
    none: '(no data)',
    noDeduction: 'no deduction',
    notApplicable: "not applicable (scored by its category's rule for items that do not apply)",
    deducted: (d) => `${d} deducted`,
    exhausted: (max, d) => `capped at the item's ${max} points: ${d} deducted`,
    byFormula: (p, d) => `${pts(p)} by the formula, ${d} deducted`,
    holds: (c) => `“${c}” holds`,
    notHolds: (c) => `“${c}” does not hold`,
    noneHolds: 'none of the conditions holds',
    branchPoints: (c, p, d) => `${c}: ${pts(p)}, ${d} deducted`,
    bonus: (p) => `${p} bonus ${p === '1' ? 'point' : 'points'}`,
    noBonus: 'no bonus',
    raw: (r) => `formula result ${r}`,
    clampLow: 'below 0, counted as 0',
    clampHigh: (max) => `above the item's points, counted as ${max}`,
    rounded: (digits, p) => `rounded to ${digits} decimals: ${pts(p)}`,
  },
};

/** A number for reading: at most `digits` decimals (half away from zero), a real minus sign. */

export function fmt(n: unknown, digits = 2): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n === null || n === undefined ? '—' : String(n);
  const r = roundHalfAway(n, digits);
  return (Object.is(r, -0) ? 0 : r).toString().replace(/^-/, '−');
}

/** A score (total, base, bonus) with exactly the document's decimals, as in a results table: 96.80. */
export function fmtScore(n: unknown, digits = 2): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return fmt(n, digits);
  const r = roundHalfAway(n, digits);
  return (Object.is(r, -0) ? 0 : r).toFixed(digits).replace(/^-/, '−');
}

export function labelOf(l: { zh: string; en?: string } | undefined, key: string, lang: Lang): string {
  if (!l) return key;
  return lang === 'en' ? l.en || l.zh : l.zh;
}

/** A value for people: — for none, 是/否 for booleans, a number with its unit. */
export function valueText(value: unknown, unit: string | undefined, w: Words, digits: number): string {
  if (value === null || value === undefined) return w.none;
  if (typeof value === 'boolean') return value ? w.yes : w.no;
  if (typeof value === 'number') {
    const n = fmt(value, Math.max(digits, 4));
    if (!unit) return n;
    return unit === '%' || unit === '‰' ? `${n}${unit}` : `${n} ${w.unit(unit)}`;
  }
  return String(value);
}
