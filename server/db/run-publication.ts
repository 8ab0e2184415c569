/**
 * Publishing a finished run as the result of its year (SPEC sections 10 and 11), with four eyes:
 * `requestRunPublication` records the 文号, the publication date and the appeal window;
 * `approveRunPublication` by another person publishes it (403 `same_person` for the requester) and
 * signs the run's seal with the publication's facts; `publishRunDirect` does both at once for a
 * one-person installation (`ECOSCORE_FOUR_EYES=0`, audited with `fourEyes: false`). One published
 * run per family and year (a partial unique index). The appeal window ends `appealDays` calendar days
 * after `publishedOn` (`appealEndsOn`), read later by appeals.
 */
import { transaction } from './dialect.ts';
import { and, eq, isNull } from 'drizzle-orm';
import { SamePersonError } from '../trust/errors.ts';
import { addDays, dateProblem, docNumberProblem, requireValid } from '../trust/formats.ts';
import { sealOf } from '../trust/integrity.ts';
import { signFor } from '../trust/keys.ts';
import { publicationMessage } from '../trust/seal.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, type ImportProblem } from './errors.ts';
import { getRunResultTexts, getRunRow, publicationOf } from './runs.ts';
import { ruleVersions, runPublications, type RunPublicationRow } from './schema.ts';
import type { RunPublication, RunRequest } from './run-types.ts';
export type { RunPublication, RunRequest } from './run-types.ts';

export const DEFAULT_APPEAL_DAYS = 15;

export interface RunPublicationInput {
  docNumber?: unknown;
  publishedOn?: unknown;
  appealDays?: unknown;
}

function checkInput(input: RunPublicationInput): {
  docNumber: string;
  publishedOn: string;
  appealDays: number;
} {
  const appealDays = input.appealDays ?? DEFAULT_APPEAL_DAYS;
  let daysProblem: ImportProblem | undefined;
  if (typeof appealDays !== 'number' || !Number.isInteger(appealDays) || appealDays < 0 || appealDays > 365)
    daysProblem = {
      path: '/appealDays',
      code: 'invalid_appeal_days',
      message: '申诉期必须是 0–365 的整数天数 / appealDays must be an integer from 0 to 365',
    };
  requireValid([
    docNumberProblem(input.docNumber),
    dateProblem(input.publishedOn, '/publishedOn', 'publishedOn'),
    daysProblem,
  ]);
  return {
    docNumber: input.docNumber as string,
    publishedOn: input.publishedOn as string,
    appealDays: appealDays as number,
  };
}

async function familyOf(db: Tx, versionId: number): Promise<string> {
  return (await db
    .select({ family: ruleVersions.family })
    .from(ruleVersions)
    .where(eq(ruleVersions.id, versionId))
    .get())!.family;
}

async function publishedFor(db: Tx, family: string, year: number): Promise<RunPublicationRow | undefined> {
  return await db
    .select()
    .from(runPublications)
    .where(
      and(
        eq(runPublications.family, family),
        eq(runPublications.year, year),
        eq(runPublications.status, 'published'),
        isNull(runPublications.supersedes),
      ),
    )
    .get();
}

/**
 * A correction run (SPEC section 10) is published after the run it supersedes, which must be
 * published itself; it does not count against "one published run per family and year".
 */
async function checkCorrection(db: Tx, supersedes: number): Promise<void> {
  const prev = await db.select().from(runPublications).where(eq(runPublications.runId, supersedes)).get();
  if (!prev || prev.status !== 'published')
    throw new ConflictError(
      `更正运行所取代的运行 ${supersedes} 尚未发布 / the run this correction supersedes (${supersedes}) is not published`,
      undefined,
      'superseded_not_published',
    );
}

/** Checks the run can be published: finished, intact, no request yet, no published run for its year. */
async function prepare(
  tx: Tx,
  runId: number,
): Promise<{ family: string; year: number; supersedes: number | null }> {
  const run = await getRunRow(tx, runId);
  if (run.status !== 'finished')
    throw new ConflictError(
      `运行 ${runId} 尚未完成 / run ${runId} is not finished`,
      undefined,
      'not_finished',
    );
  await getRunResultTexts(tx, runId); // integrity: a tampered run is never published
  const family = await familyOf(tx, run.versionId);
  const existing = await tx.select().from(runPublications).where(eq(runPublications.runId, runId)).get();
  if (existing)
    throw new ConflictError(
      existing.status === 'pending'
        ? `运行 ${runId} 已有待批准的发布申请 / run ${runId} already has a pending request`
        : `运行 ${runId} 已发布 / run ${runId} is already published`,
      publicationOf(existing),
      existing.status === 'pending' ? 'pending_approval' : 'already_published',
    );
  if (run.supersedes !== null && run.supersedes !== undefined) {
    await checkCorrection(tx, run.supersedes);
    return { family, year: run.year, supersedes: run.supersedes };
  }
  const other = await publishedFor(tx, family, run.year);
  if (other)
    throw new ConflictError(
      `${family} ${run.year} 年度已发布运行 ${other.runId} 的结果 / the ${run.year} result of ${family} is already published (run ${other.runId})`,
      publicationOf(other),
      'already_published',
    );
  return { family, year: run.year, supersedes: null };
}

/** Records a request to publish a run. Audited as `run.request`. */
export async function requestRunPublication(
  db: Db,
  runId: number,
  input: RunPublicationInput,
  actor: string,
): Promise<RunRequest> {
  const p = checkInput(input);
  return await transaction(db, async (tx) => {
    const { family, year, supersedes } = await prepare(tx, runId);
    const at = nowIso();
    const row = await tx
      .insert(runPublications)
      .values({
        runId,
        family,
        year,
        status: 'pending',
        supersedes,
        ...p,
        appealEndsOn: addDays(p.publishedOn, p.appealDays),
        requestedBy: actor,
        requestedAt: at,
      })
      .returning()
      .get();
    await appendAudit(tx, {
      user: actor,
      action: 'run.request',
      entity: 'run',
      entityId: runId,
      detail: { family, year, ...p, appealEndsOn: row.appealEndsOn },
      at,
    });
    return { ...publicationOf(row), kind: 'run', id: runId };
  });
}

/**
 * The pending publication request of run `runId`: 404 without the run, 409 `not_pending` without a
 * request, `whenPublished` when the run's publication is no longer pending.
 */
async function pendingRequest(tx: Tx, runId: number, whenPublished: string): Promise<RunPublicationRow> {
  await getRunRow(tx, runId);
  const row = await tx.select().from(runPublications).where(eq(runPublications.runId, runId)).get();
  if (!row || row.status !== 'pending')
    throw new ConflictError(
      `运行 ${runId} 没有待批准的发布申请 / run ${runId} has no pending publication request`,
      row ? publicationOf(row) : undefined,
      row ? whenPublished : 'not_pending',
    );
  return row;
}

/** Withdraws a pending request. Audited as `run.withdraw`. */
export async function withdrawRunPublication(db: Db, runId: number, actor: string): Promise<void> {
  await transaction(db, async (tx) => {
    const row = await pendingRequest(tx, runId, 'not_pending');
    await tx
      .delete(runPublications)
      .where(and(eq(runPublications.runId, runId), eq(runPublications.status, 'pending')))
      .run();
    await appendAudit(tx, {
      user: actor,
      action: 'run.withdraw',
      entity: 'run',
      entityId: runId,
      detail: { requestedBy: row.requestedBy, requestedAt: row.requestedAt, docNumber: row.docNumber },
    });
  });
}

/** Signs and records the publication (the row must exist as pending). */
async function complete(
  tx: Tx,
  db: Db,
  row: RunPublicationRow,
  actor: string,
  fourEyes: boolean,
): Promise<RunPublication> {
  const run = await getRunRow(tx, row.runId);
  await getRunResultTexts(tx, row.runId);
  if (row.supersedes !== null) await checkCorrection(tx, row.supersedes);
  const other = row.supersedes === null ? await publishedFor(tx, row.family, row.year) : undefined;
  if (other && other.runId !== row.runId)
    throw new ConflictError(
      `${row.family} ${row.year} 年度已发布运行 ${other.runId} 的结果 / the ${row.year} result is already published (run ${other.runId})`,
      publicationOf(other),
      'already_published',
    );
  const seal = sealOf(run);
  const facts = {
    docNumber: row.docNumber,
    publishedOn: row.publishedOn,
    appealDays: row.appealDays,
    requestedBy: row.requestedBy,
    approvedBy: actor,
  };
  const { keyId, signature } = await signFor(tx, db, publicationMessage(row.runId, seal, facts));
  const at = nowIso();
  const entry = await appendAudit(tx, {
    user: actor,
    action: 'run.publish',
    entity: 'run',
    entityId: row.runId,
    beforeHash: run.resultsHash,
    afterHash: run.resultsHash,
    detail: {
      family: row.family,
      year: row.year,
      ...facts,
      appealEndsOn: row.appealEndsOn,
      fourEyes,
      seal,
      keyId,
      signature,
    },
    at,
  });
  const published = await tx
    .update(runPublications)
    .set({
      status: 'published',
      approvedBy: actor,
      approvedAt: at,
      fourEyes,
      keyId,
      signature,
      auditHash: entry.hash,
    })
    .where(and(eq(runPublications.runId, row.runId), eq(runPublications.status, 'pending')))
    .returning()
    .get();
  return publicationOf(published);
}

/** Approves a pending request (another person than the requester unless four eyes are off). */
export async function approveRunPublication(
  db: Db,
  runId: number,
  actor: string,
  settings: { fourEyes?: boolean } = {},
): Promise<RunPublication> {
  const fourEyes = settings.fourEyes ?? true;
  return await transaction(db, async (tx) => {
    const row = await pendingRequest(tx, runId, 'already_published');
    if (fourEyes && row.requestedBy === actor)
      throw new SamePersonError(
        `申请人不能批准自己的发布申请(四眼原则) / the requester cannot approve their own request (four eyes): ${actor}`,
      );
    return await complete(tx, db, row, actor, fourEyes);
  });
}

/** Publishes a run at once, one person (`ECOSCORE_FOUR_EYES=0`): request and approval by `actor`. */
export async function publishRunDirect(
  db: Db,
  runId: number,
  input: RunPublicationInput,
  actor: string,
): Promise<RunPublication> {
  // One transaction: the nested repository transactions become savepoints.
  return await transaction(db, async () => {
    await requestRunPublication(db, runId, input, actor);
    return await approveRunPublication(db, runId, actor, { fourEyes: false });
  });
}

/** Runs awaiting approval of their publication, oldest request first. */
export async function pendingRunPublications(db: Tx): Promise<RunPublication[]> {
  return (
    await db
      .select()
      .from(runPublications)
      .where(eq(runPublications.status, 'pending'))
      .orderBy(runPublications.requestedAt)
      .all()
  ).map(publicationOf);
}
