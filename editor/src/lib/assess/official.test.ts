import { describe, expect, it } from 'vitest';
import { chineseDate, docNumberLine, governmentOf, runDate } from './official.ts';

describe('official document conventions on the printable pages', () => {
  it('writes dates in Chinese form', () => {
    expect(chineseDate('2026-12-03')).toBe('2026年12月3日');
    expect(chineseDate('2025-03-01T08:00:00.000Z')).toBe('2025年3月1日');
    expect(chineseDate('soon')).toBe('soon');
  });
  it('normalises a 发文字号 and leaves the number blank when none is registered', () => {
    expect(docNumberLine('吉环考[2026]第03号', '吉环考', 2026)).toEqual({
      text: '吉环考〔2026〕3号',
      missing: false,
    });
    expect(docNumberLine(' ', '吉环考', 2026)).toEqual({
      text: '吉环考〔2026〕　号（尚未登记文号）',
      missing: true,
    });
  });
  it('dates a run by its publication, else by the day it ran; addresses governments', () => {
    expect(runDate({ createdAt: '2026-04-02T10:00:00Z', publication: { publishedOn: '2026-04-20' } })).toBe(
      '2026-04-20',
    );
    expect(runDate({ createdAt: '2026-04-02T10:00:00Z', publication: null })).toBe('2026-04-02');
    expect(governmentOf('长春市')).toBe('长春市人民政府');
    expect(governmentOf('长白山管委会')).toBe('长白山管委会');
  });
});
