/**
 * The route registry: each route is data (method, path, who may call it, summary, parameter,
 * body and response schemas) plus a handler. `mountRoutes` registers them on Hono with the role
 * check and ajv validation in front of the handler; `server/openapi.ts` builds the OpenAPI
 * document from the very same list, so the documentation cannot drift from what is enforced.
 */
import type { Context, Hono } from 'hono';
import { ApiError, type ProblemEntry } from '../problem.ts';
import type { AppEnv, SessionUser } from '../auth/session.ts';
import { requireAccess, type Access } from '../auth/roles.ts';
import { checkSchema } from '../../engine/index.ts';
import { check, compileBody, compileParams } from './validation.ts';
import type { JsonSchema } from './schemas.ts';
import { checkJsonDepth, hasBody, requireContentType } from '../web/guard.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type { Access };

export interface ParamSpec {
  schema: JsonSchema;
  description?: string;
  required?: boolean;
}

export interface ResponseSpec {
  description: string;
  /** The JSON schema of a JSON body (`application/json`). */
  schema?: JsonSchema;
  /** Another content type (a file), described without a schema. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export type BodySpec =
  | {
      kind: 'json';
      schema: JsonSchema;
      required?: boolean;
      description?: string;
      /**
       * Top-level fields holding a rule document: checked with the engine's schema check (ajv with
       * rules/schema/rule-document.schema.json), so the problems carry the same codes as
       * `validateDocument`'s, with paths under `/<field>`.
       */
      documentFields?: string[];
    }
  | { kind: 'raw'; contentTypes: string[]; description: string };

/** What a handler receives besides the Hono context. */
export interface RouteInput<P = Record<string, any>, Q = Record<string, any>, B = any> {
  params: P;
  query: Q;
  body: B;
  /** The logged-in user (undefined only on public routes). */
  user: SessionUser;
}

export interface RouteSpec {
  method: Method;
  /** OpenAPI form: `/api/versions/{id}`. */
  path: string;
  access: Access;
  tag: string;
  summary: string;
  description?: string;
  params?: Record<string, ParamSpec>;
  query?: Record<string, ParamSpec>;
  headers?: Record<string, ParamSpec>;
  body?: BodySpec;
  /**
   * How a region account (role `region`, SPEC section 10) may use the route. Without it a region
   * account gets 403 `forbidden`, whatever `access` says. `{ param }`: the path parameter `param`
   * must be the account's region (403 `other_region`); `'scoped'`: the handler itself limits what
   * it reads and returns to the account's region (see server/routes/region-scope.ts).
   */
  region?: { param: string } | 'scoped';
  /** Responses besides the common errors (401, 403, 422 …, added by the OpenAPI builder). */
  responses: Record<number, ResponseSpec>;
  handler: (c: Context<AppEnv>, input: RouteInput) => Response | Promise<Response>;
}

/** Declares a route (identity, for type inference at the call site). */
export function route(spec: RouteSpec): RouteSpec {
  return spec;
}

/** `/api/versions/{id}` → `/api/versions/:id` */
export function honoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

function objectSchema(specs: Record<string, ParamSpec> | undefined, strict: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(specs ?? {})) {
    // An integer parameter without a maximum still must fit the database (offset=1e300 is an
    // integer to JSON Schema, not to SQLite).
    properties[name] =
      spec.schema.type === 'integer' && spec.schema.maximum === undefined
        ? { ...spec.schema, maximum: Number.MAX_SAFE_INTEGER }
        : spec.schema;
    if (spec.required) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: !strict };
}

/** The body schema with its document fields loosened to `object` (they are checked separately). */
function withoutDocuments(schema: JsonSchema, fields: string[] = []): JsonSchema {
  if (!fields.length) return schema;
  const properties = { ...(schema.properties as Record<string, JsonSchema>) };
  for (const f of fields) properties[f] = { type: 'object' };
  return { ...schema, properties };
}

async function readJson(c: Context<AppEnv>, spec: Extract<BodySpec, { kind: 'json' }>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (spec.required === false) return {};
    throw new ApiError(400, 'missing_body', '缺少请求体（JSON） / The request needs a JSON body', [
      { path: '', code: 'missing_body', message: '缺少请求体（JSON） / The request needs a JSON body' },
    ]);
  }
  // A body must say it is JSON: text/plain, forms and multipart are what cross-site forms send.
  requireContentType(c, JSON_TYPES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = `请求体不是有效的 JSON：${(e as Error).message} / The body is not valid JSON: ${(e as Error).message}`;
    throw new ApiError(400, 'invalid_json', msg, [{ path: '', code: 'invalid_json', message: msg }]);
  }
  checkJsonDepth(value);
  return value;
}

/** `make()` on the first call, its result on later ones. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
const JSON_TYPES = ['application/json'] as const;

/** Registers every route on the app, each behind its role check and validators. */
export function mountRoutes(app: Hono<AppEnv>, routes: RouteSpec[]): void {
  for (const spec of routes) {
    // Each validator is compiled on its route's first request: compiling them all here took most
    // of the server's start-up time.
    const { params: paramSpec, query: querySpec, body: bodySpec } = spec;
    const paramsCheck = paramSpec ? once(() => compileParams(objectSchema(paramSpec, false))) : undefined;
    const queryCheck = querySpec ? once(() => compileParams(objectSchema(querySpec, false))) : undefined;
    const bodyCheck =
      bodySpec?.kind === 'json'
        ? once(() => compileBody(withoutDocuments(bodySpec.schema, bodySpec.documentFields)))
        : undefined;
    const documentFields = spec.body?.kind === 'json' ? (spec.body.documentFields ?? []) : [];

    app.on(
      spec.method.toUpperCase(),
      honoPath(spec.path),
      requireAccess(spec.access, spec.region !== undefined),
      async (c) => {
        const user = c.get('user');

        if (user?.role === 'region' && !spec.region && spec.access !== 'public')
          throw new ApiError(403, 'forbidden', '地区账号无权执行此操作 / A region account may not do this');
        const problems: ProblemEntry[] = [];
        const params: Record<string, unknown> = { ...c.req.param() };
        if (
          user?.role === 'region' &&
          typeof spec.region === 'object' &&
          params[spec.region.param] !== user.region
        )
          throw new ApiError(
            403,
            'other_region',
            `地区账号只能访问本地区（${user.region}）的数据 / A region account reaches only its own region (${user.region})`,
          );
        if (paramsCheck)
          problems.push(...check(paramsCheck(), params, '').map((p) => ({ ...p, path: `/params${p.path}` })));
        const query: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(c.req.query())) if (v !== '') query[k] = v;
        if (queryCheck)
          problems.push(...check(queryCheck(), query, '').map((p) => ({ ...p, path: `/query${p.path}` })));
        if (problems.length) {
          throw new ApiError(
            400,
            'invalid_parameters',
            '请求参数无效 / Invalid request parameters',
            problems,
          );
        }

        let body: unknown;
        if (spec.body?.kind === 'raw') requireContentType(c, spec.body.contentTypes);
        else if (!spec.body && spec.method !== 'get' && hasBody(c)) requireContentType(c, JSON_TYPES);
        if (spec.body?.kind === 'json') {
          body = await readJson(c, spec.body);
          const bodyProblems = check(bodyCheck!(), body);
          for (const field of documentFields) {
            const doc = (body as Record<string, unknown> | null)?.[field];
            if (doc !== undefined && typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
              bodyProblems.push(...checkSchema(doc).map((p) => ({ ...p, path: `/${field}${p.path}` })));
            }
          }
          if (bodyProblems.length) {
            throw new ApiError(
              422,
              'invalid_body',
              '请求体不符合要求 / The request body is invalid',
              bodyProblems,
            );
          }
        }
        return spec.handler(c, { params, query, body, user: user! });
      },
    );
  }
}
