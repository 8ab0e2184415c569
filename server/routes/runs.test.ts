import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { useFixture, schemaProblems } from './test-helpers.ts';

describe('runs and audit', () => {
  const f = useFixture();
  let runId: number;

  it("runs a published version on a year's data; a draft is refused", async () => {
    const as = f.as('assessor');
    const r = await as.json('POST', '/api/runs', { versionId: f.published[2024].id, year: 2024 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      versionId: f.published[2024].id,
      year: 2024,
      status: 'finished',
      createdBy: 'asa',
    });
    expect(r.body.counts.scored + r.body.counts.errors).toBe(12);
    expect(schemaProblems(f.app, 'POST', '/api/runs', 201, r.body)).toEqual([]);
    runId = r.body.id;

    const draft = await as.json('POST', '/api/runs', { versionId: f.draft2025.id, year: 2025 });
    expect(draft.status).toBe(409);
    expect(draft.body.code).toBe('not_published');
    expect((await as.json('POST', '/api/runs', { versionId: 999, year: 2024 })).status).toBe(404);
    const bad = await as.json('POST', '/api/runs', { versionId: 'one' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/versionId', '/year']);
  });

  it('lists runs and reads the ranking without traces', async () => {
    const rev = f.as('reviewer');
    const list = await rev.json('GET', '/api/runs?year=2024');
    expect(list.body.runs.map((x: { id: number }) => x.id)).toEqual([runId]);
    expect((await rev.json('GET', '/api/runs?year=2023')).body.runs).toEqual([]);
    expect(schemaProblems(f.app, 'GET', '/api/runs', 200, list.body)).toEqual([]);

    const run = await rev.json('GET', `/api/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}', 200, run.body)).toEqual([]);
    const ranks = run.body.results.map((x: { rank: number }) => x.rank);
    expect(ranks[0]).toBe(1);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(run.body.grades.map((g: { id: string }) => g.id)).toEqual([
      'excellent',
      'good',
      'qualified',
      'unqualified',
    ]);
    expect(JSON.stringify(run.body.results)).not.toContain('"trace"');
    expect((await rev.json('GET', '/api/runs/999')).status).toBe(404);
    // Served again from the cache of finished runs: the same bytes.
    const again = await rev.request('GET', `/api/runs/${runId}`);
    expect(again.headers.get('content-type')).toBe('application/json');
    expect(await again.text()).toBe(JSON.stringify(run.body));
  });

  it('reads one region with its trace', async () => {
    const r = await f.as('reviewer').json('GET', `/api/runs/${runId}/regions/220100`);
    expect(r.status).toBe(200);
    expect(r.body.region).toBe('220100');
    expect(r.body.categories[0].items[0].trace).toMatchObject({
      vars: expect.any(Object),
      raw: expect.any(Number),
    });
    expect(r.body.previous).toBeNull();
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}/regions/{code}', 200, r.body)).toEqual([]);
    expect((await f.as('reviewer').json('GET', `/api/runs/${runId}/regions/999999`)).status).toBe(404);
  });

  it('exports the ranking as XLSX and CSV', async () => {
    const rev = f.as('reviewer');
    const x = await rev.request('GET', `/api/runs/${runId}/export?format=xlsx`);
    expect(x.status).toBe(200);
    expect(x.headers.get('content-disposition')).toContain('.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const text = JSON.stringify(wb.worksheets[0].getSheetValues());
    expect(text).toContain('220100');
    const csv = await rev.request('GET', `/api/runs/${runId}/export?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('220100');
    expect((await rev.request('GET', `/api/runs/${runId}/export?format=json`)).status).toBe(400);
    expect((await rev.request('GET', `/api/runs/999/export?format=csv`)).status).toBe(404);
  });

  it('reads the audit log with filters and paging', async () => {
    const rev = f.as('reviewer');
    const all = await rev.json('GET', '/api/audit?limit=5');
    expect(all.status).toBe(200);
    expect(all.body.entries).toHaveLength(5);
    expect(all.body.total).toBeGreaterThan(5);
    expect(schemaProblems(f.app, 'GET', '/api/audit', 200, all.body)).toEqual([]);
    const runs = await rev.json('GET', '/api/audit?entity=run&action=run.create&user=asa');
    expect(runs.body.total).toBe(1);
    expect(runs.body.entries[0]).toMatchObject({ entity: 'run', entityId: String(runId), user: 'asa' });
    const page2 = await rev.json('GET', '/api/audit?limit=5&offset=5');
    expect(page2.body.entries[0].id).not.toBe(all.body.entries[0].id);
    const today = new Date().toISOString().slice(0, 10);
    expect((await rev.json('GET', `/api/audit?from=${today}&to=${today}`)).body.total).toBe(all.body.total);
    expect((await rev.json('GET', '/api/audit?from=2000-01-01&to=2000-12-31')).body.total).toBe(0);
    expect((await rev.json('GET', '/api/audit?limit=0')).status).toBe(400);
    expect((await rev.json('GET', '/api/audit?from=yesterday')).status).toBe(400);
  });
});
