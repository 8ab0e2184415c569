/**
 * The audit log's hash chain: each row stores
 * `hash = SHA-256(previous row's hash + canonical JSON of the row)`, the row being
 * `{ id, at, user, action, entity, entityId, beforeHash, afterHash, detail }` (RFC 8785 canonical
 * JSON, engine/hash). The first row's "previous hash" is GENESIS (64 zeros). Ids are consecutive
 * (each row takes the previous id + 1), so a deleted row shows as a gap as well as a broken link.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../../engine/index.ts';
import type { AuditEntry } from '../db/audit-types.ts';

export const GENESIS = '0'.repeat(64);

/** What a row's chain hash covers: the entry without its own hash (its detail as stored). */
export type ChainedRow = Omit<AuditEntry, 'hash' | 'detail'> & { detail: unknown };

/** The hash of an audit row chained to `previousHash`. */
export function auditRowHash(previousHash: string, row: ChainedRow): string {
  const body = canonicalJson({
    id: row.id,
    at: row.at,
    user: row.user,
    action: row.action,
    entity: row.entity,
    entityId: row.entityId,
    beforeHash: row.beforeHash,
    afterHash: row.afterHash,
    detail: row.detail,
  });
  return bytesToHex(sha256(utf8ToBytes(previousHash + body)));
}
