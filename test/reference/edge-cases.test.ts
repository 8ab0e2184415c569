/**
 * The reference evaluator (spec-evaluator.ts) on the edge cases of SPEC section 3, one by one.
 */
import { describe, expect, test } from 'vitest';
import { evaluate } from '../../engine/index.ts';
import type { RuleDocument } from '../../engine/index.ts';
import { roundHalfAway } from './spec-evaluator.ts';
import { label } from '../helpers/diff-generate.ts';
import { refOf, assertValid, small, regions, edge, byRegion, itemPoints } from '../helpers/diff-compare.ts';

describe('reference evaluator', () => {
  test('rounds half away from zero on the shortest decimal form', () => {
    expect(roundHalfAway(1.005, 2)).toBe(1.01);
    expect(roundHalfAway(2.675, 2)).toBe(2.68);
    expect(roundHalfAway(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundHalfAway(-0.005, 2)).toBe(-0.01);
    expect(roundHalfAway(89.99999999, 2)).toBe(90);
    expect(roundHalfAway(1e-7, 2)).toBe(0);
    expect(roundHalfAway(0.5, 0)).toBe(1);
    expect(roundHalfAway(1.45, 1)).toBe(1.5);
  });
});

describe('edge cases (SPEC §3)', () => {
  test('rounding on the shortest decimal form: 1.005 → 1.01, 2.675 → 2.68, 0.1 + 0.2 → 0.3', () => {
    const doc = small({}, [
      { maxPoints: 5, logic: { var: 'x' } },
      { maxPoints: 5, logic: { var: 'y' } },
      { maxPoints: 1, logic: { '+': [0.1, 0.2] } },
      { maxPoints: 1, logic: 0.1 },
      { maxPoints: 1, logic: 0.1 },
      { maxPoints: 1, logic: 0.1 },
      { maxPoints: 1, logic: { round: [{ '*': [{ var: 'x' }, 10] }, 1] } },
    ]);
    edge(doc, regions({ x: 1.005, y: 2.675 }, { x: 89.99999999 / 100, y: 0.015 }), (ref) => {
      expect(itemPoints(ref, 'R1')).toMatchObject({ i0: 1.01, i1: 2.68, i2: 0.3, i3: 0.1 });
      expect(byRegion(ref, 'R1').total).toBe(4.29 + 1); // 1.01 + 2.68 + 0.3 + 0.3 + round(10.05, 1) clamped to 1
      expect(itemPoints(ref, 'R2')).toMatchObject({ i0: 0.9, i1: 0.02 });
    });
  });

  test('the score grade reads the rounded total: 89.995 → 90.00 is excellent', () => {
    edge(small(), regions({ x: 49.995, y: 40 }, { x: 49.994, y: 40 }), (ref) => {
      expect(ref.results.map((r) => [r.total, r.scoreGrade, r.rank])).toEqual([
        [90, 'excellent', 1],
        [89.99, 'good', 2],
      ]);
    });
  });

  test('clamping to [0, maxPoints] before rounding; raw and clamped reported', () => {
    const doc = small({}, [
      { maxPoints: 4, logic: { '-': [4, { var: 'x' }] } },
      { maxPoints: 6, logic: { var: 'y' } },
    ]);
    edge(doc, regions({ x: 5, y: 6.004 }, { x: -1, y: 5.995 }), (ref) => {
      const r1 = byRegion(ref, 'R1').categories[0].items;
      expect(r1.map((i) => [i.raw, i.points, i.clamped])).toEqual([
        [-1, 0, true],
        [6.004, 6, true],
      ]);
      const r2 = byRegion(ref, 'R2').categories[0].items;
      expect(r2.map((i) => [i.raw, i.points, i.clamped])).toEqual([
        [5, 4, true],
        [5.995, 6, false], // rounds up to maxPoints, but was not clamped
      ]);
    });
  });

  test('inputs: defaults, missing required, wrong types, min/max/enum, undeclared keys ignored', () => {
    const doc = small({
      inputs: [
        { key: 'x', label: label('x'), type: 'number', min: 0, max: 100 },
        { key: 'y', label: label('y'), type: 'number', default: 0 },
        { key: 'k', label: label('k'), type: 'integer', required: false },
        { key: 'flag', label: label('flag'), type: 'boolean', default: false },
        {
          key: 'src',
          label: label('src'),
          type: 'string',
          enum: ['provincial', 'national'],
          required: false,
        },
      ],
    });
    edge(
      doc,
      regions(
        { x: 50, extra: 1 }, // ok: y defaults to 0, extra ignored
        {}, // x missing
        { x: '50' }, // wrong type
        { x: 100.0001 }, // above max
        { x: 50, k: 1.5 }, // not an integer
        { x: 50, flag: 1 }, // not a boolean
        { x: 50, src: 'city' }, // not in enum
        { x: 50, y: null }, // null: our reading is "missing", so the default applies
      ),
      (ref) => {
        expect(ref.results.map((r) => r.region)).toEqual(['R1', 'R8']);
        expect(ref.errors.map((e) => `${e.region}:${e.key}`)).toEqual([
          'R2:x',
          'R3:x',
          'R4:x',
          'R5:k',
          'R6:flag',
          'R7:src',
        ]);
        expect(ref.warnings).toEqual([{ region: 'R1', key: 'extra' }]);
      },
    );
  });

  test('a formula that yields no finite number is an error naming the item (others still scored)', () => {
    const doc = small({}, [
      { maxPoints: 50, logic: { '/': [100, { var: 'x' }] } },
      { maxPoints: 50, logic: { clamp: [{ '/': [100, { var: 'y' }] }, 0, 50] } }, // Infinity clamped: fine
    ]);
    edge(doc, regions({ x: 0 }, { x: 4 }, { x: -0.0 }), (ref) => {
      expect(ref.errors.map((e) => `${e.region}:${e.item}`)).toEqual(['R1:i0', 'R3:i0']);
      expect(byRegion(ref, 'R2')).toMatchObject({ total: 75, rank: 1 });
    });
  });

  test('bonus: items clamped at 0 and rounded, summed, capped', () => {
    const doc = small({
      bonus: {
        cap: 5,
        items: [
          { id: 'b1', label: label('b1'), logic: { var: 'y' } },
          { id: 'b2', label: label('b2'), logic: { if: [{ var: 'flag' }, 3.005, -2] } },
        ],
      },
    });
    edge(doc, regions({ x: 50, y: 1.234 }, { x: 50, y: 4, flag: true }, { x: 50, y: -3 }), (ref) => {
      expect(byRegion(ref, 'R1')).toMatchObject({ bonus: 1.23, total: 52.46 });
      expect(byRegion(ref, 'R2')).toMatchObject({ bonus: 5, total: 59 });
      expect(byRegion(ref, 'R3')).toMatchObject({ bonus: 0, total: 50 }); // item y: -3 → 0; bonus -3 → 0
    });
  });

  test('downgrades (max and sum, never below the last grade), caps after downgrades, vetoes last', () => {
    const base = {
      downgrades: [
        { id: 'd1', label: label('d1'), when: { var: 'flag' }, levels: 1 },
        { id: 'd2', label: label('d2'), when: { var: 'flag2' }, levels: 2 },
      ],
      caps: [{ id: 'cap', label: label('cap'), when: { '>': [{ var: 'y' }, 30] }, maxGrade: 'good' }],
      vetoes: [{ id: 'veto', label: label('veto'), when: { '==': [{ var: 'y' }, 39] } }],
    };
    const data = regions(
      { x: 55, y: 40, flag: true }, // 95 excellent → d1 → good; cap good: stays good
      { x: 55, y: 40, flag: true, flag2: true }, // max: 2 levels → qualified; sum: 3 → unqualified
      { x: 60, y: 35 }, // 95 excellent → cap → good
      { x: 60, y: 39 }, // 99 excellent → veto → unqualified
      { x: 10, y: 5, flag2: true }, // 15 unqualified → stays last
    );
    edge(small(base), data, (ref) => {
      expect(ref.results.map((r) => [r.scoreGrade, r.grade])).toEqual([
        ['excellent', 'good'],
        ['excellent', 'qualified'],
        ['excellent', 'good'],
        ['excellent', 'unqualified'],
        ['unqualified', 'unqualified'],
      ]);
    });
    edge(small({ ...base, downgradeStacking: 'sum' }), data, (ref) => {
      expect(byRegion(ref, 'R2').grade).toBe('unqualified');
    });
  });

  test('ranking: grade first, then total; ties share a rank (1, 2, 2, 4); unscored regions have none', () => {
    const doc = small({
      caps: [{ id: 'cap', label: label('cap'), when: { var: 'flag' }, maxGrade: 'good' }],
    });
    const data = regions(
      { x: 50, y: 40 }, // 90 excellent
      { x: 55, y: 40, flag: true }, // 95 but good
      { x: 45, y: 40 }, // 85 good
      { x: 45, y: 40 }, // 85 good
      { y: 1 }, // error
      { x: 45, y: 39.995 }, // y → 40.00 on its shortest form: 85, tied with R3 and R4
      { x: 40, y: 40 }, // 80
    );
    edge(doc, data, (ref) => {
      expect(ref.results.map((r) => [r.region, r.total, r.rank])).toEqual([
        ['R1', 90, 1],
        ['R2', 95, 2],
        ['R3', 85, 3],
        ['R4', 85, 3],
        ['R6', 85, 3],
        ['R7', 80, 6],
      ]);
    });
  });

  test('derived values in dependency order, whatever their order in the document', () => {
    const doc = small(
      {
        derived: [
          { key: 'c', label: label('c'), logic: { '+': [{ var: 'b' }, 1] } },
          { key: 'b', label: label('b'), logic: { '*': [{ var: 'a' }, 2] } },
          { key: 'a', label: label('a'), logic: { '-': [{ var: 'x' }, 10] } },
        ],
      },
      [{ maxPoints: 100, logic: { var: 'c' } }],
    );
    edge(doc, regions({ x: 30 }), (ref) => expect(byRegion(ref, 'R1').total).toBe(41));
  });

  test('interp: piecewise-linear, flat beyond the ends; clamp; round half away from zero', () => {
    const doc = small({ precision: 3 }, [
      {
        maxPoints: 10,
        logic: {
          interp: [
            { var: 'x' },
            [
              [0, 0],
              [10, 4],
              [20, 10],
            ],
          ],
        },
      },
      { maxPoints: 10, logic: { clamp: [{ var: 'y' }, 2, 8] } },
      { maxPoints: 10, logic: { '+': [5, { round: [{ var: 'y' }, 1] }] } },
    ]);
    edge(doc, regions({ x: -5, y: -0.25 }, { x: 5, y: 9 }, { x: 15, y: 2.45 }, { x: 25, y: 0.05 }), (ref) => {
      expect(ref.results.map((r) => r.categories[0].items.map((i) => i.points))).toEqual([
        [0, 2, 4.7],
        [2, 8, 10],
        [7, 2.45, 7.5],
        [10, 2, 5.1],
      ]);
    });
  });

  test('interp at an interior breakpoint (x = x_i) yields y_i exactly', () => {
    // SPEC §2: interp is piecewise-linear through [x_i, y_i]; at x = 3 the scale says 0.35 → 0.4 (one decimal).
    const doc = small({ precision: 1 }, [
      {
        maxPoints: 2,
        logic: {
          interp: [
            { var: 'x' },
            [
              [0, 0],
              [3, 0.35],
              [10, 2],
            ],
          ],
        },
      },
    ]);
    const data = regions({ x: 3 });
    const ref = refOf(doc, data);
    expect(itemPoints(ref, 'R1')).toEqual({ i0: 0.4 });
    expect(byRegion(ref, 'R1').categories[0].items[0].raw).toBe(0.35);
    // Found by this test: the engine once computed 0 + (0.35 - 0) * (3 - 0) / (3 - 0) = 0.3499999999999999.
    for (const mode of ['compiled', 'interpreted'] as const) {
      const eng = evaluate(doc, data, { mode }).results[0].categories[0].items[0];
      expect(eng.points).toBe(0.4);
      expect(eng.raw).toBe(0.35);
    }
  });

  test('{"+": [s]} with one argument follows json-logic-js (0 + parseFloat(s)), so "-0" gives +0', () => {
    // json-logic-js reduces "+" from 0, so {"+": ["-0"]} is 0 + -0 = +0 and 1 / that is Infinity → clamp 5.
    const doc = {
      ...small({}, [{ maxPoints: 5, logic: { clamp: [{ '/': [1, { '+': [{ var: 's' }] }] }, 0, 5] } }]),
      inputs: [{ key: 's', label: label('s'), type: 'string' }],
    } as unknown as RuleDocument;
    const data = regions({ s: '-0' });
    assertValid(doc);
    expect(byRegion(refOf(doc, data), 'R1').total).toBe(5);
    expect(evaluate(doc, data, { mode: 'interpreted' }).results[0].total).toBe(5);
    // Found by this test: the compiled pipeline once returned parseFloat("-0") = -0 (1 / -0 → 0 points).
    expect(evaluate(doc, data).results[0].total).toBe(5);
  });

  test('a bonus cap finer than precision: bonus = min(cap, sum), never above the cap', () => {
    // SPEC §3.5 "Bonus = min(cap, sum)" gives 2.5 here (the engine once rounded it to 3, above the cap);
    // total = round(base + bonus) = 53.
    const doc = small({
      precision: 0,
      bonus: { cap: 2.5, items: [{ id: 'b', label: label('b'), logic: 3 }] },
    });
    const data = regions({ x: 50 });
    const ref = refOf(doc, data);
    expect(byRegion(ref, 'R1')).toMatchObject({ base: 50, bonus: 2.5, total: 53 });
    const eng = evaluate(doc, data).results[0];
    for (const mode of ['compiled', 'interpreted'] as const)
      expect(evaluate(doc, data, { mode }).results[0]).toMatchObject({ bonus: 2.5, total: 53 });
  });
});
