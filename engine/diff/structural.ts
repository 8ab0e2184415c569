/**
 * The structural diff of two rule documents (SPEC section 6): every part matched by id (inputs and
 * derived values by key, tests by name), each reported as added, removed or changed with every
 * changed field's old and new value. Defaults count (an absent `precision` equals 2), reordering
 * alone is not a change, and an item moved to another category is one change.
 *
 * @example
 * const { changes } = diffDocuments(rules2023, rules2024);
 * // [{ kind: 'changed', target: 'grade', id: 'excellent', fields: [{ field: 'min', from: 90, to: 92 }] }, …]
 */
import { formatPatch, OMIT_HEADERS, structuredPatch } from 'diff';
import type { RuleDocument } from '../types.ts';
import { formulaLabels, renderFormula, type FormulaLabel } from '../render/formula.ts';

export type ChangeKind = 'added' | 'removed' | 'changed';
export type ChangeTarget =
  | 'document'
  | 'parameter'
  | 'input'
  | 'derived'
  | 'category'
  | 'item'
  | 'bonus'
  | 'downgrade'
  | 'cap'
  | 'veto'
  | 'grade'
  | 'test';

/** One changed field. An absent value is `null`. Formula fields carry their readable text and a line diff. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
  /** Plain notation of the old / new formula (formula fields only, when present). */
  fromText?: string;
  toText?: string;
  /** The same in Chinese. */
  fromTextZh?: string;
  toTextZh?: string;
  /** In Chinese words: variables by their labels (上年… for `prev.KEY`, parameters by theirs). */
  fromWords?: string;
  toWords?: string;
  /** Unified diff (hunks only) of the pretty-printed JSON of the two formulas. */
  lineDiff?: string;
}

export interface Change {
  kind: ChangeKind;
  target: ChangeTarget;
  /** The id (key for inputs and derived values, name for tests, field name for the document). */
  id: string;
  /** For items: the item's category (the new one, or the old one for a removed item). */
  category?: string;
  /** For `changed`: every changed field. */
  fields?: FieldChange[];
}

export interface StructuralDiff {
  changes: Change[];
}

export interface DiffOptions {
  /** Context lines of the formulas' line diffs (default 3). */
  context?: number;
}

type Entity = Record<string, unknown>;

/** Fields compared for each kind, in report order; fields not listed follow, sorted. */
const FIELDS: Record<Exclude<ChangeTarget, 'document'>, string[]> = {
  parameter: ['label', 'value', 'unit', 'basis'],
  input: ['label', 'type', 'unit', 'min', 'max', 'enum', 'default', 'required', 'role', 'source', 'previous'],
  derived: ['label', 'logic', 'note'],
  category: ['label', 'maxPoints', 'notApplicable', 'note'],
  item: ['category', 'label', 'maxPoints', 'applies', 'logic', 'note', 'rubric', 'basis'],
  bonus: ['label', 'logic', 'note', 'rubric', 'basis'],
  downgrade: ['label', 'when', 'levels', 'note', 'rubric', 'basis'],
  cap: ['label', 'when', 'maxGrade', 'note', 'rubric', 'basis'],
  veto: ['label', 'when', 'note', 'rubric', 'basis'],
  grade: ['label', 'min'],
  test: ['inputs', 'previous', 'expect'],
};

/** Fields that identify an entity or hold its children: never compared as fields. */
const IDENTITY = new Set(['id', 'key', 'name', 'items']);

const FORMULA_FIELDS = new Set(['logic', 'when', 'applies']);

/** Lists compared as sets: `enum` values and the id lists of a test's `expect`. */
const SET_FIELDS = new Set(['enum', 'expect.vetoes', 'expect.downgrades', 'expect.caps']);

/** Key order inside nested objects; unlisted keys follow, sorted. */
const NESTED_ORDER: Record<string, string[]> = {
  label: ['zh', 'en'],
  title: ['zh', 'en'],
  expect: ['total', 'base', 'bonus', 'scoreGrade', 'grade', 'items', 'vetoes', 'downgrades', 'caps'],
};

/** Top-level fields, in report order (`bonus.cap` stands for the bonus settings). */
const DOCUMENT_FIELDS = [
  'schemaVersion',
  'family',
  'year',
  'title',
  'basis',
  'maxScore',
  'precision',
  'bonus.cap',
  'downgradeStacking',
];

/** Top-level fields diffed as lists of entities rather than as document fields. */
const LIST_FIELDS = new Set([
  'parameters',
  'inputs',
  'derived',
  'categories',
  'bonus',
  'downgrades',
  'caps',
  'vetoes',
  'grades',
  'tests',
]);

/**
 * Diff two rule documents. Both are read defensively: a missing list counts as empty, so documents
 * that failed validation still diff.
 */
export function diffDocuments(
  oldDoc: RuleDocument,
  newDoc: RuleDocument,
  opts: DiffOptions = {},
): StructuralDiff {
  const o = asEntity(oldDoc);
  const n = asEntity(newDoc);
  const ctx: Context = {
    context: opts.context ?? 3,
    fromLabels: formulaLabels(o as Parameters<typeof formulaLabels>[0]),
    toLabels: formulaLabels(n as Parameters<typeof formulaLabels>[0]),
  };
  const changes: Change[] = [];

  changes.push(...diffDocumentFields(o, n, ctx));
  changes.push(...diffList('parameter', list(o.parameters), list(n.parameters), 'key', ctx));
  changes.push(...diffList('input', list(o.inputs), list(n.inputs), 'key', ctx, normalizeInput));
  changes.push(...diffList('derived', list(o.derived), list(n.derived), 'key', ctx));
  changes.push(...diffList('category', list(o.categories), list(n.categories), 'id', ctx, normalizeCategory));
  changes.push(...diffItems(list(o.categories), list(n.categories), ctx));
  changes.push(...diffList('bonus', list(asEntity(o.bonus).items), list(asEntity(n.bonus).items), 'id', ctx));
  changes.push(
    ...diffList('downgrade', list(o.downgrades), list(n.downgrades), 'id', ctx, normalizeDowngrade),
  );
  changes.push(...diffList('cap', list(o.caps), list(n.caps), 'id', ctx));
  changes.push(...diffList('veto', list(o.vetoes), list(n.vetoes), 'id', ctx));
  changes.push(...diffList('grade', list(o.grades), list(n.grades), 'id', ctx));
  changes.push(...diffList('test', list(o.tests), list(n.tests), 'name', ctx));
  return { changes };
}

interface Context {
  context: number;
  /** Each document's labels, for formulas in words. */
  fromLabels: Record<string, FormulaLabel>;
  toLabels: Record<string, FormulaLabel>;
}

function diffDocumentFields(o: Entity, n: Entity, ctx: Context): Change[] {
  const value = (doc: Entity, field: string): unknown => {
    switch (field) {
      case 'precision':
        return doc.precision ?? 2;
      case 'downgradeStacking':
        return doc.downgradeStacking ?? 'max';
      default:
        return field.startsWith('bonus.') ? asEntity(doc.bonus)[field.slice('bonus.'.length)] : doc[field];
    }
  };
  const extra = [...new Set([...Object.keys(o), ...Object.keys(n)])]
    .filter((k) => !DOCUMENT_FIELDS.includes(k) && !LIST_FIELDS.has(k))
    .sort();
  // A `bonus` that holds more than `cap` and `items` has its other keys diffed as document fields too.
  const bonusExtra = [...new Set([...Object.keys(asEntity(o.bonus)), ...Object.keys(asEntity(n.bonus))])]
    .filter((k) => k !== 'cap' && k !== 'items')
    .sort()
    .map((k) => `bonus.${k}`);
  const changes: Change[] = [];
  for (const field of [...DOCUMENT_FIELDS, ...bonusExtra, ...extra]) {
    const fields: FieldChange[] = [];
    compareField(field, value(o, field), value(n, field), fields, ctx);
    if (fields.length > 0) changes.push({ kind: 'changed', target: 'document', id: field, fields });
  }
  return changes;
}

/** Inputs: `required` defaults to true unless a `default` is given. */
function normalizeInput(input: Entity): Entity {
  if (input.required !== undefined) return input;
  return { ...input, required: input.default === undefined };
}

/** Categories (schema version 2): `notApplicable` defaults to "full" when any item has `applies`. */
function normalizeCategory(category: Entity): Entity {
  return category.notApplicable === undefined && list(category.items).some((i) => i.applies !== undefined)
    ? { ...category, notApplicable: 'full' }
    : category;
}

/** Downgrades: `levels` defaults to 1. */
function normalizeDowngrade(downgrade: Entity): Entity {
  return downgrade.levels === undefined ? { ...downgrade, levels: 1 } : downgrade;
}

function diffList(
  target: Exclude<ChangeTarget, 'document' | 'item'>,
  oldList: Entity[],
  newList: Entity[],
  idField: string,
  ctx: Context,
  normalize: (e: Entity) => Entity = (e) => e,
): Change[] {
  const pairs = pairById(oldList, newList, (e) => idOf(e, idField));
  const changes: Change[] = [];
  for (const pair of pairs.matched) {
    if (pair.old === undefined) {
      changes.push({ kind: 'added', target, id: idOf(pair.new!, idField) });
      continue;
    }
    const fields = compareEntities(target, normalize(pair.old), normalize(pair.new!), ctx);
    if (fields.length > 0) changes.push({ kind: 'changed', target, id: idOf(pair.new!, idField), fields });
  }
  for (const removed of pairs.removed) changes.push({ kind: 'removed', target, id: idOf(removed, idField) });
  return changes;
}

interface Placed {
  category: string;
  item: Entity;
}

/** Items are matched across categories: a moved item is one change with a `category` field. */
function diffItems(oldCats: Entity[], newCats: Entity[], ctx: Context): Change[] {
  const place = (cats: Entity[]): Placed[] =>
    cats.flatMap((c) => list(c.items).map((item) => ({ category: idOf(c, 'id'), item })));
  const oldItems = place(oldCats);
  const newItems = place(newCats);

  // Pair by id: first where the category is the same too (ids may repeat across categories in
  // documents that failed validation), then in document order.
  const partner = new Map<Placed, Placed>();
  const used = new Set<Placed>();
  for (const sameCategory of [true, false]) {
    for (const p of newItems) {
      if (partner.has(p)) continue;
      const id = idOf(p.item, 'id');
      const pick = oldItems.find(
        (c) => !used.has(c) && idOf(c.item, 'id') === id && (!sameCategory || c.category === p.category),
      );
      if (pick) {
        partner.set(p, pick);
        used.add(pick);
      }
    }
  }

  const changes: Change[] = [];
  for (const p of newItems) {
    const id = idOf(p.item, 'id');
    const before = partner.get(p);
    if (!before) {
      changes.push({ kind: 'added', target: 'item', id, category: p.category });
      continue;
    }
    const fields = compareEntities(
      'item',
      { ...before.item, category: before.category },
      { ...p.item, category: p.category },
      ctx,
    );
    if (fields.length > 0)
      changes.push({ kind: 'changed', target: 'item', id, category: p.category, fields });
  }
  for (const p of oldItems) {
    if (!used.has(p))
      changes.push({ kind: 'removed', target: 'item', id: idOf(p.item, 'id'), category: p.category });
  }
  return changes;
}

/** Pair entities by id in new-document order; duplicates pair in order; unpaired old ones are removed. */
function pairById(
  oldList: Entity[],
  newList: Entity[],
  id: (e: Entity) => string,
): { matched: { old?: Entity; new?: Entity }[]; removed: Entity[] } {
  const queue = new Map<string, Entity[]>();
  for (const e of oldList) queue.set(id(e), [...(queue.get(id(e)) ?? []), e]);
  const paired = new Set<Entity>();
  const matched = newList.map((e) => {
    const before = queue.get(id(e))?.shift();
    if (before) paired.add(before);
    return { old: before, new: e };
  });
  return { matched, removed: oldList.filter((e) => !paired.has(e)) };
}

function compareEntities(
  target: Exclude<ChangeTarget, 'document'>,
  o: Entity,
  n: Entity,
  ctx: Context,
): FieldChange[] {
  const known = FIELDS[target];
  const extra = [...new Set([...Object.keys(o), ...Object.keys(n)])]
    .filter((k) => !known.includes(k) && !IDENTITY.has(k))
    .sort();
  const fields: FieldChange[] = [];
  for (const field of [...known, ...extra]) compareField(field, o[field], n[field], fields, ctx);
  return fields;
}

/** Compare one field, recursing into plain objects (labels, test inputs and expectations). */
function compareField(path: string, from: unknown, to: unknown, out: FieldChange[], ctx: Context): void {
  const leaf = path.slice(path.lastIndexOf('.') + 1);
  if (FORMULA_FIELDS.has(path)) {
    if (!deepEqual(normalizeFormula(from), normalizeFormula(to)))
      out.push(formulaChange(path, from, to, ctx));
    return;
  }
  if (
    (isPlainObject(from) || from === undefined) &&
    (isPlainObject(to) || to === undefined) &&
    (from ?? to) !== undefined
  ) {
    const a = (from ?? {}) as Entity;
    const b = (to ?? {}) as Entity;
    const order = NESTED_ORDER[leaf] ?? [];
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(
      (x, y) => rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0),
    );
    for (const key of keys) compareField(`${path}.${key}`, a[key], b[key], out, ctx);
    return;
  }
  const equal =
    SET_FIELDS.has(path) && Array.isArray(from) && Array.isArray(to)
      ? sameSet(from, to)
      : deepEqual(from, to);
  if (!equal) out.push({ field: path, from: from ?? null, to: to ?? null });
}

function formulaChange(field: string, from: unknown, to: unknown, ctx: Context): FieldChange {
  const change: FieldChange = { field, from: from ?? null, to: to ?? null };
  if (from !== undefined) change.fromText = renderFormula(from);
  if (to !== undefined) change.toText = renderFormula(to);
  if (from !== undefined) change.fromTextZh = renderFormula(from, { lang: 'zh' });
  if (to !== undefined) change.toTextZh = renderFormula(to, { lang: 'zh' });
  if (from !== undefined) change.fromWords = renderFormula(from, { lang: 'zh', labels: ctx.fromLabels });
  if (to !== undefined) change.toWords = renderFormula(to, { lang: 'zh', labels: ctx.toLabels });
  change.lineDiff = lineDiff(from, to, ctx.context);
  return change;
}

/** Unified diff hunks (no file headers) between the pretty-printed JSON of two values. */
export function lineDiff(from: unknown, to: unknown, context = 3): string {
  const pretty = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2) + '\n');
  const patch = structuredPatch('old', 'new', pretty(from), pretty(to), undefined, undefined, { context });
  return formatPatch(patch, OMIT_HEADERS).trimEnd();
}

/**
 * A formula in the one shape json-logic reads it: an operation's single argument wrapped in a list
 * (`{"var":"x"}` is `{"var":["x"]}`).
 */
function normalizeFormula(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeFormula);
  if (isPlainObject(node)) {
    const keys = Object.keys(node);
    if (keys.length !== 1) return node;
    const raw = node[keys[0]];
    return { [keys[0]]: (Array.isArray(raw) ? raw : [raw]).map(normalizeFormula) };
  }
  return node;
}

function isPlainObject(v: unknown): v is Entity {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function asEntity(v: unknown): Entity {
  return isPlainObject(v) ? v : {};
}

function list(v: unknown): Entity[] {
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

function idOf(e: Entity, field: string): string {
  const id = e[field];
  return typeof id === 'string' ? id : JSON.stringify(id ?? null);
}

/** Structural equality of JSON values (object key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

function sameSet(a: unknown[], b: unknown[]): boolean {
  const key = (x: unknown) => JSON.stringify(x) ?? 'undefined';
  const sa = a.map(key).sort();
  const sb = b.map(key).sort();
  return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
}
