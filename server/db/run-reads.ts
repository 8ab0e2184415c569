/**
 * The hot reads of finished runs: one region's result (with `previous`)
 * without ever reading the run's stored dataset or parsing more than the two results it returns.
 * Same answers as `getRunRegion` in runs.ts (server/db/run-reads.test.ts compares them).
 */
import { eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { NotFoundError } from './errors.ts';
import { previousRegionResult, regionResultText } from './previous-year.ts';
import { ruleVersions, runs } from './schema.ts';

/**
 * One region's result in a run as JSON text — the stored result with `previous` (the region's
 * result, without traces, in the latest finished run of the same family for the year before, or
 * null) — the text `JSON.stringify({ ...result, previous })` gives, without re-serialising the
 * stored result.
 */
export async function runRegionText(db: Db, id: number, code: string): Promise<string> {
  const run = Number.isInteger(id)
    ? await db
        .select({ year: runs.year, family: ruleVersions.family })
        .from(runs)
        .innerJoin(ruleVersions, eq(ruleVersions.id, runs.versionId))
        .where(eq(runs.id, id))
        .get()
    : undefined;
  if (!run) throw new NotFoundError('run', id);
  const text = await regionResultText(db, id, code);
  const previous = await previousRegionResult(db, run.family, run.year, code);
  // A stored result is JSON.stringify's text of an object: `{…}`, never `{}` (it has a region).
  return `${text.slice(0, -1)},"previous":${JSON.stringify(previous)}}`;
}
