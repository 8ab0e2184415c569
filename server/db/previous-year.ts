/**
 * Last year's values for an evaluation (SPEC section 9): a run, a preview, a sensitivity analysis or
 * a diff's impact fills the `prev.KEY` values its data does not give from the stored data of
 * year − 1 (engine `fillPrevious`), and each region's trace says where each came from.
 */
import { fillPrevious, previousInputs, splitStoredPrevious } from '../../engine/index.ts';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Dataset, RegionResult, RuleDocument } from '../../engine/types.ts';
import { NotFoundError } from './errors.ts';
import { ruleVersions, runResults, runs } from './schema.ts';
import type { Tx } from './audit.ts';
import type { Db } from './client.ts';
import { storedDataset } from './dataset-cache.ts';
import type { PreviousResult } from './run-types.ts';
export type { PreviousResult } from './run-types.ts';

/**
 * `dataset` (the data of `year`) with last year's values for the inputs that declare `previous` in
 * `docs`: those stored with the year's data as `prev.KEY` (imported or entered), else the value of
 * KEY in the stored data of year − 1. The same object when no document reads previous values
 * (version-1 documents).
 */
export async function withPreviousYear(
  db: Db,
  docs: RuleDocument | RuleDocument[],
  dataset: Dataset,
  year: number,
  reader: Tx = db,
): Promise<Dataset> {
  const list = Array.isArray(docs) ? docs : [docs];
  if (!list.some((d) => previousInputs(d).length > 0)) return dataset;
  const last = (await storedDataset(db, year - 1, reader)).dataset;
  return fillPrevious(list, splitStoredPrevious(dataset), last.regions.length > 0 ? last : null, year - 1);
}

/** A RegionResult without item traces, values and derived values (for rankings and lists). */
export function withoutTraces(r: RegionResult): RegionResult {
  const { values: _v, derived: _d, ...rest } = r;
  return {
    ...rest,
    categories: r.categories.map((c) => ({ ...c, items: c.items.map(({ trace: _t, ...item }) => item) })),
    bonusItems: r.bonusItems.map(({ trace: _t, ...item }) => item),
  };
}

/** A region's stored result in a run, as its JSON text (NotFoundError when it was not scored). */
export async function regionResultText(db: Tx, runId: number, code: string): Promise<string> {
  const row = await db
    .select({ result: runResults.result })
    .from(runResults)
    .where(and(eq(runResults.runId, runId), eq(runResults.regionCode, code)))
    .get();
  if (!row) throw new NotFoundError(`run ${runId} region`, code);
  return row.result;
}

/**
 * The region's result, without traces, in the latest finished run of the family for the year
 * before `year`; null when there is none.
 */
export async function previousRegionResult(
  db: Tx,
  family: string,
  year: number,
  code: string,
): Promise<PreviousResult | null> {
  const prev = await db
    .select({ id: runs.id, versionId: runs.versionId, year: runs.year, result: runResults.result })
    .from(runs)
    .innerJoin(ruleVersions, eq(ruleVersions.id, runs.versionId))
    .innerJoin(runResults, and(eq(runResults.runId, runs.id), eq(runResults.regionCode, code)))
    .where(
      and(
        eq(runs.year, year - 1),
        eq(ruleVersions.family, family),
        eq(runs.status, 'finished'),
        lt(runs.year, year),
      ),
    )
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(1)
    .get();
  return prev
    ? {
        runId: prev.id,
        versionId: prev.versionId,
        year: prev.year,
        result: withoutTraces(JSON.parse(prev.result) as RegionResult),
      }
    : null;
}
