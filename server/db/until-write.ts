/**
 * Values read from the database and kept until the database changes: by another connection
 * (SQLite's `PRAGMA data_version` moves exactly then: a `sqlite3` client, a second process), by
 * this one (`total_changes()`, which counts every row this connection wrote, rolled back or not), or
 * on PostgreSQL by any writing transaction of any process (the snapshot's `xmax`, the next
 * transaction id to be assigned: every writing transaction takes one, readers do not). Any write at
 * all starts afresh; a read between writes costs one small query.
 *
 * Only for reads made outside a transaction, of committed data (route handlers on the root `db`).
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { isPostgres, sqliteOf, storeKey } from './dialect.ts';

interface State {
  dataVersion: string;
  values: Map<string, unknown>;
}

const states = new WeakMap<object, State>();
/** At most this many values are kept per database state; past it, values are read each time. */
export const UNTIL_WRITE_LIMIT = 4096;
const totalChanges = new WeakMap<object, { get(): unknown }>();

/** A value that moves whenever the database may have been written. */
async function dataVersionOf(db: Db): Promise<string> {
  if (isPostgres(db)) {
    const row = await db.get<{ x: string }>(sql`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`);
    return `pg:${row?.x}`;
  }
  const client = sqliteOf(db)!;
  let changes = totalChanges.get(client);
  if (!changes) {
    changes = client.prepare('SELECT total_changes() AS n').pluck();
    totalChanges.set(client, changes);
  }
  return `${client.pragma('data_version', { simple: true })}:${changes.get()}`;
}

/**
 * `read()`'s value, read once per database state. `key` must name everything else the value
 * depends on (a date, for instance). A read that throws is not kept.
 */
export async function untilWrite<T>(db: Db, key: string, read: () => Promise<T>): Promise<T> {
  const dataVersion = await dataVersionOf(db);
  let state = states.get(storeKey(db));
  if (!state || state.dataVersion !== dataVersion) {
    state = { dataVersion, values: new Map() };
    states.set(storeKey(db), state);
  }
  if (state.values.has(key)) return state.values.get(key) as T;
  const value = await read();
  if (state.values.size < UNTIL_WRITE_LIMIT) state.values.set(key, value);
  return value;
}
