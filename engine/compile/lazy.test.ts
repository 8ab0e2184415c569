/**
 * Results of large datasets, whose categories and bonus items are made when first read (lazy.ts):
 * the same results as the interpreted pipeline, byte for byte in JSON, traces on and off, with the
 * same keys in the same order; read twice, the same arrays; assigned, replaced; copied by spread,
 * structuredClone and JSON as plain data.
 */
import { describe, expect, test } from 'vitest';
import type { Dataset, RegionData, RuleDocument } from '../types.ts';
import { prepareDocument, scoreDataset } from '../evaluate/index.ts';
import { mulberry32 } from '../sensitivity/prng.ts';
import { LONG_LIVED } from './result-objects.ts';

/** A small document of its own: items that may not apply, a bonus, a cap, a veto, a derived value. */
const doc = {
  schemaVersion: 2,
  family: 'lazy-fixture',
  year: 2025,
  title: { zh: '测试', en: 'test' },
  precision: 2,
  inputs: [
    { key: 'a', label: { zh: '甲', en: 'a' }, type: 'number', min: 0, max: 100 },
    { key: 'b', label: { zh: '乙', en: 'b' }, type: 'number', min: 0, max: 100 },
    { key: 'c', label: { zh: '丙', en: 'c' }, type: 'boolean', default: false },
  ],
  derived: [{ key: 'ab', label: { zh: '和', en: 'sum' }, logic: { '+': [{ var: 'a' }, { var: 'b' }] } }],
  categories: [
    {
      id: 'k1',
      label: { zh: '一', en: 'one' },
      maxPoints: 30,
      notApplicable: 'rescale',
      items: [
        { id: 'i1', label: { zh: '项1', en: 'i1' }, maxPoints: 10, logic: { '/': [{ var: 'a' }, 7] } },
        {
          id: 'i2',
          label: { zh: '项2', en: 'i2' },
          maxPoints: 20,
          applies: { '<': [{ var: 'b' }, 90] },
          logic: { '-': [25, { '/': [{ var: 'ab' }, 6] }] },
        },
      ],
    },
    {
      id: 'k2',
      label: { zh: '二', en: 'two' },
      maxPoints: 70,
      items: [
        { id: 'i3', label: { zh: '项3', en: 'i3' }, maxPoints: 70, logic: { '*': [{ var: 'b' }, 0.777] } },
      ],
    },
  ],
  bonus: {
    cap: 3,
    items: [{ id: 'x1', label: { zh: '加1', en: 'x1' }, logic: { if: [{ var: 'c' }, 2.345, -1] } }],
  },
  grades: [
    { id: 'A', label: { zh: '优', en: 'A' }, min: 60 },
    { id: 'B', label: { zh: '良', en: 'B' }, min: 30 },
    { id: 'C', label: { zh: '差', en: 'C' }, min: 0 },
  ],
  caps: [{ id: 'cap', label: { zh: '封', en: 'cap' }, when: { '>': [{ var: 'a' }, 95] }, maxGrade: 'B' }],
  vetoes: [{ id: 'v', label: { zh: '否', en: 'veto' }, when: { '<': [{ var: 'b' }, 1] } }],
} as unknown as RuleDocument;

function dataset(n: number, seed: number): Dataset {
  const next = mulberry32(seed);
  const regions: RegionData[] = Array.from({ length: n }, (_, i) => ({
    code: `R${i}`,
    name: `地区${i}`,
    values: {
      a: Math.round(next() * 10000) / 100,
      b: Math.round(next() * 10000) / 100,
      ...(next() < 0.5 ? { c: next() < 0.5 } : {}),
      ...(next() < 0.01 ? { extra: 1 } : {}),
    },
  }));
  return { year: 2025, regions };
}

describe('results made when read (datasets of more than LONG_LIVED regions)', () => {
  const p = prepareDocument(doc);
  const data = dataset(LONG_LIVED + 300, 7);

  for (const trace of [false, true])
    test(`equal to the interpreted pipeline, byte for byte, traces ${trace ? 'on' : 'off'}`, () => {
      const compiled = scoreDataset(p, data, { mode: 'compiled', trace });
      const interpreted = scoreDataset(p, data, { mode: 'interpreted', trace });
      // some regions have an item that does not apply (built whole), most do not (made when read)
      expect(interpreted.results.some((r) => r.categories[0].items[1].applicable === false)).toBe(true);
      expect(compiled.results.some((r) => Object.getOwnPropertyDescriptor(r, 'categories')?.get)).toBe(true);
      expect(JSON.stringify(compiled)).toBe(JSON.stringify(interpreted));
      for (let i = 0; i < compiled.results.length; i += 97) {
        const c = compiled.results[i];
        const r = interpreted.results[i];
        expect(Object.keys(c)).toEqual(Object.keys(r));
        expect(c).toEqual(r);
        expect({ ...c }).toEqual({ ...r });
        expect(structuredClone(c)).toEqual(r);
      }
    });

  test('read twice: the same arrays; assigned: replaced; enumerable in their place', () => {
    const { results } = scoreDataset(p, data, { trace: true });
    const r = results.find((x) => Object.getOwnPropertyDescriptor(x, 'categories')?.get)!;
    const d = Object.getOwnPropertyDescriptor(r, 'bonusItems')!;
    expect(d.enumerable).toBe(true);
    expect(r.categories).toBe(r.categories);
    expect(r.bonusItems).toBe(r.bonusItems);
    r.categories[0].items[0].points = 123;
    expect(r.categories[0].items[0].points).toBe(123);
    r.bonusItems = [];
    expect(r.bonusItems).toEqual([]);
    expect(JSON.parse(JSON.stringify(r)).bonusItems).toEqual([]);
    const keys = Object.keys(r);
    expect(keys.indexOf('categories')).toBe(keys.indexOf('caps') + 1);
    expect(keys.indexOf('bonusItems')).toBe(keys.indexOf('categories') + 1);
  });
});
