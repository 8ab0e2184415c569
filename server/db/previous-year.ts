/**
 * Last year's values for an evaluation (SPEC section 9): a run, a preview, a sensitivity analysis or
 * a diff's impact fills the `prev.KEY` values its data does not give from the stored data of
 * year − 1 (engine `fillPrevious`), and each region's trace says where each came from.
 */
import { fillPrevious, PREV_PREFIX, previousInputs } from '../../engine/index.ts';
import type { Dataset, RuleDocument } from '../../engine/types.ts';
import type { Tx } from './audit.ts';
import type { Db } from './client.ts';
import { storedDataset } from './dataset-cache.ts';

/**
 * `dataset` (the data of `year`) with last year's values for the inputs that declare `previous` in
 * `docs`: those stored with the year's data as `prev.KEY` (imported or entered), else the value of
 * KEY in the stored data of year − 1. The same object when no document reads previous values
 * (version-1 documents).
 */
export async function withPreviousYear(
  db: Db,
  docs: RuleDocument | RuleDocument[],
  dataset: Dataset,
  year: number,
  reader: Tx = db,
): Promise<Dataset> {
  const list = Array.isArray(docs) ? docs : [docs];
  if (!list.some((d) => previousInputs(d).length > 0)) return dataset;
  const last = (await storedDataset(db, year - 1, reader)).dataset;
  const split: Dataset = {
    ...dataset,
    regions: dataset.regions.map((r) => {
      const values: Record<string, unknown> = {};
      const previous: Record<string, unknown> = { ...(r.previous ?? {}) };
      for (const [k, v] of Object.entries(r.values ?? {}))
        if (k.startsWith(PREV_PREFIX)) previous[k.slice(PREV_PREFIX.length)] ??= v;
        else values[k] = v;
      return { ...r, values, previous };
    }),
  };
  return fillPrevious(list, split, last.regions.length > 0 ? last : null, year - 1);
}
