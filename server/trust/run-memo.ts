/**
 * Re-checking a finished run's integrity on every read without re-hashing its results each time:
 * a run verified once stays verified until the database changes: by another connection (SQLite's
 * `PRAGMA data_version` moves exactly then: a `sqlite3` client, a second process) or by this one
 * (`total_changes()`, which counts every row this connection wrote). Any write at all starts the
 * checks afresh; reads between writes cost one small query.
 */
import type { Db } from '../db/client.ts';
import { getRunResultTexts } from '../db/runs.ts';

const verified = new WeakMap<Db, { dataVersion: string; runs: Set<number> }>();

/** Throws IntegrityError (500 `integrity`) when run `id`'s stored results no longer match their hash. */
export function ensureRunIntact(db: Db, id: number): void {
  const dataVersion = `${db.$client.pragma('data_version', { simple: true })}:${
    (db.$client.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  }`;
  let state = verified.get(db);
  if (!state || state.dataVersion !== dataVersion) {
    state = { dataVersion, runs: new Set() };
    verified.set(db, state);
  }
  if (state.runs.has(id)) return;
  getRunResultTexts(db, id);
  state.runs.add(id);
}
