/**
 * Assessment runs: a published rule version evaluated (engine `evaluate`) on a year's data for every
 * region assessed that year. The run keeps the exact dataset it evaluated, the document and dataset
 * hashes, the engine version, and each region's result with its trace. A finished run never changes
 * (database triggers). The same version on the same data stores byte-identical results.
 *
 * Tamper evidence (SPEC section 11): a finished run stores the hash of its results, the hash of the
 * audit entry that finished it and an Ed25519 signature of its seal (document, dataset and results
 * hashes, engine version); every read that serves results re-checks them (server/trust/integrity.ts).
 */
import type { RunPublicationRow } from './schema.ts';
import type { RunPublication } from './run-types.ts';
import { createHash } from 'node:crypto';
import { transaction } from './dialect.ts';
import { and, asc, desc, eq, lt, type SQL } from 'drizzle-orm';
import {
  canonicalJson,
  contentHash,
  datasetHash,
  ENGINE_VERSION,
  InvalidDocumentError,
} from '../../engine/index.ts';
import { evaluateStreamed, type StreamedEvaluation } from '../../engine/evaluate/stream.ts';
import type { Dataset, Evaluation, Grade, RegionError, RegionResult } from '../../engine/types.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import { assertRunIntact } from '../trust/integrity.ts';
import { signFor } from '../trust/keys.ts';
import { sealMessage } from '../trust/seal.ts';
import { appealStateOf } from './appeal-window.ts';
import type { Db } from './client.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { storedDataset } from './dataset-cache.ts';
import {
  previousRegionResult,
  regionResultText,
  withoutTraces,
  withPreviousYear,
  type PreviousResult,
} from './previous-year.ts';
export { withoutTraces, type PreviousResult } from './previous-year.ts';
import { ruleVersions, runErrors, runPublications, runResults, runs, type RunRow } from './schema.ts';
import { IntegrityError } from '../trust/errors.ts';
import { getVersion, type Version } from './versions.ts';
import type { RunSummary, RunWarning, RunDetail, RunFilter } from './run-types.ts';
export type { RunCounts, RunSummary, RunWarning, RunDetail, RunFilter } from './run-types.ts';

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function summaryOf(
  row: RunRow,
  v: { family: string; version: number },
  publication: RunPublication | null = null,
  supersededBy: number | null = null,
): RunSummary {
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
    resultsHash: row.resultsHash,
    publication,
    supersedes: row.supersedes ?? null,
    supersededBy,
    appealState: appealStateOf(publication),
    corrections: row.corrections
      ? { appeals: (JSON.parse(row.corrections) as { appeals: number[] }).appeals }
      : null,
  };
}

/** The id of the correction run that supersedes run `id`, or null. */
export async function successorOf(db: Tx, id: number): Promise<number | null> {
  return (await db.select({ id: runs.id }).from(runs).where(eq(runs.supersedes, id)).get())?.id ?? null;
}

/** The stored order of an evaluation: results by rank then region code, errors by region code then engine order. */
export function orderEvaluation(evaluation: { results: RegionResult[]; errors: RegionError[] }): {
  results: RegionResult[];
  errors: RegionError[];
} {
  return {
    results: [...evaluation.results].sort((a, b) => a.rank - b.rank || cmp(a.region, b.region)),
    errors: evaluation.errors
      .map((e, i) => ({ e, i }))
      .sort((a, b) => cmp(a.e.region, b.e.region) || a.i - b.i)
      .map((x) => x.e),
  };
}

/**
 * Runs the assessment: evaluates the published version `versionId` on the data of `year` (the
 * regions assessed that year) and stores the finished run. Audited as `run.create`.
 */
export async function createRun(
  db: Db,
  input: { versionId: number; year: number },
  actor: string,
): Promise<RunSummary> {
  return await transaction(db, async (tx) => {
    const version = await getVersion(tx, input.versionId);
    if (version.status !== 'published')
      throw new ConflictError(
        `只能用已发布的版本进行考核(版本 ${version.id} 是 ${version.status}) / only a published version can be run (version ${version.id} is ${version.status})`,
        version,
        'not_published',
      );
    // Read inside the (immediate) transaction: the data cannot change between reading and storing.
    const stored = await storedDataset(db, input.year, tx);
    // Schema version 2: last year's values from the stored data of year − 1 (kept with the run).
    const dataset = await withPreviousYear(db, version.document, stored.dataset, input.year, tx);
    const storedHash = dataset === stored.dataset ? stored.hash : undefined;
    // Streamed: totals and ranks first, then the full results group by group as they are stored,
    // so that memory grows with one group of results, not with every region's (each the result
    // `evaluate` gives, byte for byte).
    let evaluation: StreamedEvaluation;
    try {
      evaluation = evaluateStreamed(version.document, dataset, { trace: true, datasetHash: storedHash });
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
    return await storeRun(tx, db, {
      version,
      year: input.year,
      dataset,
      evaluation,
      actor,
    });
  });
}

/** What `storeRun` stores: an evaluation of a version on a dataset, and for a correction run its links. */
export interface RunToStore {
  version: Version;
  year: number;
  dataset: Dataset;
  /** Whole, or streamed (its results then scored and stored group by group). */
  evaluation: Evaluation | StreamedEvaluation;
  actor: string;
  /** A correction run: the run it supersedes and what it applied (JSON text stored with the run). */
  supersedes?: number;
  corrections?: unknown;
  /** Added to the `run.create` audit entry's detail. */
  detail?: Record<string, unknown>;
}

/**
 * Stores a finished run inside the caller's transaction: results and errors in order, the results
 * hash, the `run.create` audit entry and the signed seal.
 */
export async function storeRun(tx: Tx, db: Db, input: RunToStore): Promise<RunSummary> {
  const { version, dataset, evaluation, actor } = input;
  const errors = orderEvaluation({ results: [], errors: evaluation.errors }).errors;
  const { scored, byGrade, results } = inStoredOrder(evaluation, version.document.grades);
  const errorRegions = new Set(errors.map((e) => e.region)).size;
  const at = nowIso();
  const run = await tx
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
      scored,
      errorCount: errorRegions,
      byGrade,
      warnings: JSON.stringify(evaluation.warnings),
      supersedes: input.supersedes ?? null,
      corrections: input.corrections === undefined ? null : JSON.stringify(input.corrections),
    })
    .returning()
    .get();
  // The results hash as `resultsHashOf` computes it over the stored texts — SHA-256 of the
  // canonical JSON of { errors, results } — written piece by piece as each text is stored.
  const hash = new StoredTextsHash();
  const errorTexts = errors.map((e) => JSON.stringify(e));
  for (const text of errorTexts) hash.error(text);
  let position = 0;
  for (const r of results) {
    const text = JSON.stringify(r);
    hash.result(text);
    await tx
      .insert(runResults)
      .values({
        runId: run.id,
        position,
        regionCode: r.region,
        rank: r.rank,
        grade: r.grade,
        total: r.total,
        result: text,
      })
      .run();
    position++;
  }
  for (const [position, e] of errors.entries())
    await tx
      .insert(runErrors)
      .values({ runId: run.id, position, regionCode: e.region, error: errorTexts[position] })
      .run();
  // The hash of the results as stored (what verification recomputes), the audit entry that
  // finishes the run, then the signed seal — all recorded on the run as it becomes immutable.
  const resultsHash = hash.digest();
  const entry = await appendAudit(tx, {
    user: actor,
    action: 'run.create',
    entity: 'run',
    entityId: run.id,
    beforeHash: null,
    afterHash: resultsHash,
    detail: {
      versionId: version.id,
      family: version.family,
      version: version.version,
      year: input.year,
      documentHash: run.documentHash,
      datasetHash: run.datasetHash,
      engineVersion: run.engineVersion,
      scored,
      errors: errorRegions,
      ...input.detail,
    },
    at,
  });
  const { keyId, signature } = await signFor(
    tx,
    db,
    sealMessage({
      documentHash: run.documentHash,
      datasetHash: run.datasetHash,
      resultsHash,
      engineVersion: run.engineVersion,
    }),
  );
  const finished = await tx
    .update(runs)
    .set({ status: 'finished', resultsHash, auditHash: entry.hash, keyId, signature })
    .where(eq(runs.id, run.id))
    .returning()
    .get();
  return summaryOf(finished, version);
}

/**
 * An evaluation's results in the stored order (rank, then region code), with their count and
 * the count per grade: a whole evaluation's sorted; a streamed one's scored as they are iterated.
 */
function inStoredOrder(
  evaluation: Evaluation | StreamedEvaluation,
  grades: readonly Grade[],
): { scored: number; byGrade: Record<string, number>; results: Iterable<RegionResult> } {
  const byGrade: Record<string, number> = {};
  for (const g of grades) byGrade[g.id] = 0;
  if (!('ranking' in evaluation)) {
    const results = orderEvaluation({ results: evaluation.results, errors: [] }).results;
    for (const r of results) byGrade[r.grade] = (byGrade[r.grade] ?? 0) + 1;
    return { scored: results.length, byGrade, results };
  }
  const ranking = evaluation.ranking;
  for (const r of ranking) byGrade[grades[r.gradeIndex].id]++;
  const order = ranking
    .map((_, i) => i)
    .sort((a, b) => ranking[a].rank - ranking[b].rank || cmp(ranking[a].region, ranking[b].region));
  return { scored: ranking.length, byGrade, results: { [Symbol.iterator]: () => evaluation.results(order) } };
}

/**
 * `resultsHashOf` written incrementally: SHA-256 of `{"errors":[…],"results":[…]}`, each element
 * the canonical JSON of a stored text (errors first, then results, each in stored order).
 */
class StoredTextsHash {
  private readonly sha = createHash('sha256');
  private errors = 0;
  private results = -1;

  constructor() {
    this.sha.update('{"errors":[');
  }

  error(text: string): void {
    if (this.results >= 0) throw new Error('errors come before results');
    this.sha.update((this.errors++ > 0 ? ',' : '') + canonicalJson(JSON.parse(text)), 'utf8');
  }

  result(text: string): void {
    if (this.results < 0) {
      this.sha.update('],"results":[');
      this.results = 0;
    }
    this.sha.update((this.results++ > 0 ? ',' : '') + canonicalJson(JSON.parse(text)), 'utf8');
  }

  digest(): string {
    if (this.results < 0) this.sha.update('],"results":[');
    this.sha.update(']}');
    return this.sha.digest('hex');
  }
}

async function versionInfo(db: Tx, versionId: number): Promise<{ family: string; version: number }> {
  const v = await db
    .select({ family: ruleVersions.family, version: ruleVersions.version })
    .from(ruleVersions)
    .where(eq(ruleVersions.id, versionId))
    .get();
  if (!v) throw new NotFoundError('version', versionId);
  return v;
}

export async function getRunRow(db: Tx, id: number): Promise<RunRow> {
  const row = Number.isInteger(id) ? await db.select().from(runs).where(eq(runs.id, id)).get() : undefined;
  if (!row) throw new NotFoundError('run', id);
  return row;
}

/** Runs, newest first, filtered by year, version or family. */
export async function listRuns(db: Tx, filter: RunFilter = {}): Promise<RunSummary[]> {
  const conds: SQL[] = [];
  if (filter.year !== undefined) conds.push(eq(runs.year, filter.year));
  if (filter.versionId !== undefined) conds.push(eq(runs.versionId, filter.versionId));
  if (filter.family) conds.push(eq(ruleVersions.family, filter.family));
  return await Promise.all(
    (
      await db
        .select({
          run: runs,
          family: ruleVersions.family,
          version: ruleVersions.version,
          publication: runPublications,
        })
        .from(runs)
        .innerJoin(ruleVersions, eq(ruleVersions.id, runs.versionId))
        .leftJoin(runPublications, eq(runPublications.runId, runs.id))
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(runs.createdAt), desc(runs.id))
        .all()
    ).map(async (r) =>
      summaryOf(
        r.run,
        r,
        r.publication ? publicationOf(r.publication) : null,
        await successorOf(db, r.run.id),
      ),
    ),
  );
}

/** A run's summary only. */
export async function getRunSummary(db: Tx, id: number): Promise<RunSummary> {
  const row = await getRunRow(db, id);
  return summaryOf(
    row,
    await versionInfo(db, row.versionId),
    await getPublication(db, id),
    await successorOf(db, id),
  );
}

async function getPublication(db: Tx, runId: number): Promise<RunPublication | null> {
  const p = await db.select().from(runPublications).where(eq(runPublications.runId, runId)).get();
  return p ? publicationOf(p) : null;
}

/** The stored texts of a finished run, served only when its results hash, seal and audit entry hold. */
async function intactTexts(db: Tx, row: RunRow): Promise<{ results: string[]; errors: string[] }> {
  const texts = await readTexts(db, row.id);
  await assertRunIntact(db, row, texts);
  return texts;
}

/** The stored result JSON texts of a run, in order (for byte-for-byte comparisons and exports); integrity-checked. */
export async function getRunResultTexts(
  db: Tx,
  id: number,
): Promise<{ results: string[]; errors: string[] }> {
  return await intactTexts(db, await getRunRow(db, id));
}

/** A run's stored result and error texts in their order, as they are (unchecked: trust/verify.ts checks them). */
export async function readTexts(db: Tx, id: number): Promise<{ results: string[]; errors: string[] }> {
  return {
    results: (
      await db
        .select({ result: runResults.result })
        .from(runResults)
        .where(eq(runResults.runId, id))
        .orderBy(asc(runResults.position))
        .all()
    ).map((r) => r.result),
    errors: (
      await db
        .select({ error: runErrors.error })
        .from(runErrors)
        .where(eq(runErrors.runId, id))
        .orderBy(asc(runErrors.position))
        .all()
    ).map((r) => r.error),
  };
}

/** A run with its grades, ranking (results without traces), errors and warnings. */
export async function getRun(db: Tx, id: number): Promise<RunDetail> {
  const row = await getRunRow(db, id);
  const version = await getVersion(db, row.versionId);
  const texts = await intactTexts(db, row);
  return {
    ...summaryOf(row, version, await getPublication(db, id), await successorOf(db, id)),
    grades: version.document.grades,
    results: texts.results.map((t) => withoutTraces(JSON.parse(t) as RegionResult)),
    errors: texts.errors.map((t) => JSON.parse(t) as RegionError),
    warnings: JSON.parse(row.warnings) as RunWarning[],
  };
}

/** The exact dataset a run evaluated (IntegrityError when it no longer matches the run's dataset hash). */
export async function getRunDataset(db: Tx, id: number): Promise<Dataset> {
  const row = await getRunRow(db, id);
  const dataset = JSON.parse(row.dataset) as Dataset;
  if (row.status === 'finished' && row.resultsHash && datasetHash(dataset) !== row.datasetHash)
    throw new IntegrityError(
      'runs',
      id,
      'dataset_hash_mismatch',
      `运行 ${id} 的数据与其数据哈希不符 / run ${id}: the dataset does not match its hash`,
    );
  return dataset;
}

/**
 * One region's result with traces, plus `previous`: the region's result in the latest run of the
 * same family for the year before (null when there is none). NotFoundError when the region was not
 * scored in this run (its errors are in `getRun(...).errors`).
 */
export async function getRunRegion(
  db: Tx,
  id: number,
  code: string,
): Promise<RegionResult & { previous: PreviousResult | null }> {
  const row = await getRunRow(db, id);
  await intactTexts(db, row);
  const text = await regionResultText(db, id, code);
  const { family } = await versionInfo(db, row.versionId);
  const previous = await previousRegionResult(db, family, row.year, code);
  if (previous) await intactTexts(db, await getRunRow(db, previous.runId));
  return { ...(JSON.parse(text) as RegionResult), previous };
}

export function publicationOf(row: RunPublicationRow): RunPublication {
  return {
    runId: row.runId,
    status: row.status,
    docNumber: row.docNumber,
    publishedOn: row.publishedOn,
    appealDays: row.appealDays,
    appealEndsOn: row.appealEndsOn,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    approvedBy: row.approvedBy,
    approvedAt: row.approvedAt,
    fourEyes: row.fourEyes,
    keyId: row.keyId,
    signature: row.signature,
  };
}
