import { describe, expect, it } from 'vitest';
import { fillPrevious, splitStoredPrevious } from './previous.ts';
import type { Dataset, RuleDocument } from '../types.ts';

const doc = {
  inputs: [
    { key: 'pm25', type: 'number', previous: 'required' },
    { key: 'sat', type: 'number', previous: 'optional' },
    { key: 'good', type: 'number' },
  ],
} as unknown as RuleDocument;

describe('last year values', () => {
  it("moves a region's own prev.KEY values into previous, keeping one already given", () => {
    const ds: Dataset = {
      year: 2025,
      regions: [
        {
          code: 'a',
          name: 'A',
          values: { pm25: 30, 'prev.pm25': 32, 'prev.sat': 80 },
          previous: { sat: 81 },
        },
        { code: 'b', name: 'B', values: { pm25: 28 } },
      ],
    };
    const out = splitStoredPrevious(ds);
    expect(out.regions[0]).toEqual({
      code: 'a',
      name: 'A',
      values: { pm25: 30 },
      previous: { pm25: 32, sat: 81 },
    });
    expect(out.regions[1]).toBe(ds.regions[1]);
    expect(ds.regions[0].values).toHaveProperty('prev.pm25', 32); // the input is not changed
  });

  it('fills what the data does not give from last year, saying where each came from', () => {
    const ds = splitStoredPrevious({
      year: 2025,
      regions: [
        { code: 'a', name: 'A', values: { pm25: 30, 'prev.pm25': 32 } },
        { code: 'b', name: 'B', values: { pm25: 28 } },
      ],
    });
    const last: Dataset = {
      year: 2024,
      regions: [
        { code: 'a', name: 'A', values: { pm25: 35, sat: 79, good: 1 } },
        { code: 'b', name: 'B', values: { pm25: 29 } },
      ],
    };
    const out = fillPrevious(doc, ds, last, 2024);
    expect(out.regions[0].previous).toEqual({ pm25: 32, sat: 79 });
    expect(out.regions[0].previousSources).toEqual({
      pm25: { from: 'data' },
      sat: { from: 'stored', year: 2024 },
    });
    expect(out.regions[1].previous).toEqual({ pm25: 29 });
    expect(fillPrevious({ inputs: [] } as unknown as RuleDocument, ds, last, 2024)).toBe(ds);
  });
});
