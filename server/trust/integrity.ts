/**
 * Integrity checks on every read that serves a published version or a finished run's results, and
 * before a run uses a version: the stored hash against the content, the signature against the hash
 * (or the run's seal), and the audit entry that made it. A mismatch throws IntegrityError (500
 * `integrity`); nothing is served. Signatures already verified in this process are remembered by
 * (key, message, signature), and a run's canonical results hash by a fast digest of its stored
 * texts, so repeated reads cost a native SHA-256 of the rows, not a re-canonicalisation.
 */
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { contentHash } from '../../engine/index.ts';
import type { Tx } from '../db/audit.ts';
import { auditByHash } from '../db/audit.ts';
import { auditLog, signingKeys, type RuleVersionRow, type RunRow } from '../db/schema.ts';
import { IntegrityError } from './errors.ts';
import { verifySignature } from './keys.ts';
import { sealMessage, type RunSeal } from './seal.ts';

const verified = new Set<string>();
const runDigests = new Map<number, string>();
const MEMO_LIMIT = 10_000;

function remember<T>(set: { size: number; clear(): void }, add: () => T): T {
  if (set.size > MEMO_LIMIT) set.clear();
  return add();
}

async function publicKey(db: Tx, keyId: string | null): Promise<string | undefined> {
  if (!keyId) return undefined;
  return (await db.select().from(signingKeys).where(eq(signingKeys.keyId, keyId)).get())?.publicKey;
}

/** Whether `signature` by key `keyId` (as recorded in the database) signs `message`. Memoised. */
export async function signatureHolds(
  db: Tx,
  keyId: string | null,
  message: string,
  signature: string | null,
): Promise<boolean> {
  const key = await publicKey(db, keyId);
  if (!key || !signature) return false;
  const memo = `${key}|${message}|${signature}`;
  if (verified.has(memo)) return true;
  if (!verifySignature(key, message, signature)) return false;
  remember(verified, () => verified.add(memo));
  return true;
}

/**
 * Whether a record predates the hash chain: no signature, and the audit entry of its `action` on it
 * was written before the chain existed (hash null). A database created with the chain has none.
 */
export async function isLegacy(db: Tx, entity: string, id: number, action: string): Promise<boolean> {
  return !!(await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entity, entity),
        eq(auditLog.entityId, String(id)),
        eq(auditLog.action, action),
        isNull(auditLog.hash),
      ),
    )
    .get());
}

/** The problems of a published or retired version row (empty for drafts and intact versions). */
export async function versionProblems(
  db: Tx,
  row: RuleVersionRow,
): Promise<{ code: string; message: string }[]> {
  if (row.status === 'draft') return [];
  const out: { code: string; message: string }[] = [];
  let hash: string | undefined;
  try {
    hash = contentHash(JSON.parse(row.document));
  } catch {
    hash = undefined;
  }
  if (hash !== row.contentHash)
    out.push({
      code: 'content_hash_mismatch',
      message: `版本 ${row.id} 的文档与其内容哈希不符 / version ${row.id}: the document does not match its content hash`,
    });
  if (!row.signature && !row.approvalAuditHash && (await isLegacy(db, 'version', row.id, 'version.publish')))
    return out;
  if (!(await signatureHolds(db, row.keyId, row.contentHash, row.signature)))
    out.push({
      code: 'bad_signature',
      message: `版本 ${row.id} 的签名缺失或无效 / version ${row.id}: the signature is missing or invalid`,
    });
  const entry = await auditByHash(db, row.approvalAuditHash);
  if (!auditRecords(entry, 'version', row.id, row.contentHash))
    out.push({
      code: 'approval_audit_missing',
      message: `版本 ${row.id} 的批准审计记录缺失或不符 / version ${row.id}: the audit entry of its approval is missing or does not match`,
    });
  if (!row.requestedBy || !row.publishedBy || (row.fourEyes && row.requestedBy === row.publishedBy))
    out.push({
      code: 'same_person',
      message: `版本 ${row.id} 的批准人与申请人相同或缺失 / version ${row.id}: approver missing or equal to the requester`,
    });
  else if (!row.fourEyes && entry && (entry.detail as { fourEyes?: unknown }).fourEyes !== false)
    out.push({
      code: 'four_eyes_off_unrecorded',
      message: `版本 ${row.id} 标记为单人发布，但审计记录未载明 / version ${row.id}: marked as published without four eyes, but its audit entry does not say so`,
    });
  return out;
}

/** Throws IntegrityError when a published or retired version does not hold. */
export async function assertVersionIntact(db: Tx, row: RuleVersionRow): Promise<void> {
  const problems = await versionProblems(db, row);
  if (problems.length)
    throw new IntegrityError('rule_versions', row.id, problems[0].code, problems[0].message);
}

/** The canonical results hash of stored result and error texts. */
export function resultsHashOf(texts: { results: string[]; errors: string[] }): string {
  return contentHash({
    results: texts.results.map((t) => JSON.parse(t) as unknown),
    errors: texts.errors.map((t) => JSON.parse(t) as unknown),
  });
}

/** The seal of a finished run row. */
export function sealOf(row: RunRow): RunSeal {
  return {
    documentHash: row.documentHash,
    datasetHash: row.datasetHash,
    resultsHash: row.resultsHash ?? '',
    engineVersion: row.engineVersion,
  };
}

/** The problems of a finished run row given its stored texts (empty when it holds). */
export async function runProblems(
  db: Tx,
  row: RunRow,
  texts: { results: string[]; errors: string[] },
): Promise<{ code: string; message: string }[]> {
  if (row.status !== 'finished') return [];
  if (!row.resultsHash && !row.signature && (await isLegacy(db, 'run', row.id, 'run.create'))) return [];
  const out: { code: string; message: string }[] = [];
  const digest = createHash('sha256')
    .update(`${row.resultsHash}\n${texts.results.join('\n')}\n\u0000\n${texts.errors.join('\n')}`)
    .digest('hex');
  if (runDigests.get(row.id) !== digest) {
    let hash: string | undefined;
    try {
      hash = resultsHashOf(texts);
    } catch {
      hash = undefined;
    }
    if (hash !== row.resultsHash)
      out.push({
        code: 'results_hash_mismatch',
        message: `运行 ${row.id} 的结果与其哈希不符 / run ${row.id}: the results do not match their hash`,
      });
    else remember(runDigests, () => runDigests.set(row.id, digest));
  }
  if (!(await signatureHolds(db, row.keyId, sealMessage(sealOf(row)), row.signature)))
    out.push({
      code: 'bad_signature',
      message: `运行 ${row.id} 的封存签名缺失或无效 / run ${row.id}: the seal's signature is missing or invalid`,
    });
  if (!auditRecords(await auditByHash(db, row.auditHash), 'run', row.id, row.resultsHash))
    out.push({
      code: 'run_audit_missing',
      message: `运行 ${row.id} 的审计记录缺失或不符 / run ${row.id}: the audit entry that finished it is missing or does not match`,
    });
  return out;
}

/** Throws IntegrityError when a finished run's results, seal or audit entry do not hold. */
export async function assertRunIntact(
  db: Tx,
  row: RunRow,
  texts: { results: string[]; errors: string[] },
): Promise<void> {
  const problems = await runProblems(db, row, texts);
  if (problems.length) throw new IntegrityError('runs', row.id, problems[0].code, problems[0].message);
}

/** Whether `entry` exists and records `afterHash` for `entity` `id`. */
function auditRecords(
  entry: Awaited<ReturnType<typeof auditByHash>>,
  entity: string,
  id: number,
  afterHash: string | null,
): boolean {
  return !!entry && entry.entity === entity && entry.entityId === String(id) && entry.afterHash === afterHash;
}
