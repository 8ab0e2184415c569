/**
 * Last year's values for a year's data (SPEC section 9): where a region's data does not give the
 * `previous` value of an input that declares it, the value that region has in the data of year − 1
 * fills it. Each region says where each of its previous values came from (`previousSources`,
 * copied into its result's trace). Pure: the caller reads the two datasets.
 */
import type { Dataset, PreviousSource, RegionData, RuleDocument } from '../types.ts';
import { PREV_PREFIX, previousInputs } from '../document/v2.ts';

/**
 * The dataset with last year's values filled from `lastYear` (the stored data of `storedYear`, the
 * year before, or null when there is none) for the inputs that declare `previous` in any of `docs`
 * (a diff evaluates two documents on one dataset). The same object when none reads previous values.
 *
 * @example fillPrevious(doc, data2025, data2024).regions[0].previousSources // { pm25: { from: 'stored', year: 2024 } }
 */
export function fillPrevious(
  docs: RuleDocument | RuleDocument[],
  dataset: Dataset,
  lastYear: Dataset | null,
  storedYear: number,
): Dataset {
  const keys = [
    ...new Set((Array.isArray(docs) ? docs : [docs]).flatMap((d) => previousInputs(d).map((i) => i.key))),
  ];
  if (keys.length === 0) return dataset;
  const before = new Map((lastYear?.regions ?? []).map((r) => [r.code, r]));
  const given = (v: unknown) => v !== undefined && v !== null;
  return {
    ...dataset,
    regions: dataset.regions.map((r): RegionData => {
      const previous: Record<string, unknown> = { ...(r.previous ?? {}) };
      const sources: Record<string, PreviousSource> = {};
      const old = before.get(r.code);
      for (const k of keys) {
        if (given(previous[k])) sources[k] = { from: 'data' };
        else if (old && given(old.values?.[k])) {
          previous[k] = old.values[k];
          sources[k] = { from: 'stored', year: storedYear };
        }
      }
      return { ...r, previous, previousSources: sources };
    }),
  };
}

/**
 * The dataset with each region's `prev.KEY` values (stored with the year's data: imported as columns
 * or entered in the grid) moved into its `previous`, where a value already there wins. Regions
 * without such values keep their objects.
 *
 * @example splitStoredPrevious({ year: 2025, regions: [{ code: 'a', values: { pm25: 30, 'prev.pm25': 32 } }] })
 *   // regions[0]: { code: 'a', values: { pm25: 30 }, previous: { pm25: 32 } }
 */
export function splitStoredPrevious(dataset: Dataset): Dataset {
  return {
    ...dataset,
    regions: dataset.regions.map((r): RegionData => {
      const entries = Object.entries(r.values ?? {});
      if (!entries.some(([k]) => k.startsWith(PREV_PREFIX))) return r;
      const values: Record<string, unknown> = {};
      const previous: Record<string, unknown> = { ...(r.previous ?? {}) };
      for (const [k, v] of entries)
        if (k.startsWith(PREV_PREFIX)) previous[k.slice(PREV_PREFIX.length)] ??= v;
        else values[k] = v;
      return { ...r, values, previous };
    }),
  };
}
