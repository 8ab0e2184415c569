import { describe, expect, it } from 'vitest';
import { convertValue, formulasOf, kindOf, readsVar, usesOf } from './parameters.ts';

const doc = {
  parameters: [{ key: 'rate', label: { zh: '扣分标准' }, value: 0.25 }],
  derived: [{ key: 'gap', logic: { '-': [{ var: 'target' }, { var: 'actual' }] } }],
  categories: [
    {
      items: [
        {
          id: 'water',
          logic: { '*': [{ var: 'gap' }, { var: ['rate', 0] }] },
          applies: { var: 'has_water' },
        },
        { id: 'air', logic: 10 },
      ],
    },
  ],
  bonus: { items: [{ id: 'extra', logic: { if: [{ var: 'rate' }, 1, 0] } }] },
  vetoes: [{ id: 'v', when: { '>': [{ var: 'incidents' }, { var: 'rate_limit' }] } }],
};

describe('which formulas read a parameter', () => {
  it('finds {"var": key} and {"var": [key, default]} anywhere in a formula, not other names', () => {
    expect(readsVar({ '*': [{ var: 'gap' }, { var: ['rate', 0] }] }, 'rate')).toBe(true);
    expect(readsVar({ '>': [{ var: 'rate_limit' }, 1] }, 'rate')).toBe(false);
    expect(readsVar({ cat: ['rate'] }, 'rate')).toBe(false);
  });

  it('names every formula that reads it, by its pointer and owner', () => {
    expect(usesOf(doc, 'rate')).toEqual([
      { path: '/categories/0/items/0/logic', owner: 'water' },
      { path: '/bonus/items/0/logic', owner: 'extra' },
    ]);
    expect(usesOf(doc, 'has_water')).toEqual([{ path: '/categories/0/items/0/applies', owner: 'water' }]);
    expect(usesOf(doc, 'unused')).toEqual([]);
    expect(usesOf(doc, '')).toEqual([]);
  });

  it('walks derived values, items, applies, bonus items and adjustments', () => {
    expect(formulasOf(doc).map((f) => f.path)).toEqual([
      '/derived/0/logic',
      '/categories/0/items/0/logic',
      '/categories/0/items/0/applies',
      '/categories/0/items/1/logic',
      '/bonus/items/0/logic',
      '/vetoes/0/when',
    ]);
    expect(formulasOf(null)).toEqual([]);
  });
});

describe('a parameter value of the kind chosen', () => {
  it('keeps what it can', () => {
    expect(kindOf(0.25)).toBe('number');
    expect(kindOf('一般')).toBe('string');
    expect(kindOf(false)).toBe('boolean');
    expect(convertValue(0.25, 'string')).toBe('0.25');
    expect(convertValue('0.3', 'number')).toBe(0.3);
    expect(convertValue('abc', 'number')).toBe(0);
    expect(convertValue('true', 'boolean')).toBe(true);
    expect(convertValue(1, 'boolean')).toBe(false);
  });
});
