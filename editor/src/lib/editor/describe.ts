/**
 * A problem's place in words ("类别「主要指标」› 指标「PM2.5浓度」› 计算公式"), for the problem list.
 */
import { anchorOf, formulaSteps, unescapeToken } from './pointer.ts';
import { t, label as lbl, type MessageKey } from '$lib/i18n/index.svelte.ts';

const LISTS: Record<string, MessageKey> = {
  inputs: 'editor.tab.inputs',
  derived: 'editor.tab.derived',
  categories: 'cat.title',
  items: 'cat.items',
  bonus: 'adj.bonus',
  downgrades: 'adj.downgrades',
  caps: 'adj.caps',
  vetoes: 'adj.vetoes',
  grades: 'grades.title',
  tests: 'tests.title',
};

const FIELDS: Record<string, MessageKey> = {
  key: 'field.key',
  id: 'field.id',
  unit: 'field.unit',
  type: 'field.type',
  min: 'field.min',
  max: 'field.max',
  default: 'field.default',
  required: 'field.required',
  role: 'field.role',
  source: 'field.source',
  enum: 'field.enum',
  note: 'field.note',
  logic: 'field.logic',
  when: 'field.when',
  maxPoints: 'field.maxPoints',
  levels: 'field.levels',
  maxGrade: 'field.maxGrade',
  cap: 'field.cap',
  basis: 'doc.basis',
  maxScore: 'doc.maxScore',
  precision: 'doc.precision',
  downgradeStacking: 'doc.stacking',
  name: 'tests.name',
  expect: 'tests.expect',
  family: 'doc.family',
  year: 'doc.year',
};

/** The label of a veto, downgrade or cap of `doc` by id (the id itself when unknown). */
export function adjustmentLabel(doc: unknown, list: 'vetoes' | 'downgrades' | 'caps', id: string): string {
  const entries = (doc as Record<string, unknown> | null)?.[list];
  const e = Array.isArray(entries) ? entries.find((x: { id?: string }) => x?.id === id) : undefined;
  return e?.label ? lbl(e.label) : id;
}

/** Where the field showing a problem at `path` is, in words. */
export function describePath(path: string, doc: unknown): string {
  const anchor = anchorOf(path);
  if (anchor === '') return t('problems.document');
  const parts = anchor.slice(1).split('/').map(unescapeToken);
  const words: string[] = [];
  let node: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    if (Array.isArray(node) && /^\d+$/.test(part)) {
      const e = next as Record<string, unknown> | undefined;
      const name =
        (e && lbl(e.label as { zh: string; en?: string })) ||
        (e && (e.id ?? e.key ?? e.name)) ||
        `#${Number(part) + 1}`;
      words[words.length - 1] = `${words[words.length - 1] ?? ''}「${String(name)}」`;
    } else if (part === 'title') {
      words.push(t(parts[i + 1] === 'en' ? 'doc.titleEn' : 'doc.titleZh'));
      break;
    } else if (part === 'label') {
      words.push(t(parts[i + 1] === 'en' ? 'field.labelEn' : 'field.labelZh'));
      break;
    } else if (part === 'bonus' && parts[i + 1] === 'items') {
      words.push(t('adj.bonus'));
      i++;
      node = (next as Record<string, unknown> | undefined)?.items;
      continue;
    } else if (LISTS[part]) {
      words.push(t(LISTS[part]));
    } else if (FIELDS[part]) {
      words.push(t(FIELDS[part]));
    } else {
      words.push(part);
    }
    node = next;
  }
  // Inside a formula: which operation's which argument, never the raw pointer.
  for (const step of formulaSteps(path))
    words.push(
      step.arg === null
        ? t('problems.formulaOp', { op: step.op })
        : t('problems.formulaStep', { op: step.op, n: step.arg + 1 }),
    );
  return words.join(' › ');
}
