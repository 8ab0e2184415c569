/**
 * Properties of evaluation over random documents and data (fast-check): determinism,
 * total = base + bonus, the bonus cap, and a grade that never gets worse as the total rises.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { RuleDocument } from '../types.ts';
import { evaluate } from './index.ts';
import { roundHalfAway } from '../numeric/round.ts';

const docArb = fc
  .record({
    items: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 6 }),
    bonusCap: fc.integer({ min: 0, max: 8 }),
    precision: fc.integer({ min: 0, max: 3 }),
    stacking: fc.constantFrom('max' as const, 'sum' as const),
    adjustments: fc.boolean(),
  })
  .map(({ items, bonusCap, precision, stacking, adjustments }): RuleDocument => {
    const max = items.reduce((a, b) => a + b, 0);
    return {
      schemaVersion: 1,
      family: 'prop',
      year: 2024,
      title: { zh: '性质测试' },
      maxScore: max,
      precision,
      downgradeStacking: stacking,
      inputs: [
        ...items.map((_, i) => ({ key: `x${i}`, label: { zh: `x${i}` }, type: 'number' as const })),
        { key: 'b1', label: { zh: 'b1' }, type: 'number' as const, default: 0 },
        { key: 'b2', label: { zh: 'b2' }, type: 'number' as const, default: 0 },
        { key: 'flag', label: { zh: 'flag' }, type: 'boolean' as const, default: false },
      ],
      categories: [
        {
          id: 'c',
          label: { zh: '分类' },
          maxPoints: max,
          items: items.map((m, i) => ({
            id: `i${i}`,
            label: { zh: `i${i}` },
            maxPoints: m,
            logic: { '-': [m, { '*': [0.37, { var: `x${i}` }] }] },
          })),
        },
      ],
      bonus: {
        cap: bonusCap,
        items: [
          { id: 'b1', label: { zh: 'b1' }, logic: { var: 'b1' } },
          { id: 'b2', label: { zh: 'b2' }, logic: { var: 'b2' } },
        ],
      },
      ...(adjustments
        ? {
            downgrades: [{ id: 'd', label: { zh: 'd' }, when: { var: 'flag' }, levels: 1 }],
            vetoes: [{ id: 'v', label: { zh: 'v' }, when: { '>': [{ var: 'b2' }, 100] } }],
          }
        : {}),
      grades: [
        { id: 'a', label: { zh: '优秀' }, min: max * 0.9 },
        { id: 'b', label: { zh: '良好' }, min: max * 0.8 },
        { id: 'c', label: { zh: '合格' }, min: max * 0.6 },
        { id: 'd', label: { zh: '不合格' }, min: 0 },
      ],
    };
  });

const regionsArb = (n: number) =>
  fc.array(
    fc.record({
      xs: fc.array(fc.double({ min: -20, max: 120, noNaN: true }), { minLength: n, maxLength: n }),
      b1: fc.double({ min: -3, max: 6, noNaN: true }),
      b2: fc.double({ min: -3, max: 6, noNaN: true }),
      flag: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8 },
  );

const scenario = docArb.chain((doc) =>
  fc.tuple(fc.constant(doc), regionsArb(doc.categories[0].items.length)),
);

const dataset = (regions: { xs: number[]; b1: number; b2: number; flag: boolean }[]) => ({
  year: 2024,
  regions: regions.map((r, i) => ({
    code: `R${i}`,
    name: `地区${i}`,
    values: { ...Object.fromEntries(r.xs.map((x, j) => [`x${j}`, x])), b1: r.b1, b2: r.b2, flag: r.flag },
  })),
});

describe('evaluation properties', () => {
  test('deterministic: the same document and data give byte-identical results', () => {
    fc.assert(
      fc.property(scenario, ([doc, regions]) => {
        const a = JSON.stringify(evaluate(doc, dataset(regions)));
        const b = JSON.stringify(evaluate(structuredClone(doc), dataset(regions)));
        return a === b;
      }),
      { numRuns: 60 },
    );
  });

  test('total = base + bonus, bonus ≤ cap, points within [0, maxPoints]', () => {
    fc.assert(
      fc.property(scenario, ([doc, regions]) => {
        const ev = evaluate(doc, dataset(regions));
        const digits = doc.precision ?? 2;
        for (const r of ev.results) {
          expect(r.total).toBe(roundHalfAway(r.base + r.bonus, digits));
          expect(r.bonus).toBeLessThanOrEqual(doc.bonus!.cap);
          expect(r.bonus).toBeGreaterThanOrEqual(0);
          for (const c of r.categories)
            for (const it of c.items) {
              expect(it.points).toBeGreaterThanOrEqual(0);
              expect(it.points).toBeLessThanOrEqual(it.maxPoints);
            }
        }
      }),
      { numRuns: 100 },
    );
  });

  test('without adjustments, a higher total never gets a worse grade; ranks follow totals', () => {
    fc.assert(
      fc.property(
        scenario.filter(([doc]) => !doc.downgrades && !doc.vetoes),
        ([doc, regions]) => {
          const ev = evaluate(doc, dataset(regions));
          const order = new Map(doc.grades.map((g, i) => [g.id, i]));
          for (const a of ev.results)
            for (const b of ev.results) {
              if (a.total > b.total) {
                expect(order.get(a.grade)!).toBeLessThanOrEqual(order.get(b.grade)!);
                expect(a.rank).toBeLessThan(b.rank);
              }
              if (a.total === b.total) expect(a.rank).toBe(b.rank);
            }
        },
      ),
      { numRuns: 100 },
    );
  });
});
