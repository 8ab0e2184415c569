/**
 * Appeals (申诉) and their decisions (复核), SPEC section 10: a region objects to one target of its
 * result in a published run — an input value, an item's points, or a veto, downgrade or cap — with
 * a claim and evidence files; a reviewer or admin who did not file it accepts or rejects it with a
 * reason. Nothing here is ever changed or deleted (database triggers); every write is audited in
 * the same transaction. Filing and evidence are refused after the run's appeal window
 * (`appeal_closed`).
 */
import { transaction } from './dialect.ts';
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Input, RegionResult, RuleDocument } from '../../engine/types.ts';
import { SamePersonError } from '../trust/errors.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, NotFoundError, StoreError, ValidationError, type ImportProblem } from './errors.ts';
import { appealStateOf, todayInChina } from './appeal-window.ts';
import { getRunRow, getRunSummary, type RunSummary } from './runs.ts';
import { getVersion } from './versions.ts';
import { checkValue } from './values.ts';
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
  type AppealTargetKind,
  type Role,
} from './schema.ts';

/** The largest evidence file: 10 MiB. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;
export const EVIDENCE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** Who acts: the session user. */
export interface Actor {
  username: string;
  role: Role;
  region: string | null;
}

export type AppealTarget =
  { kind: 'input'; key: string } | { kind: 'item' | 'veto' | 'downgrade' | 'cap'; id: string };
export type AppealState = 'open' | 'accepted' | 'rejected';

export interface Evidence {
  id: number;
  appealId: number;
  filename: string;
  contentType: EvidenceType;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  url: string;
}

export interface Decision {
  decision: 'accepted' | 'rejected';
  reason: string;
  value?: unknown;
  points?: number;
  decidedBy: string;
  decidedByName: string;
  decidedAt: string;
}

export interface Appeal {
  id: number;
  runId: number;
  family: string;
  year: number;
  region: string;
  regionName: string;
  target: AppealTarget;
  targetLabel: string | null;
  current:
    { value: unknown } | { points: number | null; maxPoints: number | null } | { fired: boolean } | null;
  claim: string;
  requested: { value: unknown } | { points: number } | null;
  state: AppealState;
  filedBy: string;
  filedByName: string;
  filedAt: string;
  evidence: Evidence[];
  decision: Decision | null;
  appliedIn: number[];
}

export interface NewAppeal {
  runId: number;
  region: string;
  target: AppealTarget;
  claim: string;
  requested?: { value?: unknown; points?: number } | null;
}

export interface AppealDecisionInput {
  decision: 'accepted' | 'rejected';
  reason: string;
  value?: unknown;
  points?: number;
}

/** An error with its HTTP status (403 other_region, 413 too_large, 415 unsupported_type). */
export class AppealError extends StoreError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    path = '',
  ) {
    super(message, [{ path, code, message }]);
  }
}

const invalid = (path: string, code: string, message: string): never => {
  throw new ValidationError(message, [{ path, code, message }], code);
};

/** A region account may only act for its own region. */
export function assertOwnRegion(actor: Actor, region: string): void {
  if (actor.role === 'region' && actor.region !== region)
    throw new AppealError(
      403,
      'other_region',
      `地区账号只能处理本地区（${actor.region}）的申诉 / a region account acts only for its own region (${actor.region})`,
    );
}

interface RunContext {
  summary: RunSummary;
  document: RuleDocument;
}

async function runContext(db: Tx, runId: number): Promise<RunContext> {
  const summary = await getRunSummary(db, runId);
  return { summary, document: (await getVersion(db, summary.versionId)).document };
}

async function storedResult(db: Tx, runId: number, region: string): Promise<RegionResult | undefined> {
  const row = await db
    .select({ result: runResults.result })
    .from(runResults)
    .where(and(eq(runResults.runId, runId), eq(runResults.regionCode, region)))
    .get();
  return row ? (JSON.parse(row.result) as RegionResult) : undefined;
}

function targetId(t: AppealTarget): string {
  return t.kind === 'input' ? t.key : t.id;
}

function conditionList(
  doc: RuleDocument,
  kind: 'veto' | 'downgrade' | 'cap',
): { id: string; label?: { zh: string } }[] {
  return ((kind === 'veto' ? doc.vetoes : kind === 'downgrade' ? doc.downgrades : doc.caps) ?? []) as {
    id: string;
    label?: { zh: string };
  }[];
}

function findItem(
  doc: RuleDocument,
  id: string,
): { label: { zh: string }; maxPoints: number | null } | undefined {
  for (const c of doc.categories)
    for (const it of c.items) if (it.id === id) return { label: it.label, maxPoints: it.maxPoints };
  const b = (doc.bonus?.items ?? []).find((x) => x.id === id);
  return b ? { label: b.label, maxPoints: null } : undefined;
}

/** The label of a target in the run's document, and what the run had for the region. */
function describe(
  doc: RuleDocument,
  result: RegionResult | undefined,
  t: AppealTarget,
): { label: string | null; current: Appeal['current'] } {
  if (t.kind === 'input') {
    const input = doc.inputs.find((i) => i.key === t.key);
    const v = result?.values?.[t.key];
    return { label: input?.label.zh ?? null, current: { value: v === undefined ? null : v } };
  }
  if (t.kind === 'item') {
    const item = findItem(doc, t.id);
    const found =
      result?.categories.flatMap((c) => c.items).find((i) => i.id === t.id) ??
      result?.bonusItems.find((b) => b.id === t.id);
    return {
      label: item?.label.zh ?? null,
      current: found ? { points: found.points, maxPoints: item?.maxPoints ?? null } : null,
    };
  }
  const def = conditionList(doc, t.kind).find((x) => x.id === t.id);
  const fired =
    t.kind === 'veto' ? result?.vetoes : t.kind === 'downgrade' ? result?.downgrades : result?.caps;
  return {
    label: def?.label?.zh ?? null,
    current: result ? { fired: fired?.includes(t.id) ?? false } : null,
  };
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

const evidenceColumns = {
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
      const target: AppealTarget =
        r.targetKind === 'input'
          ? { kind: 'input', key: r.targetId }
          : { kind: r.targetKind, id: r.targetId };
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

async function appealRow(db: Tx, id: number): Promise<AppealRow> {
  const row = Number.isInteger(id)
    ? await db.select().from(appeals).where(eq(appeals.id, id)).get()
    : undefined;
  if (!row) throw new NotFoundError('appeal', id);
  return row;
}

/** One appeal (NotFoundError when there is none). */
export async function getAppeal(db: Tx, id: number): Promise<Appeal> {
  return (await appealsOf(db, [await appealRow(db, id)]))[0];
}

export interface AppealFilter {
  runId?: number;
  region?: string;
  state?: AppealState;
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

/** Refuses when the run is not published, its window closed, or it has a correction run already. */
function assertOpen(summary: RunSummary, today: string): void {
  const state = appealStateOf(summary.publication, today);
  if (state === 'none' || state === 'pending')
    throw new ConflictError(
      `运行 ${summary.id} 的结果尚未发布，不能申诉 / run ${summary.id} is not published; appeals open with publication`,
      undefined,
      'not_published',
    );
  if (state === 'closed')
    throw new ConflictError(
      `申诉期已于 ${summary.publication!.appealEndsOn} 结束 / the appeal window closed on ${summary.publication!.appealEndsOn}`,
      undefined,
      'appeal_closed',
    );
  if (summary.supersededBy !== null)
    throw new ConflictError(
      `运行 ${summary.id} 已被更正运行 ${summary.supersededBy} 取代，请针对更正结果申诉 / run ${summary.id} was superseded by correction run ${summary.supersededBy}`,
      undefined,
      'superseded',
    );
}

function checkTarget(doc: RuleDocument, result: RegionResult, input: NewAppeal): string | null {
  const t = input.target;
  const req = input.requested ?? null;
  if (t.kind === 'input') {
    const def = doc.inputs.find((i) => i.key === t.key);
    if (!def)
      invalid('/target/key', 'unknown_target', `规则中没有指标 ${t.key} / no input ${t.key} in the rules`);
    if (req) {
      if (!('value' in req) || 'points' in req)
        invalid(
          '/requested',
          'invalid_requested',
          '指标申诉的请求应为 { value } / an input appeal requests { value }',
        );
      const p = checkValue(def as Input, req.value);
      if (p) invalid('/requested/value', p.code, p.message);
      return JSON.stringify({ value: req.value });
    }
    return null;
  }
  if (t.kind === 'item') {
    const item = findItem(doc, t.id);
    if (!item)
      invalid('/target/id', 'unknown_target', `规则中没有考核项 ${t.id} / no item ${t.id} in the rules`);
    if (req) {
      if (!('points' in req) || 'value' in req || typeof req.points !== 'number')
        invalid(
          '/requested',
          'invalid_requested',
          '考核项申诉的请求应为 { points } / an item appeal requests { points }',
        );
      const max = item!.maxPoints ?? Number.MAX_VALUE;
      if (!(req.points! >= 0 && req.points! <= max))
        invalid(
          '/requested/points',
          'out_of_range',
          `分值应在 0–${item!.maxPoints} 之间 / points must be within 0–${item!.maxPoints}`,
        );
      return JSON.stringify({ points: req.points });
    }
    return null;
  }
  const def = conditionList(doc, t.kind).find((x) => x.id === t.id);
  if (!def)
    invalid(
      '/target/id',
      'unknown_target',
      `规则中没有 ${t.kind} ${t.id} / no ${t.kind} ${t.id} in the rules`,
    );
  const fired = t.kind === 'veto' ? result.vetoes : t.kind === 'downgrade' ? result.downgrades : result.caps;
  if (!fired.includes(t.id))
    invalid(
      '/target/id',
      'not_triggered',
      `${t.kind} ${t.id} 未对该地区生效 / ${t.kind} ${t.id} did not apply to this region`,
    );
  if (req)
    invalid(
      '/requested',
      'invalid_requested',
      `${t.kind} 申诉请求撤销，不带 requested / a ${t.kind} appeal asks for it to be lifted; no requested`,
    );
  return null;
}

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
      afterHash: sha256Text(
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

function sha256Text(s: string | Uint8Array): string {
  return createHash('sha256').update(s).digest('hex');
}

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
    if (
      await tx
        .select({ id: appealDecisions.appealId })
        .from(appealDecisions)
        .where(eq(appealDecisions.appealId, appealId))
        .get()
    )
      throw new ConflictError(
        `申诉 ${appealId} 已复核，不能再补充材料 / appeal ${appealId} is decided; no more evidence`,
        undefined,
        'appeal_decided',
      );
    assertOpen(await getRunSummary(tx, row.runId), today);
    const sha256 = sha256Text(file.bytes);
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
    if (
      await tx
        .select({ id: appealDecisions.appealId })
        .from(appealDecisions)
        .where(eq(appealDecisions.appealId, id))
        .get()
    )
      throw new ConflictError(
        `申诉 ${id} 已复核，决定不可更改 / appeal ${id} is already decided`,
        await getAppeal(tx, id),
        'already_decided',
      );
    const { document } = await runContext(tx, row.runId);
    let value: string | null = null;
    let points: number | null = null;
    const has = (k: 'value' | 'points') => input[k] !== undefined;
    if (input.decision === 'rejected' || !['input', 'item'].includes(row.targetKind)) {
      if (has('value'))
        invalid('/value', 'unexpected_value', '此决定不带 value / this decision takes no value');
      if (has('points'))
        invalid('/points', 'unexpected_points', '此决定不带 points / this decision takes no points');
    } else if (row.targetKind === 'input') {
      if (has('points'))
        invalid('/points', 'unexpected_points', '指标申诉的决定给出 value / an input decision gives a value');
      if (!has('value'))
        invalid(
          '/value',
          'value_required',
          '采纳指标申诉需给出更正后的数值 value / accepting an input appeal needs the corrected value',
        );
      const def = document.inputs.find((i) => i.key === row.targetId)!;
      const p = checkValue(def, input.value);
      if (p) invalid('/value', p.code, p.message);
      value = JSON.stringify(input.value);
    } else {
      if (has('value'))
        invalid('/value', 'unexpected_value', '考核项申诉的决定给出 points / an item decision gives points');
      if (!has('points') || typeof input.points !== 'number' || !Number.isFinite(input.points))
        invalid(
          '/points',
          'points_required',
          '采纳考核项申诉需给出调整后的分值 points / accepting an item appeal needs the adjusted points',
        );
      const max = findItem(document, row.targetId)?.maxPoints ?? Number.MAX_VALUE;
      if (input.points! < 0 || input.points! > max)
        invalid('/points', 'out_of_range', `分值应在 0–${max} 之间 / points must be within 0–${max}`);
      points = input.points!;
    }
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
