/**
 * Appeals (申诉) and their decisions (复核), SPEC section 10: a region objects to one target of its
 * result in a published run — an input value, an item's points, or a veto, downgrade or cap — with
 * a claim and evidence files; a reviewer or admin who did not file it accepts or rejects it with a
 * reason. Nothing here is ever changed or deleted (database triggers); every write is audited in
 * the same transaction. Filing and evidence are refused after the run's appeal window
 * (`appeal_closed`).
 */
import { transaction } from './dialect.ts';
import { nodeSha256Hex } from '../node-hash.ts';
import { SamePersonError } from '../trust/errors.ts';
import { appendAudit, nowIso } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError } from './errors.ts';
import { assertOpen, todayInChina } from './appeal-window.ts';
import { getRunRow } from './runs.ts';
import { appealDecisions, appeals, type AppealTargetKind } from './schema.ts';
import { appealRow, getAppeal, isDecided, runContext, storedResult } from './appeal-reads.ts';
import { checkDecision, checkTarget, targetId } from './appeal-targets.ts';
import {
  assertOwnRegion,
  invalid,
  type Actor,
  type Appeal,
  type AppealDecisionInput,
  type NewAppeal,
} from './appeal-types.ts';

export {
  AppealError,
  assertOwnRegion,
  EVIDENCE_MAX_BYTES,
  EVIDENCE_TYPES,
  type Actor,
  type Appeal,
  type AppealDecisionInput,
  type AppealFilter,
  type AppealState,
  type AppealTarget,
  type Decision,
  type Evidence,
  type EvidenceType,
  type NewAppeal,
} from './appeal-types.ts';
export { appealRegion, evidenceOf, getAppeal, getEvidenceFile, listAppeals } from './appeal-reads.ts';
export { addEvidence, filenameProblem, sniffEvidenceType } from './appeal-evidence.ts';

/** Files an appeal. Audited as `appeal.file`. */
export async function fileAppeal(
  db: Db,
  input: NewAppeal,
  actor: Actor,
  today: string = todayInChina(),
): Promise<Appeal> {
  assertOwnRegion(actor, input.region);
  return await transaction(db, async (tx) => {
    await getRunRow(tx, input.runId);
    const ctx = await runContext(tx, input.runId);
    assertOpen(ctx.summary, today);
    const result = await storedResult(tx, input.runId, input.region);
    if (!result)
      invalid(
        '/region',
        'not_scored',
        `地区 ${input.region} 未在运行 ${input.runId} 中计分 / region ${input.region} was not scored in run ${input.runId}`,
      );
    const requested = checkTarget(ctx.document, result!, input);
    const at = nowIso();
    const row = await tx
      .insert(appeals)
      .values({
        runId: input.runId,
        regionCode: input.region,
        targetKind: input.target.kind as AppealTargetKind,
        targetId: targetId(input.target),
        claim: input.claim,
        requested,
        filedBy: actor.username,
        filedAt: at,
      })
      .returning()
      .get();
    await appendAudit(tx, {
      user: actor.username,
      action: 'appeal.file',
      entity: 'appeal',
      entityId: row.id,
      afterHash: nodeSha256Hex(
        JSON.stringify([row.runId, row.regionCode, row.targetKind, row.targetId, row.claim, row.requested]),
      ),
      detail: {
        runId: row.runId,
        region: row.regionCode,
        target: input.target,
        requested: requested ? JSON.parse(requested) : null,
      },
      at,
    });
    return await getAppeal(tx, row.id);
  });
}

/**
 * Decides an appeal (复核): accepted or rejected with a reason, by someone other than its filer
 * (SamePersonError; the database refuses it too). An accepted input appeal carries the corrected
 * `value`, an accepted item appeal the adjusted `points`; a veto, downgrade or cap appeal neither
 * (accepting lifts it). Audited as `appeal.decide`.
 */
export async function decideAppeal(
  db: Db,
  id: number,
  input: AppealDecisionInput,
  actor: Actor,
): Promise<Appeal> {
  return await transaction(db, async (tx) => {
    const row = await appealRow(tx, id);
    if (row.filedBy === actor.username)
      throw new SamePersonError(
        `申诉人不能复核自己提交的申诉 / the person who filed an appeal cannot decide it: ${actor.username}`,
      );
    if (await isDecided(tx, id))
      throw new ConflictError(
        `申诉 ${id} 已复核，决定不可更改 / appeal ${id} is already decided`,
        await getAppeal(tx, id),
        'already_decided',
      );
    const { document } = await runContext(tx, row.runId);
    const { value, points } = checkDecision(document, row, input);
    const at = nowIso();
    const entry = await appendAudit(tx, {
      user: actor.username,
      action: 'appeal.decide',
      entity: 'appeal',
      entityId: id,
      detail: {
        runId: row.runId,
        region: row.regionCode,
        decision: input.decision,
        reason: input.reason,
        ...(value !== null ? { value: JSON.parse(value) } : {}),
        ...(points !== null ? { points } : {}),
        filedBy: row.filedBy,
      },
      at,
    });
    await tx
      .insert(appealDecisions)
      .values({
        appealId: id,
        decision: input.decision,
        reason: input.reason,
        value,
        points,
        decidedBy: actor.username,
        decidedAt: at,
        auditHash: entry.hash,
      })
      .run();
    return await getAppeal(tx, id);
  });
}
