/**
 * The work the engine pool runs on user documents, one function per task: each takes plain,
 * structured-clonable input and returns the response body as JSON text (so the HTTP answer is
 * byte-for-byte what `c.json` of the same object gives). Pure engine calls with the budgets of
 * engine/limits.ts checked first; runs inside a worker thread (worker.ts), and in-process in tests.
 */
import {
  analysePrepared,
  checkEvaluationBudget,
  checkSensitivityBudget,
  checkSensitivityMode,
  evaluatePrepared,
  InvalidDocumentError,
  itemSlots,
  prepareDocument,
  runDocumentTests,
  validateDocument,
  errorsOf,
  variantCount,
  type PreparedDocument,
  type SensitivityMode,
} from '../../engine/index.ts';
import { diff } from '../../engine/diff/index.ts';
import type { Dataset, RuleDocument } from '../../engine/types.ts';
import { Lru } from '../routes/cache.ts';
import { parseImport, type ImportFormat } from '../io/parse.ts';

/** An error a task throws that the HTTP side answers as this problem. */
export class TaskProblem extends Error {
  override name = 'TaskProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: { path: string; code: string; message: string }[],
  ) {
    super(message);
  }
}

/**
 * The most work one sensitivity request may ask for, in variant × region pairs: 10,000 variants
 * over 3,000 regions (the integer re-aggregation of engine/sensitivity/aggregate.ts runs that in a
 * few seconds; its memory grows with the regions, not with the variants), besides the variants ×
 * regions × items budget of engine/limits.ts.
 */
export const MAX_PAIRS = 30_000_000;

/** A document as sent to the pool: its JSON text is also its cache key. */
export interface DocumentRef {
  text: string;
}

const prepared = new Lru<string, PreparedDocument>(16);

/** The validated, prepared document (cached by its text); InvalidDocumentError when invalid. */
function prepare(ref: DocumentRef): PreparedDocument {
  return prepared.getOr(ref.text, () => {
    const doc = JSON.parse(ref.text) as RuleDocument;
    const problems = errorsOf(validateDocument(doc, { runTests: false }));
    if (problems.length) throw new InvalidDocumentError(problems);
    return prepareDocument(doc);
  });
}

export interface EvaluateInput {
  document: DocumentRef;
  dataset: Dataset;
  trace: boolean;
  /** Only check that the evaluation completes within the limits (answers `true`, not results). */
  checkOnly?: boolean;
}

export function evaluateTask(input: EvaluateInput): string {
  const p = prepare(input.document);
  checkEvaluationBudget(p.doc, input.dataset.regions.length);
  const evaluation = evaluatePrepared(p, input.dataset, { trace: input.trace });
  return input.checkOnly ? 'true' : JSON.stringify(evaluation);
}

export interface ValidateInput {
  text: string;
}

export function validateTask(input: ValidateInput): string {
  const errors = validateDocument(JSON.parse(input.text), {
    sourceBytes: Buffer.byteLength(input.text, 'utf8'),
  });
  return JSON.stringify({ valid: errorsOf(errors).length === 0, errors });
}

export function testsTask(input: ValidateInput): string {
  return JSON.stringify({ results: runDocumentTests(JSON.parse(input.text)) });
}

export interface DiffInput {
  from: string;
  to: string;
  dataset?: Dataset;
}

export function diffTask(input: DiffInput): string {
  const from = JSON.parse(input.from) as RuleDocument;
  const to = JSON.parse(input.to) as RuleDocument;
  if (input.dataset) {
    checkEvaluationBudget(from, input.dataset.regions.length * 2);
    checkEvaluationBudget(to, input.dataset.regions.length * 2);
  }
  return JSON.stringify(diff(from, to, { dataset: input.dataset }));
}

export interface SensitivityInput {
  document: DocumentRef;
  dataset: Dataset;
  mode: SensitivityMode;
  unstableShare?: number;
  topVariants?: number;
}

export function sensitivityTask(input: SensitivityInput): string {
  const p = prepare(input.document);
  const { dataset, mode } = input;
  const modeProblems = checkSensitivityMode(mode, p.doc);
  if (modeProblems.length)
    throw new TaskProblem(
      422,
      'invalid_mode',
      '扰动方式无效 / The perturbation mode is invalid',
      modeProblems.map((m) => ({ ...m })),
    );
  const items = itemSlots(p.doc);
  const variants = variantCount(mode, items, p.precision);
  const pairs = variants * dataset.regions.length;
  if (pairs > MAX_PAIRS) {
    const message = `方案数 × 地区数为 ${pairs}，超过上限 ${MAX_PAIRS}：请减少随机抽样次数或方案 / variants × regions is ${pairs}, above the limit of ${MAX_PAIRS}; ask for fewer draws or variants`;
    throw new TaskProblem(422, 'too_many_variants', message, [
      { path: '/mode', code: 'too_many_variants', message },
    ]);
  }
  checkSensitivityBudget(variants, dataset.regions.length, items.length);
  checkEvaluationBudget(p.doc, dataset.regions.length);
  return JSON.stringify(
    analysePrepared(p, dataset, mode, {
      unstableShare: input.unstableShare,
      topVariants: input.topVariants,
    }),
  );
}

export interface ParseImportInput {
  format: ImportFormat;
  data: Uint8Array;
  document: DocumentRef;
  year: number;
}

/** A data file parsed into incoming regions and problems (server/io/parse.ts), bounded by its limits. */
export async function parseImportTask(input: ParseImportInput): Promise<string> {
  const doc = JSON.parse(input.document.text) as RuleDocument;
  return JSON.stringify(await parseImport(input.format, input.data, doc, input.year));
}

/** Every task by name. */
export const TASKS = {
  evaluate: evaluateTask,
  validate: validateTask,
  tests: testsTask,
  diff: diffTask,
  sensitivity: sensitivityTask,
  parseImport: parseImportTask,
} as const;

export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];

/** A task error as plain data (it crosses the thread boundary). */
export interface TaskError {
  name: string;
  message: string;
  status?: number;
  code?: string;
  problems?: unknown;
  limit?: string;
  max?: number;
}

export function serialiseError(e: unknown): TaskError {
  if (e instanceof Error) {
    const x = e as Error & Partial<TaskError> & { errors?: unknown };
    return {
      name: x.name,
      message: x.message,
      // The engine's invalid document crosses as its problem (422 invalid_document).
      status: typeof x.status === 'number' ? x.status : e instanceof InvalidDocumentError ? 422 : undefined,
      code: typeof x.code === 'string' ? x.code : undefined,
      problems: x.problems ?? x.errors,
      limit: x.limit,
      max: x.max,
    };
  }
  return { name: 'Error', message: String(e) };
}
