/**
 * The editor's typed client for the public HTTP API (server/API.md). Every call goes through
 * `request`, which turns `application/problem+json` answers into an `ApiError` carrying the
 * problem's `code` and its `errors` list, and reports a 401 to the session module so the user is
 * sent back to the sign-in page.
 */
import type { Evaluation, Problem, RuleDocument, TestOutcome, DiffResult } from './engine.ts';
import type { DatasetSummary } from '$server/db/dataset-types.ts';
import type { Role, VersionStatus } from '$server/db/enums.ts';
import type { Version, VersionSummary } from '$server/db/version-types.ts';
import type { DatasetGrid as DatasetYear } from './assess/api.ts';

/** `region`: a region account (SPEC section 10), bound to one region code. */
export type { Role } from '$server/db/enums.ts';
export type Locale = 'zh' | 'en';

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  locale: Locale;
  disabled?: boolean;
  /** The region code of a region account; null for every other role. */
  region?: string | null;
}

export type { VersionStatus } from '$server/db/enums.ts';
export type { Version, VersionSummary } from '$server/db/version-types.ts';
export type { DatasetSummary } from '$server/db/dataset-types.ts';
/** A year's data as `GET /api/datasets/:year` answers it (with last year's values). */
export type { DatasetGrid as DatasetYear } from './assess/api.ts';

export interface Family {
  family: string;
  title: { zh: string; en?: string };
  versions: VersionSummary[];
}

export interface Region {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  years: number[];
  active: boolean;
}

export type {
  TestOutcome,
  DiffResult,
  Change as DiffChange,
  FieldChange as DiffFieldChange,
  ImpactRow,
} from './engine.ts';

/** An answer that is not 2xx: the problem+json body's fields, and the raw body for extras (`current`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: Problem[];
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const detail = typeof body.detail === 'string' ? body.detail : undefined;
    const title = typeof body.title === 'string' ? body.title : undefined;
    super(detail ?? title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = typeof body.code === 'string' ? body.code : `http_${status}`;
    this.errors = Array.isArray(body.errors) ? (body.errors as Problem[]) : [];
    this.body = body;
  }
}

/** A request that never reached the server (offline, server down). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NetworkError';
  }
}

type UnauthorizedHandler = () => void;
let unauthorizedHandler: UnauthorizedHandler | null = null;

/** Called by the session module: what to do when any call answers 401 (session expired). */
export function onUnauthorized(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler;
}

interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** A file sent as it is (an import, a piece of evidence), with its content type. */
  file?: { body: Blob | ArrayBuffer | string; type: string };
  headers?: Record<string, string>;
  /** Do not report a 401 to the session handler (the sign-in and "who am I" calls). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

/** Sends one API call and decodes its JSON answer; throws ApiError / NetworkError. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.file) {
    headers['Content-Type'] = opts.file.type;
    body = opts.file.body;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new NetworkError(e);
  }
  if (res.status === 401 && !opts.quiet401) unauthorizedHandler?.();
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 300) };
    }
  }
  if (!res.ok) throw new ApiError(res.status, (data ?? {}) as Record<string, unknown>);
  return data as T;
}

/** A query string (`?a=1&b=x`, or empty) of the parameters that have a value. */
export const query = (params: Record<string, string | number | undefined | null>): string => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? `?${str}` : '';
};
const q = query;

export const api = {
  health: () => request<{ status: string; version: string }>('GET', '/api/health'),

  login: (username: string, password: string) =>
    request<{ user: User }>('POST', '/api/auth/login', { body: { username, password }, quiet401: true }),
  logout: () => request<void>('POST', '/api/auth/logout', { quiet401: true }),
  me: () => request<{ user: User }>('GET', '/api/auth/me', { quiet401: true }),
  setLocale: (locale: Locale) => request<{ user: User }>('PUT', '/api/auth/me/locale', { body: { locale } }),

  users: () => request<{ users: User[] }>('GET', '/api/users'),
  createUser: (u: { username: string; displayName: string; role: Role; password: string; region?: string }) =>
    request<{ user: User }>('POST', '/api/users', { body: u }),
  updateUser: (
    id: number,
    patch: { displayName?: string; role?: Role; disabled?: boolean; region?: string | null },
  ) => request<{ user: User }>('PATCH', `/api/users/${id}`, { body: patch }),
  setPassword: (id: number, password: string) =>
    request<void>('POST', `/api/users/${id}/password`, { body: { password } }),

  families: () => request<{ families: Family[] }>('GET', '/api/families'),
  versions: (filter: { family?: string; year?: number; status?: VersionStatus } = {}) =>
    request<{ versions: VersionSummary[] }>('GET', `/api/versions${q({ ...filter })}`),
  version: (id: number) => request<Version>('GET', `/api/versions/${id}`),
  createVersion: (body: { from?: number; year?: number; family?: string; document?: RuleDocument }) =>
    request<Version>('POST', '/api/versions', { body }),
  /** Saves a draft; `revision` is the one the edit started from (If-Match). 409 carries `current`. */
  updateVersion: (id: number, document: unknown, revision: number) =>
    request<Version>('PUT', `/api/versions/${id}`, {
      body: { document },
      headers: { 'If-Match': `"${revision}"` },
    }),
  deleteVersion: (id: number) => request<void>('DELETE', `/api/versions/${id}`),
  validateVersion: (id: number) =>
    request<{ valid: boolean; errors: Problem[] }>('POST', `/api/versions/${id}/validate`),
  testVersion: (id: number) => request<{ results: TestOutcome[] }>('POST', `/api/versions/${id}/tests`),
  /** Four eyes on: records a request (`status: 'pending'`); off: publishes (needs 文号 and date). */
  publishVersion: (id: number, body: { docNumber?: string; effectiveDate?: string }) =>
    request<Version | { status: 'pending'; id: number; requestedBy: string }>(
      'POST',
      `/api/versions/${id}/publish`,
      { body },
    ),
  withdrawVersion: (id: number) => request<Version>('POST', `/api/versions/${id}/withdraw`),
  approveVersion: (id: number, body: { docNumber: string; effectiveDate: string }) =>
    request<Version>('POST', `/api/versions/${id}/approve`, { body }),
  retireVersion: (id: number) => request<Version>('POST', `/api/versions/${id}/retire`),

  diff: (from: number, to: number, year?: number) =>
    request<DiffResult>('GET', `/api/diff${q({ from, to, year })}`),
  evaluate: (body: { document?: RuleDocument; versionId?: number; year?: number }) =>
    request<Evaluation>('POST', '/api/evaluate', { body }),

  regions: () => request<{ regions: Region[] }>('GET', '/api/regions'),
  datasets: () => request<{ datasets: DatasetSummary[] }>('GET', '/api/datasets'),
  dataset: (year: number) => request<DatasetYear>('GET', `/api/datasets/${year}`),
};

/** A message for any error thrown by the client, in the current language's words where known. */
export function errorMessage(
  e: unknown,
  words: { network: string; forbidden: string; notFound: string },
): string {
  if (e instanceof NetworkError) return words.network;
  if (e instanceof ApiError) {
    if (e.status === 403)
      return `${words.forbidden}${e.message && e.message !== 'HTTP 403' ? ` (${e.message})` : ''}`;
    if (e.status === 404 && e.message === 'HTTP 404') return words.notFound;
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
