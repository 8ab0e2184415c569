/**
 * What `ecoscore verify --db` checks of appeals (SPEC sections 10 and 11): each evidence file still
 * hashes to the SHA-256 recorded when it was uploaded (and in its audit entry), and no decision was
 * made by the person who filed the appeal — read straight from the tables, so changes made with
 * plain SQL after dropping the triggers are caught too.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { isPostgres } from '../db/dialect.ts';
import { appealDecisions, appealEvidence, appeals, auditLog } from '../db/schema.ts';

export interface AppealProblem {
  table: string;
  id: string;
  code: string;
  message: string;
}

export async function appealProblems(db: Db): Promise<AppealProblem[]> {
  const out: AppealProblem[] = [];
  const has = async (name: string) =>
    isPostgres(db)
      ? (await db.get<{ t: string | null }>(sql`SELECT to_regclass(${name})::text AS t`))?.t != null
      : (await db.get(sql`SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ${name}`)) !==
        undefined;
  if (!(await has('appeal_evidence')) || !(await has('appeal_decisions'))) return out;
  const evidence = await db
    .select({
      id: appealEvidence.id,
      appeal_id: appealEvidence.appealId,
      sha256: appealEvidence.sha256,
      size: appealEvidence.size,
      content: appealEvidence.content,
    })
    .from(appealEvidence)
    .orderBy(asc(appealEvidence.id))
    .all();
  const audited = async (appealId: number, evidenceId: number) =>
    (
      await db
        .select({ after_hash: auditLog.afterHash, detail: auditLog.detail })
        .from(auditLog)
        .where(and(eq(auditLog.action, 'appeal.evidence'), eq(auditLog.entityId, String(appealId))))
        .orderBy(asc(auditLog.id))
        .all()
    ).find((r) => (r.detail as { evidenceId?: unknown } | null)?.evidenceId === evidenceId);
  for (const e of evidence) {
    const id = String(e.id);
    const hash = createHash('sha256').update(e.content).digest('hex');
    if (hash !== e.sha256 || e.size !== e.content.length)
      out.push({
        table: 'appeal_evidence',
        id,
        code: 'evidence_hash_mismatch',
        message: `证明材料 ${id} 与其 SHA-256 不符 / evidence ${id} does not match its SHA-256`,
      });
    const entry = await audited(e.appeal_id, e.id);
    if (!entry || entry.after_hash !== e.sha256)
      out.push({
        table: 'appeal_evidence',
        id,
        code: 'evidence_audit_missing',
        message: `证明材料 ${id} 的审计记录缺失或不符 / evidence ${id}: its audit entry is missing or does not match`,
      });
  }
  const same = await db
    .select({ id: appealDecisions.appealId })
    .from(appealDecisions)
    .innerJoin(appeals, eq(appeals.id, appealDecisions.appealId))
    .where(eq(appealDecisions.decidedBy, appeals.filedBy))
    .all();
  for (const d of same)
    out.push({
      table: 'appeal_decisions',
      id: String(d.id),
      code: 'same_person',
      message: `申诉 ${d.id} 由申诉人自己复核 / appeal ${d.id} was decided by its filer`,
    });
  return out;
}
