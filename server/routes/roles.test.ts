/**
 * The role table: which role may call which route. The expected table is written out here (from
 * server/API.md), compared with what the registry declares, and then enforced route × role through
 * real requests: an allowed role never gets 401/403, a refused one gets 403 problem+json.
 *
 * The region account (role `region`, bound to 220100) has its own column: `forbidden` (403
 * `forbidden`), `scoped` (the handler limits what it sees; tested in appeals.test.ts) or `own`
 * (the route's `{code}` must be its region: 403 `other_region` for 220200).
 */
import { describe, expect, it } from 'vitest';
import { useFixture } from './test-helpers.ts';
import type { Role } from '../auth/roles.ts';

const ALL: Role[] = ['admin', 'editor', 'assessor', 'reviewer'];
type RegionAccess = 'forbidden' | 'scoped' | 'own';
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
  'POST /api/appeals': assessor,
  'GET /api/appeals': any,
  'GET /api/appeals/{id}': any,
  'POST /api/appeals/{id}/evidence': assessor,
  'GET /api/appeals/{id}/evidence/{evidenceId}': any,
  'POST /api/appeals/{id}/decision': reviewer,
  'POST /api/runs/{id}/corrections': assessor,
  'GET /api/runs/{id}/impact': any,
  'GET /api/families/{family}/consequences': any,
  'PUT /api/families/{family}/consequences': admin,
  'GET /api/runs/{id}/consequences': any,
  'POST /api/runs/{id}/consequences': assessor,
  'GET /api/runs/{id}/consequences/export': any,
  'GET /api/datasets/{year}/regions/{code}': any,
};

/** What a region account may do on each route (every route not listed here: `forbidden`). */
const REGION: Record<string, RegionAccess> = {
  'POST /api/auth/logout': 'scoped',
  'GET /api/auth/me': 'scoped',
  'PUT /api/auth/me/locale': 'scoped',
  'GET /api/versions/{id}': 'scoped',
  'GET /api/regions': 'scoped',
  'GET /api/runs': 'scoped',
  'GET /api/runs/{id}': 'scoped',
  'GET /api/runs/{id}/regions/{code}': 'own',
  'GET /api/runs/{id}/regions/{code}/history': 'own',
  'GET /api/runs/{id}/regions/{code}/paths': 'own',
  'GET /api/keys': 'scoped',
  'GET /api/datasets/{year}/regions/{code}/history': 'own',
  'GET /api/datasets/{year}/regions/{code}/values/{key}/history': 'own',
  'GET /api/runs/{id}/documents/notice.docx': 'scoped',
  'GET /api/runs/{id}/documents/notice.pdf': 'scoped',
  'GET /api/runs/{id}/regions/{code}/statement.docx': 'own',
  'GET /api/runs/{id}/regions/{code}/statement.pdf': 'own',
  'GET /api/runs/{id}/documents/correction.docx': 'scoped',
  'GET /api/runs/{id}/documents/correction.pdf': 'scoped',
  'GET /api/versions/{id}/letters/{file}': 'scoped',
  'POST /api/appeals': 'scoped',
  'GET /api/appeals': 'scoped',
  'GET /api/appeals/{id}': 'scoped',
  'POST /api/appeals/{id}/evidence': 'scoped',
  'GET /api/appeals/{id}/evidence/{evidenceId}': 'scoped',
  'GET /api/runs/{id}/impact': 'scoped',
  'GET /api/datasets/{year}/regions/{code}': 'own',
};
const regionAccess = (key: string): RegionAccess => REGION[key] ?? 'forbidden';

function fillPath(path: string, code = '220100'): string {
  // Version 1 is the published 2023 version: writes to it fail without changing anything.
  return path.replace(
    /\{(\w+)\}/g,
    (_, name: string) =>
      ({ id: '1', code, year: '2025', file: `${code}.docx`, evidenceId: '1', family: 'jilin-eco-target' })[
        name
      ] ?? 'x',
  );
}

describe('role table', () => {
  const f = useFixture();

  it('the registry declares exactly the expected access for every route', () => {
    const declared: Record<string, Role[] | 'public'> = {};
    for (const r of f.app.apiRoutes) {
      const key = `${r.method.toUpperCase()} ${r.path}`;
      declared[key] =
        r.access === 'public'
          ? 'public'
          : r.access === 'any'
            ? any
            : [...new Set<Role>(['admin', ...r.access])].filter((x) => x !== 'region'); // its own column
    }
    const sorted = (t: Record<string, Role[] | 'public'>) =>
      Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === 'public' ? v : [...v].sort()]));
    expect(sorted(declared)).toEqual(sorted(EXPECTED));
    const region: Record<string, RegionAccess> = {};
    for (const r of f.app.apiRoutes) {
      if (r.access === 'public') continue;
      region[`${r.method.toUpperCase()} ${r.path}`] =
        r.region === undefined ? 'forbidden' : r.region === 'scoped' ? 'scoped' : 'own';
    }
    const expectedRegion = Object.fromEntries(
      Object.entries(EXPECTED)
        .filter(([, v]) => v !== 'public')
        .map(([k]) => [k, regionAccess(k)]),
    );
    expect(region).toEqual(expectedRegion);
  });

  const cases = Object.entries(EXPECTED).filter(
    ([key, roles]) => roles !== 'public' && key !== 'POST /api/auth/logout',
  );
  it.each(cases)(
    '%s',
    async (key, roles) => {
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
      // The region account: refused, admitted for its own region only, or admitted (scoped).
      const body = ['GET', 'DELETE'].includes(method) ? undefined : {};
      const access = regionAccess(key);
      const own = await f.as('region').request(method, fillPath(path), body);
      if (access === 'forbidden') {
        expect(own.status, `region ${key}`).toBe(403);
        expect(((await own.json()) as { code: string }).code).toBe('forbidden');
      } else {
        expect([401, 403], `region ${key} → ${own.status}`).not.toContain(own.status);
      }
      if (access === 'own') {
        const other = await f.as('region').request(method, fillPath(path, '220200'), body);
        expect(other.status, `region ${key} (other region)`).toBe(403);
        expect(((await other.json()) as { code: string }).code).toBe('other_region');
      }
      // The health routes start a worker thread per call: slower than the others on a busy machine.
    },
    120_000,
  );
});
