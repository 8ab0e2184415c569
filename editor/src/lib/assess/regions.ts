/**
 * Regions as the pages show them: kinds in words, assessed years as compact ranges ("2021-2025")
 * and back.
 *
 * @example
 * yearsText([2021, 2022, 2023, 2025]) // "2021-2023, 2025"
 * parseYears('2021-2023, 2025') // [2021, 2022, 2023, 2025]
 */
import { ta, type AssessKey } from '$lib/i18n/assess.ts';

/** The kinds of assessed region in the reference plan: 市, 州, 管委会, 扩权强县试点市. */
export const KINDS = ['city', 'prefecture', 'management-committee', 'pilot-county-city'] as const;

export function kindLabel(kind: string): string {
  const key = `kind.${kind}` as AssessKey;
  const text = ta(key);
  return text === key ? kind : text;
}

/** Sorted years as ranges: [2021, 2022, 2023, 2025] → "2021-2023, 2025". */
export function yearsText(years: readonly number[]): string {
  const ys = [...new Set(years)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < ys.length;) {
    let j = i;
    while (j + 1 < ys.length && ys[j + 1] === ys[j] + 1) j++;
    parts.push(j > i ? `${ys[i]}-${ys[j]}` : String(ys[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** "2021-2023, 2025" → [2021, 2022, 2023, 2025]; null when a part is not a year or a range of years. */
export function parseYears(text: string): number[] | null {
  const out = new Set<number>();
  const parts = text
    .split(/[,，、;\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of parts) {
    const m = /^(\d{4})(?:\s*[-–~至]\s*(\d{4}))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    if (b < a || b - a > 100 || a < 1900 || b > 2999) return null;
    for (let y = a; y <= b; y++) out.add(y);
  }
  return [...out].sort((x, y) => x - y);
}
