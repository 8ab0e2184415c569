/**
 * The 目标责任书 (target letter): a region's targets for a year, grouped like the rule document.
 * Each item lists the target inputs its formula reads (directly or through derived values);
 * targets no item reads are listed at the end.
 */
import type { Input, RuleDocument } from '../types.ts';
import { variablesOf } from '../logic/walk.ts';
import { prevKeyOf } from '../document/v2.ts';

/**
 * The input keys a formula reads, following derived values (this year's data only: parameters and
 * last year's `prev.KEY` values are not the year's inputs).
 */
export function inputsRead(formula: unknown, doc: RuleDocument): string[] {
  const derived = new Map((doc.derived ?? []).map((d) => [d.key, d]));
  const parameters = new Set((doc.parameters ?? []).map((p) => p.key));
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || parameters.has(key) || prevKeyOf(key) !== null) return;
    seen.add(key);
    const d = derived.get(key);
    if (d) for (const v of variablesOf(d.logic)) visit(v);
    else out.push(key);
  };
  for (const v of variablesOf(formula)) visit(v);
  return out;
}

export interface LetterItem {
  id: string;
  label: { zh: string; en?: string };
  maxPoints: number;
  note?: string;
  targets: Input[];
}

export interface LetterSection {
  id: string;
  label: { zh: string; en?: string };
  maxPoints: number;
  items: LetterItem[];
}

/** The letter's sections (one per category) and the targets no item reads. */
export function letterOf(doc: RuleDocument): { sections: LetterSection[]; otherTargets: Input[] } {
  const inputs = new Map(doc.inputs.map((i) => [i.key, i]));
  const used = new Set<string>();
  const sections = doc.categories.map((c) => ({
    id: c.id,
    label: c.label,
    maxPoints: c.maxPoints,
    items: c.items.map((it) => {
      const targets = inputsRead(it.logic, doc)
        .map((k) => inputs.get(k))
        .filter((i): i is Input => !!i && i.role === 'target');
      targets.forEach((t) => used.add(t.key));
      return { id: it.id, label: it.label, maxPoints: it.maxPoints, note: it.note, targets };
    }),
  }));
  const otherTargets = doc.inputs.filter((i) => i.role === 'target' && !used.has(i.key));
  return { sections, otherTargets };
}

/** Chinese section numbers: 一、二、三 … */
export function cnNumber(n: number): string {
  const d = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  if (n <= 10) return d[n];
  if (n < 20) return `十${d[n - 10]}`;
  return `${d[Math.floor(n / 10)]}十${n % 10 ? d[n % 10] : ''}`;
}
