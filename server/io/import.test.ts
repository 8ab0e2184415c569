import ExcelJS from 'exceljs';
import { beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit.ts';
import { getDataset, getRegionValues } from '../db/datasets.ts';
import { ValidationError, type ImportProblem } from '../db/errors.ts';
import { listRegions } from '../db/regions.ts';
import { demoDocument, useFreshDb } from '../db/test-fixture.ts';
import { createDraft } from '../db/versions.ts';
import { importDataset } from './import.ts';

const h = useFreshDb();
let versionId: number;
let codes: string[];
beforeEach(async () => {
  versionId = (await createDraft(h.db, { document: demoDocument() }, 'a')).id;
  codes = (await listRegions(h.db)).map((r) => r.code);
});

/** A valid CSV for every region: code,name,pm25_target,pm25,projects,incident,level. */
function validCsv(opts: { labelRow?: boolean } = {}): string[] {
  const lines = ['code,name,pm25_target,pm25,projects,incident,level'];
  if (opts.labelRow) lines.push('#地区代码,名称,PM2.5浓度目标,PM2.5年均浓度,项目数,重大事件,等级');
  codes.forEach((c, i) =>
    lines.push(`${c},地区${i},35,${30 + i},${i % 5},${['true', 'false', '1', '0', '是', '否'][i % 6]},none`),
  );
  return lines;
}

async function problemsOf(p: Promise<unknown>): Promise<ImportProblem[]> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).errors;
  }
  throw new Error('expected the import to be refused');
}

describe('CSV import', () => {
  it('imports every region, booleans as true/false/1/0/是/否, the # label row skipped', async () => {
    const res = await importDataset(h.db, {
      year: 2024,
      versionId,
      format: 'csv',
      data: validCsv({ labelRow: true }).join('\n'),
      actor: 'bob',
      filename: 'd.csv',
    });
    expect(res.regions).toBe(12);
    expect(res.values).toBe(60);
    const grid = await getDataset(h.db, 2024);
    for (const r of grid.regions)
      expect(r.values.incident).toBe([true, false, true, false, true, false][codes.indexOf(r.code) % 6]);
    expect(grid.regions.find((r) => r.code === codes[0])).toMatchObject({
      values: { pm25_target: 35, pm25: 30, projects: 0, incident: true, level: 'none' },
      sources: { pm25: 'import' },
    });
    const [entry] = (await listAudit(h.db, { action: 'dataset.import' })).entries;
    expect(entry).toMatchObject({ user: 'bob', entity: 'dataset', entityId: '2024', afterHash: grid.hash });
    expect(entry.detail).toMatchObject({
      format: 'csv',
      versionId,
      filename: 'd.csv',
      regions: 12,
      values: 60,
    });
  });

  it('one bad cell among many valid ones changes nothing and names the cell', async () => {
    await importDataset(h.db, {
      year: 2024,
      versionId,
      format: 'csv',
      data: validCsv().join('\n'),
      actor: 'a',
    });
    const before = await getDataset(h.db, 2024);
    const audit = (await listAudit(h.db)).total;
    const lines = validCsv().map((l) => l.replace(',35,', ',36,')); // every row changes…
    lines[7] = lines[7].replace(/^([^,]*,[^,]*,36,)[^,]*/, '$1abc'); // …but row 8's pm25 (column D) is not a number
    const problems = await problemsOf(
      importDataset(h.db, { year: 2024, versionId, format: 'csv', data: lines.join('\n'), actor: 'a' }),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        row: 8,
        column: 'pm25 (D)',
        code: 'invalid_type',
        path: '/regions/6/values/pm25',
      }),
    ]);
    expect(problems[0].message).toContain('第 8 行 pm25 (D) 列');
    expect(await getDataset(h.db, 2024)).toEqual(before);
    expect((await listAudit(h.db)).total).toBe(audit);
  });

  it('lists every problem by row and column: unknown region and column, type, range, enum, duplicate, missing', async () => {
    const csv = [
      'code,name,pm25_target,pm25,projects,incident,level,extra',
      '#代码,名称,目标,实际,项目,事件,等级,多余',
      `${codes[0]},a,35,30,1,是,none,`,
      `999999,b,35,30,1,是,none,`,
      `${codes[1]},c,35,abc,1,maybe,none,`,
      `${codes[2]},d,35,600,1.5,否,minor,`,
      `${codes[0]},e,35,30,1,是,none,`,
      `${codes[3]},f,,30,1,,,`,
      `,g,35,30,1,是,none,`,
    ].join('\r\n');
    const problems = await problemsOf(
      importDataset(h.db, { year: 2024, versionId, format: 'csv', data: csv, actor: 'a' }),
    );
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [1, 'extra (H)', 'unknown_column'],
      [4, 'code (A)', 'unknown_region'],
      [5, 'pm25 (D)', 'invalid_type'],
      [5, 'incident (F)', 'invalid_type'],
      [6, 'pm25 (D)', 'out_of_range'],
      [6, 'projects (E)', 'invalid_type'],
      [6, 'level (G)', 'not_in_enum'],
      [7, 'code (A)', 'duplicate_row'],
      [8, 'pm25_target (C)', 'missing_required'],
      [9, 'code (A)', 'missing_region_code'],
    ]);
    for (const p of problems) {
      expect(p.message).toMatch(/ \/ /); // Chinese / English
      expect(typeof p.path).toBe('string');
    }
    expect((await getDataset(h.db, 2024)).regions.every((r) => Object.keys(r.values).length === 0)).toBe(
      true,
    );
  });

  it('counts stored values towards required columns the file does not have', async () => {
    await importDataset(h.db, {
      year: 2024,
      versionId,
      format: 'csv',
      data: validCsv().join('\n'),
      actor: 'a',
    });
    // A file with only the pm25 column: the other required values are already stored.
    const csv = ['code,pm25', ...codes.map((c) => `${c},99`)].join('\n');
    const res = await importDataset(h.db, { year: 2024, versionId, format: 'csv', data: csv, actor: 'a' });
    expect(res.values).toBe(12);
    expect((await getRegionValues(h.db, 2024, codes[0])).values).toMatchObject({
      pm25: 99,
      pm25_target: 35,
      projects: 0,
    });
    // An empty cell in a column the file has is a missing value, even when one is stored.
    const csv2 = ['code,pm25', `${codes[0]},`].join('\n');
    const problems = await problemsOf(
      importDataset(h.db, { year: 2024, versionId, format: 'csv', data: csv2, actor: 'a' }),
    );
    expect(problems).toEqual([
      expect.objectContaining({ row: 2, column: 'pm25 (B)', code: 'missing_required' }),
    ]);
  });

  it('reports a header without code and a duplicated column', async () => {
    expect(
      (
        await problemsOf(
          importDataset(h.db, { year: 2024, versionId, format: 'csv', data: 'name,pm25\nx,1', actor: 'a' }),
        )
      ).map((p) => p.code),
    ).toEqual(['missing_column']);
    const dup = await problemsOf(
      importDataset(h.db, {
        year: 2024,
        versionId,
        format: 'csv',
        data: `code,pm25,pm25\n${codes[0]},1,2`,
        actor: 'a',
      }),
    );
    expect(dup[0]).toMatchObject({ row: 1, column: 'pm25 (C)', code: 'duplicate_column' });
    expect(
      (
        await problemsOf(importDataset(h.db, { year: 2024, versionId, format: 'csv', data: '', actor: 'a' }))
      )[0].code,
    ).toBe('missing_header');
  });
});

describe('JSON import', () => {
  it('imports SPEC section 4 JSON; problems carry JSON pointers as column', async () => {
    const data = {
      year: 2024,
      regions: codes.map((code) => ({
        code,
        name: code,
        values: { pm25_target: 35, pm25: 31, projects: 2, incident: false },
      })),
    };
    const res = await importDataset(h.db, {
      year: 2024,
      versionId,
      format: 'json',
      data: Buffer.from(JSON.stringify(data)),
      actor: 'a',
    });
    expect(res.regions).toBe(12);
    expect((await getRegionValues(h.db, 2024, codes[0])).values).toEqual({
      pm25_target: 35,
      pm25: 31,
      projects: 2,
      incident: false,
    });

    const bad = structuredClone(data);
    bad.year = 2023;
    (bad.regions[3].values as Record<string, unknown>).pm25 = '31';
    (bad.regions[5].values as Record<string, unknown>).unknown_key = 1;
    const problems = await problemsOf(
      importDataset(h.db, { year: 2024, versionId, format: 'json', data: JSON.stringify(bad), actor: 'a' }),
    );
    expect(problems.map((p) => [p.column, p.code])).toEqual([
      ['/year', 'year_mismatch'],
      ['/regions/3/values/pm25', 'invalid_type'],
      ['/regions/5/values/unknown_key', 'unknown_key'],
    ]);
    expect(problems.every((p) => p.path === p.column)).toBe(true);
    expect(
      (
        await problemsOf(
          importDataset(h.db, { year: 2024, versionId, format: 'json', data: '{oops', actor: 'a' }),
        )
      )[0].code,
    ).toBe('invalid_json');
    const numeric = { regions: [{ code: 220100, values: { pm25_target: 35, pm25: 40, projects: 2 } }] };
    await importDataset(h.db, {
      year: 2024,
      versionId,
      format: 'json',
      data: JSON.stringify(numeric),
      actor: 'a',
    });
    expect((await getRegionValues(h.db, 2024, '220100')).values.pm25).toBe(40);
  });
});

describe('XLSX import', () => {
  async function xlsx(rows: unknown[][]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('数据');
    rows.forEach((r) => ws.addRow(r));
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('imports a workbook with numbers, booleans, 是/否 and formulas', async () => {
    const rows: unknown[][] = [
      ['code', 'name', 'pm25_target', 'pm25', 'projects', 'incident', 'level'],
      ['#代码', '名称'],
    ];
    codes.forEach((c, i) =>
      rows.push([
        c,
        `地区${i}`,
        35,
        i === 0 ? { formula: '30+1', result: 31 } : 30,
        2,
        i % 2 ? '是' : false,
        'none',
      ]),
    );
    const res = await importDataset(h.db, {
      year: 2024,
      versionId,
      format: 'xlsx',
      data: await xlsx(rows),
      actor: 'a',
    });
    expect(res.regions).toBe(12);
    expect((await getRegionValues(h.db, 2024, codes[0])).values).toEqual({
      pm25_target: 35,
      pm25: 31,
      projects: 2,
      incident: false,
      level: 'none',
    });
    expect((await getRegionValues(h.db, 2024, codes[1])).values.incident).toBe(true);
  });

  it('names the cell (row, header and letter) of a bad value', async () => {
    const rows: unknown[][] = [['code', 'name', 'pm25_target', 'pm25', 'projects']];
    codes.forEach((c) => rows.push([c, 'x', 35, 30, 2]));
    rows[5][4] = 'many';
    const problems = await problemsOf(
      importDataset(h.db, { year: 2024, versionId, format: 'xlsx', data: await xlsx(rows), actor: 'a' }),
    );
    expect(problems).toEqual([
      expect.objectContaining({ row: 6, column: 'projects (E)', code: 'invalid_type' }),
    ]);
  });

  it('reports an unreadable file', async () => {
    const problems = await problemsOf(
      importDataset(h.db, {
        year: 2024,
        versionId,
        format: 'xlsx',
        data: Buffer.from('not a zip'),
        actor: 'a',
      }),
    );
    expect(problems[0].code).toBe('unreadable_file');
  });
});
