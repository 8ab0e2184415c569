/**
 * Preparing a valid document for evaluation, once: defaults applied, derived values put in
 * dependency order, the variables each formula reads listed for traces.
 */
import type { Derived, Grade, Input, RuleDocument } from '../types.ts';
import { variablesOf } from '../logic/walk.ts';
import { contentHash } from '../hash/content-hash.ts';
import { hasLabelledChoices, plainInput, previousInputs } from '../document/v2.ts';

export interface PreparedFormula<T> {
  def: T;
  /** Variables the formula reads, for the trace. */
  reads: string[];
}

export interface PreparedDocument {
  doc: RuleDocument;
  hash: string;
  precision: number;
  /** The inputs, labelled choices reduced to their values (what data is checked against). */
  inputs: Input[];
  inputByKey: Map<string, Input>;
  /** Inputs with labelled choices, as declared (a label given as data stands for its value). */
  labelled: Map<string, Input>;
  /** Schema version 2 parameters: bound before the inputs, never overridden by data. */
  parameters: Map<string, unknown>;
  /** Inputs whose last year's value formulas read as `prev.KEY` (plain enums), in document order. */
  previous: Input[];
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
  const inputs = doc.inputs.map(plainInput);
  const inputByKey = new Map(inputs.map((i) => [i.key, i]));
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
  for (const c of doc.categories)
    for (const it of c.items)
      reads.set(
        it,
        it.applies === undefined
          ? variablesOf(it.logic)
          : [...new Set([...variablesOf(it.applies), ...variablesOf(it.logic)])],
      );
  for (const b of doc.bonus?.items ?? []) reads.set(b, variablesOf(b.logic));
  return {
    doc,
    hash: hash ?? contentHash(doc),
    precision: doc.precision ?? 2,
    inputs,
    inputByKey,
    labelled: new Map(doc.inputs.filter(hasLabelledChoices).map((i) => [i.key, i])),
    parameters: new Map((doc.parameters ?? []).map((x) => [x.key, x.value])),
    previous: previousInputs({ inputs }),
    derived: order,
    grades: doc.grades,
    gradeIndex: new Map(doc.grades.map((g, i) => [g.id, i])),
    stacking: doc.downgradeStacking ?? 'max',
    bonusCap: doc.bonus?.cap ?? 0,
    reads,
  };
}
