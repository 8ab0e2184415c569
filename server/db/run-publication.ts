/**
 * Publishing a finished run as the result of its year (SPEC sections 10 and 11), with four eyes:
 * `requestRunPublication` records the 文号, the publication date and the appeal window;
 * `approveRunPublication` by another person publishes it (403 `same_person` for the requester) and
 * signs the run's seal with the publication's facts; `publishRunDirect` does both at once for a
 * one-person installation (`ECOSCORE_FOUR_EYES=0`, audited with `fourEyes: false`). One published
 * run per family and year (a partial unique index). The appeal window ends `appealDays` calendar days
 * after `publishedOn` (`appealEndsOn`), read later by appeals.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { SamePersonError } from '../trust/errors.ts';
import { addDays, dateProblem, docNumberProblem, requireValid } from '../trust/formats.ts';
import { sealOf } from '../trust/integrity.ts';
import { signFor } from '../trust/keys.ts';
import { publicationMessage } from '../trust/seal.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, type ImportProblem } from './errors.ts';
import { getRunResultTexts, getRunRow } from './runs.ts';
import { ruleVersions, runPublications, type RunPublicationRow } from './schema.ts';

export const DEFAULT_APPEAL_DAYS = 15;

export interface RunPublicationInput {
  docNumber?: unknown;
  publishedOn?: unknown;
  appealDays?: unknown;
}

/** A run's publication as the API shows it. */
export interface RunPublication {
  runId: number;
  status: 'pending' | 'published';
  docNumber: string;
  publishedOn: string;
  appealDays: number;
  /** The last day appeals are open: `publishedOn` + `appealDays` calendar days. */
  appealEndsOn: string;
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  fourEyes: boolean;
  keyId: string | null;
  signature: string | null;
}

/** A recorded request (`POST /api/runs/:id/publish` with four eyes on). */
export interface RunRequest extends RunPublication {
  kind: 'run';
  id: number;
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

function familyOf(db: Tx, versionId: number): string {
  return db
    .select({ family: ruleVersions.family })
    .from(ruleVersions)
    .where(eq(ruleVersions.id, versionId))
    .get()!.family;
}

function publishedFor(db: Tx, family: string, year: number): RunPublicationRow | undefined {
  return db
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
function checkCorrection(db: Tx, supersedes: number): void {
  const prev = db.select().from(runPublications).where(eq(runPublications.runId, supersedes)).get();
  if (!prev || prev.status !== 'published')
    throw new ConflictError(
      `更正运行所取代的运行 ${supersedes} 尚未发布 / the run this correction supersedes (${supersedes}) is not published`,
      undefined,
      'superseded_not_published',
    );
}

/** Checks the run can be published: finished, intact, no request yet, no published run for its year. */
function prepare(tx: Tx, runId: number): { family: string; year: number; supersedes: number | null } {
  const run = getRunRow(tx, runId);
  if (run.status !== 'finished')
    throw new ConflictError(
      `运行 ${runId} 尚未完成 / run ${runId} is not finished`,
      undefined,
      'not_finished',
    );
  getRunResultTexts(tx, runId); // integrity: a tampered run is never published
  const family = familyOf(tx, run.versionId);
  const existing = tx.select().from(runPublications).where(eq(runPublications.runId, runId)).get();
  if (existing)
    throw new ConflictError(
      existing.status === 'pending'
        ? `运行 ${runId} 已有待批准的发布申请 / run ${runId} already has a pending request`
        : `运行 ${runId} 已发布 / run ${runId} is already published`,
      publicationOf(existing),
      existing.status === 'pending' ? 'pending_approval' : 'already_published',
    );
  if (run.supersedes !== null && run.supersedes !== undefined) {
    checkCorrection(tx, run.supersedes);
    return { family, year: run.year, supersedes: run.supersedes };
  }
  const other = publishedFor(tx, family, run.year);
  if (other)
    throw new ConflictError(
      `${family} ${run.year} 年度已发布运行 ${other.runId} 的结果 / the ${run.year} result of ${family} is already published (run ${other.runId})`,
      publicationOf(other),
      'already_published',
    );
  return { family, year: run.year, supersedes: null };
}

/** Records a request to publish a run. Audited as `run.request`. */
export function requestRunPublication(
  db: Db,
  runId: number,
  input: RunPublicationInput,
  actor: string,
): RunRequest {
  const p = checkInput(input);
  return db.transaction(
    (tx) => {
      const { family, year, supersedes } = prepare(tx, runId);
      const at = nowIso();
      const row = tx
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
      appendAudit(tx, {
        user: actor,
        action: 'run.request',
        entity: 'run',
        entityId: runId,
        detail: { family, year, ...p, appealEndsOn: row.appealEndsOn },
        at,
      });
      return { ...publicationOf(row), kind: 'run', id: runId };
    },
    { behavior: 'immediate' },
  );
}

/** Withdraws a pending request. Audited as `run.withdraw`. */
export function withdrawRunPublication(db: Db, runId: number, actor: string): void {
  db.transaction(
    (tx) => {
      getRunRow(tx, runId);
      const row = tx.select().from(runPublications).where(eq(runPublications.runId, runId)).get();
      if (!row || row.status !== 'pending')
        throw new ConflictError(
          `运行 ${runId} 没有待批准的发布申请 / run ${runId} has no pending publication request`,
          row ? publicationOf(row) : undefined,
          'not_pending',
        );
      tx.delete(runPublications)
        .where(and(eq(runPublications.runId, runId), eq(runPublications.status, 'pending')))
        .run();
      appendAudit(tx, {
        user: actor,
        action: 'run.withdraw',
        entity: 'run',
        entityId: runId,
        detail: { requestedBy: row.requestedBy, requestedAt: row.requestedAt, docNumber: row.docNumber },
      });
    },
    { behavior: 'immediate' },
  );
}

/** Signs and records the publication (the row must exist as pending). */
function complete(tx: Tx, db: Db, row: RunPublicationRow, actor: string, fourEyes: boolean): RunPublication {
  const run = getRunRow(tx, row.runId);
  getRunResultTexts(tx, row.runId);
  if (row.supersedes !== null) checkCorrection(tx, row.supersedes);
  const other = row.supersedes === null ? publishedFor(tx, row.family, row.year) : undefined;
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
  const { keyId, signature } = signFor(tx, db, publicationMessage(row.runId, seal, facts));
  const at = nowIso();
  const entry = appendAudit(tx, {
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
  const published = tx
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
export function approveRunPublication(
  db: Db,
  runId: number,
  actor: string,
  settings: { fourEyes?: boolean } = {},
): RunPublication {
  const fourEyes = settings.fourEyes ?? true;
  return db.transaction(
    (tx) => {
      getRunRow(tx, runId);
      const row = tx.select().from(runPublications).where(eq(runPublications.runId, runId)).get();
      if (!row || row.status !== 'pending')
        throw new ConflictError(
          `运行 ${runId} 没有待批准的发布申请 / run ${runId} has no pending publication request`,
          row ? publicationOf(row) : undefined,
          row ? 'already_published' : 'not_pending',
        );
      if (fourEyes && row.requestedBy === actor)
        throw new SamePersonError(
          `申请人不能批准自己的发布申请(四眼原则) / the requester cannot approve their own request (four eyes): ${actor}`,
        );
      return complete(tx, db, row, actor, fourEyes);
    },
    { behavior: 'immediate' },
  );
}

/** Publishes a run at once, one person (`ECOSCORE_FOUR_EYES=0`): request and approval by `actor`. */
export function publishRunDirect(
  db: Db,
  runId: number,
  input: RunPublicationInput,
  actor: string,
): RunPublication {
  // One transaction: the nested repository transactions become savepoints.
  return db.transaction(
    () => {
      requestRunPublication(db, runId, input, actor);
      return approveRunPublication(db, runId, actor, { fourEyes: false });
    },
    { behavior: 'immediate' },
  );
}

/** Runs awaiting approval of their publication, oldest request first. */
export function pendingRunPublications(db: Tx): RunPublication[] {
  return db
    .select()
    .from(runPublications)
    .where(eq(runPublications.status, 'pending'))
    .orderBy(runPublications.requestedAt)
    .all()
    .map(publicationOf);
}
