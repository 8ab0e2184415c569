/**
 * The assessment charts as data: each builder returns the ECharts option and the rows of the table
 * shown beside the chart (the same figures, for reading, printing and screen readers).
 */
import type { Grade, RegionResult } from '$engine/types.ts';
import { gradeColor, gradeLabel } from '../grades.ts';
import { fmt } from '../trace.ts';
import { CHART_FONT, type ChartOption } from './echarts.ts';
import { html } from '../../security/html.ts';
import type { HistoryPoint } from '$server/db/run-types.ts';

type Lang = 'zh' | 'en';

const textStyle = { fontFamily: CHART_FONT, fontSize: 12, color: '#1d2622' };

function tint(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function regionName(r: { name: string; region: string }): string {
  return r.name || r.region;
}

/** The grade a score earns (before downgrades, caps and vetoes). */
export function gradeForScore(score: number, grades: readonly Grade[]): Grade | undefined {
  return grades.find((g) => g.min <= score) ?? grades[grades.length - 1];
}

export interface DistributionRow {
  from: number;
  to: number;
  label: string;
  count: number;
  grade: string;
  regions: string[];
}

/**
 * Score distribution: totals in bins whose edges fall on the grade thresholds, bars coloured by the
 * grade the bin's scores earn, grade bands shaded behind.
 */
export function distribution(
  results: readonly RegionResult[],
  grades: readonly Grade[],
  lang: Lang,
  axis: { count: string; score: string },
): { option: ChartOption; rows: DistributionRow[] } {
  const totals = results.map((r) => r.total);
  const thresholds = grades.map((g) => g.min).filter((m) => m > 0);
  const span = totals.length ? Math.max(...totals) - Math.min(...totals) + 10 : 0;
  const width =
    [5, 2, 1].find((w) => thresholds.every((t) => Number.isInteger(t / w)) && span / w <= 24) ??
    [10, 5].find((w) => span / w <= 24) ??
    10;
  const lowest = totals.length ? Math.min(...totals) : 60;
  const highest = totals.length ? Math.max(...totals) : 100;
  // From one bin below the lowest score to the bin holding the highest.
  const lo = Math.max(0, Math.floor(lowest / width) * width - width);
  const hi = Math.floor(highest / width) * width + width;
  const rows: DistributionRow[] = [];
  for (let a = lo; a < hi; a += width) {
    const b = a + width;
    const inBin = results.filter((r) => r.total >= a && r.total < b);
    rows.push({
      from: a,
      to: b,
      label: `${a}–${b}`,
      count: inBin.length,
      grade: gradeForScore(a, grades)?.id ?? '',
      regions: inBin.map(regionName),
    });
  }
  const bands: unknown[] = [];
  for (const g of grades) {
    const binsOfGrade = rows.filter((r) => r.grade === g.id);
    if (!binsOfGrade.length) continue;
    bands.push([
      {
        xAxis: binsOfGrade[0].label,
        name: `${gradeLabel(g.id, grades, lang)} ≥${g.min}`,
        itemStyle: { color: tint(gradeColor(g.id, grades), 0.1) },
        label: {
          position: 'top',
          color: gradeColor(g.id, grades),
          fontFamily: CHART_FONT,
          fontWeight: 'bold',
        },
      },
      { xAxis: binsOfGrade[binsOfGrade.length - 1].label },
    ]);
  }
  const option: ChartOption = {
    textStyle,
    grid: { left: 48, right: 16, top: 48, bottom: 48 },
    tooltip: {
      trigger: 'axis',
      formatter: (params: { dataIndex: number }[]) => {
        const row = rows[params[0]?.dataIndex ?? 0];
        // Tooltip formatters return HTML: every name in it is escaped.
        return html`${row.label}：${row.count}<br />${row.regions.join('、')}`;
      },
    },
    xAxis: {
      type: 'category',
      data: rows.map((r) => r.label),
      name: axis.score,
      nameLocation: 'middle',
      nameGap: 30,
      // Rotated from 7 bins on, and any label that would still overlap another is left out.
      axisLabel: { interval: 0, rotate: rows.length > 6 ? 40 : 0, hideOverlap: true },
    },
    yAxis: { type: 'value', name: axis.count, minInterval: 1 },
    series: [
      {
        type: 'bar',
        barCategoryGap: '20%',
        data: rows.map((r) => ({ value: r.count, itemStyle: { color: gradeColor(r.grade, grades) } })),
        label: {
          show: true,
          position: 'top',
          formatter: (p: { value: number }) => (p.value ? String(p.value) : ''),
        },
        markArea: { silent: true, data: bands },
      },
    ],
  };
  return { option, rows };
}

/** The ranking as horizontal bars, best at the top, coloured by final grade. */
export function ranking(
  results: readonly RegionResult[],
  grades: readonly Grade[],
  lang: Lang,
  precision = 2,
): ChartOption {
  const sorted = [...results].sort((a, b) => a.rank - b.rank || a.region.localeCompare(b.region));
  const max = Math.max(100, ...sorted.map((r) => r.total));
  return {
    textStyle,
    grid: { left: 8, right: 96, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const r = sorted[p.dataIndex];
        return html`${r.rank}.
        ${regionName(r)}：${fmt(r.total, precision)}（${gradeLabel(r.grade, grades, lang)}）`;
      },
    },
    xAxis: { type: 'value', min: 0, max: Math.ceil(max / 10) * 10 },
    yAxis: {
      type: 'category',
      inverse: true,
      data: sorted.map((r) => `${r.rank}. ${regionName(r)}`),
      axisLabel: { interval: 0 },
    },
    series: [
      {
        type: 'bar',
        barWidth: '62%',
        data: sorted.map((r) => ({ value: r.total, itemStyle: { color: gradeColor(r.grade, grades) } })),
        label: {
          show: true,
          position: 'right',
          formatter: (p: { dataIndex: number }) => {
            const r = sorted[p.dataIndex];
            return `${fmt(r.total, precision)}  ${gradeLabel(r.grade, grades, lang)}`;
          },
        },
      },
    ],
  };
}

export interface ProfileRow {
  id: string;
  label: string;
  points: number;
  maxPoints: number;
  share: number;
  previousShare: number | null;
  previousPoints: number | null;
}

/** Points as a share of the maximum per category, this year and (when known) last year. */
export function profile(
  current: RegionResult,
  previous: RegionResult | null,
  lang: Lang,
  names: { current: string; previous: string },
): { option: ChartOption; rows: ProfileRow[] } {
  const share = (p: number, m: number) => (m > 0 ? Math.round((p / m) * 1000) / 10 : 0);
  const rows: ProfileRow[] = current.categories.map((c) => {
    const prev = previous?.categories.find((x) => x.id === c.id);
    return {
      id: c.id,
      label: lang === 'en' ? c.label.en || c.label.zh : c.label.zh,
      points: c.points,
      maxPoints: c.maxPoints,
      share: share(c.points, c.maxPoints),
      previousShare: prev ? share(prev.points, prev.maxPoints) : null,
      previousPoints: prev ? prev.points : null,
    };
  });
  const series: unknown[] = [
    {
      name: names.current,
      type: 'bar',
      data: rows.map((r) => r.share),
      itemStyle: { color: '#1f6f4a' },
      label: { show: true, position: 'right', formatter: '{c}%' },
    },
  ];
  if (previous)
    series.push({
      name: names.previous,
      type: 'bar',
      data: rows.map((r) => r.previousShare),
      itemStyle: { color: '#a9b8b0' },
      label: { show: true, position: 'right', formatter: '{c}%', color: '#5d6b65' },
    });
  return {
    rows,
    option: {
      textStyle,
      legend: { top: 0, data: previous ? [names.current, names.previous] : [names.current] },
      grid: { left: 8, right: 56, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => r.label),
        axisLabel: { width: 150, overflow: 'break', interval: 0 },
      },
      series,
    },
  };
}

export type { HistoryPoint };

/** A region's totals over the years, each point labelled with its final grade, grade bands behind. */
export function history(
  points: readonly HistoryPoint[],
  grades: readonly Grade[],
  lang: Lang,
  precision = 2,
): ChartOption {
  const sorted = [...points].sort((a, b) => a.year - b.year);
  const totals = sorted.map((p) => p.total);
  const min = Math.max(0, Math.floor((Math.min(60, ...totals) - 5) / 10) * 10);
  const max = Math.max(100, Math.ceil((Math.max(...totals, 0) + 4) / 5) * 5);
  const bands = grades.map((g, i) => {
    const upper = i === 0 ? max : grades[i - 1].min;
    return [
      {
        yAxis: Math.max(g.min, min),
        name: gradeLabel(g.id, grades, lang),
        itemStyle: { color: tint(gradeColor(g.id, grades), 0.08) },
        label: { position: 'insideRight', color: gradeColor(g.id, grades), fontFamily: CHART_FONT },
      },
      { yAxis: upper },
    ];
  });
  return {
    textStyle,
    grid: { left: 48, right: 64, top: 24, bottom: 32 },
    tooltip: {
      trigger: 'axis',
      formatter: (params: { dataIndex: number }[]) => {
        const p = sorted[params[0]?.dataIndex ?? 0];
        return html`${p.year}：${fmt(p.total, precision)}，${gradeLabel(p.grade, grades, lang)}，#${p.rank}/${p.of}`;
      },
    },
    xAxis: { type: 'category', data: sorted.map((p) => String(p.year)), boundaryGap: true },
    yAxis: { type: 'value', min, max },
    series: [
      {
        type: 'line',
        data: sorted.map((p) => ({
          value: p.total,
          itemStyle: { color: gradeColor(p.grade, grades) },
        })),
        symbol: 'circle',
        symbolSize: 10,
        lineStyle: { color: '#5d6b65' },
        label: {
          show: true,
          position: 'top',
          formatter: (p: { dataIndex: number }) => {
            const x = sorted[p.dataIndex];
            return `${fmt(x.total, precision)} ${gradeLabel(x.grade, grades, lang)}`;
          },
        },
        markArea: { silent: true, data: bands },
      },
    ],
  };
}
