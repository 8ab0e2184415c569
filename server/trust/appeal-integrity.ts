/**
 * What `ecoscore verify --db` checks of appeals (SPEC sections 10 and 11): each evidence file still
 * hashes to the SHA-256 recorded when it was uploaded (and in its audit entry), and no decision was
 * made by the person who filed the appeal — read straight from the tables, so changes made with
 * plain SQL after dropping the triggers are caught too.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.ts';

export interface AppealProblem {
  table: string;
  id: string;
  code: string;
  message: string;
}

export function appealProblems(db: Db): AppealProblem[] {
  const out: AppealProblem[] = [];
  const sqlite = db.$client;
  const has = (name: string) =>
    sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  if (!has('appeal_evidence') || !has('appeal_decisions')) return out;
  const evidence = sqlite
    .prepare('SELECT id, appeal_id, sha256, size, content FROM appeal_evidence ORDER BY id')
    .iterate() as IterableIterator<{
    id: number;
    appeal_id: number;
    sha256: string;
    size: number;
    content: Buffer;
  }>;
  const audited = sqlite.prepare(
    "SELECT after_hash FROM audit_log WHERE action = 'appeal.evidence' AND entity_id = ? AND json_extract(detail, '$.evidenceId') = ?",
  );
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
    const entry = audited.get(String(e.appeal_id), e.id) as { after_hash: string } | undefined;
    if (!entry || entry.after_hash !== e.sha256)
      out.push({
        table: 'appeal_evidence',
        id,
        code: 'evidence_audit_missing',
        message: `证明材料 ${id} 的审计记录缺失或不符 / evidence ${id}: its audit entry is missing or does not match`,
      });
  }
  const same = sqlite
    .prepare(
      'SELECT d.appeal_id AS id FROM appeal_decisions d JOIN appeals a ON a.id = d.appeal_id WHERE d.decided_by = a.filed_by',
    )
    .all() as { id: number }[];
  for (const d of same)
    out.push({
      table: 'appeal_decisions',
      id: String(d.id),
      code: 'same_person',
      message: `申诉 ${d.id} 由申诉人自己复核 / appeal ${d.id} was decided by its filer`,
    });
  return out;
}
