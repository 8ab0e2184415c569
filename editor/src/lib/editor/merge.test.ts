import { describe, expect, it } from 'vitest';
import { jsonEqual, threeWayMerge } from './merge.ts';

const base = {
  title: { zh: '2025 年考核细则', en: 'Rules 2025' },
  basis: '依据',
  precision: 2,
  categories: [
    {
      id: 'air',
      label: { zh: '大气' },
      items: [
        { id: 'pm25', label: { zh: 'PM2.5' }, maxPoints: 10 },
        { id: 'o3', label: { zh: '臭氧' }, maxPoints: 5 },
      ],
    },
  ],
  grades: [
    { id: 'good', min: 80, label: { zh: '良好' } },
    { id: 'bad', min: 0, label: { zh: '不合格' } },
  ],
};
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('threeWayMerge', () => {
  it('takes each side’s change when they touch different fields', () => {
    const mine = clone(base);
    mine.basis = '我的依据';
    const theirs = clone(base);
    theirs.title.zh = '对方的标题';
    const r = threeWayMerge(base, mine, theirs);
    expect(r.ok).toBe(true);
    expect(r.mine).toEqual(['/basis']);
    expect(r.theirs).toEqual(['/title/zh']);
    expect(r.merged).toEqual({
      ...clone(base),
      basis: '我的依据',
      title: { zh: '对方的标题', en: 'Rules 2025' },
    });
  });

  it('reports a conflict when both change one field differently, and keeps mine there', () => {
    const mine = clone(base);
    mine.categories[0].items[0].maxPoints = 12;
    const theirs = clone(base);
    theirs.categories[0].items[0].maxPoints = 8;
    theirs.basis = '对方的依据';
    const r = threeWayMerge(base, mine, theirs);
    expect(r.ok).toBe(false);
    expect(r.conflicts).toEqual(['/categories/0/items/0/maxPoints']);
    expect((r.merged as typeof base).categories[0].items[0].maxPoints).toBe(12);
  });

  it('accepts the same change made on both sides', () => {
    const mine = clone(base);
    mine.precision = 1;
    const theirs = clone(base);
    theirs.precision = 1;
    const r = threeWayMerge(base, mine, theirs);
    expect(r).toMatchObject({ ok: true, mine: [], theirs: [], conflicts: [] });
  });

  it('merges lists of entries by id: an item added on one side, another edited on the other', () => {
    const mine = clone(base);
    mine.categories[0].items.push({ id: 'so2', label: { zh: '二氧化硫' }, maxPoints: 3 });
    const theirs = clone(base);
    theirs.categories[0].items[1].maxPoints = 6;
    const r = threeWayMerge(base, mine, theirs);
    expect(r.ok).toBe(true);
    const items = (r.merged as typeof base).categories[0].items;
    expect(items.map((i) => [i.id, i.maxPoints])).toEqual([
      ['pm25', 10],
      ['o3', 6],
      ['so2', 3],
    ]);
    expect(r.mine).toContain('/categories/0/items/2');
    expect(r.theirs).toEqual(['/categories/0/items/1/maxPoints']);
  });

  it('refuses to drop an entry one side removed while the other changed it', () => {
    const mine = clone(base);
    mine.categories[0].items.splice(1, 1);
    const theirs = clone(base);
    theirs.categories[0].items[1].maxPoints = 6;
    const r = threeWayMerge(base, mine, theirs);
    expect(r.ok).toBe(false);
    expect(r.conflicts).toEqual(['/categories/0/items/1']);
  });

  it('treats a list both sides reordered differently as one conflicting value', () => {
    const mine = clone(base);
    mine.grades.reverse();
    const theirs = clone(base);
    theirs.grades.push({ id: 'ok', min: 60, label: { zh: '合格' } });
    const r = threeWayMerge(base, mine, theirs);
    expect(r.ok).toBe(false);
    expect(r.conflicts).toEqual(['/grades']);
  });

  it('merges a removed field and an added one', () => {
    const mine: Record<string, unknown> = clone(base);
    delete mine.basis;
    const theirs: Record<string, unknown> = { ...clone(base), downgradeStacking: 'max' };
    const r = threeWayMerge(base, mine, theirs);
    expect(r.ok).toBe(true);
    expect(r.merged).not.toHaveProperty('basis');
    expect(r.merged).toHaveProperty('downgradeStacking', 'max');
  });

  it('escapes keys in the pointers it reports', () => {
    const b = { m: { 'a/b': 1, x: 0 } };
    const r = threeWayMerge(b, { m: { 'a/b': 2, x: 0 } }, { m: { 'a/b': 1, x: 1 } });
    expect(r.mine).toEqual(['/m/a~1b']);
  });
});

describe('jsonEqual', () => {
  it('ignores key order and undefined fields', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: null }, {})).toBe(false);
  });
});
