/**
 * The words the documents share: how a rule version is cited, how a region is addressed, the plan's
 * name, Chinese punctuation, scores with the document's decimals.
 */
import type { Label, RuleDocument } from '../../engine/types.ts';
import type { Version } from '../db/versions.ts';
import { fmtScore } from '../../engine/explain/trace.ts';
import { zhPunct } from '../../engine/explain/punct.ts';

/** The plan every document rests on. */
export const PLAN = '《吉林省2021-2025年政府生态环境保护目标责任制工作实施方案》';
/** The assessment's name, as the plan writes it. */
export const SYSTEM = '政府生态环境保护目标责任制';

export { zhPunct };

export const zh = (l: Label | undefined, fallback = ''): string => zhPunct(l?.zh ?? fallback);

/** `《2024年度…考核细则》（吉环考〔2024〕1号）`, or with a clear note when it has no 文号. */
export function citeVersion(v: Version): string {
  const title = zh(v.document.title);
  const no = v.docNumber?.trim() ? v.docNumber.trim() : '尚未登记文号';
  return `《${title}》（${no}）`;
}

/** How a region is addressed: `长春市人民政府`, `长白山管委会`. */
export function governmentOf(name: string): string {
  return /(管委会|人民政府|政府)$/.test(name) ? name : `${name}人民政府`;
}

/** A score with the document's decimals: 96.80. */
export const score = (doc: RuleDocument, n: number): string => fmtScore(n, doc.precision ?? 2);

/** A grade's Chinese label. */
export function gradeName(doc: RuleDocument, id: string | null | undefined): string {
  if (!id) return '—';
  return zh(doc.grades.find((g) => g.id === id)?.label, id);
}
