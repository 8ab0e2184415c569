/**
 * Rule families and versions: draft → published → retired.
 *
 * - Version numbers grow per family and are never reused (`rule_families.last_version`).
 * - A draft changes only with the revision it was read at (optimistic concurrency): a stale revision
 *   is a ConflictError carrying the current version, and nothing is written.
 * - Publishing takes two people (SPEC section 11): `requestPublication` records a request (the draft
 *   is then locked: no edit until `withdrawPublication`), `approveVersion` by another person publishes
 *   it with a 文号 and effective date. `publishVersion` publishes directly, for a one-person
 *   installation (`ECOSCORE_FOUR_EYES=0`), recorded as such in the audit log.
 * - Publishing requires `validateDocument` (schema, semantics and the document's tests) to return no
 *   problem; it records who asked, who approved, when, the content hash and its Ed25519 signature,
 *   the audit hash of the approving entry, the 文号 and effective date, and retires the previously
 *   published version of the same family and year, which stays readable.
 * - Published and retired versions never change (database triggers; see migrations), and every read
 *   of one re-checks its hash, signature and approval entry (server/trust/integrity.ts).
 */
import { transaction } from './dialect.ts';
import { and, eq } from 'drizzle-orm';
import { contentHash, errorsOf, validateDocument } from '../../engine/index.ts';
import type { RuleDocument } from '../../engine/types.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import {
  ConflictError,
  ImmutableError,
  NotFoundError,
  ValidationError,
  mapTriggerErrors,
  type ImportProblem,
} from './errors.ts';
import { ruleFamilies, ruleVersions } from './schema.ts';
import { changedVersion, getRow, getVersion, toVersion, type Version } from './version-reads.ts';
import { blankDocument, checkStorable } from './version-document.ts';
export { blankDocument, MAX_DOCUMENT_BYTES } from './version-document.ts';
// The reads live in their own module; re-exported so callers keep one import.
export {
  getEffectiveVersion,
  getRow,
  getVersion,
  latestVersions,
  listFamilies,
  listVersions,
  runVersionTests,
  toSummary,
  toVersion,
  validateVersion,
  type Version,
  type VersionFilter,
  type VersionSummary,
} from './version-reads.ts';

export interface CreateDraftInput {
  /** Copy this version's document (any status). */
  from?: number;
  /** With `from`: the year of the new draft (the document's `year` is rewritten; tests are kept). With `family` alone: a blank draft for this year. */
  year?: number;
  family?: string;
  /** A full document (e.g. an uploaded file); family and year are taken from it. */
  document?: unknown;
  /** With `document`: the version it was written from (the diff and the preview compare with it). */
  parentId?: number;
}

export interface PublishOptions {
  /** 文号: the official document number (required), like `吉环考〔2026〕3号`. */
  docNumber?: string | null;
  /** The date the rules take effect, `YYYY-MM-DD` (required). */
  effectiveDate?: string | null;
  /** When given, publishing is refused unless the draft is still at this revision. */
  expectedRevision?: number;
}

async function nextVersionNumber(tx: Tx, family: string, actor: string, at: string): Promise<number> {
  const fam = await tx.select().from(ruleFamilies).where(eq(ruleFamilies.family, family)).get();
  if (!fam) {
    await tx.insert(ruleFamilies).values({ family, lastVersion: 1, createdBy: actor, createdAt: at }).run();
    await appendAudit(tx, {
      user: actor,
      action: 'family.create',
      entity: 'family',
      entityId: family,
      detail: {},
      at,
    });
    return 1;
  }
  const n = fam.lastVersion + 1;
  await tx.update(ruleFamilies).set({ lastVersion: n }).where(eq(ruleFamilies.family, family)).run();
  return n;
}

/**
 * Creates a draft: blank (`family` + `year`), a copy of version `from` (for `year` when given), or
 * the given `document`. Audited as `version.create`.
 *
 * @example
 * createDraft(db, { from: 4, year: 2026 }, 'alice') // next year's rules from this year's
 */
export async function createDraft(db: Db, input: CreateDraftInput, actor: string): Promise<Version> {
  let source: Version | undefined;
  let doc: unknown;
  if (input.from !== undefined) {
    source = await getVersion(db, input.from);
    doc = structuredClone(source.document);
    // SPEC §9: a draft made from a version-1 document is upgraded to version 2 (nothing else changes).
    if ((doc as Record<string, unknown>).schemaVersion === 1)
      (doc as Record<string, unknown>).schemaVersion = 2;
    if (input.year !== undefined) (doc as Record<string, unknown>).year = input.year;
    if (input.family !== undefined && input.family !== source.family)
      throw new ValidationError('复制的版本属于另一规则族 / the source version belongs to another family', [
        {
          path: '/family',
          code: 'family_mismatch',
          message: `来源版本属于 ${source.family} / the source version belongs to ${source.family}`,
        },
      ]);
  } else if (input.document !== undefined) {
    doc = input.document;
    const d = doc as Record<string, unknown> | null;
    const problems: ImportProblem[] = [];
    if (d && typeof d === 'object' && input.family !== undefined && d.family !== input.family)
      problems.push({
        path: '/family',
        code: 'family_mismatch',
        message: `文档的 family 不是 ${input.family} / the document's family is not ${input.family}`,
      });
    if (d && typeof d === 'object' && input.year !== undefined && d.year !== input.year)
      problems.push({
        path: '/year',
        code: 'year_mismatch',
        message: `文档的 year 不是 ${input.year} / the document's year is not ${input.year}`,
      });
    if (problems.length)
      throw new ValidationError('文档与请求不一致 / the document does not match the request', problems);
  } else {
    if (input.family === undefined || input.year === undefined)
      throw new ValidationError('新建空白草稿需要 family 和 year / a blank draft needs family and year', [
        ...(input.family === undefined
          ? [{ path: '/family', code: 'required', message: '缺少 family / family is required' }]
          : []),
        ...(input.year === undefined
          ? [{ path: '/year', code: 'required', message: '缺少 year / year is required' }]
          : []),
      ]);
    doc = blankDocument(input.family, input.year);
  }
  const { doc: checked, text } = checkStorable(doc);
  const hash = contentHash(checked);
  return await transaction(db, async (tx) => {
    const at = nowIso();
    const version = await nextVersionNumber(tx, checked.family, actor, at);
    const row = await tx
      .insert(ruleVersions)
      .values({
        family: checked.family,
        year: checked.year,
        version,
        status: 'draft',
        revision: 1,
        document: text,
        contentHash: hash,
        parentId: source?.id ?? input.parentId ?? null,
        createdBy: actor,
        createdAt: at,
        updatedBy: actor,
        updatedAt: at,
      })
      .returning()
      .get();
    await appendAudit(tx, {
      user: actor,
      action: 'version.create',
      entity: 'version',
      entityId: row.id,
      beforeHash: source?.contentHash ?? null,
      afterHash: hash,
      detail: { family: row.family, year: row.year, version: row.version, from: source?.id ?? null },
      at,
    });
    return toVersion(row);
  });
}

export function notDraft(v: Version, what: string): ConflictError<Version> {
  return new ConflictError(
    `版本 ${v.id} 已${v.status === 'published' ? '发布' : '废止'},不能${what} / version ${v.id} is ${v.status}, it cannot be ${what === '修改' ? 'changed' : what === '删除' ? 'deleted' : 'published'}`,
    v,
    'not_draft',
  );
}

/**
 * Replaces a draft's document, only if the draft is still at `expectedRevision`; the revision grows
 * by one. A stale revision throws ConflictError (code `stale_revision`, `current` = the current
 * version) and writes nothing. The document's `family` must stay; its `year` may change.
 * Audited as `version.update`.
 */
export async function updateDraft(
  db: Db,
  id: number,
  document: unknown,
  expectedRevision: number,
  actor: string,
): Promise<Version> {
  const { doc, text } = checkStorable(document);
  const hash = contentHash(doc);
  return await transaction(db, async (tx) => {
    const current = await getVersion(tx, id);
    if (current.status !== 'draft') throw notDraft(current, '修改');
    if (current.pending) throw pendingConflict(current);
    if (current.revision !== expectedRevision)
      throw new ConflictError(
        `版本 ${id} 已被修改(当前修订号 ${current.revision},提交的是 ${expectedRevision}),请重新读取后再改 / version ${id} changed since it was read (revision ${current.revision}, not ${expectedRevision}); reload and edit again`,
        current,
        'stale_revision',
      );
    if (doc.family !== current.family)
      throw new ValidationError('不能修改规则族 / the family cannot change', [
        {
          path: '/family',
          code: 'family_mismatch',
          message: `草稿属于 ${current.family} / the draft belongs to ${current.family}`,
        },
      ]);
    const at = nowIso();
    const row = await tx
      .update(ruleVersions)
      .set({
        document: text,
        contentHash: hash,
        year: doc.year,
        revision: current.revision + 1,
        updatedBy: actor,
        updatedAt: at,
      })
      .where(
        and(
          eq(ruleVersions.id, id),
          eq(ruleVersions.revision, expectedRevision),
          eq(ruleVersions.status, 'draft'),
        ),
      )
      .returning()
      .get();
    if (!row) throw await changedVersion(tx, id);
    await appendAudit(tx, {
      user: actor,
      action: 'version.update',
      entity: 'version',
      entityId: id,
      beforeHash: current.contentHash,
      afterHash: hash,
      detail: { revision: row.revision, year: row.year },
      at,
    });
    return toVersion(row);
  });
}

export function pendingConflict(v: Version): ConflictError<Version> {
  return new ConflictError(
    `版本 ${v.id} 正在等待批准(${v.requestedBy} 提交),请先撤回申请 / version ${v.id} awaits approval (requested by ${v.requestedBy}); withdraw the request first`,
    v,
    'pending_approval',
  );
}

/** Deletes a draft (audited as `version.delete`). Published and retired versions cannot be deleted. */
export async function deleteDraft(db: Db, id: number, actor: string): Promise<void> {
  await transaction(db, async (tx) => {
    const current = await getVersion(tx, id);
    if (current.status !== 'draft')
      throw new ImmutableError(
        `版本 ${id} 已${current.status === 'published' ? '发布' : '废止'},不能删除 / version ${id} is ${current.status} and cannot be deleted`,
      );
    if (current.pending) throw pendingConflict(current);
    const children = await tx.select().from(ruleVersions).where(eq(ruleVersions.parentId, id)).all();
    if (children.some((c) => c.status !== 'draft'))
      throw new ConflictError(
        `版本 ${id} 是已发布版本的来源，不能删除 / version ${id} is the source of a published version and cannot be deleted`,
        current,
        'has_published_children',
      );
    // Draft copies lose their link to the deleted draft.
    await tx.update(ruleVersions).set({ parentId: null }).where(eq(ruleVersions.parentId, id)).run();
    await mapTriggerErrors(
      async () =>
        await tx
          .delete(ruleVersions)
          .where(and(eq(ruleVersions.id, id), eq(ruleVersions.status, 'draft')))
          .run(),
    );
    await appendAudit(tx, {
      user: actor,
      action: 'version.delete',
      entity: 'version',
      entityId: id,
      beforeHash: current.contentHash,
      afterHash: null,
      detail: {
        family: current.family,
        year: current.year,
        version: current.version,
        revision: current.revision,
      },
    });
  });
}

/** Retires a published version (it stays readable; no version of that family and year is effective then). */
export async function retireVersion(db: Db, id: number, actor: string): Promise<Version> {
  return await transaction(db, async (tx) => {
    const current = await getVersion(tx, id);
    if (current.status !== 'published')
      throw new ConflictError(
        `只有已发布的版本可以废止(版本 ${id} 是 ${current.status}) / only a published version can be retired (version ${id} is ${current.status})`,
        current,
        'not_published',
      );
    const at = nowIso();
    const row = await mapTriggerErrors(
      async () =>
        await tx
          .update(ruleVersions)
          .set({ status: 'retired', retiredAt: at, retiredBy: actor })
          .where(eq(ruleVersions.id, id))
          .returning()
          .get(),
    );
    await appendAudit(tx, {
      user: actor,
      action: 'version.retire',
      entity: 'version',
      entityId: id,
      beforeHash: current.contentHash,
      afterHash: row.contentHash,
      detail: { family: row.family, year: row.year, version: row.version },
      at,
    });
    return toVersion(row);
  });
}
