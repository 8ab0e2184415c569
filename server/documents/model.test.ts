import { describe, expect, it } from 'vitest';
import { chineseDate, cnNumber, docNumberLine, DOC_NUMBER } from './model.ts';
import { zhPunct, governmentOf } from './words.ts';
import { compareRuns } from './correction.ts';
import { installedFonts, FontsMissingError } from './fonts.ts';
import type { RegionResult } from '../../engine/types.ts';

describe('document words', () => {
  it.each([
    ['2026-12-03', '2026年12月3日'],
    ['2025-04-30T08:00:00.000Z', '2025年4月30日'],
    ['2024-01-01', '2024年1月1日'],
  ])('chineseDate(%s) = %s', (iso, zh) => expect(chineseDate(iso)).toBe(zh));

  it('refuses what is not a date', () => expect(() => chineseDate('3 Dec')).toThrow(/not an ISO date/));

  it.each([
    ['吉环考〔2026〕3号', '吉环考〔2026〕3号'],
    ['吉环考[2026]3号', '吉环考〔2026〕3号'],
    ['吉环考（2026）第003号', '吉环考〔2026〕3号'],
  ])('文号 %s is printed as %s', (given, printed) => {
    const line = docNumberLine(given, '吉环考', 2026);
    expect(line).toEqual({ text: printed, missing: false });
    expect(DOC_NUMBER.test(line.text)).toBe(true);
  });

  it('a missing 文号 is said to be missing, with no id', () => {
    expect(docNumberLine(null, '吉环考', 2026)).toEqual({
      text: '吉环考〔2026〕　号（尚未登记文号）',
      missing: true,
    });
    expect(docNumberLine('  ', '吉政', 2025).missing).toBe(true);
  });

  it.each([
    ['优秀(90分及以上)', '优秀（90分及以上）'],
    ['长春市,吉林市;四平市', '长春市，吉林市；四平市'],
    ['PM2.5 (μg/m³), 1,000', 'PM2.5 (μg/m³), 1,000'],
    ['细颗粒物(PM2.5)浓度', '细颗粒物（PM2.5）浓度'],
  ])('zhPunct(%s) = %s', (a, b) => expect(zhPunct(a)).toBe(b));

  it('addresses a region by its government', () => {
    expect(governmentOf('长春市')).toBe('长春市人民政府');
    expect(governmentOf('长白山管委会')).toBe('长白山管委会');
  });

  it('numbers headings in Chinese', () => {
    expect([1, 10, 12, 20, 23].map(cnNumber)).toEqual(['一', '十', '十二', '二十', '二十三']);
  });
});

describe('compareRuns', () => {
  const r = (region: string, total: number, grade: string, rank: number) =>
    ({ region, name: region, total, grade, rank }) as RegionResult;
  it('lists regions whose total, grade or rank moved, and those scored in one run only', () => {
    const rows = compareRuns(
      [
        r('a', 90, 'excellent', 1),
        r('b', 80, 'good', 2),
        r('c', 70, 'qualified', 3),
        r('d', 60, 'qualified', 4),
      ],
      [
        r('a', 90, 'excellent', 1),
        r('b', 85, 'good', 2),
        r('c', 70, 'qualified', 4),
        r('e', 50, 'unqualified', 5),
      ],
    );
    expect(rows.map((x) => x.region)).toEqual(['b', 'c', 'e', 'd']);
    expect(rows.find((x) => x.region === 'd')!.after).toBeNull();
    expect(rows.find((x) => x.region === 'e')!.before).toBeNull();
  });
});

describe('fonts', () => {
  it('names what to install when no Chinese font is there', () => {
    expect(() => installedFonts({}, () => false)).toThrow(FontsMissingError);
    expect(() => installedFonts({}, () => false)).toThrow(/apt-get install fonts-noto-cjk/);
  });
  it('puts a configured font first', () => {
    const fonts = installedFonts({ ECOSCORE_FONT_BODY: '/x/FZFangSong.ttf' }, () => true);
    expect(fonts.body[0]).toEqual({ path: '/x/FZFangSong.ttf', family: undefined });
  });
});
