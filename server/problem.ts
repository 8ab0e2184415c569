/**
 * RFC 9457 problem details: one typed error (`ApiError`) thrown by routes, and one handler that
 * turns it, and the typed errors of the store and the engine, into `application/problem+json`.
 */
import type { Context } from 'hono';
import type { Problem } from '../engine/types.ts';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { InvalidDocumentError } from '../engine/validate/index.ts';
import { ConflictError, StoreError } from './db/errors.ts';
import { driverError } from './db/dialect.ts';

/** One problem in a list: where, what (stable code) and how to fix it. Imports add row/column. */
export interface ProblemEntry extends Problem {
  row?: number;
  column?: string | number;
}

/** The body of an `application/problem+json` response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: ProblemEntry[];
  [extra: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/**
 * The one error a route throws to answer with a problem.
 *
 * @example
 * throw new ApiError(404, 'version_not_found', '规则版本 7 不存在 / Rule version 7 does not exist');
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: ProblemEntry[],
    /** Extra members of the problem object (e.g. `current` for a stale edit). */
    readonly extra: Record<string, unknown> = {},
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** Builds the problem object for a status and code. */
export function problemBody(
  status: number,
  code: string,
  detail: string,
  errors?: ProblemEntry[],
  extra: Record<string, unknown> = {},
): ProblemBody {
  const body: ProblemBody = {
    type: `https://ecoscore/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
  };
  if (errors) body.errors = errors;
  for (const [k, v] of Object.entries(extra)) if (!(k in body)) body[k] = v;
  return body;
}

/** An `application/problem+json` response. */
export function problemResponse(
  status: number,
  code: string,
  detail: string,
  errors?: ProblemEntry[],
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(problemBody(status, code, detail, errors, extra)), {
    status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

/** The `current` member of a stale edit's problem (the row as the caller would read it now). */
function extraOf(err: StoreError): Record<string, unknown> {
  return err instanceof ConflictError && err.current !== undefined ? { current: err.current } : {};
}

/**
 * Maps the typed errors of the store (`server/db`, `server/trust`: their own `status` and `code`)
 * and the engine's invalid document (422) to a problem, by their class, so routes can let them
 * propagate. Returns undefined for anything unknown (answered as a 500).
 */
export function classify(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    return new ApiError(err.status, `http_${err.status}`, err.message || TITLES[err.status] || 'Error');
  }
  if (err instanceof StoreError)
    return new ApiError(err.status, err.code, err.message, err.errors, extraOf(err));
  if (err instanceof InvalidDocumentError) return new ApiError(422, err.code, err.message, err.problems);
  // Constraint violations (unique keys, the immutability and four-eyes triggers) are conflicts:
  // SQLite's SQLITE_CONSTRAINT_*, PostgreSQL's class 23 and the triggers' RAISE (P0001).
  const cause = driverError(err);
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || /^(23\d{3}|P0001)$/.test(code)))
      return new ApiError(409, 'constraint_violation', cause.message);
  }
  return undefined;
}

/**
 * The app's `onError` handler: known errors become their problem; anything else a 500 whose
 * detail does not leak internals (the stack goes to the log).
 */
export function handleError(log: (line: string) => void) {
  return (err: Error, c: Context): Response => {
    const known = classify(err);
    if (known) {
      return problemResponse(
        known.status,
        known.code,
        known.detail,
        known.errors,
        known.extra,
        known.headers,
      );
    }
    log(`error ${c.req.method} ${c.req.path}: ${err?.stack ?? String(err)}`);
    return problemResponse(500, 'internal_error', '服务器内部错误 / Internal server error');
  };
}

/** Narrows a number to the status type Hono's helpers accept. */
export function asStatus(n: number): ContentfulStatusCode {
  return n as ContentfulStatusCode;
}
