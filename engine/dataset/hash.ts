import type { Dataset } from '../types.ts';
import { contentHash } from '../hash/content-hash.ts';

/**
 * The content hash of a dataset, independent of the file format and of row order: SHA-256 over the
 * canonical JSON of `{ year, regions }` with regions sorted by code and missing values dropped.
 */
export function datasetHash(dataset: Dataset): string {
  return contentHash(normalizeDataset(dataset));
}

/** The canonical form of a dataset that its hash covers. */
export function normalizeDataset(dataset: Dataset): Dataset {
  const regions = [...dataset.regions]
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((r) => {
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r.values ?? {})) if (v !== null && v !== undefined) values[k] = v;
      return { code: r.code, name: r.name, values };
    });
  return dataset.year !== undefined ? { year: dataset.year, regions } : { regions };
}
