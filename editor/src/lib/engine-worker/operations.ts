/**
 * What the engine's Web Worker can do: one table of operations, each a call of the engine on
 * structured-cloneable arguments. The worker (`worker.ts`) dispatches on it; the client
 * (`client.ts`) types its calls from it.
 */
import { errorsOf, validateDocument, type ValidateOptions } from '../../../../engine/validate/index.ts';
import { evaluatePrepared } from '../../../../engine/evaluate/index.ts';
import { prepareDocument } from '../../../../engine/evaluate/prepare.ts';
import { runDocumentTests } from '../../../../engine/tests/run.ts';
import { analyseSensitivity, type SensitivityMode } from '../../../../engine/sensitivity/index.ts';
import { checkPrepared } from '../../../../engine/health/index.ts';
import type { Dataset, RuleDocument } from '../../../../engine/types.ts';

export const operations = {
  /** The engine's problems for a document (possibly invalid while it is being typed). */
  validate: (a: { doc: unknown; options?: ValidateOptions }) => validateDocument(a.doc, a.options ?? {}),
  /** A year's data scored under a document that validates. */
  evaluate: (a: { doc: RuleDocument; dataset: Dataset; trace: boolean }) =>
    evaluatePrepared(prepareDocument(a.doc), a.dataset, { trace: a.trace }),
  /** The same, or null when the document has problems (the parent version of a draft). */
  evaluateIfValid: (a: { doc: RuleDocument; dataset: Dataset; trace: boolean }) =>
    errorsOf(validateDocument(a.doc, { runTests: false })).length === 0
      ? evaluatePrepared(prepareDocument(a.doc), a.dataset, { trace: a.trace })
      : null,
  /** The document's own tests. */
  tests: (a: { doc: RuleDocument }) => runDocumentTests(a.doc),
  /** The health check's interval analysis (规则体检, the part that runs as you type). */
  healthBounds: (a: { doc: RuleDocument }) => checkPrepared(prepareDocument(a.doc), { mode: 'bounds' }),
  /** Weight sensitivity of the ranking. */
  sensitivity: (a: { doc: RuleDocument; dataset: Dataset; mode: SensitivityMode }) =>
    analyseSensitivity(a.doc, a.dataset, a.mode),
};

export type Operations = typeof operations;
export type OperationName = keyof Operations;

export interface EngineRequest {
  id: number;
  op: OperationName;
  args: unknown;
}

/** An error as data (errors do not survive postMessage with their class and fields). */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  problems?: { path: string; code: string; message: string }[];
}

export type EngineResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; problems?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof x.code === 'string' ? { code: x.code } : {}),
      ...(Array.isArray(x.problems) ? { problems: x.problems as SerializedError['problems'] } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}
