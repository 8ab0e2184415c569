/**
 * The appeals cycle through the API (SPEC section 10): publication with four eyes, appeals filed by
 * a region account and by an assessor on a region's behalf, evidence, decisions by another person,
 * the correction run compared with an independent evaluation, the impact, consequences — and the
 * attacks: another region, one's own decision, after the deadline, oversized and wrongly typed
 * evidence, editing through SQL.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../engine/index.ts';
import type { Dataset, RegionResult, RuleDocument } from '../../engine/types.ts';
import { todayInChina } from '../db/appeal-window.ts';
import { addEvidence, fileAppeal } from '../db/appeals.ts';
import { getRunDataset } from '../db/runs.ts';
import { verifySealedRun } from '../trust/sealed.ts';
import { verifyDatabase } from '../trust/verify.ts';
import { makeFixture, schemaProblems, type Fixture } from './test-helpers.ts';

const PDF = new Uint8Array(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1'));
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const GIF = new Uint8Array(Buffer.from('GIF89a....', 'latin1'));
const HTML = new Uint8Array(Buffer.from('<html><script>alert(1)</script></html>', 'utf8'));

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Publishes a run with four eyes: the assessor asks, the admin approves. */
async function publish(f: Fixture, runId: number, publishedOn: string, appealDays = 15) {
  const req = await f
    .as('assessor')
    .json('POST', `/api/runs/${runId}/publish`, { docNumber: '吉环考〔2025〕3号', publishedOn, appealDays });
  expect(req.status).toBe(202);
  const ok = await f.as('admin').json('POST', `/api/runs/${runId}/approve`);
  expect(ok.status).toBe(200);
  return ok.body;
}

describe('appeals and corrections', () => {
  let f: Fixture;
  let runId: number;
  let doc: RuleDocument;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    f = await makeFixture();
    const r = await f
      .as('assessor')
      .json('POST', '/api/runs', { versionId: f.published[2024].id, year: 2024 });
    runId = r.body.id;
    doc = f.published[2024].document;
  });
  afterAll(() => f.close());

  it('region accounts: created with a region, which must exist; other roles have none', async () => {
    const admin = f.as('admin');
    const ok = await admin.json('POST', '/api/users', {
      username: 'jl',
      displayName: '吉林市',
      role: 'region',
      region: '220200',
      password: 'password-12345',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.user).toMatchObject({ role: 'region', region: '220200' });
    const missing = await admin.json('POST', '/api/users', {
      username: 'x1',
      displayName: 'x',
      role: 'region',
      password: 'password-12345',
    });
    expect([missing.status, missing.body.errors[0]]).toMatchObject([
      422,
      { path: '/region', code: 'region_required' },
    ]);
    const unknown = await admin.json('POST', '/api/users', {
      username: 'x2',
      displayName: 'x',
      role: 'region',
      region: '999999',
      password: 'password-12345',
    });
    expect(unknown.body.errors[0]).toMatchObject({ path: '/region', code: 'unknown_region' });
    const notAllowed = await admin.json('POST', '/api/users', {
      username: 'x3',
      displayName: 'x',
      role: 'editor',
      region: '220100',
      password: 'password-12345',
    });
    expect(notAllowed.body.errors[0]).toMatchObject({ path: '/region', code: 'region_not_allowed' });
    const me = await f.as('region').json('GET', '/api/auth/me');
    expect(me.body.user).toMatchObject({ role: 'region', region: '220100' });
  });

  it('an unpublished run is invisible to a region account and closed to appeals', async () => {
    const region = f.as('region');
    expect((await region.json('GET', `/api/runs/${runId}`)).status).toBe(404);
    expect((await region.json('GET', `/api/runs/${runId}/regions/220100`)).status).toBe(404);
    expect((await region.json('GET', '/api/runs')).body.runs).toEqual([]);
    const early = await region.json('POST', '/api/appeals', {
      runId,
      region: '220100',
      target: { kind: 'input', key: 'pm25' },
      claim: '监测数据有误',
    });
    expect([early.status, early.body.code]).toEqual([409, 'not_published']);
  });

  it('publication (four eyes) opens the window; the run shows its state and the window end', async () => {
    const today = todayInChina();
    const p = await publish(f, runId, today);
    expect(p).toMatchObject({ status: 'published', publishedOn: today, appealDays: 15 });
    const run = await f.as('reviewer').json('GET', `/api/runs/${runId}`);
    expect(run.body).toMatchObject({
      appealState: 'open',
      supersedes: null,
      supersededBy: null,
      corrections: null,
    });
    expect(run.body.publication.appealEndsOn > today).toBe(true);
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}', 200, run.body)).toEqual([]);
  });

  it('a region account reads its own result in full and the others only as ranking rows', async () => {
    const region = f.as('region');
    const runs = await region.json('GET', '/api/runs');
    expect(runs.body.runs.map((r: { id: number }) => r.id)).toEqual([runId]);
    const run = await region.json('GET', `/api/runs/${runId}`);
    expect(run.status).toBe(200);
    for (const r of run.body.results as RegionResult[]) {
      if (r.region === '220100') expect(r.categories.length).toBeGreaterThan(0);
      else expect(Object.keys(r).sort()).toEqual(['grade', 'name', 'rank', 'region', 'scoreGrade', 'total']);
    }
    expect((await region.json('GET', `/api/runs/${runId}/regions/220100`)).status).toBe(200);
    const other = await region.json('GET', `/api/runs/${runId}/regions/220200`);
    expect([other.status, other.body.code]).toEqual([403, 'other_region']);
    expect((await region.json('GET', '/api/datasets/2024/regions/220100')).body.values.pm25).toBeTypeOf(
      'number',
    );
    expect((await region.json('GET', '/api/datasets/2024/regions/220200')).status).toBe(403);
    expect((await region.json('GET', '/api/datasets/2024')).status).toBe(403);
    expect((await region.json('GET', `/api/runs/${runId}/sealed`)).status).toBe(403);
    expect((await region.request('GET', `/api/runs/${runId}/regions/220100/statement.docx`)).status).toBe(
      200,
    );
    expect((await region.request('GET', `/api/runs/${runId}/regions/220200/statement.docx`)).status).toBe(
      403,
    );
    expect((await region.request('GET', `/api/runs/${runId}/documents/notice.docx`)).status).toBe(200);
    expect(
      (await region.request('GET', `/api/versions/${f.published[2024].id}/letters/220100.docx`)).status,
    ).toBe(200);
    expect((await region.json('GET', `/api/runs/${runId}/export?format=csv`)).status).toBe(403);
    expect((await region.json('GET', `/api/versions/${f.draft2025.id}`)).status).toBe(404);
    expect((await region.json('GET', `/api/versions/${f.published[2024].id}`)).status).toBe(200);
    expect(
      (await region.request('GET', `/api/versions/${f.published[2024].id}/letters/220200.docx`)).status,
    ).toBe(403);
  });

  it('files appeals: the region for itself, an assessor on behalf of a region; never for another region', async () => {
    const region = f.as('region');
    const input = await region.json('POST', '/api/appeals', {
      runId,
      region: '220100',
      target: { kind: 'input', key: 'air_task_shortfalls' },
      claim: '大气任务已完成，未完成项应为 0',
      requested: { value: 0 },
    });
    expect(input.status).toBe(201);
    expect(schemaProblems(f.app, 'POST', '/api/appeals', 201, input.body)).toEqual([]);
    expect(input.body).toMatchObject({
      region: '220100',
      regionName: '长春市',
      state: 'open',
      filedBy: 'cc',
      requested: { value: 0 },
      decision: null,
      appliedIn: [],
    });
    expect(input.body.current.value).toBeTypeOf('number');
    ids.input = input.body.id;
    const down = await region.json('POST', '/api/appeals', {
      runId,
      region: '220100',
      target: { kind: 'downgrade', id: 'inspection_overdue' },
      claim: '督察整改已按期完成',
    });
    expect(down.status).toBe(201);
    expect(down.body.current).toEqual({ fired: true });
    ids.downgrade = down.body.id;

    const other = await region.json('POST', '/api/appeals', {
      runId,
      region: '220200',
      target: { kind: 'item', id: 'satisfaction' },
      claim: '替吉林市申诉',
    });
    expect([other.status, other.body.code]).toEqual([403, 'other_region']);

    const item = await f.as('assessor').json('POST', '/api/appeals', {
      runId,
      region: '220200',
      target: { kind: 'item', id: 'satisfaction' },
      claim: '满意度调查样本有误',
      requested: { points: 5 },
    });
    expect(item.status).toBe(201);
    ids.item = item.body.id;
    const rejected = await f.as('assessor').json('POST', '/api/appeals', {
      runId,
      region: '220300',
      target: { kind: 'cap', id: 'satisfaction_low' },
      claim: '满意度不应封顶',
    });
    ids.rejected = rejected.body.id;
    const own = await f.as('admin').json('POST', '/api/appeals', {
      runId,
      region: '220400',
      target: { kind: 'input', key: 'satisfaction' },
      claim: '管理员代为申诉',
    });
    ids.own = own.body.id;

    const bad = [
      [{ kind: 'input', key: 'nope' }, undefined, '/target/key', 'unknown_target'],
      [{ kind: 'veto', id: 'data_fraud' }, undefined, '/target/id', 'not_triggered'],
      [{ kind: 'input', key: 'pm25' }, { value: 9999 }, '/requested/value', 'out_of_range'],
      [{ kind: 'item', id: 'satisfaction' }, { points: 6 }, '/requested/points', 'out_of_range'],
    ] as const;
    for (const [target, requested, path, code] of bad) {
      const r = await region.json('POST', '/api/appeals', {
        runId,
        region: '220100',
        target,
        claim: 'x',
        requested,
      });
      expect([r.status, r.body.errors[0].path, r.body.errors[0].code], JSON.stringify(target)).toEqual([
        422,
        path,
        code,
      ]);
    }
  });

  it('evidence: PDF and images by their bytes, ≤ 10 MiB, with SHA-256, served back safely', async () => {
    const region = f.as('region');
    const url = `/api/appeals/${ids.input}/evidence?filename=${encodeURIComponent('监测报告.pdf')}`;
    const ok = await region.json('POST', url, PDF, { 'content-type': 'application/pdf' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ contentType: 'application/pdf', size: PDF.length, sha256: sha256(PDF) });
    const png = await region.json('POST', `/api/appeals/${ids.input}/evidence?filename=photo.png`, PNG, {
      'content-type': 'application/octet-stream',
    });
    expect(png.body.contentType).toBe('image/png');

    const served = await region.request('GET', ok.body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toMatch(
      /^inline; filename="____\.pdf"; filename\*=UTF-8''/,
    );
    expect(served.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PDF);
    const img = await region.request('GET', `${png.body.url}?download=1`);
    expect(img.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(img.headers.get('content-security-policy')).toContain('sandbox');

    const refused: [Uint8Array, string, string, number, string][] = [
      [GIF, 'a.png', 'image/png', 415, 'unsupported_type'],
      [HTML, 'a.pdf', 'application/pdf', 415, 'unsupported_type'],
      [PNG, 'a.png', 'image/jpeg', 415, 'unsupported_type'],
      [PDF, 'a.png', 'application/pdf', 415, 'unsupported_type'],
      [PDF, '../a.pdf', 'application/pdf', 422, 'invalid_filename'],
      [PDF, 'a.exe', 'application/pdf', 422, 'invalid_filename'],
      [new Uint8Array(10 * 1024 * 1024 + 1).fill(0x25), 'big.pdf', 'application/pdf', 413, 'too_large'],
    ];
    for (const [bytes, name, type, status, code] of refused) {
      const r = await region.json(
        'POST',
        `/api/appeals/${ids.input}/evidence?filename=${encodeURIComponent(name)}`,
        bytes,
        {
          'content-type': type,
        },
      );
      expect([r.status, r.body.code], `${name} ${type}`).toEqual([status, code]);
    }
    const html = await region.json('POST', `/api/appeals/${ids.input}/evidence?filename=a.pdf`, HTML, {
      'content-type': 'text/html',
    });
    expect(html.status).toBe(403);
    // Another region's appeal and its evidence.
    const other = await region.json('POST', `/api/appeals/${ids.item}/evidence?filename=a.pdf`, PDF, {
      'content-type': 'application/pdf',
    });
    expect([other.status, other.body.code]).toEqual([403, 'other_region']);
    expect((await region.json('GET', `/api/appeals/${ids.item}`)).status).toBe(403);
    const appeal = await region.json('GET', `/api/appeals/${ids.input}`);
    expect(appeal.body.evidence).toHaveLength(2);
  });

  it('a region lists only its own appeals; staff see all with counts by state', async () => {
    const mine = await f.as('region').json('GET', `/api/appeals?runId=${runId}`);
    expect(mine.body.appeals.map((a: { region: string }) => a.region)).toEqual(['220100', '220100']);
    expect(mine.body.counts).toEqual({ open: 2, accepted: 0, rejected: 0, total: 2 });
    expect((await f.as('region').json('GET', '/api/appeals?region=220200')).status).toBe(403);
    const all = await f.as('reviewer').json('GET', `/api/appeals?runId=${runId}`);
    expect(all.body.counts).toEqual({ open: 5, accepted: 0, rejected: 0, total: 5 });
    expect(schemaProblems(f.app, 'GET', '/api/appeals', 200, all.body)).toEqual([]);
  });

  it('decisions: by a reviewer or admin who did not file, with a reason; never changed', async () => {
    const rev = f.as('reviewer');
    expect(
      (
        await f
          .as('region')
          .json('POST', `/api/appeals/${ids.input}/decision`, { decision: 'accepted', reason: 'x' })
      ).status,
    ).toBe(403);
    expect(
      (
        await f
          .as('assessor')
          .json('POST', `/api/appeals/${ids.item}/decision`, { decision: 'accepted', reason: 'x' })
      ).status,
    ).toBe(403);
    const self = await f
      .as('admin')
      .json('POST', `/api/appeals/${ids.own}/decision`, { decision: 'rejected', reason: '自己复核' });
    expect([self.status, self.body.code]).toEqual([403, 'same_person']);
    const noValue = await rev.json('POST', `/api/appeals/${ids.input}/decision`, {
      decision: 'accepted',
      reason: '复核',
    });
    expect([noValue.status, noValue.body.errors[0].path, noValue.body.errors[0].code]).toEqual([
      422,
      '/value',
      'value_required',
    ]);
    const range = await rev.json('POST', `/api/appeals/${ids.item}/decision`, {
      decision: 'accepted',
      reason: 'r',
      points: 9,
    });
    expect(range.body.errors[0]).toMatchObject({ path: '/points', code: 'out_of_range' });

    const a = await rev.json('POST', `/api/appeals/${ids.input}/decision`, {
      decision: 'accepted',
      reason: '任务完成属实',
      value: 0,
    });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      state: 'accepted',
      decision: { decision: 'accepted', value: 0, decidedBy: 'rev' },
    });
    expect(
      (
        await rev.json('POST', `/api/appeals/${ids.downgrade}/decision`, {
          decision: 'accepted',
          reason: '已整改',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await rev.json('POST', `/api/appeals/${ids.item}/decision`, {
          decision: 'accepted',
          reason: '样本重算',
          points: 4.5,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await rev.json('POST', `/api/appeals/${ids.rejected}/decision`, {
          decision: 'rejected',
          reason: '依据不足',
        })
      ).status,
    ).toBe(200);
    const again = await f
      .as('admin')
      .json('POST', `/api/appeals/${ids.input}/decision`, { decision: 'rejected', reason: '改主意' });
    expect([again.status, again.body.code]).toEqual([409, 'already_decided']);
    const late = await f.as('region').json('POST', `/api/appeals/${ids.input}/evidence?filename=b.pdf`, PDF, {
      'content-type': 'application/pdf',
    });
    expect([late.status, late.body.code]).toEqual([409, 'appeal_decided']);
    const counts = await rev.json('GET', `/api/appeals?runId=${runId}`);
    expect(counts.body.counts).toEqual({ open: 1, accepted: 3, rejected: 1, total: 5 });
    const audit = f.opened.sqlite
      .prepare(
        `SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'appeal.%' GROUP BY action ORDER BY action`,
      )
      .all();
    expect(audit).toEqual([
      { action: 'appeal.decide', n: 4 },
      { action: 'appeal.evidence', n: 2 },
      { action: 'appeal.file', n: 5 },
    ]);
  });

  it('appeals, evidence and decisions cannot be edited or deleted, not even through SQL', () => {
    const db = f.opened.sqlite;
    const attempts = [
      `UPDATE appeals SET claim = 'changed' WHERE id = ${ids.input}`,
      `DELETE FROM appeals WHERE id = ${ids.input}`,
      `UPDATE appeal_decisions SET decision = 'rejected' WHERE appeal_id = ${ids.input}`,
      `DELETE FROM appeal_decisions WHERE appeal_id = ${ids.input}`,
      `UPDATE appeal_evidence SET sha256 = 'x' WHERE appeal_id = ${ids.input}`,
      `DELETE FROM appeal_evidence WHERE appeal_id = ${ids.input}`,
      `REPLACE INTO appeal_decisions (appeal_id, decision, reason, decided_by, decided_at) VALUES (${ids.input}, 'rejected', 'r', 'admin', 'now')`,
      `INSERT INTO appeal_decisions (appeal_id, decision, reason, decided_by, decided_at) VALUES (${ids.own}, 'rejected', 'r', 'admin', 'now')`,
    ];
    for (const sql of attempts) expect(() => db.exec(sql), sql).toThrow(/immutable|four_eyes/);
  });

  it('the correction run applies the accepted appeals and matches an independent evaluation', async () => {
    const as = f.as('assessor');
    const notAccepted = await as.json('POST', `/api/runs/${runId}/corrections`, {
      appeals: [ids.input, ids.rejected],
    });
    expect([notAccepted.status, notAccepted.body.code, notAccepted.body.errors[0].path]).toEqual([
      409,
      'not_accepted',
      '/appeals/1',
    ]);
    const c = await as.json('POST', `/api/runs/${runId}/corrections`, {
      appeals: [ids.input, ids.downgrade, ids.item],
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      supersedes: runId,
      corrections: { appeals: [ids.input, ids.downgrade, ids.item] },
    });
    const newId = c.body.id as number;

    const before = (await f.as('reviewer').json('GET', `/api/runs/${runId}`)).body;
    expect(before.supersededBy).toBe(newId);
    const after = (await f.as('reviewer').json('GET', `/api/runs/${newId}`)).body;
    expect(after.supersedes).toBe(runId);

    // The corrected input is a new revision of the year's data, its source the appeal.
    const data = await f.as('reviewer').json('GET', '/api/datasets/2024/regions/220100');
    expect(schemaProblems(f.app, 'GET', '/api/datasets/{year}/regions/{code}', 200, data.body)).toEqual([]);
    expect(data.body.values.air_task_shortfalls).toBe(0);
    expect(data.body.sources.air_task_shortfalls).toBe(`appeal:${ids.input}`);

    // Independent evaluation: the engine on the superseded run's dataset with the corrected value.
    const base = await getRunDataset(f.opened.db, runId);
    const corrected: Dataset = JSON.parse(JSON.stringify(base));
    corrected.regions.find((r) => r.code === '220100')!.values.air_task_shortfalls = 0;
    const independent = new Map(evaluate(doc, corrected, { trace: false }).results.map((r) => [r.region, r]));
    const original = new Map(evaluate(doc, base, { trace: false }).results.map((r) => [r.region, r]));
    const got = new Map((after.results as RegionResult[]).map((r) => [r.region, r]));
    const old = new Map((before.results as RegionResult[]).map((r) => [r.region, r]));
    const strip = (r: RegionResult) => ({
      total: r.total,
      base: r.base,
      bonus: r.bonus,
      scoreGrade: r.scoreGrade,
      grade: r.grade,
      categories: r.categories,
    });
    // Untouched regions keep exactly their results (rank may move).
    for (const code of [
      '220300',
      '220400',
      '220500',
      '220600',
      '220700',
      '220800',
      '222400',
      'CBS001',
      '220581',
      '220184',
    ])
      expect(strip(got.get(code)!), code).toEqual(strip(old.get(code)!));

    // 220100: the corrected air_task_shortfalls, and the downgrade lifted: final grade = score grade.
    const cc = got.get('220100')!;
    const ccIndependent = independent.get('220100')!;
    expect(ccIndependent.downgrades).toEqual(['inspection_overdue']);
    expect(cc.total).toBe(ccIndependent.total);
    expect(cc.categories).toEqual(ccIndependent.categories);
    expect(cc.downgrades).toEqual([]);
    expect(cc.waivers).toEqual([
      { kind: 'downgrade', id: 'inspection_overdue', appeal: ids.downgrade, reason: '已整改' },
    ]);
    expect(cc.grade).toBe(ccIndependent.scoreGrade);
    expect(cc.total).not.toBe(original.get('220100')!.total);

    // 220200: the computed points kept, the adjustment beside them, sums and grade from effective points.
    const jl = got.get('220200')!;
    const sat = jl.categories.find((c) => c.id === 'satisfaction')!;
    const item = sat.items.find((i) => i.id === 'satisfaction')!;
    const computed = independent.get('220200')!.categories.find((c) => c.id === 'satisfaction')!.items[0];
    expect(item.points).toBe(computed.points);
    expect(item.adjustment).toEqual({ points: 4.5, appeal: ids.item, reason: '样本重算' });
    const round2 = (x: number) => (Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9)) / 100;
    const expectedBase = round2(
      independent
        .get('220200')!
        .categories.map((cat) => (cat.id === 'satisfaction' ? 4.5 : cat.points))
        .reduce((s, x) => s + x, 0),
    );
    expect(jl.base).toBeCloseTo(expectedBase, 9);
    expect(jl.total).toBe(round2(jl.base + jl.bonus));
    const grade = doc.grades.find((g) => g.min <= jl.total)!.id;
    expect(jl.scoreGrade).toBe(grade);
    // 220200 misses binding targets in 2024 (the one 降档项): one grade below its score grade
    expect(jl.downgrades).toEqual(['binding_target_missed']);
    expect(jl.caps).toEqual([]);
    expect(jl.vetoes).toEqual([]);
    const gi = doc.grades.findIndex((g) => g.id === grade);
    expect(jl.grade).toBe(doc.grades[Math.min(gi + 1, doc.grades.length - 1)].id);

    // Ranking follows the effective totals and grades.
    const order = (after.results as RegionResult[]).map((r) => r.rank);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const idx = (g: string) => doc.grades.findIndex((x) => x.id === g);
    for (const r of after.results as RegionResult[]) {
      const better = (after.results as RegionResult[]).filter(
        (o) => idx(o.grade) < idx(r.grade) || (o.grade === r.grade && o.total > r.total),
      ).length;
      expect(r.rank, r.region).toBe(better + 1);
    }

    // Both ends know the appeals applied; each applies once; one correction per run.
    expect((await as.json('GET', `/api/appeals/${ids.input}`)).body.appliedIn).toEqual([newId]);
    const twice = await as.json('POST', `/api/runs/${runId}/corrections`, { appeals: [ids.input] });
    expect([twice.status, twice.body.code]).toEqual([409, 'already_superseded']);
    const superseded = await f.as('region').json('POST', '/api/appeals', {
      runId,
      region: '220100',
      target: { kind: 'input', key: 'satisfaction' },
      claim: '再申诉',
    });
    expect([superseded.status, superseded.body.code]).toEqual([409, 'superseded']);
    ids.correction = newId;
  });

  it('the sealed correction run re-evaluates to the same bytes, adjustments included', async () => {
    const sealed = await f.as('reviewer').json('GET', `/api/runs/${ids.correction}/sealed`);
    expect(sealed.body.corrections).toMatchObject({
      supersedes: runId,
      appeals: [ids.input, ids.downgrade, ids.item],
    });
    expect(verifySealedRun(sealed.body)).toEqual([]);
    const forged = JSON.parse(JSON.stringify(sealed.body));
    forged.corrections.adjustments['220200'].items.satisfaction.points = 5;
    expect(verifySealedRun(forged).map((p) => p.code)).toContain('results_differ');
  });

  it('impact: the regions the correction moved, and a region account sees only its own row', async () => {
    const impact = await f.as('reviewer').json('GET', `/api/runs/${ids.correction}/impact`);
    expect(impact.status).toBe(200);
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}/impact', 200, impact.body)).toEqual([]);
    expect(impact.body).toMatchObject({ from: runId, to: ids.correction });
    const changed = impact.body.regions
      .filter((r: { changed: boolean }) => r.changed)
      .map((r: { region: string }) => r.region);
    expect(changed.sort()).toEqual(['220100', '220200']);
    const cc = impact.body.regions.find((r: { region: string }) => r.region === '220100');
    expect(cc.inputs).toEqual([{ key: 'air_task_shortfalls', before: 1, after: 0, appeal: ids.input }]);
    expect(cc.waivers).toEqual([{ kind: 'downgrade', id: 'inspection_overdue', appeal: ids.downgrade }]);
    expect((await f.as('reviewer').json('GET', `/api/runs/${runId}/impact`)).body.code).toBe(
      'not_a_correction',
    );
    // Not published yet: invisible to the region account; after publication its own row only.
    expect((await f.as('region').json('GET', `/api/runs/${ids.correction}/impact`)).status).toBe(404);
  });

  it('the correction run is published after the run it supersedes (four eyes), with its own window', async () => {
    const today = todayInChina();
    const p = await publish(f, ids.correction, today, 5);
    expect(p).toMatchObject({ status: 'published', appealDays: 5 });
    const region = f.as('region');
    const runs = (await region.json('GET', '/api/runs')).body.runs.map((r: { id: number }) => r.id);
    expect(runs.sort()).toEqual([runId, ids.correction].sort());
    const impact = await region.json('GET', `/api/runs/${ids.correction}/impact`);
    expect(impact.body.regions.map((r: { region: string }) => r.region)).toEqual(['220100']);
    const history = await region.json('GET', `/api/runs/${ids.correction}/regions/220100/history`);
    expect(history.body.points.map((p: { runId: number }) => p.runId)).toEqual([ids.correction]);
    const notice = await region.request('GET', `/api/runs/${ids.correction}/documents/correction.docx`);
    expect(notice.status).toBe(200);
    // Appeals now go against the correction run.
    const again = await region.json('POST', '/api/appeals', {
      runId: ids.correction,
      region: '220100',
      target: { kind: 'item', id: 'soil_tasks' },
      claim: '土壤任务已完成',
    });
    expect(again.status).toBe(201);
    // A run that is neither the original nor a correction cannot be published for the same year.
    const third = await f
      .as('assessor')
      .json('POST', '/api/runs', { versionId: f.published[2024].id, year: 2024 });
    const req = await f.as('assessor').json('POST', `/api/runs/${third.body.id}/publish`, {
      docNumber: '吉环考〔2025〕9号',
      publishedOn: today,
    });
    expect([req.status, req.body.code]).toEqual([409, 'already_published']);
  });

  it('consequences: computed from the results, configured per family, recorded once, exported', async () => {
    const rev = f.as('reviewer');
    const c = await rev.json('GET', `/api/runs/${runId}/consequences`);
    expect(c.body.recorded).toBeNull();
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}/consequences', 200, c.body)).toEqual([]);
    const interview = c.body.lists.find((l: { kind: string }) => l.kind === 'interview');
    const byRegion = new Map(
      interview.regions.map((r: { region: string; reasons: { criterion: string }[] }) => [
        r.region,
        r.reasons.map((x) => x.criterion),
      ]),
    );
    expect(byRegion.get('220581')).toEqual(expect.arrayContaining(['failed', 'vetoed']));
    expect(byRegion.get('220100')).toEqual(['downgraded']);
    expect(byRegion.has('220500')).toBe(false);
    const criticism = c.body.lists.find((l: { kind: string }) => l.kind === 'criticism');
    // 不合格 in 2024: 公主岭 by score, 梅河口 by veto, 四平 and 松原 合格 by score but downgraded for
    // missed binding targets
    expect(criticism.regions.map((r: { region: string }) => r.region).sort()).toEqual([
      '220184',
      '220300',
      '220581',
      '220700',
    ]);

    expect((await rev.json('PUT', '/api/families/jilin-eco-target/consequences', { lists: [] })).status).toBe(
      403,
    );
    const cfg = await f.as('admin').json('PUT', '/api/families/jilin-eco-target/consequences', {
      lists: [{ kind: 'restriction', criteria: ['vetoed'] }],
    });
    expect(cfg.status).toBe(200);
    expect(schemaProblems(f.app, 'PUT', '/api/families/{family}/consequences', 200, cfg.body)).toEqual([]);
    const rec = await f.as('assessor').json('POST', `/api/runs/${runId}/consequences`);
    expect(rec.status).toBe(201);
    expect(schemaProblems(f.app, 'POST', '/api/runs/{id}/consequences', 201, rec.body)).toEqual([]);
    expect(rec.body.lists).toEqual([
      expect.objectContaining({
        kind: 'restriction',
        regions: [expect.objectContaining({ region: '220581' })],
      }),
    ]);
    expect((await f.as('assessor').json('POST', `/api/runs/${runId}/consequences`)).body.code).toBe(
      'already_recorded',
    );
    // Recorded: a later configuration does not change it.
    await f.as('admin').json('PUT', '/api/families/jilin-eco-target/consequences', {
      lists: [{ kind: 'interview', criteria: ['failed'] }],
    });
    expect((await rev.json('GET', `/api/runs/${runId}/consequences`)).body.lists[0].kind).toBe('restriction');
    const csv = await rev.request('GET', `/api/runs/${runId}/consequences/export?format=csv`);
    const text = await csv.text();
    expect(text).toContain('区域限批,220581');
    const xlsx = await rev.request('GET', `/api/runs/${runId}/consequences/export?format=xlsx`);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(() => f.opened.sqlite.exec(`DELETE FROM run_consequences WHERE run_id = ${runId}`)).toThrow(
      /immutable/,
    );
  });

  it('verify --db holds for the whole cycle, and catches evidence changed behind the triggers', async () => {
    expect((await verifyDatabase(f.opened.db)).problems).toEqual([]);
    const db = f.opened.sqlite;
    db.exec('DROP TRIGGER appeal_evidence_append_only_update');
    db.exec(
      `UPDATE appeal_evidence SET content = zeroblob(size) WHERE appeal_id = ${ids.input} AND content_type = 'application/pdf'`,
    );
    db.exec('DROP TRIGGER appeal_decisions_append_only_update');
    db.exec(`UPDATE appeal_decisions SET decided_by = 'cc' WHERE appeal_id = ${ids.input}`);
    const codes = (await verifyDatabase(f.opened.db)).problems.map((p) => `${p.table} ${p.code}`);
    expect(codes).toContain('appeal_evidence evidence_hash_mismatch');
    expect(codes).toContain('appeal_decisions same_person');
  });

  it('the deadline: no appeal and no evidence after the window (appeal_closed)', async () => {
    const actor = { username: 'cc', role: 'region' as const, region: '220100' };
    const far = '2999-01-01';
    await expect(
      async () =>
        await fileAppeal(
          f.opened.db,
          { runId: ids.correction, region: '220100', target: { kind: 'input', key: 'pm25' }, claim: 'x' },
          actor,
          far,
        ),
    ).rejects.toThrow(/appeal window closed/);
    try {
      await addEvidence(
        f.opened.db,
        ids.own,
        { filename: 'a.pdf', bytes: PDF },
        { username: 'admin', role: 'admin', region: null },
        far,
      );
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('appeal_closed');
    }
  });
});

describe('after the appeal window', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await makeFixture();
  });
  afterAll(() => f.close());

  it('refuses appeals once appealEndsOn has passed', async () => {
    const r = await f
      .as('assessor')
      .json('POST', '/api/runs', { versionId: f.published[2024].id, year: 2024 });
    const p = await publish(f, r.body.id, '2025-01-02', 10);
    expect(p.appealEndsOn).toBe('2025-01-12');
    expect((await f.as('reviewer').json('GET', `/api/runs/${r.body.id}`)).body.appealState).toBe('closed');
    const late = await f.as('region').json('POST', '/api/appeals', {
      runId: r.body.id,
      region: '220100',
      target: { kind: 'input', key: 'pm25' },
      claim: '逾期申诉',
    });
    expect([late.status, late.body.code]).toEqual([409, 'appeal_closed']);
    // Within the window (the day itself) it was open; after it evidence is refused too.
    const opened = await fileAppeal(
      f.opened.db,
      { runId: r.body.id, region: '220100', target: { kind: 'input', key: 'pm25' }, claim: '当日申诉' },
      { username: 'cc', role: 'region', region: '220100' },
      '2025-01-12',
    );
    expect(opened.state).toBe('open');
    const ev = await f.as('region').json('POST', `/api/appeals/${opened.id}/evidence?filename=a.pdf`, PDF, {
      'content-type': 'application/pdf',
    });
    expect([ev.status, ev.body.code]).toEqual([409, 'appeal_closed']);
  });
});
