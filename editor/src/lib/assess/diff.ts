/**
 * The diff page's reading of a DiffResult: changes grouped by part of the document (items by
 * category), each named by its label from the version it exists in, fields named in words and
 * formulas rendered readably with each version's own labels.
 */
import type { DiffChange, VersionSummary } from '$lib/api.ts';
import type { RuleDocument } from '$engine/types.ts';
import { renderFormula, formulaLabels } from '$engine/render/formula.ts';
export { defaultPair } from './order.ts';

export const PARTS = [
  'document',
  'input',
  'derived',
  'category',
  'item',
  'bonus',
  'downgrade',
  'cap',
  'veto',
  'grade',
  'test',
] as const;
export type Part = (typeof PARTS)[number];

export interface ChangeGroup {
  part: Part;
  /** For items: the category id (the sub-heading). */
  category?: string;
  changes: DiffChange[];
}

/** Changes in document order of parts; items further grouped by category. */
export function groupChanges(changes: readonly DiffChange[]): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  for (const part of PARTS) {
    const ofPart = changes.filter((c) => c.target === part);
    if (!ofPart.length) continue;
    if (part !== 'item') {
      groups.push({ part, changes: ofPart });
      continue;
    }
    const cats = [...new Set(ofPart.map((c) => c.category ?? ''))];
    for (const category of cats)
      groups.push({ part, category, changes: ofPart.filter((c) => (c.category ?? '') === category) });
  }
  const known = new Set<string>(PARTS);
  const rest = changes.filter((c) => !known.has(c.target));
  if (rest.length) groups.push({ part: 'document', changes: rest });
  return groups;
}

type Labelled = { label?: { zh: string; en?: string } };

/** The thing a change concerns, as it is in `doc` (undefined when absent there). */
export function entityOf(doc: RuleDocument | null, c: DiffChange): Labelled | undefined {
  if (!doc) return undefined;
  switch (c.target) {
    case 'input':
      return doc.inputs.find((i) => i.key === c.id);
    case 'derived':
      return doc.derived?.find((d) => d.key === c.id);
    case 'category':
      return doc.categories.find((x) => x.id === c.id);
    case 'item':
      for (const cat of doc.categories) {
        const it = cat.items.find((i) => i.id === c.id);
        if (it) return it;
      }
      return undefined;
    case 'bonus':
      return doc.bonus?.items?.find((b) => b.id === c.id);
    case 'downgrade':
      return doc.downgrades?.find((d) => d.id === c.id);
    case 'cap':
      return doc.caps?.find((x) => x.id === c.id);
    case 'veto':
      return doc.vetoes?.find((x) => x.id === c.id);
    case 'grade':
      return doc.grades.find((g) => g.id === c.id);
    default:
      return undefined;
  }
}

/** The label of a change's subject: from the new version, else the old one, else its id. */
export function changeLabel(
  c: DiffChange,
  oldDoc: RuleDocument | null,
  newDoc: RuleDocument | null,
  lang: 'zh' | 'en',
): string {
  const e = entityOf(newDoc, c) ?? entityOf(oldDoc, c);
  const l = e?.label;
  if (!l) return c.id;
  return lang === 'en' ? l.en || l.zh : l.zh;
}

export function categoryLabel(
  id: string | undefined,
  oldDoc: RuleDocument | null,
  newDoc: RuleDocument | null,
  lang: 'zh' | 'en',
): string {
  if (!id) return '';
  const c = newDoc?.categories.find((x) => x.id === id) ?? oldDoc?.categories.find((x) => x.id === id);
  if (!c) return id;
  return lang === 'en' ? c.label.en || c.label.zh : c.label.zh;
}

export const FORMULA_FIELDS = new Set(['logic', 'when']);

/** A formula rendered with the labels of the version it belongs to. */
export function formulaText(logic: unknown, doc: RuleDocument | null, lang: 'zh' | 'en'): string {
  if (logic === null || logic === undefined) return '—';
  return renderFormula(logic, { lang, labels: doc ? formulaLabels(doc) : undefined });
}

/** A field value for reading: null as a dash, objects as compact JSON. */
export function valueText(v: unknown, yes: string, no: string): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? yes : no;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

/** The Chinese part of a bilingual engine message ("中文 / English"), or the English part. */
export function messagePart(message: string, lang: 'zh' | 'en'): string {
  const i = message.indexOf(' / ');
  if (i < 0) return message;
  return lang === 'zh' ? message.slice(0, i) : message.slice(i + 3);
}
