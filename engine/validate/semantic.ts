/**
 * Stage 2 of validation: every rule of SPEC section 2 that a JSON Schema cannot express — unique
 * ids and keys, declared literal variable names, the operation allowlist, points that add up,
 * grade order, cap grade references, derived-value cycles, reserved names and the size limits.
 * Written defensively: it runs on documents that failed the schema too, checking what it can.
 */
import type { Problem } from '../types.ts';
import { pointer } from './problem.ts';
import { prevName } from '../document/v2.ts';
import { checkVersion2 } from './version2.ts';
import { isObj, list, str, type Obj } from './common.ts';
import { checkFormula, checkCycles } from './formula.ts';
import {
  checkGrades,
  checkInputs,
  checkLimits,
  checkNames,
  checkPoints,
  checkTestReferences,
} from './sections.ts';

export { LIMITS, RESERVED_NAMES, valueFitsType } from './common.ts';

export interface SemanticOptions {
  /** Size of the document's source text in bytes, when it came from a file. */
  sourceBytes?: number;
}

/** A formula in the document: where it is and which part of the document it belongs to. */
export interface FormulaSite {
  path: string;
  formula: unknown;
  /** The derived key when the formula defines a derived value. */
  derivedKey?: string;
}

/** Every formula of a document with its JSON pointer. */
export function formulaSites(doc: Obj): FormulaSite[] {
  const sites: FormulaSite[] = [];
  list(doc.derived).forEach((d, i) => {
    if (isObj(d) && 'logic' in d)
      sites.push({ path: `/derived/${i}/logic`, formula: d.logic, derivedKey: str(d.key) ?? undefined });
  });
  list(doc.categories).forEach((c, ci) => {
    if (!isObj(c)) return;
    list(c.items).forEach((it, ii) => {
      if (isObj(it) && 'applies' in it)
        sites.push({ path: `/categories/${ci}/items/${ii}/applies`, formula: it.applies });
      if (isObj(it) && 'logic' in it)
        sites.push({ path: `/categories/${ci}/items/${ii}/logic`, formula: it.logic });
    });
  });
  if (isObj(doc.bonus))
    list(doc.bonus.items).forEach((b, i) => {
      if (isObj(b) && 'logic' in b) sites.push({ path: `/bonus/items/${i}/logic`, formula: b.logic });
    });
  for (const part of ['downgrades', 'caps', 'vetoes'] as const)
    list(doc[part]).forEach((x, i) => {
      if (isObj(x) && 'when' in x) sites.push({ path: `/${part}/${i}/when`, formula: x.when });
    });
  return sites;
}

/** Checks the semantic rules; returns every problem found. */
export function checkSemantics(doc: unknown, opts: SemanticOptions = {}): Problem[] {
  const out: Problem[] = [];
  if (!isObj(doc)) return out;
  checkLimits(doc, opts.sourceBytes, out);
  checkNames(doc, out);
  checkInputs(doc, out);
  checkPoints(doc, out);
  const gradeIds = checkGrades(doc, out);

  // Formulas.
  const inputs = list(doc.inputs);
  const derived = list(doc.derived);
  const declared = new Set<string>();
  for (const x of [...list(doc.parameters), ...inputs, ...derived])
    if (isObj(x) && typeof x.key === 'string') declared.add(x.key);
  for (const x of inputs)
    if (isObj(x) && typeof x.key === 'string' && (x.previous === 'required' || x.previous === 'optional'))
      declared.add(prevName(x.key));
  const derivedKeys = new Set<string>();
  for (const x of derived) if (isObj(x) && typeof x.key === 'string') derivedKeys.add(x.key);
  const sites = formulaSites(doc);
  for (const site of sites) checkFormula(site.path, site.formula, declared, out);

  // Derived cycles.
  out.push(...checkCycles(derived, derivedKeys));

  // Schema version 2: its fields refused in version 1; choices, parameters, rubrics checked.
  out.push(...checkVersion2(doc));

  checkTestReferences(doc, declared, gradeIds, out);
  return out;
}

export { pointer };
