import { describe, expect, it } from 'vitest';
import { evaluate } from '../index.ts';
import { applyAdjustments, AdjustmentError } from './adjust.ts';
import { baseDocument } from '../diff/test-fixture.ts';
import type { Dataset, RegionResult } from '../types.ts';

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
    const delta = target - item.points;
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
