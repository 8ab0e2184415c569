/**
 * Validation of a rule document: schema problems, semantic problems and, when the document is
 * otherwise valid, its own tests — one list, one shape (SPEC section 2).
 */
import type { Problem, RuleDocument } from '../types.ts';
import { checkSchema } from './schema.ts';
import { checkSemantics } from './semantic.ts';
import { testProblems } from '../tests/run.ts';

export interface ValidateOptions {
  /** Size of the source text in bytes (the 1 MiB limit); measured from the value when absent. */
  sourceBytes?: number;
  /** Run the document's `tests` when it is otherwise valid (default true). */
  runTests?: boolean;
}

/**
 * Every problem of a rule document at once.
 *
 * @example validateDocument(JSON.parse(text), { sourceBytes: text.length }) // [] when valid
 */
export function validateDocument(doc: unknown, opts: ValidateOptions = {}): Problem[] {
  const problems = [...checkSchema(doc), ...checkSemantics(doc, opts)];
  if (errorsOf(problems).length === 0 && opts.runTests !== false)
    problems.push(...testProblems(doc as RuleDocument));
  return problems;
}

/**
 * The problems that make a document invalid: all but warnings (`severity: "warning"`, schema
 * version 2).
 *
 * @example errorsOf(validateDocument(doc)).length === 0 // valid, maybe with warnings
 */
export function errorsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity !== 'warning');
}

/** Structural validity only (schema + semantics), without running the tests. */
export function isValidDocument(doc: unknown): doc is RuleDocument {
  return errorsOf(validateDocument(doc, { runTests: false })).length === 0;
}

/** Thrown by evaluation entry points when given an invalid document. */
export class InvalidDocumentError extends Error {
  readonly code = 'invalid_document';
  constructor(readonly problems: Problem[]) {
    super(
      `The rule document is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems[0]?.path} ${problems[0]?.code}`,
    );
    this.name = 'InvalidDocumentError';
  }
}

export { checkSchema, checkSemantics };
