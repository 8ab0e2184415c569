import { describe, expect, it } from 'vitest';
import type { Input, RuleDocument } from '../../../../engine/types.ts';
import type { DatasetGrid } from './api.ts';
import { changesOf, normaliseText, rowsOf } from './grid.ts';

const inputs = [
  { key: 'ratio', label: { zh: '优良天数比例' }, type: 'number', previous: 'required' },
  {
    key: 'level',
    label: { zh: '事件级别' },
    type: 'string',
    enum: [
      { value: 'none', label: { zh: '无' } },
      { value: 'general', label: { zh: '一般(Ⅳ级)' } },
    ],
  },
  { key: 'tier', label: { zh: '档次' }, type: 'integer', enum: [{ value: 1, label: { zh: '一档' } }, 2] },
] as Input[];

describe('the grid rows (schema version 2)', () => {
  const grid: DatasetGrid = {
    year: 2025,
    hash: 'x',
    regions: [
      {
        code: 'a',
        name: 'A',
        values: { ratio: 78, level: 'general', tier: 1 },
        sources: {},
        lastYear: { ratio: 80 },
      },
      {
        code: 'b',
        name: 'B',
        values: { ratio: 75, 'prev.ratio': 70, tier: 2 },
        sources: {},
        lastYear: { ratio: 60 },
      },
      { code: 'c', name: 'C', values: {}, sources: {}, lastYear: {} },
    ],
  };
  const rows = rowsOf(grid, inputs);

  it("holds last year's values: the year's own prev.KEY first, else the stored data of year − 1", () => {
    expect(rows.map((r) => r.previous)).toEqual([
      { ratio: { value: 80, from: 'stored' } },
      { ratio: { value: 70, from: 'data' } },
      {},
    ]);
  });

  it('shows a labelled choice of a number input by its label, and saves its value', () => {
    expect(rows[0].cells.tier.text).toBe('一档');
    expect(rows[1].cells.tier.text).toBe('2');
    // Select cells keep the value (the select shows the label).
    expect(rows[0].cells.level.text).toBe('general');
    rows[2].cells.tier.text = '一档';
    rows[2].cells.level.text = normaliseText(' 一般(Ⅳ级) ', inputs[1]);
    expect(rows[2].cells.level.text).toBe('general');
    expect(changesOf(rows, { inputs } as RuleDocument)).toEqual({
      regions: [{ code: 'c', values: { tier: 1, level: 'general' } }],
      count: 2,
    });
  });
});
