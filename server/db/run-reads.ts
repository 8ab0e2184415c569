/**
 * The hot reads of finished runs, as prepared statements: one region's result (with `previous`)
 * without ever reading the run's stored dataset or parsing more than the two results it returns.
 * Same answers as `getRunRegion` in runs.ts (server/db/run-reads.test.ts compares them).
 */
import type Database from 'better-sqlite3';
import type { RegionResult } from '../../engine/types.ts';
import type { Db } from './client.ts';
import { NotFoundError } from './errors.ts';
import { withoutTraces, type PreviousResult } from './runs.ts';

interface RunKey {
  year: number;
  family: string;
}

/** Prepared statements over one database, made once. */
const statements = new WeakMap<object, ReturnType<typeof prepare>>();

function prepare(client: Database.Database) {
  return {
    run: client.prepare<[number], RunKey>(
      `SELECT runs.year AS year, v.family AS family FROM runs
       JOIN rule_versions v ON v.id = runs.version_id WHERE runs.id = ?`,
    ),
    result: client
      .prepare<[number, string], string>(
        'SELECT result FROM run_results WHERE run_id = ? AND region_code = ?',
      )
      .pluck(),
    previous: client.prepare<
      [string, number, string, number],
      { id: number; versionId: number; year: number; result: string }
    >(
      `SELECT runs.id AS id, runs.version_id AS versionId, runs.year AS year, rr.result AS result FROM runs
       JOIN rule_versions v ON v.id = runs.version_id
       JOIN run_results rr ON rr.run_id = runs.id AND rr.region_code = ?
       WHERE runs.year = ? AND v.family = ? AND runs.status = 'finished' AND runs.year < ?
       ORDER BY runs.created_at DESC, runs.id DESC LIMIT 1`,
    ),
  };
}

function statementsOf(db: Db) {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = prepare(db.$client)));
  return s;
}

/**
 * One region's result in a run as JSON text — the stored result with `previous` (the region's
 * result, without traces, in the latest finished run of the same family for the year before, or
 * null) — the text `JSON.stringify({ ...result, previous })` gives, without re-serialising the
 * stored result.
 */
export function runRegionText(db: Db, id: number, code: string): string {
  const s = statementsOf(db);
  const run = Number.isInteger(id) ? s.run.get(id) : undefined;
  if (!run) throw new NotFoundError('run', id);
  const text = s.result.get(id, code);
  if (text === undefined) throw new NotFoundError(`run ${id} region`, code);
  const prev = s.previous.get(code, run.year - 1, run.family, run.year);
  const previous: PreviousResult | null = prev
    ? {
        runId: prev.id,
        versionId: prev.versionId,
        year: prev.year,
        result: withoutTraces(JSON.parse(prev.result) as RegionResult),
      }
    : null;
  // A stored result is JSON.stringify's text of an object: `{…}`, never `{}` (it has a region).
  return `${text.slice(0, -1)},"previous":${JSON.stringify(previous)}}`;
}
