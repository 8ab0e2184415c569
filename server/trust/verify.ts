/**
 * `ecoscore verify --db`: checks a whole database offline (SPEC section 11) and lists every broken
 * record with its table and id —
 * - the audit chain: each row's hash recomputed from the previous hash and the row; ids consecutive
 *   (a deleted row is a gap; rows deleted from the end show against `sqlite_sequence`); the cell
 *   changes of each data write against the `cellsHash` its audit entry recorded;
 * - every published or retired rule version: its content hash against its document, its signature,
 *   the audit entry that approved it, approver ≠ requester;
 * - every finished run: its results hash against its results, its dataset hash against its dataset,
 *   its document hash against its version, its seal signature and the audit entry that finished it;
 * - every published run publication: its signature, its audit entry, approver ≠ requester;
 * - appeals (SPEC section 10): every evidence file against its SHA-256 and size, every decision by
 *   another person than the filer;
 * - the signing keys: the key file (when given or found next to the database) is the one recorded.
 * It reads the database only, so it also catches changes made with plain SQL after dropping triggers.
 */
import { asc, eq, gt, sql } from 'drizzle-orm';
import { datasetHash } from '../../engine/index.ts';
import { changesOfAudit, cellsHash } from '../db/data-changes.ts';
import type { Db } from '../db/client.ts';
import { auditByHash } from '../db/audit.ts';
import { isPostgres } from '../db/dialect.ts';
import { readTexts } from '../db/runs.ts';
import { auditLog, ruleVersions, runPublications, runs, signingKeys } from '../db/schema.ts';
import { auditRowHash, GENESIS } from './chain.ts';
import { runProblems, sealOf, signatureHolds, versionProblems } from './integrity.ts';
import { publicationMessage } from './seal.ts';
import type { PublicKeyInfo } from './keys.ts';
import { appealProblems } from './appeal-integrity.ts';

export interface VerifyProblem {
  table: string;
  id: string;
  code: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  problems: VerifyProblem[];
}

interface RawAuditRow {
  id: number;
  at: string;
  user: string;
  action: string;
  entity: string;
  entity_id: string;
  before_hash: string | null;
  after_hash: string | null;
  detail: string;
  hash: string | null;
}

/** The audit log in id order, read a thousand rows at a time, `detail` as its stored text. */
async function* auditRows(db: Db): AsyncGenerator<RawAuditRow> {
  let after = 0;
  for (;;) {
    const page = await db
      .select({
        id: auditLog.id,
        at: auditLog.at,
        user: auditLog.user,
        action: auditLog.action,
        entity: auditLog.entity,
        entity_id: auditLog.entityId,
        before_hash: auditLog.beforeHash,
        after_hash: auditLog.afterHash,
        detail: sql<string>`${auditLog.detail}`,
        hash: auditLog.hash,
      })
      .from(auditLog)
      .where(gt(auditLog.id, after))
      .orderBy(asc(auditLog.id))
      .limit(1000)
      .all();
    yield* page;
    if (page.length < 1000) return;
    after = page[page.length - 1].id;
  }
}

async function checkChain(db: Db, add: (p: VerifyProblem) => void): Promise<void> {
  let previous = GENESIS;
  let lastId = 0;
  let chained = false;
  const withCells: { id: number; cellsHash: string }[] = [];
  const made: { action: string; entityId: string; hash: string; id: number }[] = [];
  for await (const row of auditRows(db)) {
    if (row.id !== lastId + 1 && chained)
      for (let gap = lastId + 1; gap < row.id && gap < lastId + 1000; gap++)
        add({
          table: 'audit_log',
          id: String(gap),
          code: 'audit_row_missing',
          message: `审计记录 ${gap} 已被删除(ID 不连续) / audit row ${gap} was removed (gap in the ids)`,
        });
    lastId = row.id;
    if (row.hash === null) {
      if (chained)
        add({
          table: 'audit_log',
          id: String(row.id),
          code: 'audit_unhashed',
          message: `审计记录 ${row.id} 没有哈希 / audit row ${row.id} has no chain hash`,
        });
      continue;
    }
    chained = true;
    let detail: unknown;
    try {
      detail = JSON.parse(row.detail);
    } catch {
      detail = row.detail;
    }
    const expected = auditRowHash(previous, {
      id: row.id,
      at: row.at,
      user: row.user,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      beforeHash: row.before_hash,
      afterHash: row.after_hash,
      detail,
    });
    if (expected !== row.hash)
      add({
        table: 'audit_log',
        id: String(row.id),
        code: 'audit_hash_mismatch',
        message: `审计记录 ${row.id} 与哈希链不符（被修改，或其前一条被删除） / audit row ${row.id} breaks the hash chain (it was changed, or the row before it removed)`,
      });
    previous = row.hash;
    if (row.action === 'version.publish' || row.action === 'run.create' || row.action === 'run.publish')
      made.push({ action: row.action, entityId: row.entity_id, hash: row.hash, id: row.id });
    const cells = (detail as { cellsHash?: unknown } | null)?.cellsHash;
    if (typeof cells === 'string') withCells.push({ id: row.id, cellsHash: cells });
  }
  const seq = isPostgres(db)
    ? await db.get<{ seq: number }>(sql`SELECT last_value AS seq FROM audit_log_id_seq WHERE is_called`)
    : await db.get<{ seq: number }>(sql`SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'`);
  if (seq && seq.seq > lastId)
    add({
      table: 'audit_log',
      id: String(lastId + 1),
      code: 'audit_row_missing',
      message: `最后 ${seq.seq - lastId} 条审计记录已被删除(至 ${seq.seq}) / the last ${seq.seq - lastId} audit rows were removed (up to ${seq.seq})`,
    });
  // What the chain says was made must still be there, pointing back at the entry that made it.
  const holders: Record<string, [string, string, string]> = {
    'version.publish': ['rule_versions', 'approval_audit_hash', 'id'],
    'run.create': ['runs', 'audit_hash', 'id'],
    'run.publish': ['run_publications', 'audit_hash', 'run_id'],
  };
  for (const m of made) {
    const [table, column, key] = holders[m.action];
    const keyValue = /^\d{1,15}$/.test(m.entityId) ? Number(m.entityId) : -1;
    const found = await db.get(
      sql`SELECT 1 AS one FROM ${sql.identifier(table)} WHERE ${sql.identifier(key)} = ${keyValue} AND ${sql.identifier(column)} = ${m.hash}`,
    );
    if (!found)
      add({
        table,
        id: m.entityId,
        code: 'record_missing',
        message: `审计记录 ${m.id}(${m.action})所记录的 ${table} ${m.entityId} 已不存在或已被改动 / ${table} ${m.entityId}, recorded by audit row ${m.id} (${m.action}), is gone or no longer points to it`,
      });
  }
  for (const w of withCells)
    if (cellsHash(await changesOfAudit(db, w.id)) !== w.cellsHash)
      add({
        table: 'data_changes',
        id: String(w.id),
        code: 'cells_hash_mismatch',
        message: `审计记录 ${w.id} 的单元格变更记录被修改 / the cell changes of audit row ${w.id} were changed`,
      });
}

async function checkKeys(
  db: Db,
  trusted: PublicKeyInfo | undefined,
  add: (p: VerifyProblem) => void,
): Promise<void> {
  if (!trusted) return;
  const keys = await db.select().from(signingKeys).all();
  for (const k of keys)
    if (k.publicKey !== trusted.publicKey)
      add({
        table: 'signing_keys',
        id: k.keyId,
        code: 'untrusted_key',
        message: `数据库中的签名密钥 ${k.keyId} 不是给定的密钥 ${trusted.keyId} / signing key ${k.keyId} in the database is not the given key ${trusted.keyId}`,
      });
}

/** Verifies an open database; `trusted` is the public key to require (from `--key` or the key file). */
export async function verifyDatabase(db: Db, opts: { trusted?: PublicKeyInfo } = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const add = (p: VerifyProblem) => problems.push(p);
  await checkChain(db, add);
  await checkKeys(db, opts.trusted, add);
  for (const row of await db.select().from(ruleVersions).orderBy(asc(ruleVersions.id)).all())
    for (const p of await versionProblems(db, row)) add({ table: 'rule_versions', id: String(row.id), ...p });
  const hashes = new Map(
    (await db.select({ id: ruleVersions.id, hash: ruleVersions.contentHash }).from(ruleVersions).all()).map(
      (v) => [v.id, v.hash],
    ),
  );
  for (const row of await db.select().from(runs).orderBy(asc(runs.id)).all()) {
    if (row.status !== 'finished') continue;
    const texts = await readTexts(db, row.id);
    for (const p of await runProblems(db, row, texts)) add({ table: 'runs', id: String(row.id), ...p });
    let ds: string | undefined;
    try {
      ds = datasetHash(JSON.parse(row.dataset));
    } catch {
      ds = undefined;
    }
    if (ds !== row.datasetHash)
      add({
        table: 'runs',
        id: String(row.id),
        code: 'dataset_hash_mismatch',
        message: `运行 ${row.id} 的数据与其数据哈希不符 / run ${row.id}: the dataset does not match its hash`,
      });
    if (hashes.get(row.versionId) !== row.documentHash)
      add({
        table: 'runs',
        id: String(row.id),
        code: 'document_hash_mismatch',
        message: `运行 ${row.id} 的文档哈希与版本 ${row.versionId} 不符 / run ${row.id}: its document hash is not version ${row.versionId}'s`,
      });
  }
  for (const p of await db.select().from(runPublications).orderBy(asc(runPublications.runId)).all()) {
    if (p.status !== 'published') continue;
    const run = await db.select().from(runs).where(eq(runs.id, p.runId)).get();
    const id = String(p.runId);
    const message = run
      ? publicationMessage(p.runId, sealOf(run), { ...p, approvedBy: p.approvedBy ?? '' })
      : '';
    if (!run || !(await signatureHolds(db, p.keyId, message, p.signature)))
      add({
        table: 'run_publications',
        id,
        code: 'bad_signature',
        message: `运行 ${id} 的发布签名缺失或无效 / run ${id}: the publication's signature is missing or invalid`,
      });
    const entry = await auditByHash(db, p.auditHash);
    if (!entry || entry.entity !== 'run' || entry.entityId !== id || entry.action !== 'run.publish')
      add({
        table: 'run_publications',
        id,
        code: 'approval_audit_missing',
        message: `运行 ${id} 发布的审计记录缺失或不符 / run ${id}: the audit entry of its publication is missing or does not match`,
      });
    if (!p.approvedBy || (p.fourEyes && p.approvedBy === p.requestedBy))
      add({
        table: 'run_publications',
        id,
        code: 'same_person',
        message: `运行 ${id} 的发布批准人与申请人相同或缺失 / run ${id}: approver missing or equal to the requester`,
      });
    else if (!p.fourEyes && entry && (entry.detail as { fourEyes?: unknown }).fourEyes !== false)
      add({
        table: 'run_publications',
        id,
        code: 'four_eyes_off_unrecorded',
        message: `运行 ${id} 标记为单人发布，但审计记录未载明 / run ${id}: marked as published without four eyes, but its audit entry does not say so`,
      });
  }
  for (const p of await appealProblems(db)) add(p);
  return { ok: problems.length === 0, problems };
}
