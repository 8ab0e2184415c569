import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { diff, diffImpact } from './index.ts';
import { evaluate } from '../evaluate/index.ts';
import { InvalidDocumentError, validateDocument } from '../validate/index.ts';
import { baseDocument, clone } from './test-fixture.ts';
import type { Dataset, RuleDocument } from '../types.ts';

const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const loadJson = <T>(path: string): T => JSON.parse(readFileSync(repoFile(path), 'utf8')) as T;

/** The impact computed the long way: each version evaluated on its own, then joined by region. */
function expectedImpact(oldDoc: RuleDocument, newDoc: RuleDocument, dataset: Dataset) {
  const a = evaluate(oldDoc, dataset);
  const b = evaluate(newDoc, dataset);
  return dataset.regions.map((r) => {
    const from = a.results.find((x) => x.region === r.code);
    const to = b.results.find((x) => x.region === r.code);
    return {
      region: r.code,
      from: from ? { total: from.total, grade: from.grade } : null,
      to: to ? { total: to.total, grade: to.grade } : null,
      failsBefore: a.errors.some((e) => e.region === r.code),
      failsAfter: b.errors.some((e) => e.region === r.code),
    };
  });
}

const region = (code: string, values: Record<string, unknown>) => ({ code, name: `地区${code}`, values });
const clean = { pm25: 30, pm25_target: 34, good_days: 90, forest: 50, satisfaction: 100 };

const dataset: Dataset = {
  year: 2023,
  regions: [
    region('220100', clean), // 100 → still excellent
    region('220200', { ...clean, task_deduction: 9 }), // 91: excellent → good when the line is 92
    region('220300', { ...clean, overdue: 1, task_deduction: 15 }), // 85 good, one down → qualified
    region('220400', { ...clean, satisfaction: 'high' }), // bad data under both
    region('220500', { ...clean, forest: undefined }), // forest required before, not after
    region('220600', { ...clean, overdue: 4 }), // 100, both downgrades: 2 levels (max) → 3 levels (sum)
  ],
};

describe('diffImpact', () => {
  test('the fixture document is valid and its own tests pass', () => {
    expect(validateDocument(baseDocument())).toEqual([]);
  });

  test('the outside check: removed item, points moved, threshold raised, stacking changed', () => {
    const before = baseDocument();
    const after = clone(before);
    after.categories[0].items = after.categories[0].items.filter((i) => i.id !== 'forest');
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
    after.inputs = after.inputs.filter((i) => i.key !== 'forest');
    after.tests = [];
    after.grades[0].min = 92;
    after.downgradeStacking = 'sum';

    const { changes, impact } = diff(before, after, { dataset });
    expect(changes.map((c) => `${c.kind} ${c.target} ${c.id}`)).toEqual([
      'changed document downgradeStacking',
      'removed input forest',
      'changed item pm25',
      'changed item good_days',
      'removed item forest',
      'changed grade excellent',
      'removed test clean region',
    ]);
    expect(impact).toEqual([
      {
        region: '220100',
        name: '地区220100',
        from: { total: 100, grade: 'excellent' },
        to: { total: 100, grade: 'excellent' },
        gradeChanged: false,
        totalChange: 0,
      },
      {
        region: '220200',
        name: '地区220200',
        from: { total: 91, grade: 'excellent' },
        to: { total: 91, grade: 'good' },
        gradeChanged: true,
        totalChange: 0,
      },
      {
        region: '220300',
        name: '地区220300',
        from: { total: 85, grade: 'qualified' },
        to: { total: 85, grade: 'qualified' },
        gradeChanged: false,
        totalChange: 0,
      },
      {
        region: '220400',
        name: '地区220400',
        from: null,
        to: null,
        gradeChanged: false,
        fromError: expect.stringContaining('satisfaction'),
        toError: expect.stringContaining('satisfaction'),
      },
      {
        region: '220500',
        name: '地区220500',
        from: null,
        to: { total: 100, grade: 'excellent' },
        gradeChanged: true,
        fromError: expect.stringContaining('forest'),
      },
      {
        region: '220600',
        name: '地区220600',
        from: { total: 100, grade: 'qualified' },
        to: { total: 100, grade: 'unqualified' },
        gradeChanged: true,
        totalChange: 0,
      },
    ]);
    // the same as evaluating each version on its own
    const long = expectedImpact(before, after, dataset);
    expect(impact!.map((r) => ({ region: r.region, from: r.from, to: r.to }))).toEqual(
      long.map(({ region, from, to }) => ({ region, from, to })),
    );
  });

  test('totals that change are reported with their difference', () => {
    const before = baseDocument();
    const after = clone(before);
    after.categories[1].items[0].logic = { '-': [30, { '*': [2, { var: 'task_deduction' }] }] };
    const rows = diffImpact(before, after, { regions: [dataset.regions[1], dataset.regions[2]] });
    expect(rows.map((r) => [r.region, r.from?.total, r.to?.total, r.totalChange, r.gradeChanged])).toEqual([
      ['220200', 91, 82, -9, true],
      ['220300', 85, 70, -15, true],
    ]);
  });

  test('an invalid document is refused, not scored', () => {
    const broken = clone(baseDocument());
    broken.maxScore = 99;
    expect(() => diffImpact(baseDocument(), broken, dataset)).toThrow(InvalidDocumentError);
    expect(diff(baseDocument(), broken).changes).toHaveLength(1);
  });

  const years = [2021, 2022, 2023, 2024];
  const samples = years.filter(
    (y) =>
      existsSync(repoFile(`rules/jilin-eco-target/${y + 1}.json`)) &&
      existsSync(repoFile(`rules/sample-data/${y + 1}.json`)),
  );
  test.skipIf(samples.length === 0).each(samples)(
    'sample rules %i → next year on the next year’s sample data equal evaluating both separately',
    (year) => {
      const before = loadJson<RuleDocument>(`rules/jilin-eco-target/${year}.json`);
      const after = loadJson<RuleDocument>(`rules/jilin-eco-target/${year + 1}.json`);
      const data = loadJson<Dataset>(`rules/sample-data/${year + 1}.json`);
      const rows = diffImpact(before, after, data);
      const long = expectedImpact(before, after, data);
      expect(rows).toHaveLength(data.regions.length);
      rows.forEach((row, i) => {
        const e = long[i];
        expect(row.region).toBe(e.region);
        expect(row.from).toEqual(e.from);
        expect(row.to).toEqual(e.to);
        expect(row.gradeChanged).toBe((e.from?.grade ?? null) !== (e.to?.grade ?? null));
        expect(row.fromError !== undefined).toBe(e.from === null);
        expect(row.toError !== undefined).toBe(e.to === null);
        if (e.from && e.to) expect(row.totalChange).toBeCloseTo(e.to.total - e.from.total, 6);
        else expect(row.totalChange).toBeUndefined();
      });
    },
  );
});
