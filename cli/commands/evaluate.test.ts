import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliInProcess, repoRoot } from '../../test/helpers/cli.ts';

const cli = cliInProcess;

const rules = 'rules/jilin-eco-target/2024.json';

describe('ecoscore evaluate', () => {
  test('the table view: every region ranked, grades in words, adjustments named', async () => {
    const out = await cli(['evaluate', rules, 'rules/sample-data/2024.csv']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('排名');
    for (const name of ['长春市', '吉林市', '延边朝鲜族自治州', '长白山管委会', '梅河口市'])
      expect(out.stdout).toContain(name);
    expect(out.stdout).toMatch(/否决：/);
    expect(out.stdout).toMatch(/降档：/);
    expect(out.stdout).toMatch(/封顶：/);
    expect(out.stdout).toMatch(/共 12 个地区计分：优秀 \d+，良好 \d+，合格 \d+，不合格 \d+/);
  });

  test('JSON and CSV data give the same results and the same dataset hash', async () => {
    const a = JSON.parse((await cli(['evaluate', rules, 'rules/sample-data/2024.json', '--json'])).stdout);
    const b = JSON.parse((await cli(['evaluate', rules, 'rules/sample-data/2024.csv', '--json'])).stdout);
    expect(b.results).toEqual(a.results);
    expect(b.dataset.hash).toBe(a.dataset.hash);
  });

  test('--region explains one region: items with the formula in words and the values read', async () => {
    const out = await cli(['evaluate', rules, 'rules/sample-data/2024.json', '--region', '220100']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^长春市（220100）  总分 /);
    expect(out.stdout).toContain('细颗粒物(PM2.5)浓度');
    expect(out.stdout).toContain('如果 PM2.5浓度不降反升 则 0 否则');
    expect(out.stdout).toMatch(/公式结果 \d/);
    const missing = await cli(['evaluate', rules, 'rules/sample-data/2024.json', '--region', '999999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('999999');
  });

  test('a bad cell in a CSV: exit 1, the region named with the row and column, the others scored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoscore-eval-'));
    const csv = (await import('node:fs')).readFileSync(join(repoRoot, 'rules/sample-data/2024.csv'), 'utf8');
    const lines = csv.split('\n');
    const header = lines[0].split(',');
    const col = header.indexOf('pm25');
    const row = lines[3].split(',');
    row[col] = '三十一';
    lines[3] = row.join(',');
    const file = join(dir, 'bad.csv');
    writeFileSync(file, lines.join('\n'));
    const out = await cli(['evaluate', rules, file, '--json']);
    expect(out.code).toBe(1);
    const parsed = JSON.parse(out.stdout);
    expect(parsed.results).toHaveLength(11);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ region: row[0], key: 'pm25', code: 'wrong_type' });
    expect(parsed.errors[0].location).toBe(`${file} row 4, column ${String.fromCharCode(65 + col)} (pm25)`);
  });

  test('unreadable data or an invalid document: exit 2', async () => {
    expect((await cli(['evaluate', rules, 'nope.json'])).code).toBe(2);
    expect((await cli(['evaluate', rules, 'README.md'])).code).toBe(2);
    expect((await cli(['evaluate', 'test/invalid/cycle.json', 'rules/sample-data/2024.json'])).code).toBe(2);
    expect((await cli(['evaluate', rules])).code).toBe(2);
  });
});

test('XLSX data: the same results as the JSON file, a formula error cell reported by row and column', async () => {
  const ExcelJS = (await import('exceljs')).default;
  const { readFileSync } = await import('node:fs');
  const data = JSON.parse(readFileSync(join(repoRoot, 'rules/sample-data/2024.json'), 'utf8'));
  const doc = JSON.parse(readFileSync(join(repoRoot, rules), 'utf8'));
  const keys: string[] = doc.inputs.map((i: { key: string }) => i.key);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  // last year's values (schema version 2) as prev.KEY columns
  const prevKeys: string[] = doc.inputs
    .filter((i: { previous?: string }) => i.previous)
    .map((i: { key: string }) => i.key);
  ws.addRow(['code', 'name', ...keys, ...prevKeys.map((k) => `prev.${k}`)]);
  ws.addRow([
    '#代码',
    '名称',
    ...doc.inputs.map((i: { label: { zh: string } }) => i.label.zh),
    ...prevKeys.map((k) => `上年${k}`),
  ]);
  for (const r of data.regions)
    ws.addRow([
      r.code,
      r.name,
      ...keys.map((k) => r.values[k] ?? null),
      ...prevKeys.map((k) => r.previous?.[k] ?? null),
    ]);
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-xlsx-'));
  const good = join(dir, 'data.xlsx');
  await wb.xlsx.writeFile(good);
  const fromJson = JSON.parse(
    (await cli(['evaluate', rules, 'rules/sample-data/2024.json', '--json'])).stdout,
  );
  const fromXlsx = JSON.parse((await cli(['evaluate', rules, good, '--json'])).stdout);
  expect(fromXlsx.results).toEqual(fromJson.results);

  const col = keys.indexOf('pm25') + 3; // 1-based, after code and name
  ws.getRow(4).getCell(col).value = { formula: '1/0', result: { error: '#DIV/0!' } };
  const bad = join(dir, 'bad.xlsx');
  await wb.xlsx.writeFile(bad);
  const out = await cli(['evaluate', rules, bad, '--json']);
  expect(out.code).toBe(1);
  const parsed = JSON.parse(out.stdout);
  expect(parsed.errors).toHaveLength(1);
  expect(parsed.errors[0]).toMatchObject({ region: data.regions[1].code, key: 'pm25', code: 'wrong_type' });
  expect(parsed.errors[0].location).toContain('row 4, column');
});

describe('ecoscore evaluate: schema version 2 data files', () => {
  test('CSV with prev.KEY columns and choice labels gives what the JSON gives; the trace reads 上年…', async () => {
    const { loadCases } = await import('../../test/cases/load.ts');
    const { datasetToCsv } = await import('../../engine/index.ts');
    const dir = mkdtempSync(join(tmpdir(), 'ecoscore-v2-cli-'));
    for (const name of ['v2-previous-parameters', 'v2-labelled-choices', 'v2-applies']) {
      const c = loadCases().find((x) => x.name === name)!;
      const doc = join(dir, `${name}.rules.json`);
      const json = join(dir, `${name}.data.json`);
      const csv = join(dir, `${name}.data.csv`);
      writeFileSync(doc, JSON.stringify(c.document));
      // The CSV has the document's columns only: a data key naming a parameter is left out of both.
      const data = structuredClone(c.data);
      for (const r of data.regions) delete r.values.rate;
      writeFileSync(json, JSON.stringify(data));
      writeFileSync(csv, datasetToCsv(data, c.document));
      const a = await cli(['evaluate', doc, json, '--json']);
      const b = await cli(['evaluate', doc, csv, '--json']);
      expect(b.code).toBe(a.code);
      const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
      expect(jb.results).toEqual(ja.results);
      expect(jb.errors.map((e: { code: string }) => e.code)).toEqual(
        ja.errors.map((e: { code: string }) => e.code),
      );
      expect(jb.dataset.hash).toBe(ja.dataset.hash);
    }
    const c = loadCases().find((x) => x.name === 'v2-previous-parameters')!;
    const region = await cli([
      'evaluate',
      join(dir, 'v2-previous-parameters.rules.json'),
      join(dir, 'v2-previous-parameters.data.csv'),
      '--region',
      'R2',
    ]);
    expect(region.stdout).toContain('上年指标甲=50');
    expect(region.stdout).toContain('每比上年下降1扣分=2');
    expect(c.document.schemaVersion).toBe(2);
    const na = await cli([
      'evaluate',
      join(dir, 'v2-applies.rules.json'),
      join(dir, 'v2-applies.data.json'),
      '--region',
      'R2',
    ]);
    expect(na.stdout).toContain('不适用');
  });
});
