import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { listAudit } from '../db/audit.ts';
import { useFixture, readRepoFile, schemaProblems } from './test-helpers.ts';

describe('regions', () => {
  const f = useFixture();

  it('lists regions for everyone', async () => {
    const r = await f.as('reviewer').json('GET', '/api/regions');
    expect(r.status).toBe(200);
    expect(r.body.regions.length).toBeGreaterThanOrEqual(12);
    expect(r.body.regions[0]).toMatchObject({ code: '220100', nameZh: '长春市', active: true });
    expect(schemaProblems(f.app, 'GET', '/api/regions', 200, r.body)).toEqual([]);
  });

  it('lets admins add and change regions, with 409 / 404 / 422 for the wrong ones', async () => {
    const admin = f.as('admin');
    const created = await admin.json('POST', '/api/regions', {
      code: '229901',
      nameZh: '测试市',
      kind: 'city',
      years: [2025],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: '229901',
      nameZh: '测试市',
      nameEn: '',
      years: [2025],
      active: true,
    });
    expect(schemaProblems(f.app, 'POST', '/api/regions', 201, created.body)).toEqual([]);
    expect(
      (await admin.json('POST', '/api/regions', { code: '229901', nameZh: 'x', kind: 'city', years: [] }))
        .status,
    ).toBe(409);
    const bad = await admin.json('POST', '/api/regions', {
      code: '22-99',
      nameZh: '',
      kind: 'city',
      years: [1800],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      '/code',
      '/nameZh',
      '/years/0',
    ]);

    const upd = await admin.json('PUT', '/api/regions/229901', { nameEn: 'Test City', active: false });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ nameEn: 'Test City', active: false, nameZh: '测试市' });
    expect((await admin.json('PUT', '/api/regions/229999', { nameEn: 'x' })).status).toBe(404);
    expect((await admin.json('PUT', '/api/regions/229901', { code: '220100' })).status).toBe(422);
    expect((await listAudit(f.opened.db, { entity: 'region', entityId: '229901' })).total).toBe(2);
  });
});

describe('datasets', () => {
  const f = useFixture();

  it('lists the years with data and reads a year as a grid', async () => {
    const list = await f.as('reviewer').json('GET', '/api/datasets');
    expect(list.status).toBe(200);
    expect(list.body.datasets.map((d: { year: number }) => d.year)).toEqual([2025, 2024]);
    expect(schemaProblems(f.app, 'GET', '/api/datasets', 200, list.body)).toEqual([]);
    const grid = await f.as('reviewer').json('GET', '/api/datasets/2025');
    expect(grid.status).toBe(200);
    expect(grid.body.hash).toMatch(/^[0-9a-f]{64}$/);
    const cc = grid.body.regions.find((r: { code: string }) => r.code === '220100');
    expect(cc.values.pm25).toBe(31);
    expect(cc.sources.pm25).toBe('provincial');
    expect(schemaProblems(f.app, 'GET', '/api/datasets/{year}', 200, grid.body)).toEqual([]);
    expect((await f.as('reviewer').json('GET', '/api/datasets/1800')).status).toBe(400);
  });

  it('saves a grid all-or-nothing, checked against a version, with per-cell paths', async () => {
    const as = f.as('assessor');
    const v = f.draft2025.id;
    const ok = await as.json('PUT', `/api/datasets/2025?versionId=${v}`, {
      regions: [{ code: '220100', values: { pm25: 30, national_demo: null } }],
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ regions: 1, values: 1, removed: 1 });
    const after = (await as.json('GET', '/api/datasets/2025')).body.regions.find(
      (r: { code: string }) => r.code === '220100',
    );
    expect(after.values.pm25).toBe(30);
    expect(after.values).not.toHaveProperty('national_demo');
    expect(after.sources.pm25).toBe('manual');

    const bad = await as.json('PUT', `/api/datasets/2025?versionId=${v}`, {
      regions: [
        { code: '220100', values: { pm25: 29 } },
        { code: '220200', values: { pm25: 'many', no_such_key: 1 } },
        { code: '999999', values: {} },
      ],
    });
    expect(bad.status).toBe(422);
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/regions/1/values/pm25', '/regions/1/values/no_such_key', '/regions/2/code']),
    );
    // Nothing of the bad write was kept, not even its valid first row.
    const still = (await as.json('GET', '/api/datasets/2025')).body.regions.find(
      (r: { code: string }) => r.code === '220100',
    );
    expect(still.values.pm25).toBe(30);

    const shape = await as.json('PUT', `/api/datasets/2025?versionId=${v}`, {
      regions: [{ code: '220100', values: { pm25: [1] } }],
    });
    expect(shape.status).toBe(422);
    expect(shape.body.errors[0].path).toBe('/regions/0/values/pm25');
    expect((await as.json('PUT', '/api/datasets/2025?versionId=999', { regions: [] })).status).toBe(404);
    // Without the version to check against, no key could be checked: refused, nothing stored.
    const unchecked = await as.json('PUT', '/api/datasets/2025', {
      regions: [{ code: '220100', values: { anything_at_all: 1 } }],
    });
    expect(unchecked.status).toBe(400);
    expect(unchecked.body.errors[0]).toMatchObject({ path: '/query/versionId' });
  });

  it('imports a CSV file: a bad one is refused with row and column, a good one is saved', async () => {
    const as = f.as('assessor');
    const v = f.draft2025.id;
    const good = readRepoFile('rules/sample-data/2025.csv');
    const lines = good.split('\n');
    // Row 3 of the file (the first region) gets a text where a number belongs.
    const cells = lines[2].split(',');
    const pm25Col = lines[0].split(',').indexOf('pm25');
    cells[pm25Col] = 'abc';
    const bad = [lines[0], lines[1], cells.join(','), ...lines.slice(3)].join('\n');
    const beforeHash = (await as.json('GET', '/api/datasets/2025')).body.hash;

    const refused = await as.json(
      'POST',
      `/api/datasets/2025/import?versionId=${v}&format=csv&filename=bad.csv`,
      bad,
      { 'content-type': 'text/csv' },
    );
    expect(refused.status).toBe(422);
    expect(refused.res.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        row: 3,
        column: expect.stringContaining('pm25'),
        code: expect.any(String),
        path: expect.any(String),
      }),
    ]);
    expect((await as.json('GET', '/api/datasets/2025')).body.hash).toBe(beforeHash);

    const ok = await as.json('POST', `/api/datasets/2025/import?versionId=${v}`, good, {
      'content-type': 'text/csv; charset=utf-8',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ imported: 12, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(schemaProblems(f.app, 'POST', '/api/datasets/{year}/import', 200, ok.body)).toEqual([]);
    expect((await listAudit(f.opened.db, { action: 'dataset.import' })).total).toBe(1);

    const noFormat = await as.json('POST', `/api/datasets/2025/import?versionId=${v}`, good, {
      'content-type': 'application/octet-stream',
    });
    expect(noFormat.status).toBe(400);
    expect(noFormat.body.code).toBe('format_required');
    expect((await as.json('POST', `/api/datasets/2025/import?format=csv`, good)).status).toBe(400);
    const csvType = { 'content-type': 'text/csv' };
    expect(
      (await as.json('POST', `/api/datasets/2025/import?versionId=${v}&format=csv`, '', csvType)).status,
    ).toBe(400);
    const garbage = await as.json(
      'POST',
      `/api/datasets/2025/import?versionId=${v}&format=xlsx`,
      'not a workbook',
      { 'content-type': 'application/octet-stream' },
    );
    expect(garbage.status).toBe(422);
    // A text/plain body is what a cross-site form sends: refused before it is read.
    const plain = await as.json('POST', `/api/datasets/2025/import?versionId=${v}&format=csv`, good, {
      'content-type': 'text/plain',
    });
    expect(plain.status).toBe(403);
    expect(plain.body.code).toBe('content_type_required');
  });

  it('previews an import (dryRun): the cells that would change, before → after, nothing saved or audited', async () => {
    const as = f.as('assessor');
    const v = f.draft2025.id;
    const good = readRepoFile('rules/sample-data/2025.csv');
    // Make sure the year holds the file's values, then change one cell of the first region.
    const csv = { 'content-type': 'text/csv' };
    expect(
      (await as.json('POST', `/api/datasets/2025/import?versionId=${v}&format=csv`, good, csv)).status,
    ).toBe(200);
    const lines = good.split('\n');
    const header = lines[0].split(',');
    const col = header.indexOf('pm25');
    const cells = lines[2].split(',');
    const was = cells[col];
    cells[col] = String(Number(was) + 1.5);
    const changed = [lines[0], lines[1], cells.join(','), ...lines.slice(3)].join('\n');
    const before = (await as.json('GET', '/api/datasets/2025')).body.hash;
    const audits = (await listAudit(f.opened.db, { action: 'dataset.import' })).total;

    const preview = await as.json(
      'POST',
      `/api/datasets/2025/import?versionId=${v}&format=csv&dryRun=true`,
      changed,
      {
        'content-type': 'text/csv',
      },
    );
    expect(preview.status).toBe(200);
    expect(schemaProblems(f.app, 'POST', '/api/datasets/{year}/import', 200, preview.body)).toEqual([]);
    expect(preview.body).toMatchObject({ imported: 12, values: 0, changed: 1, sourceOnly: 0, hash: before });
    expect(preview.body.changes).toEqual([
      expect.objectContaining({
        region: cells[header.indexOf('code')],
        key: 'pm25',
        before: JSON.stringify(Number(was)),
        after: JSON.stringify(Number(was) + 1.5),
      }),
    ]);
    expect((await as.json('GET', '/api/datasets/2025')).body.hash).toBe(before);
    expect((await listAudit(f.opened.db, { action: 'dataset.import' })).total).toBe(audits);

    // A bad file is refused by the preview just as by the import.
    cells[col] = 'abc';
    const bad = [lines[0], lines[1], cells.join(','), ...lines.slice(3)].join('\n');
    const refused = await as.json(
      'POST',
      `/api/datasets/2025/import?versionId=${v}&format=csv&dryRun=true`,
      bad,
      {
        'content-type': 'text/csv',
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatchObject({ row: 3 });

    // The real import then changes exactly that cell and says so.
    const done = await as.json('POST', `/api/datasets/2025/import?versionId=${v}&format=csv`, changed, {
      'content-type': 'text/csv',
    });
    expect(done.body).toMatchObject({ changed: 1, values: 1 });
    expect(done.body.changes).toBeUndefined();
  });

  it('exports a year as CSV, XLSX and JSON; the JSON re-imports unchanged', async () => {
    const rev = f.as('reviewer');
    const v = f.draft2025.id;
    const csv = await rev.request('GET', `/api/datasets/2025/export?format=csv&versionId=${v}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toMatch(/^\uFEFF?code,name,/);
    const xlsx = await rev.request('GET', '/api/datasets/2025/export?format=xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets[0].getCell('A1').value).toBe('code');
    const json = await rev.request('GET', '/api/datasets/2025/export?format=json');
    const text = await json.text();
    const before = (await rev.json('GET', '/api/datasets/2025')).body.hash;
    const re = await f
      .as('assessor')
      .json('POST', `/api/datasets/2025/import?versionId=${v}&format=json`, text, {
        'content-type': 'application/json',
      });
    expect(re.status).toBe(200);
    expect(re.body.values).toBe(0);
    expect((await rev.json('GET', '/api/datasets/2025')).body.hash).toBe(before);
    expect((await rev.request('GET', '/api/datasets/2025/export?format=pdf')).status).toBe(400);
  });
});
