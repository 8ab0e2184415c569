/**
 * Cell-level data audit: every changed cell of a year's data (grid saves, imports, the seed) as one
 * row — region, key, the value before and after (null: absent), the sources, who and when — written
 * in the same transaction as the change, tied to its audit entry (`auditId`), whose detail carries
 * `cells` (the count) and `cellsHash` (SHA-256 of the canonical JSON of the changes), so the hash
 * chain covers them. Append-only (triggers).
 */
import { and, asc, count, desc, eq, type SQL } from 'drizzle-orm';
import { contentHash } from '../../engine/index.ts';
import type { Tx } from './audit.ts';
import { auditLog, dataChanges, users } from './schema.ts';
import type { CellChange, DataChange } from './audit-types.ts';
export type { CellChange, DataChange } from './audit-types.ts';

/** The hash an audit entry records over its cell changes (in the order written). */
export function cellsHash(changes: CellChange[]): string {
  return contentHash(changes);
}

/** Stores the changes of one audited write. */
export async function recordChanges(
  tx: Tx,
  auditId: number,
  year: number,
  user: string,
  at: string,
  changes: CellChange[],
): Promise<void> {
  for (const c of changes)
    await tx
      .insert(dataChanges)
      .values({
        auditId,
        year,
        regionCode: c.region,
        key: c.key,
        before: c.before,
        after: c.after,
        beforeSource: c.beforeSource,
        afterSource: c.afterSource,
        user,
        at,
      })
      .run();
}

export interface ChangeFilter {
  year: number;
  region: string;
  key?: string;
  /** Default 200, at most 1000. */
  limit?: number;
  offset?: number;
}

/** The history of one region's data for a year (or of one cell, with `key`), newest first. */
export async function listChanges(
  db: Tx,
  f: ChangeFilter,
): Promise<{ changes: DataChange[]; total: number }> {
  const conds: SQL[] = [eq(dataChanges.year, f.year), eq(dataChanges.regionCode, f.region)];
  if (f.key) conds.push(eq(dataChanges.key, f.key));
  const where = and(...conds);
  const limit = Math.min(1000, Math.max(0, Math.trunc(f.limit ?? 200)));
  const rows = await db
    .select({ c: dataChanges, action: auditLog.action, displayName: users.displayName })
    .from(dataChanges)
    .innerJoin(auditLog, eq(auditLog.id, dataChanges.auditId))
    .leftJoin(users, eq(users.username, dataChanges.user))
    .where(where)
    .orderBy(desc(dataChanges.id), asc(dataChanges.key))
    .limit(limit)
    .offset(Math.max(0, Math.trunc(f.offset ?? 0)))
    .all();
  const total = (await db.select({ n: count() }).from(dataChanges).where(where).get())?.n ?? 0;
  return {
    total,
    changes: rows.map(({ c, action, displayName }) => ({
      id: c.id,
      auditId: c.auditId,
      action,
      year: c.year,
      region: c.regionCode,
      key: c.key,
      before: c.before === null ? null : (JSON.parse(c.before) as unknown),
      after: c.after === null ? null : (JSON.parse(c.after) as unknown),
      beforeSource: c.beforeSource,
      afterSource: c.afterSource,
      user: c.user,
      displayName: displayName ?? null,
      at: c.at,
    })),
  };
}

/** The cell changes an audit entry made, in the order written (for verification). */
export async function changesOfAudit(db: Tx, auditId: number): Promise<CellChange[]> {
  return (
    await db
      .select()
      .from(dataChanges)
      .where(eq(dataChanges.auditId, auditId))
      .orderBy(asc(dataChanges.id))
      .all()
  ).map((c) => ({
    region: c.regionCode,
    key: c.key,
    before: c.before,
    after: c.after,
    beforeSource: c.beforeSource,
    afterSource: c.afterSource,
  }));
}
