import { describe, expect, it } from 'vitest';
import { adoptActual, testFromRegion } from './tests.ts';
import type { RegionResult } from '$lib/engine.ts';

describe('adoptActual', () => {
  it('sets only the failed expectations to the computed values', () => {
    const test = {
      expect: { total: 90, grade: 'good', items: { a: 1, b: 2 }, vetoes: [] as string[] },
    };
    adoptActual(test, [
      { field: 'total', actual: 91.5 },
      { field: 'items/b', actual: 3 },
      { field: 'vetoes', actual: ['v1'] },
    ]);
    expect(test.expect).toEqual({ total: 91.5, grade: 'good', items: { a: 1, b: 3 }, vetoes: ['v1'] });
  });
  it('drops an item expectation whose item no longer exists', () => {
    const test = { expect: { items: { gone: 1 } } };
    adoptActual(test, [{ field: 'items/gone', actual: null }]);
    expect(test.expect).toEqual({ items: {} });
  });
});

describe('testFromRegion', () => {
  const result = {
    total: 90,
    scoreGrade: 'good',
    grade: 'good',
    vetoes: [],
    downgrades: [],
    caps: [],
  } as unknown as RegionResult;
  it("carries the region's inputs and last year's values of the inputs that declare them", () => {
    const doc = {
      inputs: [{ key: 'pm25', previous: 'required' }, { key: 'good' }],
      tests: [{ name: '长春市 2025' }],
    };
    const t = testFromRegion(
      doc,
      {
        code: '220100',
        name: '长春市',
        values: { pm25: 30, good: 88, extra: 1 },
        previous: { pm25: 32, good: 80 },
      },
      result,
      2025,
    );
    expect(t).toMatchObject({
      name: '长春市 2025 (2)',
      inputs: { pm25: 30, good: 88 },
      previous: { pm25: 32 },
    });
    expect(t.expect).toMatchObject({ total: 90, grade: 'good' });
  });
  it('leaves previous out for a document that reads no previous value', () => {
    const t = testFromRegion(
      { inputs: [{ key: 'a' }] },
      { code: 'x', name: 'X', values: { a: 1 } },
      result,
      null,
    );
    expect(t).not.toHaveProperty('previous');
  });
});
