/**
 * Re-checking a finished run's integrity on every read without re-hashing its results each time:
 * a run verified once stays verified until the database changes: by another connection (SQLite's
 * `PRAGMA data_version` moves exactly then: a `sqlite3` client, a second process) or by this one
 * (`total_changes()`, which counts every row this connection wrote). Any write at all starts the
 * checks afresh; reads between writes cost one small query.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { isPostgres, sqliteOf, storeKey } from '../db/dialect.ts';
import { getRunResultTexts } from '../db/runs.ts';

const verified = new WeakMap<object, { dataVersion: string; runs: Set<number> }>();

/**
 * A value that moves whenever the database may have been written. PostgreSQL: the snapshot's
 * `xmax`, the next transaction id to be assigned — every writing transaction (of any process)
 * takes one, readers do not.
 */
async function dataVersionOf(db: Db): Promise<string> {
  if (isPostgres(db)) {
    const row = await db.get<{ x: string }>(sql`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`);
    return `pg:${row?.x}`;
  }
  const client = sqliteOf(db)!;
  return `${client.pragma('data_version', { simple: true })}:${
    (client.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  }`;
}

/** Throws IntegrityError (500 `integrity`) when run `id`'s stored results no longer match their hash. */
export async function ensureRunIntact(db: Db, id: number): Promise<void> {
  const dataVersion = await dataVersionOf(db);
  let state = verified.get(storeKey(db));
  if (!state || state.dataVersion !== dataVersion) {
    state = { dataVersion, runs: new Set() };
    verified.set(storeKey(db), state);
  }
  if (state.runs.has(id)) return;
  await getRunResultTexts(db, id);
  state.runs.add(id);
}
