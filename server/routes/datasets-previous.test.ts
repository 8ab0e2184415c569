/**
 * What the data grid shows beside an input that declares `previous` (schema version 2): the year's
 * grid carries each region's stored values of year − 1 (`lastYear`) and its own `prev.KEY`; the
 * template and the exports carry last year's values as `prev.KEY` columns (own first, else stored),
 * labelled choices by their labels. A small document of its own, not the samples.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { RuleDocument } from '../../engine/types.ts';
import { airCategory, levelInput, TWO_GRADES } from '../../test/helpers/v2-fixture.ts';
import { schemaProblems, useFixture } from './test-helpers.ts';

const doc: RuleDocument = {
  schemaVersion: 2,
  family: 'prev-grid',
  year: 2025,
  title: { zh: '上年值测试' },
  maxScore: 10,
  inputs: [
    {
      key: 'ratio',
      label: { zh: '优良天数比例' },
      type: 'number',
      min: 0,
      max: 100,
      unit: '%',
      previous: 'required',
    },
    levelInput({ previous: 'optional' }),
  ],
  categories: [
    airCategory({
      id: 'ratio',
      label: { zh: '优良天数' },
      maxPoints: 10,
      logic: { if: [{ '>=': [{ var: 'ratio' }, { var: 'prev.ratio' }] }, 10, 5] },
    }),
  ],
  grades: TWO_GRADES,
};

describe('last year values in the data grid, the template and the exports', () => {
  const f = useFixture();
  let versionId: number;
  const A = '220100';
  const B = '220200';
  beforeAll(async () => {
    const created = await f.as('editor').json('POST', '/api/versions', { document: doc });
    expect(created.status).toBe(201);
    versionId = created.body.id;
    const as = f.as('assessor');
    const put = (year: number, regions: unknown) =>
      as.json('PUT', `/api/datasets/${year}?versionId=${versionId}`, { regions });
    expect(
      (
        await put(2024, [
          { code: A, values: { ratio: 80, level: 'general' } },
          { code: B, values: { ratio: 60 } },
        ])
      ).status,
    ).toBe(200);
    // B brings its own last year value with this year's data (prev.ratio), which wins.
    expect(
      (
        await put(2025, [
          { code: A, values: { ratio: 85 } },
          { code: B, values: { ratio: 75, 'prev.ratio': 70 } },
        ])
      ).status,
    ).toBe(200);
  });

  it("sends each region's stored values of year − 1 and its own prev.KEY with the grid", async () => {
    const r = await f.as('reviewer').json('GET', '/api/datasets/2025');
    expect(r.status).toBe(200);
    expect(schemaProblems(f.app, 'GET', '/api/datasets/{year}', 200, r.body)).toEqual([]);
    const a = r.body.regions.find((x: { code: string }) => x.code === A);
    const b = r.body.regions.find((x: { code: string }) => x.code === B);
    expect(a.lastYear).toMatchObject({ ratio: 80, level: 'general' });
    expect(a.values['prev.ratio']).toBeUndefined();
    expect(b.lastYear).toMatchObject({ ratio: 60 });
    expect(b.values['prev.ratio']).toBe(70);
  });

  it('refuses a prev.KEY the document does not declare, or out of range, with its path', async () => {
    const r = await f.as('assessor').json('PUT', `/api/datasets/2025?versionId=${versionId}`, {
      regions: [{ code: A, values: { 'prev.ratio': 101 } }],
    });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['/regions/0/values/prev.ratio']);
  });

  it('exports prev.KEY columns (own value first, else last year stored), choices by their labels', async () => {
    const res = await f
      .as('reviewer')
      .request('GET', `/api/datasets/2025/export?format=csv&versionId=${versionId}`);
    expect(res.status).toBe(200);
    const rows = Papa.parse<string[]>((await res.text()).replace(/^\uFEFF/, ''), {
      skipEmptyLines: true,
    }).data;
    const header = rows[0];
    const col = (code: string, key: string) => rows.find((row) => row[0] === code)![header.indexOf(key)];
    expect(header).toEqual(expect.arrayContaining(['ratio', 'level', 'prev.ratio', 'prev.level']));
    expect(col(A, 'prev.ratio')).toBe('80');
    expect(col(A, 'prev.level')).toBe('一般(Ⅳ级)');
    expect(col(B, 'prev.ratio')).toBe('70');
    expect(col(B, 'prev.level')).toBe('');
  });

  it('pre-fills the template with last year stored values as prev.KEY', async () => {
    const res = await f.as('reviewer').request('GET', `/api/versions/${versionId}/template.xlsx`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
    const prevCol = header.indexOf('prev.ratio');
    expect(prevCol).toBeGreaterThan(0);
    let found: unknown;
    ws.eachRow((row) => {
      if (String(row.getCell(1).value) === A) found = row.getCell(prevCol).value;
    });
    expect(found).toBe(80);
  });
});
