/**
 * The sensitivity analysis: re-aggregating per-item results under changed points gives what
 * evaluating a document with those points (and the formulas scaled as documented) gives; the
 * variants are what each mode promises; the report classifies and attributes as documented.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type { Dataset, RuleDocument } from '../types.ts';
import { category, documentHead, grades, item } from '../test-fixtures.ts';
import { evaluate, prepareDocument } from '../evaluate/index.ts';
import { InvalidDocumentError } from '../validate/index.ts';
import { roundHalfAway } from '../numeric/round.ts';
import {
  analyseSensitivity,
  checkSensitivityMode,
  InvalidSensitivityModeError,
  itemSlots,
  variantResults,
  variantsOf,
  type SensitivityMode,
} from './index.ts';

const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const doc2025 = readJson('rules/jilin-eco-target/2025.json') as RuleDocument;
const data2025 = readJson('rules/sample-data/2025.json') as Dataset;

/**
 * The document a variant stands for: changed items get their new points and their formula scaled
 * as the module documents (clamp to the old points, times new / old).
 */
function scaledDocument(doc: RuleDocument, points: Record<string, number>): RuleDocument {
  const out = structuredClone(doc);
  const precision = out.precision ?? 2;
  delete out.tests;
  for (const c of out.categories) {
    for (const it of c.items) {
      if (!(it.id in points)) continue;
      const old = it.maxPoints;
      const now = points[it.id];
      it.logic = old === 0 ? 0 : ({ '/': [{ '*': [{ clamp: [it.logic, 0, old] }, now] }, old] } as never);
      it.maxPoints = now;
    }
    c.maxPoints = roundHalfAway(
      c.items.reduce((s, it) => s + it.maxPoints, 0),
      precision,
    );
  }
  out.maxScore = roundHalfAway(
    out.categories.reduce((s, c) => s + c.maxPoints, 0),
    precision,
  );
  return out;
}

describe('re-aggregation equals re-evaluation', () => {
  const p = prepareDocument(doc2025);
  const ids = itemSlots(doc2025).map((s) => s.id);

  test('no change: the evaluation itself', () => {
    const ev = evaluate(doc2025, data2025, { trace: false });
    const { results } = variantResults(p, data2025, {});
    expect(results).toEqual(
      ev.results.map((r) => ({
        region: r.region,
        name: r.name,
        total: r.total,
        grade: r.grade,
        rank: r.rank,
      })),
    );
  });

  test('random changes of some items: totals, grades and ranks of the scaled document', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...ids),
          fc.integer({ min: 0, max: 1200 }).map((x) => x / 100),
          { minKeys: 1, maxKeys: 8 },
        ),
        (points) => {
          const ev = evaluate(scaledDocument(doc2025, points), data2025, { trace: false });
          const { results } = variantResults(p, data2025, points);
          expect(results).toEqual(
            ev.results.map((r) => ({
              region: r.region,
              name: r.name,
              total: r.total,
              grade: r.grade,
              rank: r.rank,
            })),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('re-aggregation equals re-evaluation with items that do not apply (schema version 2)', () => {
  // Items that apply only to some regions, in a `rescale` and a `full` category.
  const doc = structuredClone(doc2025);
  doc.schemaVersion = 2;
  delete doc.tests;
  doc.categories[0].notApplicable = 'rescale';
  doc.categories[1].notApplicable = 'full';
  doc.categories[0].items[7].applies = { '>': [{ var: 'black_odorous_target' }, 0] };
  doc.categories[0].items[1].applies = { '<': [{ var: 'pm25' }, 36] };
  doc.categories[1].items[2].applies = { '>': [{ var: 'satisfaction' }, 85] };
  const p = prepareDocument(doc);
  const ids = itemSlots(doc).map((s) => s.id);
  const same = (points: Record<string, number>) => {
    const ev = evaluate(scaledDocument(doc, points), data2025, { trace: false });
    expect(ev.results.some((r) => r.categories.some((c) => c.items.some((i) => i.points === null)))).toBe(
      true,
    );
    const { results } = variantResults(p, data2025, points);
    expect(results).toEqual(
      ev.results.map((r) => ({
        region: r.region,
        name: r.name,
        total: r.total,
        grade: r.grade,
        rank: r.rank,
      })),
    );
  };

  test('no change, and random changes of some items', () => {
    same({});
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...ids),
          fc.integer({ min: 0, max: 1200 }).map((x) => x / 100),
          { minKeys: 1, maxKeys: 8 },
        ),
        same,
      ),
      { numRuns: 40 },
    );
  });

  test('the fast report equals the reference report', () => {
    const mode: SensitivityMode = { kind: 'random', n: 60, seed: 3, p: 30 };
    expect(analyseSensitivity(doc, data2025, mode)).toEqual(
      analyseSensitivity(doc, data2025, mode, { reference: true }),
    );
  });
});

describe('variants', () => {
  const items = itemSlots(doc2025);
  const categorySums = (points: Float64Array) => {
    const sums: number[] = [];
    items.forEach((it, i) => (sums[it.categoryIndex] = (sums[it.categoryIndex] ?? 0) + points[i]));
    return sums.map((s) => roundHalfAway(s, 2));
  };
  const original = doc2025.categories.map((c) => c.maxPoints);

  test('random draws keep every category sum, are seeded and reproducible', () => {
    const draw = (seed: number) => [...variantsOf({ kind: 'random', n: 200, seed, p: 30 }, items, 2)];
    const a = draw(7);
    for (const v of a) {
      expect(categorySums(v.maxPoints)).toEqual(original);
      for (const x of v.maxPoints) expect(x).toBeGreaterThanOrEqual(0);
      expect(v.changed.length).toBeGreaterThan(1);
    }
    expect(draw(7).map((v) => [...v.maxPoints])).toEqual(a.map((v) => [...v.maxPoints]));
    expect(draw(8).map((v) => [...v.maxPoints])).not.toEqual(a.map((v) => [...v.maxPoints]));
  });

  test('±k points: two variants per item, each moving only that item, never below 0', () => {
    const vs = [...variantsOf({ kind: 'points', k: 1.5 }, items, 2)];
    expect(vs).toHaveLength(2 * items.length);
    for (const v of vs) {
      expect(v.changed).toEqual([v.primary]);
      const i = v.primary!;
      expect([items[i].maxPoints + 1.5, Math.max(0, items[i].maxPoints - 1.5)]).toContain(v.maxPoints[i]);
    }
  });

  test('±p % with rebalancing keeps the category sums; single-item categories are left out', () => {
    const vs = [...variantsOf({ kind: 'percent', p: 20, rebalance: 'category' }, items, 2)];
    const alone = doc2025.categories.filter((c) => c.items.length === 1).length;
    expect(vs).toHaveLength(2 * (items.length - alone));
    for (const v of vs) {
      expect(categorySums(v.maxPoints)).toEqual(original);
      const i = v.primary!;
      expect(v.maxPoints[i]).toBeCloseTo(items[i].maxPoints * (v.label.includes('+') ? 1.2 : 0.8), 2);
    }
  });

  test('a grid gives exactly its points', () => {
    const [v] = [
      ...variantsOf({ kind: 'grid', variants: [{ label: 'pm25 at 5', maxPoints: { pm25: 5 } }] }, items, 2),
    ];
    expect(v.label).toBe('pm25 at 5');
    expect(v.changed).toEqual([items.findIndex((s) => s.id === 'pm25')]);
  });
});

describe('modes are checked', () => {
  const cases: [unknown, string, string][] = [
    [null, '/mode', 'invalid_mode'],
    [{ kind: 'wobble' }, '/mode/kind', 'invalid_mode'],
    [{ kind: 'points', k: 0 }, '/mode/k', 'invalid_mode'],
    [{ kind: 'points', k: 1, rebalance: 'all' }, '/mode/rebalance', 'invalid_mode'],
    [{ kind: 'percent', p: 150 }, '/mode/p', 'invalid_mode'],
    [{ kind: 'random', n: 0, seed: 1, p: 10 }, '/mode/n', 'invalid_mode'],
    [{ kind: 'random', n: 10, seed: 1.5, p: 10 }, '/mode/seed', 'invalid_mode'],
    [{ kind: 'grid', variants: [] }, '/mode/variants', 'invalid_mode'],
    [
      { kind: 'grid', variants: [{ maxPoints: { nope: 3 } }] },
      '/mode/variants/0/maxPoints/nope',
      'unknown_item',
    ],
    [
      { kind: 'grid', variants: [{ maxPoints: { pm25: -1 } }] },
      '/mode/variants/0/maxPoints/pm25',
      'invalid_points',
    ],
  ];
  test.each(cases)('%j → %s %s', (mode, path, code) => {
    const problems = checkSensitivityMode(mode, doc2025);
    expect(problems.map((p) => [p.path, p.code])).toContainEqual([path, code]);
    expect(problems.every((p) => / \/ /.test(p.message))).toBe(true);
    expect(() => analyseSensitivity(doc2025, data2025, mode as SensitivityMode)).toThrow(
      InvalidSensitivityModeError,
    );
  });

  test('an invalid document is refused', () => {
    expect(() =>
      analyseSensitivity({ ...doc2025, maxScore: 99 }, data2025, { kind: 'points', k: 1 }),
    ).toThrow(InvalidDocumentError);
  });
});

describe('the report', () => {
  const twoItems: RuleDocument = {
    ...documentHead(1, 'sens', 2024, '敏感性', 100),
    precision: 2,
    inputs: [
      { key: 'a', label: { zh: 'a' }, type: 'number' },
      { key: 'b', label: { zh: 'b' }, type: 'number' },
    ],
    categories: [
      category('c', '分类', 100, [item('ia', 'A', 50, { var: 'a' }), item('ib', 'B', 50, { var: 'b' })]),
    ],
    grades: grades(['excellent', '优秀', 90], ['good', '良好', 60], ['poor', '差', 0]),
  };
  const data: Dataset = {
    regions: [
      { code: 'X', name: '边缘', values: { a: 50, b: 40 } },
      { code: 'Y', name: '满分', values: { a: 50, b: 50 } },
      { code: 'Z', name: '中等', values: { a: 35, b: 40 } },
      { code: 'E', name: '缺数据', values: { a: 10 } },
    ],
  };

  test('±5 points: the region on the threshold is unstable, the others stable; both items share the changes', () => {
    const r = analyseSensitivity(twoItems, data, { kind: 'points', k: 5 });
    expect(r.variants).toBe(4);
    expect(r.importanceBasis).toBe('attribution');
    const by = Object.fromEntries(r.regions.map((x) => [x.region, x]));
    // X: a+5 → 95, a−5 → 85 (good), b+5 → 50 + 44 = 94, b−5 → 50 + 36 = 86 (good)
    expect(by.X).toMatchObject({
      total: 90,
      grade: 'excellent',
      rank: 2,
      gradeChangeShare: 0.5,
      status: 'unstable',
    });
    expect(by.X.grades).toEqual({ excellent: 0.5, good: 0.5 });
    expect(by.X.totalRange).toEqual([85, 95]);
    expect(by.Y).toMatchObject({
      grade: 'excellent',
      rank: 1,
      gradeChangeShare: 0,
      rankChangeShare: 0,
      status: 'stable',
    });
    expect(by.Z).toMatchObject({ total: 75, grade: 'good', status: 'stable' });
    expect(r.stable).toEqual(['Y', 'Z']);
    expect(r.unstable).toEqual(['X']);
    expect(r.items.map((i) => [i.id, i.attribution, i.variants, i.gradeChangeShare])).toEqual([
      ['ia', 0.5, 2, 0.166667],
      ['ib', 0.5, 2, 0.166667],
    ]);
    expect(r.errors.map((e) => [e.region, e.key, e.code])).toEqual([['E', 'b', 'missing_input']]);
    expect(r.topVariants.map((v) => v.label)).toEqual(['ia −5', 'ib −5']);
  });

  test('random draws: correlation basis, deterministic for a seed', () => {
    const mode: SensitivityMode = { kind: 'random', n: 500, seed: 3, p: 40 };
    const a = analyseSensitivity(doc2025, data2025, mode);
    expect(a.importanceBasis).toBe('correlation');
    expect(a.variants).toBe(500);
    expect(JSON.stringify(analyseSensitivity(doc2025, data2025, mode))).toBe(JSON.stringify(a));
    const importances = a.items.map((i) => i.importance);
    expect([...importances].sort((x, y) => y - x)).toEqual(importances);
    for (const reg of a.regions) {
      const shares = Object.values(reg.grades).reduce((s, x) => s + x, 0);
      expect(shares).toBeCloseTo(1, 5);
      expect(reg.rankRange[0]).toBeLessThanOrEqual(reg.rank);
      expect(reg.rankRange[1]).toBeGreaterThanOrEqual(reg.rank);
    }
  });
});
