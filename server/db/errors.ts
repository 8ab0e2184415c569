/**
 * Typed store errors. Each carries serialisable data (`code`, `message`, `errors`) that the API maps
 * to `application/problem+json` (RFC 9457): `status` is the suggested HTTP status.
 *
 * @example
 * try { updateDraft(db, id, doc, 3, 'alice') }
 * catch (e) { if (e instanceof ConflictError) return c.json({ ...e.toJSON(), current: e.current }, 409) }
 */
import { driverError } from './dialect.ts';
import type { Problem } from '../../engine/types.ts';

/** A problem in an imported file or a grid: `row` (1-based line in the file) and `column` when known. */
export interface ImportProblem extends Problem {
  /** 1-based row number in the file (the header is row 1). Absent for JSON. */
  row?: number;
  /** Header name and letter for CSV/XLSX (`pm25 (D)`), a JSON pointer for JSON. */
  column?: string;
}

export abstract class StoreError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly errors: ImportProblem[];

  constructor(message: string, errors: ImportProblem[] = []) {
    super(message);
    this.name = new.target.name;
    this.errors = errors;
  }

  /** The problem+json body fields (without `type`/`title`, which the API adds). */
  toJSON(): { code: string; message: string; status: number; errors: ImportProblem[] } {
    return { code: this.code, message: this.message, status: this.status, errors: this.errors };
  }
}

/** The thing asked for does not exist (404). */
export class NotFoundError extends StoreError {
  readonly code = 'not_found';
  readonly status = 404;
  constructor(
    readonly entity: string,
    readonly id: string | number,
  ) {
    super(`${entity} ${id} 不存在 / ${entity} ${id} not found`, [
      { path: '', code: 'not_found', message: `${entity} ${id} 不存在 / ${entity} ${id} not found` },
    ]);
  }
}

/**
 * The write was based on a stale read (optimistic concurrency) or clashes with the current state
 * (409). `current` is the current row as the caller would read it (e.g. the current `Version`).
 */
export class ConflictError<T = unknown> extends StoreError {
  readonly code: string;
  readonly status = 409;
  constructor(
    message: string,
    readonly current?: T,
    code = 'conflict',
    errors: ImportProblem[] = [],
  ) {
    super(message, errors.length ? errors : [{ path: '', code, message }]);
    this.code = code;
  }
}

/**
 * The input is invalid (422): `errors` lists every problem, each with `path` and, for imports,
 * `row` and `column`.
 */
export class ValidationError extends StoreError {
  readonly code: string;
  readonly status = 422;
  constructor(message: string, errors: ImportProblem[], code = 'validation_failed') {
    super(message, errors);
    this.code = code;
  }
}

/** The row is immutable (published/retired version, finished run, audit log) (409). */
export class ImmutableError extends StoreError {
  readonly code = 'immutable';
  readonly status = 409;
  constructor(message: string) {
    super(message, [{ path: '', code: 'immutable', message }]);
  }
}

/** Whether a driver error is one of our immutability triggers (`RAISE(ABORT, 'immutable: …')`). */
export function isImmutableTriggerError(e: unknown): e is Error {
  const cause = driverError(e);
  return cause instanceof Error && /^immutable: /.test(cause.message);
}

/** Runs `fn`, turning an immutability trigger abort into an ImmutableError. */
export async function mapTriggerErrors<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isImmutableTriggerError(e)) throw new ImmutableError((driverError(e) as Error).message);
    throw e;
  }
}
