import { describe, expect, it } from 'vitest';
import { adoptActual } from './tests.ts';

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
