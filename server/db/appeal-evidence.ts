/**
 * Evidence files of appeals (证明材料): a PDF, PNG or JPEG of at most 10 MiB, judged by its first
 * bytes, with a safe file name whose extension agrees; stored with its SHA-256 and audited.
 */
import { createHash } from 'node:crypto';
import { transaction } from './dialect.ts';
import { appendAudit, nowIso } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, ValidationError, type ImportProblem } from './errors.ts';
import { assertOpen, todayInChina } from './appeal-window.ts';
import { appealRow, evidenceColumns, evidenceOf, isDecided } from './appeal-reads.ts';
import {
  AppealError,
  assertOwnRegion,
  EVIDENCE_MAX_BYTES,
  type Actor,
  type Evidence,
  type EvidenceType,
} from './appeal-types.ts';
import { getRunSummary } from './runs.ts';
import { appealEvidence } from './schema.ts';

/** The type of a file by its first bytes: PDF, PNG or JPEG, else null. */
export function sniffEvidenceType(bytes: Uint8Array): EvidenceType | null {
  const starts = (sig: number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  return null;
}

const EXTENSIONS: Record<EvidenceType, string[]> = {
  'application/pdf': ['.pdf'],
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
};

/** The problem with an evidence file name, or undefined. */
export function filenameProblem(name: unknown): ImportProblem | undefined {
  const path = '/query/filename';
  if (typeof name !== 'string' || name.length < 1 || name.length > 200)
    return {
      path,
      code: 'invalid_filename',
      message: '文件名应为 1–200 个字符 / filename must have 1–200 characters',
    };
  if (/[\u0000-\u001f\u007f/\\"]/.test(name) || name.startsWith('.'))
    return {
      path,
      code: 'invalid_filename',
      message:
        '文件名不能含路径分隔符、引号或控制字符 / filename must not contain path separators, quotes or control characters',
    };
  if (!/\.(pdf|png|jpe?g)$/i.test(name))
    return {
      path,
      code: 'invalid_filename',
      message: '文件名扩展名应为 .pdf .png .jpg .jpeg / filename must end in .pdf, .png, .jpg or .jpeg',
    };
  return undefined;
}

/**
 * Stores an evidence file of an open appeal: at most 10 MiB, a PDF, PNG or JPEG by its first bytes
 * (a declared type other than that, or a file name whose extension disagrees, is refused), with its
 * SHA-256. Audited as `appeal.evidence` (with the hash).
 */
export async function addEvidence(
  db: Db,
  appealId: number,
  file: { filename: string; bytes: Uint8Array; declaredType?: string },
  actor: Actor,
  today: string = todayInChina(),
): Promise<Evidence> {
  const fp = filenameProblem(file.filename);
  if (fp) throw new ValidationError(fp.message, [fp], fp.code);
  if (file.bytes.length === 0) throw new AppealError(400, 'missing_body', '空文件 / empty file');
  if (file.bytes.length > EVIDENCE_MAX_BYTES)
    throw new AppealError(
      413,
      'too_large',
      `证明材料不能超过 10 MiB / evidence files are limited to 10 MiB (${EVIDENCE_MAX_BYTES} bytes)`,
    );
  const type = sniffEvidenceType(file.bytes);
  const declared = file.declaredType?.split(';')[0].trim().toLowerCase();
  if (!type)
    throw new AppealError(
      415,
      'unsupported_type',
      '证明材料只接受 PDF、PNG 或 JPEG 文件（按文件内容判断） / evidence must be a PDF, PNG or JPEG file (judged by its content)',
    );
  if (declared && declared !== 'application/octet-stream' && declared !== type)
    throw new AppealError(
      415,
      'unsupported_type',
      `声明的类型 ${declared} 与文件内容（${type}）不符 / declared type ${declared} does not match the content (${type})`,
    );
  if (!EXTENSIONS[type].some((ext) => file.filename.toLowerCase().endsWith(ext)))
    throw new AppealError(
      415,
      'unsupported_type',
      `文件名扩展名与文件内容（${type}）不符 / the file name's extension does not match the content (${type})`,
    );
  return await transaction(db, async (tx) => {
    const row = await appealRow(tx, appealId);
    assertOwnRegion(actor, row.regionCode);
    if (await isDecided(tx, appealId))
      throw new ConflictError(
        `申诉 ${appealId} 已复核，不能再补充材料 / appeal ${appealId} is decided; no more evidence`,
        undefined,
        'appeal_decided',
      );
    assertOpen(await getRunSummary(tx, row.runId), today);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const at = nowIso();
    const ev = await tx
      .insert(appealEvidence)
      .values({
        appealId,
        filename: file.filename,
        contentType: type,
        size: file.bytes.length,
        sha256,
        content: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
        uploadedBy: actor.username,
        uploadedAt: at,
      })
      .returning(evidenceColumns)
      .get();
    await appendAudit(tx, {
      user: actor.username,
      action: 'appeal.evidence',
      entity: 'appeal',
      entityId: appealId,
      afterHash: sha256,
      detail: {
        evidenceId: ev.id,
        filename: file.filename,
        contentType: type,
        size: file.bytes.length,
        sha256,
      },
      at,
    });
    return evidenceOf(ev);
  });
}
