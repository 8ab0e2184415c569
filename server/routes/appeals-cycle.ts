/**
 * The appeals cycle the route tests share (SPEC section 10): evidence files, a published run, the
 * five appeals filed against it and the decisions taken on them, each written once.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { RuleDocument } from '../../engine/types.ts';
import type { Role } from '../db/schema.ts';
import { todayInChina } from '../db/appeal-window.ts';
import { makeFixture, type Fixture } from './test-helpers.ts';

export const PDF = new Uint8Array(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1'));
export const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82,
]);
export const GIF = new Uint8Array(Buffer.from('GIF89a....', 'latin1'));
export const HTML = new Uint8Array(Buffer.from('<html><script>alert(1)</script></html>', 'utf8'));

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Publishes a run with four eyes: the assessor asks, the admin approves. */
export async function publish(f: Fixture, runId: number, publishedOn: string, appealDays = 15) {
  const req = await f
    .as('assessor')
    .json('POST', `/api/runs/${runId}/publish`, { docNumber: '吉环考〔2025〕3号', publishedOn, appealDays });
  expect(req.status).toBe(202);
  const ok = await f.as('admin').json('POST', `/api/runs/${runId}/approve`);
  expect(ok.status).toBe(200);
  return ok.body;
}

/** The appeals of the cycle: who files each, for which region, against what. */
export const APPEALS = {
  input: {
    as: 'region',
    region: '220100',
    target: { kind: 'input', key: 'air_task_shortfalls' },
    claim: '大气任务已完成，未完成项应为 0',
    requested: { value: 0 },
  },
  downgrade: {
    as: 'region',
    region: '220100',
    target: { kind: 'downgrade', id: 'inspection_overdue' },
    claim: '督察整改已按期完成',
  },
  item: {
    as: 'assessor',
    region: '220200',
    target: { kind: 'item', id: 'satisfaction' },
    claim: '满意度调查样本有误',
    requested: { points: 5 },
  },
  rejected: {
    as: 'assessor',
    region: '220300',
    target: { kind: 'cap', id: 'satisfaction_low' },
    claim: '满意度不应封顶',
  },
  own: {
    as: 'admin',
    region: '220400',
    target: { kind: 'input', key: 'satisfaction' },
    claim: '管理员代为申诉',
  },
} as const satisfies Record<
  string,
  { as: Role; region: string; target: object; claim: string; requested?: object }
>;
export type AppealName = keyof typeof APPEALS;

/** Files one of the cycle's appeals against the run (the response, unchecked). */
export async function fileNamed(f: Fixture, runId: number, name: AppealName) {
  const { as, ...body } = APPEALS[name];
  return await f.as(as).json('POST', '/api/appeals', { runId, ...body });
}

/** The decisions a reviewer takes on them (the admin's own appeal stays open). */
export const DECISIONS = {
  input: { decision: 'accepted', reason: '任务完成属实', value: 0 },
  downgrade: { decision: 'accepted', reason: '已整改' },
  item: { decision: 'accepted', reason: '样本重算', points: 4.5 },
  rejected: { decision: 'rejected', reason: '依据不足' },
} as const;

/** Decides one of them as the reviewer (the response, unchecked). */
export async function decideNamed(f: Fixture, ids: Record<string, number>, name: keyof typeof DECISIONS) {
  return await f.as('reviewer').json('POST', `/api/appeals/${ids[name]}/decision`, DECISIONS[name]);
}

/** A run of 2024 published today with the five appeals filed, evidence on the first, and decided. */
export async function decidedCycle(): Promise<{
  f: Fixture;
  runId: number;
  doc: RuleDocument;
  ids: Record<string, number>;
}> {
  const f = await makeFixture();
  const r = await f.as('assessor').json('POST', '/api/runs', { versionId: f.published[2024].id, year: 2024 });
  const runId = r.body.id as number;
  await publish(f, runId, todayInChina());
  const ids: Record<string, number> = {};
  for (const name of Object.keys(APPEALS) as AppealName[]) {
    const filed = await fileNamed(f, runId, name);
    expect(filed.status, name).toBe(201);
    ids[name] = filed.body.id;
  }
  for (const [file, type, bytes] of [
    ['监测报告.pdf', 'application/pdf', PDF],
    ['photo.png', 'application/octet-stream', PNG],
  ] as const) {
    const url = `/api/appeals/${ids.input}/evidence?filename=${encodeURIComponent(file)}`;
    expect((await f.as('region').json('POST', url, bytes, { 'content-type': type })).status).toBe(201);
  }
  for (const name of Object.keys(DECISIONS) as (keyof typeof DECISIONS)[])
    expect((await decideNamed(f, ids, name)).status, name).toBe(200);
  return { f, runId, doc: f.published[2024].document, ids };
}
