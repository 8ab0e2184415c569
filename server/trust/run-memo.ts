/**
 * Re-checking a finished run's integrity on every read without re-hashing its results each time:
 * a run verified once stays verified until the database file is changed by another connection
 * (SQLite's `PRAGMA data_version` moves exactly then: a `sqlite3` client, a restored copy, a second
 * process). This server's own writes cannot alter a finished run (triggers), so they need no
 * re-check; anything written from outside does, and gets one.
 */
import type { Db } from '../db/client.ts';
import { getRunResultTexts } from '../db/runs.ts';

const verified = new WeakMap<Db, { dataVersion: number; runs: Set<number> }>();

/** Throws IntegrityError (500 `integrity`) when run `id`'s stored results no longer match their hash. */
export function ensureRunIntact(db: Db, id: number): void {
  const dataVersion = Number(db.$client.pragma('data_version', { simple: true }));
  let state = verified.get(db);
  if (!state || state.dataVersion !== dataVersion) {
    state = { dataVersion, runs: new Set() };
    verified.set(db, state);
  }
  if (state.runs.has(id)) return;
  getRunResultTexts(db, id);
  state.runs.add(id);
}
