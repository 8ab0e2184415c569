/**
 * The work a health worker does: the 规则体检 (with test coverage) of a document, or the 整改路径 of
 * one region (decided by the SMT solver: engine/health/exact). Plain data in, plain data out, so it runs the same in a worker thread or inline.
 */
import type { RegionData, RuleDocument } from '../../engine/types.ts';
import { documentCoverage, PathError } from '../../engine/health/index.ts';
import { checkDocumentExact } from '../../engine/health/exact/check.ts';
import { exactGradePath } from '../../engine/health/exact/paths.ts';
import { InvalidDocumentError } from '../../engine/index.ts';

export type HealthTask =
  | { kind: 'check'; document: RuleDocument; timeLimitMs: number }
  | { kind: 'paths'; document: RuleDocument; region: RegionData; to?: string; timeLimitMs: number };

export type HealthTaskResult =
  { ok: true; value: unknown } | { ok: false; code: string; message: string; details: unknown[] };

/** Runs one task; failures the caller must report come back as data, not exceptions. */
export async function runHealthTask(task: HealthTask): Promise<HealthTaskResult> {
  try {
    if (task.kind === 'check') {
      const report = await checkDocumentExact(task.document, { timeLimitMs: task.timeLimitMs });
      return { ok: true, value: { ...report, coverage: documentCoverage(task.document) } };
    }
    return {
      ok: true,
      value: await exactGradePath(task.document, task.region, { to: task.to, timeLimitMs: task.timeLimitMs }),
    };
  } catch (e) {
    if (e instanceof InvalidDocumentError)
      return { ok: false, code: 'invalid_document', message: e.message, details: e.problems };
    if (e instanceof PathError) return { ok: false, code: e.code, message: e.message, details: e.details };
    throw e;
  }
}
