/**
 * The hot reads of finished runs: one region's result (with `previous`)
 * without ever reading the run's stored dataset or parsing more than the two results it returns.
 * Same answers as `getRunRegion` in runs.ts (server/db/run-reads.test.ts compares them).
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { RegionResult } from '../../engine/types.ts';
import type { Db } from './client.ts';
import { NotFoundError } from './errors.ts';
import { withoutTraces, type PreviousResult } from './runs.ts';
import { ruleVersions, runResults, runs } from './schema.ts';

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
  const text = (
    await db
      .select({ result: runResults.result })
      .from(runResults)
      .where(and(eq(runResults.runId, id), eq(runResults.regionCode, code)))
      .get()
  )?.result;
  if (text === undefined) throw new NotFoundError(`run ${id} region`, code);
  const prev = await db
    .select({ id: runs.id, versionId: runs.versionId, year: runs.year, result: runResults.result })
    .from(runs)
    .innerJoin(ruleVersions, eq(ruleVersions.id, runs.versionId))
    .innerJoin(runResults, and(eq(runResults.runId, runs.id), eq(runResults.regionCode, code)))
    .where(
      and(
        eq(runs.year, run.year - 1),
        eq(ruleVersions.family, run.family),
        eq(runs.status, 'finished'),
        lt(runs.year, run.year),
      ),
    )
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(1)
    .get();
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
