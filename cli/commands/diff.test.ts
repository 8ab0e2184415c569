import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { run } from './diff.ts';
import { diff } from '../../engine/diff/index.ts';
import { baseDocument, clone } from '../../engine/diff/test-fixture.ts';
import type { Dataset, RuleDocument } from '../../engine/types.ts';

let dir: string;
const write = (name: string, value: unknown) => {
  writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return name;
};

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: dir });
  return { code, stdout, stderr };
}

const before = baseDocument();
const after = clone(before);
after.year = 2024;
after.categories[0].items = after.categories[0].items.filter((i) => i.id !== 'forest');
after.inputs = after.inputs.filter((i) => i.key !== 'forest');
after.categories[0].items[0].maxPoints = 30;
after.categories[0].items[0].logic = { max: [0, { '-': [30, { '*': [2, { var: 'pm25_excess' }] }] }] };
after.categories[0].items[1].maxPoints = 30;
after.categories[0].items[1].logic = {
  interp: [
    { var: 'good_days' },
    [
      [70, 0],
      [90, 30],
    ],
  ],
};
after.grades[0].min = 92;
after.downgradeStacking = 'sum';
after.tests = [];

const clean = { pm25: 30, pm25_target: 34, good_days: 90, forest: 50, satisfaction: 100 };
const data: Dataset = {
  year: 2024,
  regions: [
    { code: '220100', name: '长春市', values: clean },
    { code: '220200', name: '吉林市', values: { ...clean, task_deduction: 9 } },
    { code: '220300', name: '四平市', values: { ...clean, satisfaction: -1 } },
  ],
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecoscore-diff-'));
  write('old.json', before);
  write('new.json', after);
  write('data.json', data);
  write(
    'data.csv',
    [
      'code,name,pm25,pm25_target,good_days,forest,satisfaction,task_deduction',
      '#代码,名称,PM2.5,目标,优良天数,森林,满意率,扣分',
      '220100,长春市,30,34,90,50,100,',
      '220200,吉林市,30,34,90,50,100,9',
      '220300,四平市,30,34,90,50,-1,',
    ].join('\n'),
  );
});

describe('ecoscore diff', () => {
  test('--json prints exactly the engine diff object', async () => {
    const r = await cli('old.json', 'new.json', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const printed = JSON.parse(r.stdout);
    expect(printed).toEqual(JSON.parse(JSON.stringify(diff(before, after))));
    expect(Object.keys(printed)).toEqual(['changes']);
    expect(
      printed.changes.map(
        (c: { kind: string; target: string; id: string }) => `${c.kind} ${c.target} ${c.id}`,
      ),
    ).toEqual([
      'changed document year',
      'changed document downgradeStacking',
      'removed input forest',
      'changed item pm25',
      'changed item good_days',
      'removed item forest',
      'changed grade excellent',
      'removed test clean region',
    ]);
  });

  test('--json --data adds the impact, the same for JSON and CSV data', async () => {
    const json = await cli('old.json', 'new.json', '--data', 'data.json', '--json');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result).toEqual(JSON.parse(JSON.stringify(diff(before, after, { dataset: data }))));
    expect(
      result.impact
        .filter((r: { gradeChanged: boolean }) => r.gradeChanged)
        .map((r: { region: string }) => r.region),
    ).toEqual(['220200']);
    expect(result.impact[2]).toMatchObject({ region: '220300', from: null, to: null, gradeChanged: false });
    expect(result.impact[2].fromError).toContain('satisfaction');

    const csv = await cli('old.json', 'new.json', '--data=data.csv', '--json');
    expect(csv.code).toBe(0);
    expect(JSON.parse(csv.stdout).impact).toEqual(result.impact);
  });

  test('the readable report groups changes by part, with labels, old → new and formulas', async () => {
    const r = await cli('old.json', 'new.json', '--data', 'data.json');
    expect(r.code).toBe(0);
    const out = r.stdout;
    const order = [
      '【主要指标完成情况】（indicators）',
      '【等级】',
      '【输入项】',
      '【文档】',
      '【文档自带测试】',
      '【影响】',
    ];
    const positions = order.map((h) => out.indexOf(h));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out).toContain('~ 修改 细颗粒物(PM2.5)浓度（pm25）');
    expect(out).toContain('分值：20 → 30');
    expect(out).toContain('旧：max(0, 20 − 2 × PM2.5超标量)');
    expect(out).toContain('新：max(0, 30 − 2 × PM2.5超标量)');
    expect(out).toContain('- 删除 森林覆盖率（forest）');
    expect(out).toContain('~ 修改 优秀（excellent）');
    expect(out).toContain('最低分数：90 → 92');
    expect(out).toContain('多项降档的叠加方式：取最大降档级数（max） → 各项降档级数相加（sum）');
    expect(out).toContain('3 个地区中 1 个等级变化');
    expect(out).toMatch(/220200\s+吉林市\s+91\.00\s+优秀\s+91\.00\s+良好\s+0\.00\s+是/);
    expect(out).toMatch(/220300 四平市 旧版：.*satisfaction/);
  });

  test('equal documents: no changes', async () => {
    const r = await cli('old.json', 'old.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('没有变更');
    const j = await cli('old.json', 'old.json', '--json');
    expect(JSON.parse(j.stdout)).toEqual({ changes: [] });
  });

  test('an item moved to another category is shown once, with both categories', async () => {
    const moved = clone(before);
    const item = moved.categories[0].items.pop()!;
    moved.categories[1].items.push(item);
    moved.categories[0].maxPoints = 40;
    moved.categories[1].maxPoints = 50;
    write('moved.json', moved);
    const r = await cli('old.json', 'moved.json');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/森林覆盖率（forest）/g)).toHaveLength(1);
    expect(r.stdout).toContain('所属类别：主要指标完成情况（indicators） → 重点工作任务落实情况（tasks）');
  });

  test('unreadable, malformed and invalid files exit 2 and name the file and the pointer', async () => {
    const missing = await cli('old.json', 'nope.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');

    write('broken.json', '{ "schemaVersion": 1,');
    const broken = await cli('broken.json', 'new.json', '--json');
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toContain('broken.json');

    const invalid = clone(after) as RuleDocument;
    invalid.categories[0].items[0].maxPoints = 31;
    write('invalid.json', invalid);
    const bad = await cli('old.json', 'invalid.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid.json');
    expect(bad.stderr).toContain('/categories/0');

    write('baddata.json', { regions: 'x' });
    const badData = await cli('old.json', 'new.json', '--data', 'baddata.json');
    expect(badData.code).toBe(2);
    expect(badData.stderr).toContain('baddata.json');
    expect(badData.stderr).toContain('/regions');
  });

  test('usage errors exit 2', async () => {
    expect((await cli('old.json')).code).toBe(2);
    expect((await cli('old.json', 'new.json', 'third.json')).code).toBe(2);
    expect((await cli('old.json', 'new.json', '--data')).code).toBe(2);
    const unknown = await cli('old.json', 'new.json', '--jsn');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--jsn');
  });

  test('the sample years diff through the command line as through the engine', async () => {
    const sample = (y: number) =>
      fileURLToPath(new URL(`../../rules/jilin-eco-target/${y}.json`, import.meta.url));
    const r = await cli(sample(2024), sample(2025), '--json');
    expect(r.code).toBe(0);
    const load = (y: number) => JSON.parse(readFileSync(sample(y), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(diff(load(2024), load(2025)))));
  });
});
