import { describe, expect, it } from 'vitest';
import { logic } from '../../../../engine/logic/operations.ts';
import { checkSemantics } from '../../../../engine/validate/semantic.ts';
import { buildPattern, defaultParams, PATTERN_IDS, type PatternParams } from './patterns.ts';

const base: PatternParams = {
  actual: 'a',
  target: 't',
  points: 4,
  perUnit: 0.5,
  rows: [
    [90, 2],
    [100, 4],
  ],
  otherwise: 0,
  condition: 'flag',
  invert: false,
};

const run = (f: unknown, data: Record<string, unknown>) => logic.apply(f as never, data);

describe('scoring patterns', () => {
  it('per unit short of target: deduct, down to zero', () => {
    const f = buildPattern('shortfall', base);
    expect(run(f, { a: 88, t: 90 })).toBe(3);
    expect(run(f, { a: 95, t: 90 })).toBe(4);
    expect(run(f, { a: 50, t: 90 })).toBe(0);
  });

  it('per unit over target: deduct, down to zero', () => {
    const f = buildPattern('excess', base);
    expect(run(f, { a: 36, t: 34 })).toBe(3);
    expect(run(f, { a: 30, t: 34 })).toBe(4);
    expect(run(f, { a: 80, t: 34 })).toBe(0);
  });

  it('linear completion ratio, at most the points, full points without a target', () => {
    const f = buildPattern('ratio', base);
    expect(run(f, { a: 45, t: 90 })).toBe(2);
    expect(run(f, { a: 120, t: 90 })).toBe(4);
    expect(run(f, { a: 5, t: 0 })).toBe(4);
  });

  it('thresholds are checked from the highest, whatever the order of the rows', () => {
    const f = buildPattern('thresholds', base);
    expect(run(f, { a: 100 })).toBe(4);
    expect(run(f, { a: 95 })).toBe(2);
    expect(run(f, { a: 10 })).toBe(0);
  });

  it('piecewise linear through the points, flat beyond the ends', () => {
    const f = buildPattern('interp', base);
    expect(run(f, { a: 95 })).toBe(3);
    expect(run(f, { a: 50 })).toBe(2);
    expect(run(f, { a: 150 })).toBe(4);
  });

  it('yes / no, and its inverse', () => {
    expect(run(buildPattern('yesno', base), { flag: true })).toBe(4);
    expect(run(buildPattern('yesno', base), { flag: false })).toBe(0);
    expect(run(buildPattern('yesno', { ...base, invert: true }), { flag: false })).toBe(4);
  });

  it.each(PATTERN_IDS)('%s yields a formula the validator accepts', (id) => {
    const doc = {
      schemaVersion: 1,
      family: 'f',
      year: 2025,
      title: { zh: 't' },
      maxScore: 4,
      inputs: ['a', 't', 'flag'].map((key) => ({
        key,
        label: { zh: key },
        type: key === 'flag' ? 'boolean' : 'number',
      })),
      categories: [
        {
          id: 'c',
          label: { zh: 'c' },
          maxPoints: 4,
          items: [{ id: 'i', label: { zh: 'i' }, maxPoints: 4, logic: buildPattern(id, base) }],
        },
      ],
      grades: [{ id: 'g', label: { zh: 'g' }, min: 0 }],
    };
    expect(checkSemantics(doc)).toEqual([]);
  });
});

describe('defaultParams', () => {
  it("starts from the item's own input and its target, and the item's points", () => {
    const vars = [
      { key: 'pm25', role: 'actual', type: 'number' },
      { key: 'pm25_target', role: 'target', type: 'number' },
      { key: 'incident', role: 'event', type: 'boolean' },
    ];
    const p = defaultParams('pm25', 7, vars);
    expect(p).toMatchObject({ actual: 'pm25', target: 'pm25_target', points: 7, condition: 'incident' });
  });
});
