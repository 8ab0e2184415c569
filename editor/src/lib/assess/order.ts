/**
 * The order of rule versions (pure, no i18n): newest first, the version in force for a year, and
 * the default old → new pair of the diff page.
 */
import type { VersionSummary } from '../api.ts';

export const newestFirst = (a: VersionSummary, b: VersionSummary) =>
  b.year - a.year || b.version - a.version || b.id - a.id;

/** The published version in force for `year`: the effective one, else the newest published. */
export function effectiveFor(
  year: number,
  versions: readonly VersionSummary[],
  family?: string,
): VersionSummary | undefined {
  const ofYear = versions.filter(
    (v) => v.year === year && v.status === 'published' && (!family || v.family === family),
  );
  return ofYear.find((v) => v.effective) ?? [...ofYear].sort(newestFirst)[0];
}

/**
 * The pair the diff page shows when the address names none or only `to`: `to` (else the newest
 * draft, else the newest version) against the version in force the year before it.
 */
export function defaultPair(
  versions: readonly VersionSummary[],
  toId?: number | null,
): {
  from?: VersionSummary;
  to?: VersionSummary;
} {
  const sorted = [...versions].sort(newestFirst);
  // A given `to` (e.g. "compare" from a run) is compared with what came before it, never after.
  const to =
    (toId ? versions.find((v) => v.id === toId) : undefined) ??
    sorted.find((v) => v.status === 'draft') ??
    sorted[0];
  if (!to) return {};
  const older = (v: VersionSummary) =>
    v.id !== to.id && (v.year < to.year || (v.year === to.year && v.version < to.version));
  const from =
    effectiveFor(to.year - 1, versions, to.family) ??
    sorted.find((v) => older(v) && v.family === to.family && v.status === 'published') ??
    sorted.find((v) => older(v) && v.family === to.family) ??
    sorted.find((v) => older(v) && v.status === 'published');
  return { from, to };
}
