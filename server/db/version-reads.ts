/**
 * Reading rule versions: the summary and full shapes the API shows, one version (re-checked when
 * published or retired), lists, families, the effective version of a year, validation and the
 * document's tests; and, for caches, a version's status and revision by one cheap query.
 */
import { and, asc, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { errorsOf, runDocumentTests, validateDocument } from '../../engine/index.ts';
import type { Label, Problem, RuleDocument } from '../../engine/types.ts';
import { assertVersionIntact } from '../trust/integrity.ts';
import type { Tx } from './audit.ts';
import type { Db } from './client.ts';
import { jsonMember } from './dialect.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { ruleFamilies, ruleVersions, type RuleVersionRow } from './schema.ts';
import type { VersionSummary, Version, VersionFilter } from './version-types.ts';
export type { VersionSummary, Version, VersionFilter } from './version-types.ts';

function titleOf(doc: unknown): Label {
  const t = (doc as { title?: unknown } | null)?.title;
  if (t && typeof t === 'object' && typeof (t as Label).zh === 'string') {
    const l = t as Label;
    return l.en !== undefined ? { zh: l.zh, en: l.en } : { zh: l.zh };
  }
  return { zh: '' };
}

export function toSummary(
  row: Omit<RuleVersionRow, 'document'> & { document?: string },
  document?: unknown,
): VersionSummary {
  const doc = document ?? (row.document !== undefined ? JSON.parse(row.document) : undefined);
  return {
    id: row.id,
    family: row.family,
    year: row.year,
    version: row.version,
    status: row.status,
    revision: row.revision,
    contentHash: row.contentHash,
    title: titleOf(doc),
    parentId: row.parentId,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
    publishedBy: row.publishedBy,
    publishedAt: row.publishedAt,
    retiredBy: row.retiredBy,
    retiredAt: row.retiredAt,
    docNumber: row.docNumber,
    effectiveDate: row.effectiveDate,
    effective: row.status === 'published',
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    pending: row.status === 'draft' && row.requestedAt !== null,
    fourEyes: row.fourEyes,
    keyId: row.keyId,
    signature: row.signature,
  };
}

export function toVersion(row: RuleVersionRow): Version {
  const document = JSON.parse(row.document) as RuleDocument;
  return { ...toSummary(row, document), document };
}

export async function getRow(db: Tx, id: number): Promise<RuleVersionRow> {
  const row = Number.isInteger(id)
    ? await db.select().from(ruleVersions).where(eq(ruleVersions.id, id)).get()
    : undefined;
  if (!row) throw new NotFoundError('version', id);
  return row;
}

/**
 * One version with its document; NotFoundError when absent. A published or retired version is
 * served only when its hash, signature and approval entry hold (IntegrityError otherwise).
 */
export async function getVersion(db: Tx, id: number): Promise<Version> {
  const row = await getRow(db, id);
  await assertVersionIntact(db, row);
  return toVersion(row);
}

/** The conflict of a write that found the version changed under it (carrying the version now). */
export async function changedVersion(db: Tx, id: number, detail = ''): Promise<ConflictError<Version>> {
  return new ConflictError(
    `版本 ${id} 已被修改 / version ${id} changed${detail}`,
    await getVersion(db, id),
    'stale_revision',
  );
}

/** Versions matching the filter, ordered by family, year and version number. */
export async function listVersions(db: Tx, filter: VersionFilter = {}): Promise<VersionSummary[]> {
  const conds: SQL[] = [];
  if (filter.family) conds.push(eq(ruleVersions.family, filter.family));
  if (filter.year !== undefined) conds.push(eq(ruleVersions.year, filter.year));
  if (filter.status) conds.push(eq(ruleVersions.status, filter.status));
  // The title is read by SQLite, so listing never parses whole documents.
  const { document: _document, ...columns } = getTableColumns(ruleVersions);
  return (
    await db
      .select({
        ...columns,
        titleJson: sql<string | null>`${jsonMember(db, ruleVersions.document, 'title', 'json')}`,
      })
      .from(ruleVersions)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(asc(ruleVersions.family), asc(ruleVersions.year), asc(ruleVersions.version))
      .all()
  ).map(({ titleJson, ...row }) => toSummary(row, { title: parseTitle(titleJson) }));
}

function parseTitle(json: string | null): unknown {
  if (json === null) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** Every family with its versions; the title is the latest version's. */
export async function listFamilies(
  db: Tx,
): Promise<{ family: string; title: Label; versions: VersionSummary[] }[]> {
  const all = await listVersions(db);
  const families = await db.select().from(ruleFamilies).orderBy(asc(ruleFamilies.family)).all();
  return families.map((f) => {
    const versions = all.filter((v) => v.family === f.family);
    const latest = versions.reduce<VersionSummary | undefined>(
      (best, v) => (!best || v.version > best.version ? v : best),
      undefined,
    );
    return { family: f.family, title: latest?.title ?? { zh: f.family }, versions };
  });
}

/** The effective (published) version of a family for a year, if any. */
export async function getEffectiveVersion(
  db: Tx,
  family: string,
  year: number,
): Promise<Version | undefined> {
  const row = await db
    .select()
    .from(ruleVersions)
    .where(
      and(eq(ruleVersions.family, family), eq(ruleVersions.year, year), eq(ruleVersions.status, 'published')),
    )
    .get();
  if (row) await assertVersionIntact(db, row);
  return row ? toVersion(row) : undefined;
}

/** Validation problems of a version's document (schema, semantics and its tests). */
export async function validateVersion(db: Tx, id: number): Promise<{ valid: boolean; errors: Problem[] }> {
  const row = await getRow(db, id);
  const errors = validateDocument(JSON.parse(row.document), {
    sourceBytes: Buffer.byteLength(row.document, 'utf8'),
  });
  return { valid: errorsOf(errors).length === 0, errors };
}

/** The outcomes of the version document's own tests (engine `runDocumentTests`). */
export async function runVersionTests(db: Tx, id: number): Promise<ReturnType<typeof runDocumentTests>> {
  return runDocumentTests((await getVersion(db, id)).document);
}

/** The latest versions first; handy for "new year from this version" pickers. */
export async function latestVersions(db: Tx, family: string, limit = 20): Promise<VersionSummary[]> {
  return (
    await db
      .select()
      .from(ruleVersions)
      .where(eq(ruleVersions.family, family))
      .orderBy(desc(ruleVersions.version))
      .limit(limit)
      .all()
  ).map((r) => toSummary(r));
}

export interface VersionState {
  status: 'draft' | 'published' | 'retired';
  revision: number;
  contentHash: string;
}

/** The status, revision and content hash of version `id`; undefined when there is none. */
export async function versionState(db: Db, id: number): Promise<VersionState | undefined> {
  if (!Number.isInteger(id)) return undefined;
  return await db
    .select({
      status: ruleVersions.status,
      revision: ruleVersions.revision,
      contentHash: ruleVersions.contentHash,
    })
    .from(ruleVersions)
    .where(eq(ruleVersions.id, id))
    .get();
}
