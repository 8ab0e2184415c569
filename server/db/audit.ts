/**
 * The audit log: append-only (triggers refuse UPDATE/DELETE), written by every repository write in
 * the same transaction as the change, readable with filters and paging. Every row is hash-chained to
 * the one before (server/trust/chain.ts), so an edited or removed row breaks the chain.
 */
import { and, count, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import { auditRowHash, GENESIS } from '../trust/chain.ts';
import type { Db } from './client.ts';
import { transaction } from './dialect.ts';
import { auditLog, users } from './schema.ts';
import type { AuditEntry, AuditListEntry, AuditFilter } from './audit-types.ts';
export type { AuditEntry, AuditListEntry, AuditFilter } from './audit-types.ts';

/** A drizzle database or transaction: anything that can run queries. */
export type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'run' | 'all' | 'get'>;

export interface AuditInput {
  /** Username of whoever did it. */
  user: string;
  action: string;
  entity: string;
  entityId: string | number;
  beforeHash?: string | null;
  afterHash?: string | null;
  detail?: Record<string, unknown>;
  /** Defaults to now. */
  at?: string;
}

/** The current time as an ISO 8601 UTC string. */
export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * Appends one audit row, chained to the last one (its id is the last id + 1, its `hash` covers the
 * previous hash and this row). Call it inside the transaction of the change it records.
 */
/**
 * An audit row written on its own (a sign-in, a refusal): in a transaction of its own, so that
 * several server processes appending at once each get the next id and link of the chain.
 */
export async function appendAuditAlone(db: Db, entry: AuditInput): Promise<AuditEntry> {
  return await transaction(db, (tx) => appendAudit(tx, entry));
}

export async function appendAudit(tx: Tx, entry: AuditInput): Promise<AuditEntry> {
  const last = await tx
    .select({ id: auditLog.id, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(1)
    .get();
  const row = {
    id: (last?.id ?? 0) + 1,
    at: entry.at ?? nowIso(),
    user: entry.user,
    action: entry.action,
    entity: entry.entity,
    entityId: String(entry.entityId),
    beforeHash: entry.beforeHash ?? null,
    afterHash: entry.afterHash ?? null,
    // What is stored is what is hashed: the detail as it reads back from its JSON text.
    detail: JSON.parse(JSON.stringify(entry.detail ?? {})) as Record<string, unknown>,
  };
  const hash = auditRowHash(last?.hash ?? GENESIS, row);
  return await tx
    .insert(auditLog)
    .values({ ...row, hash })
    .returning()
    .get();
}

/** The audit entry with this chain hash, if any. */
export async function auditByHash(db: Tx, hash: string | null): Promise<AuditEntry | undefined> {
  if (!hash) return undefined;
  return await db.select().from(auditLog).where(eq(auditLog.hash, hash)).get();
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Audit entries, newest first, filtered and paged; `total` counts all matching entries.
 *
 * @example
 * listAudit(db, { entity: 'version', from: '2025-01-01', limit: 20 })
 */
export async function listAudit(
  db: Tx,
  filter: AuditFilter = {},
): Promise<{ entries: AuditListEntry[]; total: number }> {
  const conds: SQL[] = [];
  if (filter.entity) conds.push(eq(auditLog.entity, filter.entity));
  if (filter.entityId !== undefined && filter.entityId !== '')
    conds.push(eq(auditLog.entityId, String(filter.entityId)));
  if (filter.action) conds.push(eq(auditLog.action, filter.action));
  if (filter.user) conds.push(eq(auditLog.user, filter.user));
  if (filter.from) {
    const from = DATE_ONLY.test(filter.from) ? `${filter.from}T00:00:00.000Z` : filter.from;
    conds.push(gte(auditLog.at, from));
  }
  if (filter.to) {
    const to = DATE_ONLY.test(filter.to) ? `${filter.to}T23:59:59.999Z` : filter.to;
    conds.push(lte(auditLog.at, to));
  }
  const where = conds.length ? and(...conds) : undefined;
  const limit = Math.min(1000, Math.max(0, Math.trunc(filter.limit ?? 50)));
  const offset = Math.max(0, Math.trunc(filter.offset ?? 0));
  const entries = (
    await db
      .select({ entry: auditLog, displayName: users.displayName })
      .from(auditLog)
      .leftJoin(users, eq(users.username, auditLog.user))
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(limit)
      .offset(offset)
      .all()
  ).map((r) => ({ ...r.entry, displayName: r.displayName ?? null }));
  const total = (await db.select({ n: count() }).from(auditLog).where(where).get())?.n ?? 0;
  return { entries, total };
}
