/**
 * The role table: which role may call which route. The expected table is written out here (from
 * server/API.md), compared with what the registry declares, and then enforced route × role through
 * real requests: an allowed role never gets 401/403, a refused one gets 403 problem+json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from './test-helpers.ts';
import type { Role } from '../auth/roles.ts';

const ALL: Role[] = ['admin', 'editor', 'assessor', 'reviewer'];
const any = ALL;
const admin: Role[] = ['admin'];
const editor: Role[] = ['admin', 'editor'];
const assessor: Role[] = ['admin', 'assessor'];
const reviewer: Role[] = ['admin', 'reviewer'];

/** route → the roles allowed ('public' needs no session). */
const EXPECTED: Record<string, Role[] | 'public'> = {
  'GET /api/health': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': any,
  'GET /api/auth/me': any,
  'PUT /api/auth/me/locale': any,
  'GET /api/users': admin,
  'GET /api/users/names': any,
  'POST /api/users': admin,
  'PATCH /api/users/{id}': admin,
  'POST /api/users/{id}/password': admin,
  'GET /api/families': any,
  'GET /api/versions': any,
  'GET /api/versions/{id}': any,
  'POST /api/versions': editor,
  'PUT /api/versions/{id}': editor,
  'DELETE /api/versions/{id}': editor,
  'POST /api/versions/{id}/validate': any,
  'POST /api/versions/{id}/check': any,
  'POST /api/versions/{id}/tests': any,
  'POST /api/versions/{id}/publish': editor,
  'POST /api/versions/{id}/withdraw': editor,
  'POST /api/versions/{id}/approve': editor,
  'POST /api/versions/{id}/retire': editor,
  'GET /api/versions/{id}/template.xlsx': any,
  'GET /api/diff': any,
  'POST /api/evaluate': any,
  'POST /api/sensitivity': any,
  'GET /api/regions': any,
  'POST /api/regions': admin,
  'PUT /api/regions/{code}': admin,
  'GET /api/datasets': any,
  'GET /api/datasets/{year}': any,
  'PUT /api/datasets/{year}': assessor,
  'POST /api/datasets/{year}/import': assessor,
  'GET /api/datasets/{year}/export': any,
  'POST /api/runs': assessor,
  'GET /api/runs': any,
  'GET /api/runs/{id}': any,
  'GET /api/runs/{id}/regions/{code}': any,
  'GET /api/runs/{id}/regions/{code}/history': any,
  'GET /api/runs/{id}/regions/{code}/paths': any,
  'GET /api/runs/{id}/export': any,
  'POST /api/runs/{id}/publish': assessor,
  'POST /api/runs/{id}/withdraw': assessor,
  'POST /api/runs/{id}/approve': assessor,
  'GET /api/runs/{id}/sealed': any,
  'GET /api/audit': reviewer,
  'GET /api/keys': any,
  'GET /api/approvals': any,
  'GET /api/datasets/{year}/regions/{code}/history': any,
  'GET /api/datasets/{year}/regions/{code}/values/{key}/history': any,
  'GET /api/runs/{id}/documents/notice.docx': any,
  'GET /api/runs/{id}/documents/notice.pdf': any,
  'GET /api/runs/{id}/regions/{code}/statement.docx': any,
  'GET /api/runs/{id}/regions/{code}/statement.pdf': any,
  'GET /api/runs/{id}/documents/correction.docx': any,
  'GET /api/runs/{id}/documents/correction.pdf': any,
  'GET /api/versions/{id}/letters/{file}': any,
  'GET /api/settings/documents': any,
  'PUT /api/settings/documents': admin,
};

function fillPath(path: string): string {
  // Version 1 is the published 2023 version: writes to it fail without changing anything.
  return path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => ({ id: '1', code: '220100', year: '2025', file: '220100.docx' })[name] ?? 'x',
  );
}

describe('role table', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await makeFixture();
  });
  afterAll(() => f.close());

  it('the registry declares exactly the expected access for every route', () => {
    const declared: Record<string, Role[] | 'public'> = {};
    for (const r of f.app.apiRoutes) {
      const key = `${r.method.toUpperCase()} ${r.path}`;
      declared[key] =
        r.access === 'public'
          ? 'public'
          : r.access === 'any'
            ? any
            : [...new Set<Role>(['admin', ...r.access])];
    }
    const sorted = (t: Record<string, Role[] | 'public'>) =>
      Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === 'public' ? v : [...v].sort()]));
    expect(sorted(declared)).toEqual(sorted(EXPECTED));
  });

  const cases = Object.entries(EXPECTED).filter(
    ([key, roles]) => roles !== 'public' && key !== 'POST /api/auth/logout',
  );
  it.each(cases)('%s', async (key, roles) => {
    const [method, path] = key.split(' ');
    for (const role of ALL) {
      const res = await f
        .as(role)
        .request(method, fillPath(path), ['GET', 'DELETE'].includes(method) ? undefined : {});
      if ((roles as Role[]).includes(role)) {
        expect([401, 403], `${role} ${key} → ${res.status}`).not.toContain(res.status);
      } else {
        expect(res.status, `${role} ${key}`).toBe(403);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        const body = await res.json();
        expect(body.code).toBe('forbidden');
        expect(body.detail).toContain(role);
      }
    }
    // The health routes start a worker thread per call: slower than the others on a busy machine.
  }, 120_000);
});
