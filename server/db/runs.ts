/**
 * Assessment runs: a published rule version evaluated (engine `evaluate`) on a year's data for every
 * region assessed that year. The run keeps the exact dataset it evaluated, the document and dataset
 * hashes, the engine version, and each region's result with its trace. A finished run never changes
 * (database triggers). The same version on the same data stores byte-identical results.
 */
import { and, asc, desc, eq, lt, type SQL } from 'drizzle-orm';
import { contentHash, ENGINE_VERSION, evaluate, InvalidDocumentError } from '../../engine/index.ts';
import type { Dataset, Grade, RegionError, RegionResult } from '../../engine/types.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { storedDataset } from './dataset-cache.ts';
import { ruleVersions, runErrors, runResults, runs, type RunRow } from './schema.ts';
import { getVersion } from './versions.ts';

export interface RunCounts {
  scored: number;
  /** Regions that could not be scored. */
  errors: number;
  byGrade: Record<string, number>;
}

export interface RunSummary {
  id: number;
  versionId: number;
  family: string;
  year: number;
  version: number;
  status: 'running' | 'finished';
  documentHash: string;
  datasetHash: string;
  engineVersion: string;
  createdBy: string;
  createdAt: string;
  counts: RunCounts;
}

export interface RunWarning {
  region?: string;
  key?: string;
  message: string;
}

/** A run with its ranking: results without traces, ordered by rank then region code. */
export interface RunDetail extends RunSummary {
  grades: Grade[];
  results: RegionResult[];
  errors: RegionError[];
  warnings: RunWarning[];
}

/** The previous year's result of a region, from the latest run of the same family for that year. */
export interface PreviousResult {
  runId: number;
  versionId: number;
  year: number;
  result: RegionResult;
}

export interface RunFilter {
  year?: number;
  versionId?: number;
  family?: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function summaryOf(row: RunRow, v: { family: string; version: number }): RunSummary {
  return {
    id: row.id,
    versionId: row.versionId,
    family: v.family,
    year: row.year,
    version: v.version,
    status: row.status,
    documentHash: row.documentHash,
    datasetHash: row.datasetHash,
    engineVersion: row.engineVersion,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    counts: { scored: row.scored, errors: row.errorCount, byGrade: row.byGrade },
  };
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

/**
 * Runs the assessment: evaluates the published version `versionId` on the data of `year` (the
 * regions assessed that year) and stores the finished run. Audited as `run.create`.
 */
export function createRun(db: Db, input: { versionId: number; year: number }, actor: string): RunSummary {
  return db.transaction(
    (tx) => {
      const version = getVersion(tx, input.versionId);
      if (version.status !== 'published')
        throw new ConflictError(
          `只能用已发布的版本进行考核(版本 ${version.id} 是 ${version.status}) / only a published version can be run (version ${version.id} is ${version.status})`,
          version,
          'not_published',
        );
      // Read inside the (immediate) transaction: the data cannot change between reading and storing.
      const { dataset, hash: storedHash } = storedDataset(db, input.year, tx);
      let evaluation: ReturnType<typeof evaluate>;
      try {
        evaluation = evaluate(version.document, dataset, { trace: true, datasetHash: storedHash });
      } catch (e) {
        // A published document always validated; an engine upgrade could still reject it.
        if (e instanceof InvalidDocumentError)
          throw new ValidationError(
            `版本 ${version.id} 的文档未通过当前引擎的校验 / version ${version.id} does not validate under this engine`,
            e.problems,
            'invalid_document',
          );
        throw e;
      }
      const results = [...evaluation.results].sort((a, b) => a.rank - b.rank || cmp(a.region, b.region));
      const errors = evaluation.errors
        .map((e, i) => ({ e, i }))
        .sort((a, b) => cmp(a.e.region, b.e.region) || a.i - b.i)
        .map((x) => x.e);
      const byGrade: Record<string, number> = {};
      for (const g of version.document.grades) byGrade[g.id] = 0;
      for (const r of results) byGrade[r.grade] = (byGrade[r.grade] ?? 0) + 1;
      const errorRegions = new Set(errors.map((e) => e.region)).size;
      const at = nowIso();
      const run = tx
        .insert(runs)
        .values({
          versionId: version.id,
          year: input.year,
          status: 'running',
          documentHash: version.contentHash,
          datasetHash: evaluation.dataset.hash,
          dataset: JSON.stringify(dataset),
          engineVersion: ENGINE_VERSION,
          createdBy: actor,
          createdAt: at,
          scored: results.length,
          errorCount: errorRegions,
          byGrade,
          warnings: JSON.stringify(evaluation.warnings),
        })
        .returning()
        .get();
      results.forEach((r, position) =>
        tx
          .insert(runResults)
          .values({
            runId: run.id,
            position,
            regionCode: r.region,
            rank: r.rank,
            grade: r.grade,
            total: r.total,
            result: JSON.stringify(r),
          })
          .run(),
      );
      errors.forEach((e, position) =>
        tx
          .insert(runErrors)
          .values({ runId: run.id, position, regionCode: e.region, error: JSON.stringify(e) })
          .run(),
      );
      const finished = tx
        .update(runs)
        .set({ status: 'finished' })
        .where(eq(runs.id, run.id))
        .returning()
        .get();
      appendAudit(tx, {
        user: actor,
        action: 'run.create',
        entity: 'run',
        entityId: run.id,
        beforeHash: null,
        afterHash: contentHash({ results, errors }),
        detail: {
          versionId: version.id,
          family: version.family,
          version: version.version,
          year: input.year,
          documentHash: finished.documentHash,
          datasetHash: finished.datasetHash,
          scored: results.length,
          errors: errorRegions,
        },
        at,
      });
      return summaryOf(finished, version);
    },
    { behavior: 'immediate' },
  );
}

function versionInfo(db: Tx, versionId: number): { family: string; version: number } {
  const v = db
    .select({ family: ruleVersions.family, version: ruleVersions.version })
    .from(ruleVersions)
    .where(eq(ruleVersions.id, versionId))
    .get();
  if (!v) throw new NotFoundError('version', versionId);
  return v;
}

function getRunRow(db: Tx, id: number): RunRow {
  const row = Number.isInteger(id) ? db.select().from(runs).where(eq(runs.id, id)).get() : undefined;
  if (!row) throw new NotFoundError('run', id);
  return row;
}

/** Runs, newest first, filtered by year, version or family. */
export function listRuns(db: Tx, filter: RunFilter = {}): RunSummary[] {
  const conds: SQL[] = [];
  if (filter.year !== undefined) conds.push(eq(runs.year, filter.year));
  if (filter.versionId !== undefined) conds.push(eq(runs.versionId, filter.versionId));
  if (filter.family) conds.push(eq(ruleVersions.family, filter.family));
  return db
    .select({ run: runs, family: ruleVersions.family, version: ruleVersions.version })
    .from(runs)
    .innerJoin(ruleVersions, eq(ruleVersions.id, runs.versionId))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .all()
    .map((r) => summaryOf(r.run, r));
}

/** A run's summary only. */
export function getRunSummary(db: Tx, id: number): RunSummary {
  const row = getRunRow(db, id);
  return summaryOf(row, versionInfo(db, row.versionId));
}

/** The stored result JSON texts of a run, in order (for byte-for-byte comparisons and exports). */
export function getRunResultTexts(db: Tx, id: number): { results: string[]; errors: string[] } {
  getRunRow(db, id);
  return {
    results: db
      .select({ result: runResults.result })
      .from(runResults)
      .where(eq(runResults.runId, id))
      .orderBy(asc(runResults.position))
      .all()
      .map((r) => r.result),
    errors: db
      .select({ error: runErrors.error })
      .from(runErrors)
      .where(eq(runErrors.runId, id))
      .orderBy(asc(runErrors.position))
      .all()
      .map((r) => r.error),
  };
}

/** A run with its grades, ranking (results without traces), errors and warnings. */
export function getRun(db: Tx, id: number): RunDetail {
  const row = getRunRow(db, id);
  const version = getVersion(db, row.versionId);
  const texts = getRunResultTexts(db, id);
  return {
    ...summaryOf(row, version),
    grades: version.document.grades,
    results: texts.results.map((t) => withoutTraces(JSON.parse(t) as RegionResult)),
    errors: texts.errors.map((t) => JSON.parse(t) as RegionError),
    warnings: JSON.parse(row.warnings) as RunWarning[],
  };
}

/** The exact dataset a run evaluated. */
export function getRunDataset(db: Tx, id: number): Dataset {
  return JSON.parse(getRunRow(db, id).dataset) as Dataset;
}

/**
 * One region's result with traces, plus `previous`: the region's result in the latest run of the
 * same family for the year before (null when there is none). NotFoundError when the region was not
 * scored in this run (its errors are in `getRun(...).errors`).
 */
export function getRunRegion(
  db: Tx,
  id: number,
  code: string,
): RegionResult & { previous: PreviousResult | null } {
  const row = getRunRow(db, id);
  const res = db
    .select({ result: runResults.result })
    .from(runResults)
    .where(and(eq(runResults.runId, id), eq(runResults.regionCode, code)))
    .get();
  if (!res) throw new NotFoundError(`run ${id} region`, code);
  const { family } = versionInfo(db, row.versionId);
  const prevRun = db
    .select({ id: runs.id, versionId: runs.versionId, year: runs.year, result: runResults.result })
    .from(runs)
    .innerJoin(ruleVersions, eq(ruleVersions.id, runs.versionId))
    .innerJoin(runResults, and(eq(runResults.runId, runs.id), eq(runResults.regionCode, code)))
    .where(
      and(
        eq(runs.year, row.year - 1),
        eq(ruleVersions.family, family),
        eq(runs.status, 'finished'),
        lt(runs.year, row.year),
      ),
    )
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .get();
  const previous: PreviousResult | null = prevRun
    ? {
        runId: prevRun.id,
        versionId: prevRun.versionId,
        year: prevRun.year,
        result: withoutTraces(JSON.parse(prevRun.result) as RegionResult),
      }
    : null;
  return { ...(JSON.parse(res.result) as RegionResult), previous };
}
