/**
 * Publishing a rule version with four eyes (SPEC section 11): `requestPublication` records who asks
 * (the draft is then locked), `withdrawPublication` unlocks it, `approveVersion` by another person
 * publishes it with a 文号 and effective date; `publishVersion` publishes directly for a one-person
 * installation (`ECOSCORE_FOUR_EYES=0`, audited with `fourEyes: false`). Publishing retires the
 * previous version of the family and year, signs the content hash (Ed25519) and records the hash of
 * the approving audit entry on the version, all in one transaction.
 */
import { transaction } from './dialect.ts';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { errorsOf, validateDocument } from '../../engine/index.ts';
import { SamePersonError } from '../trust/errors.ts';
import { dateProblem, docNumberProblem, requireValid } from '../trust/formats.ts';
import { signFor } from '../trust/keys.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, ValidationError, mapTriggerErrors } from './errors.ts';
import { ruleVersions } from './schema.ts';
import { changedVersion } from './version-reads.ts';
import {
  getRow,
  getVersion,
  listVersions,
  notDraft,
  pendingConflict,
  toSummary,
  toVersion,
  type PublishOptions,
  type Version,
  type VersionSummary,
} from './versions.ts';

/** A recorded publication request (`POST /api/versions/:id/publish` with four eyes on). */
export interface VersionRequest {
  status: 'pending';
  kind: 'version';
  id: number;
  requestedBy: string;
  requestedAt: string;
  version: VersionSummary;
}

/** The document's problems (schema, semantics, tests); ValidationError `invalid_document` when any. */
async function requirePublishable(db: Tx, id: number, before: Version): Promise<void> {
  const row = await getRow(db, id);
  // Warnings (a stale rubric, say) do not block publication.
  const problems = errorsOf(
    validateDocument(before.document, {
      sourceBytes: Buffer.byteLength(row.document, 'utf8'),
    }),
  );
  if (problems.length)
    throw new ValidationError(
      `文档未通过校验(${problems.length} 个问题),不能发布 / the document does not validate (${problems.length} problems) and cannot be published`,
      problems,
      'invalid_document',
    );
}

function checkPublishOptions(opts: PublishOptions): { docNumber: string; effectiveDate: string } {
  requireValid([
    docNumberProblem(opts.docNumber),
    dateProblem(opts.effectiveDate, '/effectiveDate', 'effectiveDate'),
  ]);
  return { docNumber: opts.docNumber as string, effectiveDate: opts.effectiveDate as string };
}

function checkRevision(before: Version, expectedRevision: number | undefined): void {
  if (expectedRevision !== undefined && before.revision !== expectedRevision)
    throw new ConflictError(
      `版本 ${before.id} 已被修改 / version ${before.id} changed since it was read`,
      before,
      'stale_revision',
    );
}

/**
 * Asks for a draft to be published (four eyes): the document must validate and its tests pass; the
 * draft is locked until approved or withdrawn. Audited as `version.request`.
 */
export async function requestPublication(
  db: Db,
  id: number,
  opts: { expectedRevision?: number },
  actor: string,
): Promise<VersionRequest> {
  const before = await getVersion(db, id);
  if (before.status !== 'draft') throw notDraft(before, '发布');
  if (before.pending) throw pendingConflict(before);
  checkRevision(before, opts.expectedRevision);
  await requirePublishable(db, id, before);
  return await transaction(db, async (tx) => {
    const at = nowIso();
    const row = await tx
      .update(ruleVersions)
      .set({ requestedBy: actor, requestedAt: at })
      .where(
        and(
          eq(ruleVersions.id, id),
          eq(ruleVersions.status, 'draft'),
          eq(ruleVersions.revision, before.revision),
          isNull(ruleVersions.requestedAt),
        ),
      )
      .returning()
      .get();
    if (!row) throw await changedVersion(tx, id);
    await appendAudit(tx, {
      user: actor,
      action: 'version.request',
      entity: 'version',
      entityId: id,
      beforeHash: row.contentHash,
      afterHash: row.contentHash,
      detail: { family: row.family, year: row.year, version: row.version, revision: row.revision },
      at,
    });
    return {
      status: 'pending',
      kind: 'version',
      id,
      requestedBy: actor,
      requestedAt: at,
      version: toSummary(row),
    };
  });
}

/** Withdraws a pending request: the draft can be edited again. Audited as `version.withdraw`. */
export async function withdrawPublication(db: Db, id: number, actor: string): Promise<Version> {
  return await transaction(db, async (tx) => {
    const current = await getVersion(tx, id);
    if (current.status !== 'draft' || !current.pending)
      throw new ConflictError(
        `版本 ${id} 没有待批准的发布申请 / version ${id} has no pending publication request`,
        current,
        'not_pending',
      );
    const row = await tx
      .update(ruleVersions)
      .set({ requestedBy: null, requestedAt: null })
      .where(and(eq(ruleVersions.id, id), eq(ruleVersions.status, 'draft')))
      .returning()
      .get();
    await appendAudit(tx, {
      user: actor,
      action: 'version.withdraw',
      entity: 'version',
      entityId: id,
      beforeHash: row.contentHash,
      afterHash: row.contentHash,
      detail: { requestedBy: current.requestedBy, requestedAt: current.requestedAt },
    });
    return toVersion(row);
  });
}

/**
 * Approves a pending request and publishes the version: `actor` must not be the requester (403
 * `same_person`) unless `fourEyes` is false. Needs a 文号 and an effective date.
 */
export async function approveVersion(
  db: Db,
  id: number,
  opts: PublishOptions,
  actor: string,
  settings: { fourEyes?: boolean } = {},
): Promise<Version> {
  const fourEyes = settings.fourEyes ?? true;
  const publication = checkPublishOptions(opts);
  const before = await getVersion(db, id);
  if (before.status !== 'draft') throw notDraft(before, '发布');
  if (!before.pending || !before.requestedBy)
    throw new ConflictError(
      `版本 ${id} 没有待批准的发布申请 / version ${id} has no pending publication request`,
      before,
      'not_pending',
    );
  if (fourEyes && before.requestedBy === actor)
    throw new SamePersonError(
      `申请人不能批准自己的发布申请(四眼原则) / the requester cannot approve their own request (four eyes): ${actor}`,
    );
  checkRevision(before, opts.expectedRevision);
  await requirePublishable(db, id, before);
  return await publish(db, before, publication, {
    requestedBy: before.requestedBy,
    approvedBy: actor,
    fourEyes,
  });
}

/**
 * Publishes a draft directly, without a second person: only for a one-person installation
 * (`ECOSCORE_FOUR_EYES=0`). Needs a 文号 and an effective date; audited with `fourEyes: false`.
 */
export async function publishVersion(
  db: Db,
  id: number,
  opts: PublishOptions,
  actor: string,
): Promise<Version> {
  const publication = checkPublishOptions(opts);
  const before = await getVersion(db, id);
  if (before.status !== 'draft') throw notDraft(before, '发布');
  checkRevision(before, opts.expectedRevision);
  await requirePublishable(db, id, before);
  return await publish(db, before, publication, {
    requestedBy: before.requestedBy ?? actor,
    approvedBy: actor,
    fourEyes: false,
  });
}

/**
 * The publication itself, one transaction: retire the previous version of the family and year,
 * write the approving audit entry, sign the content hash, record both on the version.
 */
async function publish(
  db: Db,
  before: Version,
  p: { docNumber: string; effectiveDate: string },
  who: { requestedBy: string; approvedBy: string; fourEyes: boolean },
): Promise<Version> {
  const id = before.id;
  const actor = who.approvedBy;
  return await transaction(db, async (tx) => {
    const at = nowIso();
    const previous = await tx
      .select()
      .from(ruleVersions)
      .where(
        and(
          eq(ruleVersions.family, before.family),
          eq(ruleVersions.year, before.year),
          eq(ruleVersions.status, 'published'),
          ne(ruleVersions.id, id),
        ),
      )
      .get();
    if (previous) {
      await mapTriggerErrors(
        async () =>
          await tx
            .update(ruleVersions)
            .set({ status: 'retired', retiredAt: at, retiredBy: actor })
            .where(eq(ruleVersions.id, previous.id))
            .run(),
      );
      await appendAudit(tx, {
        user: actor,
        action: 'version.retire',
        entity: 'version',
        entityId: previous.id,
        beforeHash: previous.contentHash,
        afterHash: previous.contentHash,
        detail: {
          family: previous.family,
          year: previous.year,
          version: previous.version,
          supersededBy: id,
        },
        at,
      });
    }
    const { keyId, signature } = await signFor(tx, db, before.contentHash, at);
    const entry = await appendAudit(tx, {
      user: actor,
      action: 'version.publish',
      entity: 'version',
      entityId: id,
      beforeHash: before.contentHash,
      afterHash: before.contentHash,
      detail: {
        family: before.family,
        year: before.year,
        version: before.version,
        revision: before.revision,
        docNumber: p.docNumber,
        effectiveDate: p.effectiveDate,
        requestedBy: who.requestedBy,
        approvedBy: who.approvedBy,
        fourEyes: who.fourEyes,
        keyId,
        signature,
        retired: previous?.id ?? null,
      },
      at,
    });
    // Guarded by the revision that was validated: a concurrent edit makes this a conflict.
    const row = await mapTriggerErrors(
      async () =>
        await tx
          .update(ruleVersions)
          .set({
            status: 'published',
            publishedAt: at,
            publishedBy: actor,
            requestedBy: who.requestedBy,
            requestedAt: before.requestedAt ?? at,
            fourEyes: who.fourEyes,
            docNumber: p.docNumber,
            effectiveDate: p.effectiveDate,
            keyId,
            signature,
            approvalAuditHash: entry.hash,
          })
          .where(
            and(
              eq(ruleVersions.id, id),
              eq(ruleVersions.status, 'draft'),
              eq(ruleVersions.revision, before.revision),
              eq(ruleVersions.contentHash, before.contentHash),
            ),
          )
          .returning()
          .get(),
    );
    if (!row) throw await changedVersion(tx, id, ' while publishing');
    return toVersion(row);
  });
}

/** Drafts awaiting approval, oldest request first. */
export async function pendingVersions(db: Tx): Promise<VersionSummary[]> {
  return (await listVersions(db, { status: 'draft' }))
    .filter((v) => v.pending)
    .sort((a, b) => (a.requestedAt ?? '').localeCompare(b.requestedAt ?? ''));
}
