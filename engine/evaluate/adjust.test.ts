import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../index.ts';
import { applyAdjustments, AdjustmentError } from './adjust.ts';
import { baseDocument } from '../diff/test-fixture.ts';
import type { Dataset, RegionResult, RuleDocument } from '../types.ts';

const doc = baseDocument();
const regionValues = (pm25: number, overdue = 0) => ({
  pm25,
  pm25_target: 35,
  good_days: 85,
  forest: 40,
  overdue,
  satisfaction: 90,
});
const data: Dataset = {
  year: 2023,
  regions: [
    { code: 'A', name: '甲', values: regionValues(30) },
    { code: 'B', name: '乙', values: regionValues(50) },
    { code: 'C', name: '丙', values: regionValues(40, 3) },
  ],
};

describe('applyAdjustments', () => {
  const base = evaluate(doc, data, { trace: false });
  const byCode = (rs: RegionResult[], c: string): RegionResult => rs.find((r) => r.region === c)!;

  it('keeps computed points, uses the adjusted ones for sums, grade and rank; others keep their results', () => {
    const b = byCode(base.results, 'B');
    const cat = b.categories[0];
    const item = cat.items[0];
    const target = item.maxPoints;
    const out = applyAdjustments(doc, base.results, {
      B: { items: { [item.id]: { points: target, appeal: 7, reason: '复核' } } },
    });
    const nb = byCode(out, 'B');
    const ni = nb.categories[0].items[0];
    expect(ni.points).toBe(item.points);
    expect(ni.adjustment).toEqual({ points: target, appeal: 7, reason: '复核' });
    const delta = target - (item.points as number);
    expect(nb.categories[0].points).toBeCloseTo(cat.points + delta, 9);
    expect(nb.total).toBeCloseTo(b.total + delta, 9);
    for (const code of ['A', 'C']) {
      const { rank: _r, ...was } = byCode(base.results, code);
      const { rank: _s, ...now } = byCode(out, code);
      expect(now).toEqual(was);
    }
    // The input is not modified.
    expect(byCode(base.results, 'B').categories[0].items[0].adjustment).toBeUndefined();
  });

  it('lifts a fired downgrade, cap or veto and grades again', () => {
    const fired = base.results.find((r) => r.downgrades.length || r.caps.length || r.vetoes.length);
    expect(fired, 'the fixture fires a condition').toBeDefined();
    const kind = fired!.vetoes.length ? 'veto' : fired!.downgrades.length ? 'downgrade' : 'cap';
    const id = (kind === 'veto' ? fired!.vetoes : kind === 'downgrade' ? fired!.downgrades : fired!.caps)[0];
    const out = applyAdjustments(doc, base.results, {
      [fired!.region]: { waivers: [{ kind, id, appeal: 3, reason: '已整改' }] },
    });
    const r = byCode(out, fired!.region);
    expect(r.waivers).toEqual([{ kind, id, appeal: 3, reason: '已整改' }]);
    expect([...r.vetoes, ...r.downgrades, ...r.caps]).not.toContain(id);
    if (!r.vetoes.length && !r.downgrades.length && !r.caps.length) expect(r.grade).toBe(r.scoreGrade);
  });

  it('refuses what cannot be applied', () => {
    const item = base.results[0].categories[0].items[0];
    const cases: [Parameters<typeof applyAdjustments>[2], string][] = [
      [{ Z: { items: {} } }, 'not_scored'],
      [{ A: { items: { nope: { points: 1, appeal: 1, reason: 'r' } } } }, 'unknown_item'],
      [
        { A: { items: { [item.id]: { points: item.maxPoints + 1, appeal: 1, reason: 'r' } } } },
        'points_out_of_range',
      ],
      [{ A: { waivers: [{ kind: 'veto', id: 'never', appeal: 1, reason: 'r' }] } }, 'not_triggered'],
    ];
    for (const [adj, code] of cases) {
      try {
        applyAdjustments(doc, base.results, adj);
        expect.unreachable(code);
      } catch (e) {
        expect(e).toBeInstanceOf(AdjustmentError);
        expect((e as AdjustmentError).code).toBe(code);
      }
    }
  });
});

describe('applyAdjustments on schema version 2 (items that do not apply)', () => {
  const golden = JSON.parse(
    readFileSync(new URL('../../test/cases/v2-applies.json', import.meta.url), 'utf8'),
  ) as { document: RuleDocument; data: Dataset };
  const ev = evaluate(golden.document, golden.data, { trace: false });
  const r2 = ev.results.find((r) => r.region === 'R2')!;

  it('rescales a category over the applicable items with the adjusted points', () => {
    // R2: i1 (max 30) scores 27, i3 (max 20) does not apply (b = 0); c1 (50, rescale) = 27 × 50 / 30 = 45.
    const c1 = r2.categories.find((c) => c.id === 'c1')!;
    expect(c1.items.find((i) => i.id === 'i3')!.points).toBeNull();
    expect(c1.points).toBe(45);
    const out = applyAdjustments(golden.document, ev.results, {
      R2: { items: { i1: { points: 24, appeal: 1, reason: '复核' } } },
    });
    const after = out.find((r) => r.region === 'R2')!;
    // 24 × 50 / 30 = 40, the category's 不适用处理 followed with the effective points.
    expect(after.categories.find((c) => c.id === 'c1')!.points).toBe(40);
    expect(after.base).toBe(r2.base - 5);
  });

  it('refuses to adjust an item that does not apply to the region', () => {
    expect(() =>
      applyAdjustments(golden.document, ev.results, {
        R2: { items: { i3: { points: 10, appeal: 1, reason: '复核' } } },
      }),
    ).toThrow(expect.objectContaining({ code: 'not_applicable', path: '/R2/items/i3' }));
  });
});
