/**
 * A test failure said with the document's own names: 最终等级 预期「优秀」，实际「良好」, not
 * `grade expected "excellent", got "good"`; items, vetoes, downgrades and caps by their labels.
 */
import type { RuleDocument } from '../types.ts';
import type { TestFailure } from './run.ts';

type Labelled = { id: string; label: { zh: string; en?: string } };

const FIELDS: Record<string, { zh: string; en: string }> = {
  total: { zh: '总分', en: 'total' },
  base: { zh: '基础分', en: 'base score' },
  bonus: { zh: '加分', en: 'bonus' },
  scoreGrade: { zh: '按分数评定的等级', en: 'grade by score' },
  grade: { zh: '最终等级', en: 'final grade' },
  vetoes: { zh: '触发的否决项', en: 'vetoes fired' },
  downgrades: { zh: '触发的降档项', en: 'downgrades fired' },
  caps: { zh: '触发的封顶项', en: 'caps fired' },
};

function labels(doc: RuleDocument): Map<string, Labelled['label']> {
  const map = new Map<string, Labelled['label']>();
  const add = (list: readonly Labelled[] | undefined) => list?.forEach((e) => map.set(e.id, e.label));
  for (const c of doc.categories) add(c.items);
  add(doc.bonus?.items);
  add(doc.vetoes);
  add(doc.downgrades);
  add(doc.caps);
  add(doc.grades);
  return map;
}

/** The failure's field and values in Chinese (`zh`) and English (`en`). */
export function describeFailure(doc: RuleDocument, f: TestFailure): { zh: string; en: string } {
  const names = labels(doc);
  const name = (id: string, lang: 'zh' | 'en') => {
    const l = names.get(id);
    return l ? (lang === 'en' ? l.en || l.zh : l.zh) : id;
  };
  const quote = (text: string, lang: 'zh' | 'en') => (lang === 'zh' ? `「${text}」` : `"${text}"`);
  const value = (v: unknown, lang: 'zh' | 'en'): string => {
    if (v === null || v === undefined) return lang === 'zh' ? '无' : 'none';
    if (Array.isArray(v))
      return v.length
        ? v.map((x) => quote(name(String(x), lang), lang)).join(lang === 'zh' ? '、' : ', ')
        : lang === 'zh'
          ? '无'
          : 'none';
    if (typeof v === 'string') return quote(name(v, lang), lang);
    return String(v);
  };
  const field = (lang: 'zh' | 'en') =>
    f.field.startsWith('items/')
      ? lang === 'zh'
        ? `指标「${name(f.field.slice(6), 'zh')}」得分`
        : `points of "${name(f.field.slice(6), 'en')}"`
      : (FIELDS[f.field]?.[lang] ?? f.field);
  return {
    zh: `${field('zh')}预期${value(f.expected, 'zh')}，实际${value(f.actual, 'zh')}`,
    en: `${field('en')} expected ${value(f.expected, 'en')}, got ${value(f.actual, 'en')}`,
  };
}
