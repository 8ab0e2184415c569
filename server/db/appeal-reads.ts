/**
 * Reading appeals as the API shows them: with their evidence, decision, the correction runs that
 * applied them, the target's label and what the run had. SPEC section 10.
 */
import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { RegionResult, RuleDocument } from '../../engine/types.ts';
import type { Tx } from './audit.ts';
import { NotFoundError } from './errors.ts';
import { getRunSummary, type RunSummary } from './runs.ts';
import { getVersion } from './versions.ts';
import { describe, targetOf } from './appeal-targets.ts';
import type { Appeal, AppealFilter, AppealState, Decision, Evidence, EvidenceType } from './appeal-types.ts';
import {
  appealDecisions,
  appealEvidence,
  appeals,
  correctionAppeals,
  regions,
  runResults,
  users,
  type AppealDecisionRow,
  type AppealEvidenceRow,
  type AppealRow,
} from './schema.ts';

export interface RunContext {
  summary: RunSummary;
  document: RuleDocument;
}

export async function runContext(db: Tx, runId: number): Promise<RunContext> {
  const summary = await getRunSummary(db, runId);
  return { summary, document: (await getVersion(db, summary.versionId)).document };
}

export async function storedResult(db: Tx, runId: number, region: string): Promise<RegionResult | undefined> {
  const row = await db
    .select({ result: runResults.result })
    .from(runResults)
    .where(and(eq(runResults.runId, runId), eq(runResults.regionCode, region)))
    .get();
  return row ? (JSON.parse(row.result) as RegionResult) : undefined;
}

async function displayNames(db: Tx, names: string[]): Promise<Map<string, string>> {
  const list = [...new Set(names)];
  if (!list.length) return new Map();
  return new Map(
    (
      await db
        .select({ u: users.username, d: users.displayName })
        .from(users)
        .where(inArray(users.username, list))
        .all()
    ).map((r) => [r.u, r.d]),
  );
}

export function evidenceOf(row: Omit<AppealEvidenceRow, 'content'>): Evidence {
  return {
    id: row.id,
    appealId: row.appealId,
    filename: row.filename,
    contentType: row.contentType as EvidenceType,
    size: row.size,
    sha256: row.sha256,
    uploadedBy: row.uploadedBy,
    uploadedAt: row.uploadedAt,
    url: `/api/appeals/${row.appealId}/evidence/${row.id}`,
  };
}

export const evidenceColumns = {
  id: appealEvidence.id,
  appealId: appealEvidence.appealId,
  filename: appealEvidence.filename,
  contentType: appealEvidence.contentType,
  size: appealEvidence.size,
  sha256: appealEvidence.sha256,
  uploadedBy: appealEvidence.uploadedBy,
  uploadedAt: appealEvidence.uploadedAt,
};

/** Appeal rows as the API shows them (with evidence, decision, where applied, labels). */
async function appealsOf(db: Tx, rows: AppealRow[]): Promise<Appeal[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const evidence = await db
    .select(evidenceColumns)
    .from(appealEvidence)
    .where(inArray(appealEvidence.appealId, ids))
    .orderBy(appealEvidence.id)
    .all();
  const decisions = new Map<number, AppealDecisionRow>(
    (await db.select().from(appealDecisions).where(inArray(appealDecisions.appealId, ids)).all()).map((d) => [
      d.appealId,
      d,
    ]),
  );
  const applied = await db
    .select()
    .from(correctionAppeals)
    .where(inArray(correctionAppeals.appealId, ids))
    .all();
  const regionNames = new Map(
    (await db.select({ code: regions.code, name: regions.nameZh }).from(regions).all()).map((r) => [
      r.code,
      r.name,
    ]),
  );
  const names = await displayNames(db, [
    ...rows.map((r) => r.filedBy),
    ...[...decisions.values()].map((d) => d.decidedBy),
  ]);
  const contexts = new Map<number, RunContext>();
  const results = new Map<string, RegionResult | undefined>();
  return await Promise.all(
    rows.map(async (r) => {
      let ctx = contexts.get(r.runId);
      if (!ctx) contexts.set(r.runId, (ctx = await runContext(db, r.runId)));
      const key = `${r.runId}:${r.regionCode}`;
      if (!results.has(key)) results.set(key, await storedResult(db, r.runId, r.regionCode));
      const target = targetOf(r);
      const { label, current } = describe(ctx.document, results.get(key), target);
      const d = decisions.get(r.id);
      const decision: Decision | null = d
        ? {
            decision: d.decision,
            reason: d.reason,
            ...(d.value !== null ? { value: JSON.parse(d.value) as unknown } : {}),
            ...(d.points !== null ? { points: d.points } : {}),
            decidedBy: d.decidedBy,
            decidedByName: names.get(d.decidedBy) ?? d.decidedBy,
            decidedAt: d.decidedAt,
          }
        : null;
      return {
        id: r.id,
        runId: r.runId,
        family: ctx.summary.family,
        year: ctx.summary.year,
        region: r.regionCode,
        regionName: regionNames.get(r.regionCode) ?? r.regionCode,
        target,
        targetLabel: label,
        current,
        claim: r.claim,
        requested: r.requested ? (JSON.parse(r.requested) as Appeal['requested']) : null,
        state: d ? d.decision : 'open',
        filedBy: r.filedBy,
        filedByName: names.get(r.filedBy) ?? r.filedBy,
        filedAt: r.filedAt,
        evidence: evidence.filter((e) => e.appealId === r.id).map(evidenceOf),
        decision,
        appliedIn: applied.filter((a) => a.appealId === r.id).map((a) => a.runId),
      };
    }),
  );
}

export async function appealRow(db: Tx, id: number): Promise<AppealRow> {
  const row = Number.isInteger(id)
    ? await db.select().from(appeals).where(eq(appeals.id, id)).get()
    : undefined;
  if (!row) throw new NotFoundError('appeal', id);
  return row;
}

/** Whether an appeal has its decision. */
export async function isDecided(db: Tx, id: number): Promise<boolean> {
  return !!(await db
    .select({ id: appealDecisions.appealId })
    .from(appealDecisions)
    .where(eq(appealDecisions.appealId, id))
    .get());
}

/** One appeal (NotFoundError when there is none). */
export async function getAppeal(db: Tx, id: number): Promise<Appeal> {
  return (await appealsOf(db, [await appealRow(db, id)]))[0];
}

/** Appeals newest first, and the counts by state over the filter without `state`. */
export async function listAppeals(
  db: Tx,
  filter: AppealFilter,
): Promise<{ appeals: Appeal[]; counts: Record<AppealState | 'total', number> }> {
  const conds: SQL[] = [];
  if (filter.runId !== undefined) conds.push(eq(appeals.runId, filter.runId));
  if (filter.region !== undefined) conds.push(eq(appeals.regionCode, filter.region));
  const rows = await db
    .select()
    .from(appeals)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(appeals.id))
    .all();
  const all = await appealsOf(db, rows);
  const counts = { open: 0, accepted: 0, rejected: 0, total: all.length };
  for (const a of all) counts[a.state]++;
  return { appeals: filter.state ? all.filter((a) => a.state === filter.state) : all, counts };
}

/** An evidence file with its bytes (NotFoundError unless it belongs to the appeal). */
export async function getEvidenceFile(
  db: Tx,
  appealId: number,
  evidenceId: number,
): Promise<Evidence & { content: Buffer }> {
  const row = await db
    .select()
    .from(appealEvidence)
    .where(and(eq(appealEvidence.id, evidenceId), eq(appealEvidence.appealId, appealId)))
    .get();
  if (!row) throw new NotFoundError(`appeal ${appealId} evidence`, evidenceId);
  return { ...evidenceOf(row), content: row.content };
}

/** The region an appeal concerns (for access checks). */
export async function appealRegion(db: Tx, id: number): Promise<string> {
  return (await appealRow(db, id)).regionCode;
}
