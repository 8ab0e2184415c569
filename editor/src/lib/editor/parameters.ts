/**
 * The draft editor's parameters table (schema version 2, SPEC section 9): which formulas read a
 * parameter (so that renaming or removing one they use is refused, with the formulas named), the
 * value's kind, and reading a typed value as the kind chosen.
 */

/** A formula of the document, by its JSON pointer and the id or key of what holds it. */
export interface FormulaUse {
  path: string;
  /** The id or key of the item, derived value, veto … that holds the formula. */
  owner: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Whether a JSON-logic formula reads variable `key` (`{"var": "key"}` or `{"var": ["key", d]}`). */
export function readsVar(logic: unknown, key: string): boolean {
  if (Array.isArray(logic)) return logic.some((x) => readsVar(x, key));
  if (!isObj(logic)) return false;
  for (const [op, arg] of Object.entries(logic)) {
    if (op === 'var') {
      const name = Array.isArray(arg) ? arg[0] : arg;
      if (name === key) return true;
    }
    if (readsVar(arg, key)) return true;
  }
  return false;
}

/** Every formula of a document with its pointer: derived values, items (and `applies`), adjustments. */
export function formulasOf(doc: unknown): (FormulaUse & { logic: unknown })[] {
  if (!isObj(doc)) return [];
  const out: (FormulaUse & { logic: unknown })[] = [];
  const add = (path: string, owner: unknown, logic: unknown) => {
    if (logic !== undefined) out.push({ path, owner: typeof owner === 'string' ? owner : path, logic });
  };
  list(doc.derived).forEach((d, i) => isObj(d) && add(`/derived/${i}/logic`, d.key, d.logic));
  list(doc.categories).forEach((c, ci) =>
    list(isObj(c) ? c.items : undefined).forEach((it, ii) => {
      if (!isObj(it)) return;
      add(`/categories/${ci}/items/${ii}/logic`, it.id, it.logic);
      add(`/categories/${ci}/items/${ii}/applies`, it.id, it.applies);
    }),
  );
  list(isObj(doc.bonus) ? doc.bonus.items : undefined).forEach(
    (b, i) => isObj(b) && add(`/bonus/items/${i}/logic`, b.id, b.logic),
  );
  for (const part of ['downgrades', 'caps', 'vetoes'] as const)
    list(doc[part]).forEach((r, i) => isObj(r) && add(`/${part}/${i}/when`, r.id, r.when));
  return out;
}

/** The formulas that read `key` (a parameter, input or derived value). */
export function usesOf(doc: unknown, key: string): FormulaUse[] {
  if (!key) return [];
  return formulasOf(doc)
    .filter((f) => readsVar(f.logic, key))
    .map(({ path, owner }) => ({ path, owner }));
}

export type ParameterKind = 'number' | 'string' | 'boolean';

/** The kind of a parameter's value (numbers when it has none yet). */
export function kindOf(value: unknown): ParameterKind {
  return typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'boolean' : 'number';
}

/**
 * A value of the kind chosen, keeping what it can of the old one: a number's text as a string, a
 * numeric string as a number, `true` for a boolean.
 */
export function convertValue(value: unknown, kind: ParameterKind): number | string | boolean {
  if (kind === 'string') return value === undefined || value === null ? '' : String(value);
  if (kind === 'boolean') return value === true || value === 'true';
  if (typeof value === 'number') return value;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}
