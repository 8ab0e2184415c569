/**
 * Health, the OpenAPI document and the docs page: the only routes besides the login that need no
 * session.
 */
import { sql } from 'drizzle-orm';
import { sqliteFree, sqliteOf } from '../db/dialect.ts';
import { buildOpenApi, docsPage, DOCS_CSP } from '../openapi.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';

/**
 * The public system routes. `all` is the app's full route list (including these), from which the
 * OpenAPI document is built once, lazily.
 */
export function systemRoutes(deps: RouteDeps, all: () => RouteSpec[]): RouteSpec[] {
  let openapi: ReturnType<typeof buildOpenApi> | undefined;
  let openapiText: string | undefined;
  let html: string | undefined;
  const doc = () => (openapi ??= buildOpenApi(all(), { version: deps.version }));
  // The database answers: on SQLite one statement prepared once (drizzle's sql`` prepares anew on
  // every call, which cost more than the rest of this route); on PostgreSQL one round trip.
  const sqlite = sqliteOf(deps.db);
  const ping = sqlite?.prepare('SELECT 1');
  return [
    route({
      method: 'get',
      path: '/api/health',
      access: 'public',
      tag: 'system',
      summary: '健康检查 / Health check',
      responses: {
        200: {
          description: 'The service is up and its database answers',
          schema: {
            type: 'object',
            required: ['status', 'version'],
            properties: { status: { const: 'ok' }, version: { type: 'string' } },
          },
        },
      },
      handler: async (c) => {
        if (ping) {
          await sqliteFree(deps.db);
          ping.get();
        } else await deps.db.get(sql`SELECT 1`);
        return c.json({ status: 'ok', version: deps.version });
      },
    }),
    route({
      method: 'get',
      path: '/api/openapi.json',
      access: 'public',
      tag: 'system',
      summary: 'OpenAPI 3.1 文档 / The OpenAPI 3.1 document',
      responses: { 200: { description: 'This document', schema: { type: 'object' } } },
      handler: (c) => {
        openapiText ??= JSON.stringify(doc());
        return c.body(openapiText, 200, { 'Content-Type': 'application/json; charset=utf-8' });
      },
    }),
    route({
      method: 'get',
      path: '/api/docs',
      access: 'public',
      tag: 'system',
      summary: '接口文档页面 / Browsable API docs',
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handler: (c) => {
        html ??= docsPage(doc());
        return c.html(html, 200, { 'Content-Security-Policy': DOCS_CSP });
      },
    }),
  ];
}
