/**
 * A year's stored dataset with its content hash, read and hashed once per change of the data:
 * kept in memory under the newest audit id — every write of data or of regions appends an audit
 * row in its own transaction, so a new id is the only way the data can have changed. The dataset
 * is frozen (engine/cache/frozen.ts), so the engine finds its hash again by identity.
 *
 * Bounded: `DATASET_CACHE_SIZE` (year, audit id) entries per database.
 */
import { sql } from 'drizzle-orm';
import { freezeValue } from '../../engine/cache/frozen.ts';
import { Lru } from '../../engine/cache/lru.ts';
import { datasetHash } from '../../engine/dataset/hash.ts';
import type { Dataset } from '../../engine/types.ts';
import type { Tx } from './audit.ts';
import type { Db } from './client.ts';
import { datasetForYear } from './datasets.ts';

export const DATASET_CACHE_SIZE = 8;

export interface StoredDataset {
  dataset: Dataset;
  hash: string;
}

const caches = new WeakMap<object, Lru<string, StoredDataset>>();

/**
 * The dataset `datasetForYear(reader, year)` gives, frozen, and its hash. `db` names the cache;
 * `reader` (default `db`) reads, e.g. the transaction the caller is in.
 */
export async function storedDataset(db: Db, year: number, reader: Tx = db): Promise<StoredDataset> {
  let lru = caches.get(db);
  if (!lru) caches.set(db, (lru = new Lru(DATASET_CACHE_SIZE)));
  const last = await reader.get<{ id: number | null }>(sql`SELECT max(id) AS id FROM audit_log`);
  const key = `${year}:${last?.id ?? 0}`;
  const hit = lru.get(key);
  if (hit) return hit;
  const dataset = freezeValue(await datasetForYear(reader, year));
  return lru.set(key, { dataset, hash: datasetHash(dataset) });
}
