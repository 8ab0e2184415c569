import { beforeAll, describe, expect, it } from 'vitest';
import { schemaProblems, startRun, useFixture } from './test-helpers.ts';
import { flawedDocument } from '../../engine/health/test-fixture.ts';
import { gradePath } from '../../engine/health/index.ts';
import { getRunDataset } from '../db/runs.ts';
import { MAX_CONCURRENT } from '../health/run.ts';

describe('health routes', () => {
  const f = useFixture();
  let runId: number;
  beforeAll(async () => {
    runId = await startRun(f, 2024);
  });

  it('POST /api/versions/:id/check: findings on their fields, unknowns, coverage; any role reads it', async () => {
    const up = await f
      .as('editor')
      .json('POST', '/api/versions', { document: { ...flawedDocument(), family: 'health-route' } });
    expect(up.status).toBe(201);
    const r = await f.as('reviewer').json('POST', `/api/versions/${up.body.id}/check`);
    expect(r.status).toBe(200);
    expect(r.body.findings.map((x: { code: string }) => x.code)).toContain('veto_never_fires');
    expect(r.body.findings.find((x: { code: string }) => x.code === 'veto_never_fires').path).toBe(
      '/vetoes/0/when',
    );
    expect(Array.isArray(r.body.unknown)).toBe(true);
    expect(r.body.coverage.uncovered.length).toBeGreaterThan(0);
    expect(schemaProblems(f.app, 'POST', '/api/versions/{id}/check', 200, r.body)).toEqual([]);
    expect((await f.as(null).json('POST', `/api/versions/${up.body.id}/check`)).status).toBe(401);
    expect((await f.as('reviewer').json('POST', '/api/versions/9999/check')).status).toBe(404);
  }, 60_000);

  it("GET /api/runs/:id/regions/:code/paths: the engine's path for the run's data", async () => {
    const data = await getRunDataset(f.opened.db, runId);
    const region = data.regions.find((r) => r.code === '220184')!;
    const r = await f.as('reviewer').json('GET', `/api/runs/${runId}/regions/220184/paths?to=excellent`);
    expect(r.status).toBe(200);
    const expected = gradePath(f.published[2024].document, region, { to: 'excellent' });
    expect(r.body.from).toEqual(expected.from);
    expect(r.body.reachable).toBe(expected.reachable);
    expect(r.body.to.grade).toBe('excellent');
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}/regions/{code}/paths', 200, r.body)).toEqual([]);
  }, 60_000);

  it('refuses unknown grades and regions, and hostile parameters, with problems naming them', async () => {
    const grade = await f.as('reviewer').json('GET', `/api/runs/${runId}/regions/220184/paths?to=gold`);
    expect(grade.status).toBe(422);
    expect(grade.body.code).toBe('unknown_grade');
    expect(grade.body.errors[0].path).toBe('/to');
    const region = await f.as('reviewer').json('GET', `/api/runs/${runId}/regions/999999/paths`);
    expect(region.status).toBe(404);
    const hostile = await f
      .as('reviewer')
      .json('GET', `/api/runs/${runId}/regions/220184/paths?to=${encodeURIComponent('<script>')}`);
    expect(hostile.status).toBe(400);
    expect(hostile.body.errors[0].path).toMatch(/to/);
    const openapi = await f.as('reviewer').json('GET', '/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/api/versions/{id}/check', '/api/runs/{id}/regions/{code}/paths']),
    );
  }, 60_000);

  it('bounds the work: more concurrent checks than allowed are refused with 503 and Retry-After', async () => {
    const calls = Array.from({ length: MAX_CONCURRENT + 2 }, () =>
      f.as('reviewer').json('POST', `/api/versions/${f.published[2024].id}/check`),
    );
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    const refused = (await Promise.all(calls)).filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0].res.headers.get('retry-after')).toBe('5');
    expect(refused[0].body.code).toBe('busy');
  }, 120_000);
});
