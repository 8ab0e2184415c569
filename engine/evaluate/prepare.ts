/**
 * Preparing a valid document for evaluation, once: defaults applied, derived values put in
 * dependency order, the variables each formula reads listed for traces.
 */
import type { Derived, Grade, Input, RuleDocument } from '../types.ts';
import { variablesOf } from '../logic/walk.ts';
import { contentHash } from '../hash/content-hash.ts';

export interface PreparedFormula<T> {
  def: T;
  /** Variables the formula reads, for the trace. */
  reads: string[];
}

export interface PreparedDocument {
  doc: RuleDocument;
  hash: string;
  precision: number;
  inputs: Input[];
  inputByKey: Map<string, Input>;
  /** Derived values in an order where each comes after the derived values it reads. */
  derived: PreparedFormula<Derived>[];
  grades: Grade[];
  gradeIndex: Map<string, number>;
  stacking: 'max' | 'sum';
  bonusCap: number;
  reads: WeakMap<object, string[]>;
}

/**
 * Prepares a document that has passed validation; `hash`, its content hash when the caller has it
 * already.
 */
export function prepareDocument(doc: RuleDocument, hash?: string): PreparedDocument {
  const inputByKey = new Map(doc.inputs.map((i) => [i.key, i]));
  const derived = doc.derived ?? [];
  const byKey = new Map(derived.map((d) => [d.key, d]));
  const order: PreparedFormula<Derived>[] = [];
  const done = new Set<string>();
  const visit = (d: Derived) => {
    if (done.has(d.key)) return;
    done.add(d.key);
    const reads = variablesOf(d.logic);
    for (const v of reads) {
      const dep = byKey.get(v);
      if (dep) visit(dep);
    }
    order.push({ def: d, reads });
  };
  derived.forEach(visit);
  const reads = new WeakMap<object, string[]>();
  for (const c of doc.categories) for (const it of c.items) reads.set(it, variablesOf(it.logic));
  for (const b of doc.bonus?.items ?? []) reads.set(b, variablesOf(b.logic));
  return {
    doc,
    hash: hash ?? contentHash(doc),
    precision: doc.precision ?? 2,
    inputs: doc.inputs,
    inputByKey,
    derived: order,
    grades: doc.grades,
    gradeIndex: new Map(doc.grades.map((g, i) => [g.id, i])),
    stacking: doc.downgradeStacking ?? 'max',
    bonusCap: doc.bonus?.cap ?? 0,
    reads,
  };
}
