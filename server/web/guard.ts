/**
 * Request guards against cross-site request forgery and hostile bodies:
 *
 * - `sameOrigin`: a state-changing request (POST, PUT, PATCH, DELETE) that a browser sent from
 *   another origin is refused with 403 `cross_origin_request`: `Sec-Fetch-Site` must be
 *   `same-origin` or `none` when present, and `Origin` must be this server's origin when present.
 *   (SameSite=Strict cookies do not stop another port or subdomain of the same site.) A request
 *   with neither header comes from a program, not a browser, and carries no browser's cookie.
 * - `requireContentType`: a body must declare the type the route reads (`application/json`, or an
 *   import's file type); `text/plain`, forms and multipart — what a cross-site form can send
 *   without a CORS preflight — get 403 `content_type_required`.
 * - `jsonDepth`: how deeply a parsed JSON value nests, measured without recursion, so a
 *   100,000-deep body is refused (422 `too_deep`) before any recursive code sees it.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../problem.ts';
import { isHttps, type TrustedProxies } from './proxy.ts';

/** How deeply a JSON request body or imported JSON file may nest (a rule document needs ~80). */
export const MAX_JSON_DEPTH = 256;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function refuse(code: string, zh: string, en: string, path = '/headers/Origin'): never {
  const message = `${zh} / ${en}`;
  throw new ApiError(403, code, message, [{ path, code, message }]);
}

/** This server's origin as the browser sees it (scheme from isHttps, host from Host). */
export function ownOrigin(c: Context, proxies: TrustedProxies): string {
  const url = new URL(c.req.url);
  const host = c.req.header('host') ?? url.host;
  return `${isHttps(c, proxies) ? 'https' : 'http'}://${host}`.toLowerCase();
}

/** Refuses state-changing requests from another origin (see the module comment). */
export function sameOrigin(proxies: TrustedProxies): MiddlewareHandler {
  return async (c, next) => {
    if (STATE_CHANGING.has(c.req.method)) {
      const site = c.req.header('sec-fetch-site')?.toLowerCase();
      if (site !== undefined && site !== 'same-origin' && site !== 'none')
        refuse(
          'cross_origin_request',
          `拒绝来自其他来源的修改请求（Sec-Fetch-Site: ${site}）`,
          `a state-changing request from another origin is refused (Sec-Fetch-Site: ${site})`,
          '/headers/Sec-Fetch-Site',
        );
      const origin = c.req.header('origin');
      if (origin !== undefined && origin.toLowerCase() !== ownOrigin(c, proxies))
        refuse(
          'cross_origin_request',
          `拒绝来自其他来源 ${origin} 的修改请求`,
          `a state-changing request from another origin (${origin}) is refused`,
        );
    }
    await next();
  };
}

/** The media type of a Content-Type header, lower case without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** Refuses a body whose declared type is not one of `allowed` (403 `content_type_required`). */
export function requireContentType(c: Context, allowed: readonly string[]): void {
  const type = mediaType(c.req.header('content-type'));
  if (allowed.includes(type)) return;
  const shown = type || '（无 / none）';
  refuse(
    'content_type_required',
    `请求体的 Content-Type 应为 ${allowed.join(' 或 ')}，而不是 ${shown}`,
    `the body's Content-Type must be ${allowed.join(' or ')}, not ${shown}`,
    '/headers/Content-Type',
  );
}

/** Whether a state-changing request carries a body. */
export function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  if (length !== undefined) return Number(length) > 0;
  return c.req.raw.body !== null;
}

/** The nesting depth of a JSON value (0 for a scalar), stopping once past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth]);
    }
  }
  return max;
}

/** Throws 422 `too_deep` when a parsed body nests deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(value: unknown, path = ''): void {
  const depth = jsonDepth(value);
  if (depth > MAX_JSON_DEPTH) {
    const message = `JSON 嵌套超过 ${MAX_JSON_DEPTH} 层（MAX_JSON_DEPTH） / the JSON nests deeper than ${MAX_JSON_DEPTH} levels (MAX_JSON_DEPTH)`;
    throw new ApiError(422, 'too_deep', message, [{ path, code: 'too_deep', message }], {
      limit: 'MAX_JSON_DEPTH',
      max: MAX_JSON_DEPTH,
    });
  }
}
