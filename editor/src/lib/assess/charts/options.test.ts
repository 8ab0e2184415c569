import { describe, expect, it, vi } from 'vitest';
import type { Grade, RegionResult } from '../../../../../engine/types.ts';
import { distribution, history, ranking } from './options.ts';

// grades.ts reads the i18n runes (a .svelte.ts module): the labels straight from the document here.
vi.mock('../grades.ts', () => ({
  gradeColor: () => '#2f8f5b',
  gradeLabel: (id: string, grades: Grade[]) => grades.find((g) => g.id === id)?.label.zh ?? id,
}));

const XSS = '<img src=x onerror=window.__xss=1>';
const grades = [
  { id: 'excellent', min: 90, label: { zh: XSS, en: XSS } },
  { id: 'unqualified', min: 0, label: { zh: '不合格<script>x()</script>' } },
] as Grade[];
const results = [
  { region: '220100', name: XSS, total: 95, rank: 1, grade: 'excellent' },
  { region: '220200', name: '吉林市', total: 50, rank: 2, grade: 'unqualified' },
] as unknown as RegionResult[];

type Formatter = (p: unknown) => string;
const tooltipOf = (o: unknown) => (o as { tooltip: { formatter: Formatter } }).tooltip.formatter;

function assertInert(htmlText: string) {
  expect(htmlText).not.toMatch(/<img|<script/i);
  expect(htmlText).toContain('&lt;img src=x onerror=window.__xss=1&gt;');
}

describe('chart tooltips escape the names in their HTML', () => {
  it('distribution', () => {
    const { option } = distribution(results, grades, 'zh', { count: 'n', score: 's' });
    const { rows } = distribution(results, grades, 'zh', { count: 'n', score: 's' });
    const i = rows.findIndex((r) => r.count > 0 && r.regions.includes(XSS));
    assertInert(tooltipOf(option)([{ dataIndex: i }]));
  });

  it('ranking: region name and grade label', () => {
    const text = tooltipOf(ranking(results, grades, 'zh'))({ dataIndex: 0 });
    assertInert(text);
    expect(text.match(/&lt;img/g)).toHaveLength(2);
    expect(tooltipOf(ranking(results, grades, 'zh'))({ dataIndex: 1 })).toContain('&lt;script&gt;');
  });

  it('history: grade label', () => {
    const points = [
      { year: 2024, runId: 1, total: 95, grade: 'excellent', scoreGrade: 'excellent', rank: 1, of: 2 },
    ];
    assertInert(tooltipOf(history(points, grades, 'zh'))([{ dataIndex: 0 }]));
  });
});
