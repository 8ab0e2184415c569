/**
 * The appeals cycle through the API (SPEC section 10): publication with four eyes, appeals filed by
 * a region account and by an assessor on a region's behalf, evidence, decisions by another person,
 * (the correction run, its impact and consequences: appeal-corrections.test.ts) — and the
 * attacks: another region, one's own decision, after the deadline, oversized and wrongly typed
 * evidence, editing through SQL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegionResult, RuleDocument } from '../../engine/types.ts';
import { todayInChina } from '../db/appeal-window.ts';
import { fileAppeal } from '../db/appeals.ts';
import { decideNamed, fileNamed, GIF, HTML, PDF, PNG, publish, sha256 } from './appeals-cycle.ts';
import { startRun, useFixture, schemaProblems, postUser } from './test-helpers.ts';

describe('appeals and corrections', () => {
  const f = useFixture();
  let runId: number;
  let doc: RuleDocument;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    runId = await startRun(f, 2024);
    doc = f.published[2024].document;
  });

  it('region accounts: created with a region, which must exist; other roles have none', async () => {
    const ok = await postUser(f, { username: 'jl', displayName: '吉林市', role: 'region', region: '220200' });
    expect(ok.status).toBe(201);
    expect(ok.body.user).toMatchObject({ role: 'region', region: '220200' });
    const missing = await postUser(f, { username: 'x1', role: 'region' });
    expect([missing.status, missing.body.errors[0]]).toMatchObject([
      422,
      { path: '/region', code: 'region_required' },
    ]);
    const unknown = await postUser(f, { username: 'x2', role: 'region', region: '999999' });
    expect(unknown.body.errors[0]).toMatchObject({ path: '/region', code: 'unknown_region' });
    const notAllowed = await postUser(f, { username: 'x3', role: 'editor', region: '220100' });
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
    const input = await fileNamed(f, runId, 'input');
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
    const down = await fileNamed(f, runId, 'downgrade');
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

    for (const name of ['item', 'rejected', 'own'] as const) {
      const filed = await fileNamed(f, runId, name);
      expect(filed.status, name).toBe(201);
      ids[name] = filed.body.id;
    }

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

    const a = await decideNamed(f, ids, 'input');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      state: 'accepted',
      decision: { decision: 'accepted', value: 0, decidedBy: 'rev' },
    });
    for (const name of ['downgrade', 'item', 'rejected'] as const)
      expect((await decideNamed(f, ids, name)).status, name).toBe(200);
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
});

describe('after the appeal window', () => {
  const f = useFixture();

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
