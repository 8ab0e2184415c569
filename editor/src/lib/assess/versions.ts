/**
 * Choosing rule versions on the assessment pages: which version a year's data, run or diff uses
 * by default, and how a version is named in a list.
 */
import type { VersionSummary } from '$lib/api.ts';
import { ta } from '$lib/i18n/assess.ts';

import { effectiveFor, newestFirst } from './order.ts';

export { effectiveFor, newestFirst };

/**
 * The version a year's data is checked against by default: the one in force for the year, else
 * the newest of that year (a draft), else the newest earlier published one.
 */
export function defaultVersionFor(
  year: number,
  versions: readonly VersionSummary[],
): VersionSummary | undefined {
  return (
    effectiveFor(year, versions) ??
    [...versions].filter((v) => v.year === year && v.status !== 'retired').sort(newestFirst)[0] ??
    [...versions].filter((v) => v.year === year).sort(newestFirst)[0] ??
    [...versions].filter((v) => v.year < year && v.status === 'published').sort(newestFirst)[0]
  );
}

/** "2024 年 第 2 版 · 已发布 · 现行". */
export function versionName(v: VersionSummary): string {
  const status = ta(`status.${v.status}`);
  return `${ta('version.name', { year: v.year, version: v.version })} · ${status}${v.effective ? ` · ${ta('status.effective')}` : ''}`;
}
