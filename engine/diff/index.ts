/**
 * The semantic diff of two rule versions (SPEC section 6): the structural changes, and with a
 * dataset the impact on every region. `ecoscore diff --json` and `GET /api/diff` print this object.
 *
 * @example
 * diff(rules2023, rules2024, { dataset }) // → { changes: [...], impact: [...] }
 */
import type { Dataset, RuleDocument } from '../types.ts';
import { diffDocuments, type Change, type DiffOptions } from './structural.ts';
import { diffImpact, type ImpactRow } from './impact.ts';

export interface DiffResult {
  changes: Change[];
  /** Present when a dataset was given. */
  impact?: ImpactRow[];
}

/** Throws InvalidDocumentError (from evaluate) when a dataset is given and a document is invalid. */
export function diff(
  oldDoc: RuleDocument,
  newDoc: RuleDocument,
  opts: DiffOptions & { dataset?: Dataset } = {},
): DiffResult {
  const { changes } = diffDocuments(oldDoc, newDoc, opts);
  if (!opts.dataset) return { changes };
  return { changes, impact: diffImpact(oldDoc, newDoc, opts.dataset) };
}

export { diffDocuments, lineDiff, deepEqual } from './structural.ts';
export type {
  Change,
  ChangeKind,
  ChangeTarget,
  FieldChange,
  StructuralDiff,
  DiffOptions,
} from './structural.ts';
export { diffImpact, compareEvaluations } from './impact.ts';
export type { ImpactRow, RegionOutcome } from './impact.ts';
