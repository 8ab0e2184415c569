/**
 * Re-checking a finished run's integrity on every read without re-hashing its results each time:
 * a run verified once stays verified until the database changes: by another connection (SQLite's
 * `PRAGMA data_version` moves exactly then: a `sqlite3` client, a second process) or by this one
 * (`total_changes()`, which counts every row this connection wrote). Any write at all starts the
 * checks afresh; reads between writes cost one small query.
 *
 * The same database state keys `untilWrite`: a value read from the database (a run's summary) kept
 * until the next write. Only for reads made outside a transaction, of committed data.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { isPostgres, sqliteOf, storeKey } from '../db/dialect.ts';
import { getRunResultTexts } from '../db/runs.ts';

interface State {
  dataVersion: string;
  /** Runs whose results were verified in this state. */
  runs: Set<number>;
  /** Values read in this state (untilWrite). */
  memo: Map<string, unknown>;
}

const states = new WeakMap<object, State>();
/** At most this many values are kept per database state; past it, values are read each time. */
const MEMO_LIMIT = 4096;
const totalChanges = new WeakMap<object, { get(): unknown }>();

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
  let changes = totalChanges.get(client);
  if (!changes) {
    changes = client.prepare('SELECT total_changes() AS n').pluck();
    totalChanges.set(client, changes);
  }
  return `${client.pragma('data_version', { simple: true })}:${changes.get()}`;
}

/** The state of the database now: the same object until something writes. */
async function stateOf(db: Db): Promise<State> {
  const dataVersion = await dataVersionOf(db);
  let state = states.get(storeKey(db));
  if (!state || state.dataVersion !== dataVersion) {
    state = { dataVersion, runs: new Set(), memo: new Map() };
    states.set(storeKey(db), state);
  }
  return state;
}

/**
 * `read()`'s value, read once per database state: kept until the next write by any connection.
 * `key` must name everything else the value depends on (a date, for instance).
 */
export async function untilWrite<T>(db: Db, key: string, read: () => Promise<T>): Promise<T> {
  const state = await stateOf(db);
  if (state.memo.has(key)) return state.memo.get(key) as T;
  const value = await read();
  if (state.memo.size < MEMO_LIMIT) state.memo.set(key, value);
  return value;
}

/** Throws IntegrityError (500 `integrity`) when run `id`'s stored results no longer match their hash. */
export async function ensureRunIntact(db: Db, id: number): Promise<void> {
  const state = await stateOf(db);
  if (state.runs.has(id)) return;
  await getRunResultTexts(db, id);
  state.runs.add(id);
}
