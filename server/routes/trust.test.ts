/**
 * Four eyes and tamper evidence through the API (SPEC section 11): run publication requested,
 * refused to its requester, approved by another person; one published run per family and year; the
 * sealed run verifies offline and a changed number does not; four eyes switched off; tampering with
 * raw SQL (triggers dropped) is a loud 500 `integrity` with an audit entry, never a silent serve;
 * cell-level data history; failed and throttled sign-ins in the audit log, which filters and shows
 * display names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit.ts';
import { verifySealedRun } from '../trust/sealed.ts';
import { client, makeFixture, startRun, useFixture, schemaProblems } from './test-helpers.ts';

describe('run publication with four eyes, sealed runs', () => {
  const f = useFixture();
  let runId: number;
  beforeAll(async () => {
    runId = await startRun(f, 2024);
  });

  it('records a request, refuses the requester, publishes when another person approves', async () => {
    const as = f.as('assessor');
    const bad = await as.json('POST', `/api/runs/${runId}/publish`, {
      publishedOn: '2025-13-01',
      appealDays: 15,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)).toEqual([
      '/docNumber required',
      '/publishedOn invalid_date',
    ]);
    const req = await as.json('POST', `/api/runs/${runId}/publish`, {
      docNumber: '吉环考〔2025〕3号',
      publishedOn: '2025-04-30',
    });
    expect(req.status).toBe(202);
    expect(req.body).toMatchObject({
      status: 'pending',
      runId,
      docNumber: '吉环考〔2025〕3号',
      publishedOn: '2025-04-30',
      appealDays: 15,
      appealEndsOn: '2025-05-15',
      requestedBy: 'asa',
    });
    expect(schemaProblems(f.app, 'POST', '/api/runs/{id}/publish', 202, req.body)).toEqual([]);
    expect((await as.json('POST', `/api/runs/${runId}/publish`, req.body)).status).toBe(422); // unknown fields
    const again = await as.json('POST', `/api/runs/${runId}/publish`, {
      docNumber: '吉环考〔2025〕4号',
      publishedOn: '2025-04-30',
    });
    expect([again.status, again.body.code]).toEqual([409, 'pending_approval']);
    // The badge: the admin may approve it, the requester may not.
    expect((await f.as('admin').json('GET', '/api/approvals')).body).toMatchObject({
      mine: 1,
      fourEyes: true,
    });
    expect((await as.json('GET', '/api/approvals')).body.runs[0]).toMatchObject({ runId, canApprove: false });
    const same = await as.json('POST', `/api/runs/${runId}/approve`);
    expect([same.status, same.body.code]).toEqual([403, 'same_person']);
    expect((await f.as('editor').json('POST', `/api/runs/${runId}/approve`)).status).toBe(403);
    const ok = await f.as('admin').json('POST', `/api/runs/${runId}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'published',
      approvedBy: 'admin',
      requestedBy: 'asa',
      fourEyes: true,
    });
    const run = (await as.json('GET', `/api/runs/${runId}`)).body;
    expect(run.publication).toMatchObject({ status: 'published', appealEndsOn: '2025-05-15' });
    expect(run.resultsHash).toMatch(/^[0-9a-f]{64}$/);
    // One published run per family and year.
    const second = (await as.json('POST', '/api/runs', { versionId: f.published[2024].id, year: 2024 })).body
      .id;
    const refused = await as.json('POST', `/api/runs/${second}/publish`, {
      docNumber: '吉环考〔2025〕5号',
      publishedOn: '2025-05-01',
    });
    expect([refused.status, refused.body.code]).toEqual([409, 'already_published']);
    const actions = (await listAudit(f.opened.db, { entity: 'run', entityId: runId })).entries.map(
      (e) => e.action,
    );
    expect(actions).toEqual(['run.publish', 'run.request', 'run.create']);
  });

  it('withdraws a pending request', async () => {
    const as = f.as('assessor');
    const id = (await as.json('POST', '/api/runs', { versionId: f.published[2023].id, year: 2025 })).body.id;
    expect((await as.json('POST', `/api/runs/${id}/withdraw`)).status).toBe(409);
    await as.json('POST', `/api/runs/${id}/publish`, {
      docNumber: '吉环考〔2024〕9号',
      publishedOn: '2024-05-01',
      appealDays: 0,
    });
    expect((await as.request('POST', `/api/runs/${id}/withdraw`)).status).toBe(204);
    expect((await as.json('GET', `/api/runs/${id}`)).body.publication).toBeNull();
  });

  it('serves a sealed run that verifies offline; one changed number fails', async () => {
    const res = await f.as('reviewer').request('GET', `/api/runs/${runId}/sealed`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`run-${runId}-sealed.json`);
    const sealed = JSON.parse(await res.text());
    const key = (await f.as('reviewer').json('GET', '/api/keys')).body;
    expect(sealed.signature.publicKey).toBe(key.publicKey);
    expect(sealed.publication).toMatchObject({ docNumber: '吉环考〔2025〕3号' });
    expect(verifySealedRun(sealed, { publicKey: key.publicKey })).toEqual([]);
    const forged = structuredClone(sealed);
    forged.results[0].total = forged.results[0].total + 1;
    expect(verifySealedRun(forged, { publicKey: key.publicKey }).map((p) => p.code)).toContain(
      'results_hash_mismatch',
    );
    const data = structuredClone(sealed);
    const first = data.dataset.regions[0];
    const k = Object.keys(first.values).find((x) => typeof first.values[x] === 'number')!;
    first.values[k] += 1;
    expect(verifySealedRun(data, { publicKey: key.publicKey }).map((p) => p.code)).toContain(
      'dataset_hash_mismatch',
    );
  });
});

describe('four eyes off (ECOSCORE_FOUR_EYES=0)', () => {
  it('publishes directly, still needing a 文号 and a date, and the audit log says so', async () => {
    const f = await makeFixture({ app: { fourEyes: false } });
    try {
      const ed = f.as('editor');
      const draft = (await ed.json('POST', '/api/versions', { from: f.published[2024].id, year: 2027 })).body;
      const missing = await ed.json('POST', `/api/versions/${draft.id}/publish`);
      expect([missing.status, missing.body.errors.map((e: { path: string }) => e.path)]).toEqual([
        422,
        ['/docNumber', '/effectiveDate'],
      ]);
      const pub = await ed.json('POST', `/api/versions/${draft.id}/publish`, {
        docNumber: '吉环考〔2027〕1号',
        effectiveDate: '2027-01-01',
      });
      expect(pub.status).toBe(200);
      expect(pub.body).toMatchObject({
        status: 'published',
        publishedBy: 'ed',
        requestedBy: 'ed',
        fourEyes: false,
      });
      const [entry] = (await listAudit(f.opened.db, { action: 'version.publish', entityId: draft.id }))
        .entries;
      expect(entry.detail).toMatchObject({ fourEyes: false });
      expect((await listAudit(f.opened.db, { action: 'config.four_eyes' })).entries[0].detail).toMatchObject({
        enabled: false,
      });
      const as = f.as('assessor');
      const run = (await as.json('POST', '/api/runs', { versionId: f.published[2024].id, year: 2024 })).body;
      const rp = await as.json('POST', `/api/runs/${run.id}/publish`, {
        docNumber: '吉环考〔2025〕1号',
        publishedOn: '2025-04-01',
        appealDays: 10,
      });
      expect(rp.status).toBe(200);
      expect(rp.body).toMatchObject({
        status: 'published',
        fourEyes: false,
        approvedBy: 'asa',
        appealEndsOn: '2025-04-11',
      });
    } finally {
      f.close();
    }
  });
});

describe('tampering with raw SQL is a loud integrity failure', () => {
  const f = useFixture();
  const sql = (text: string, ...args: unknown[]) => f.opened.sqlite.prepare(text).run(...args);

  it('a forged threshold (document and hash both rewritten) is refused on read and before a run uses it', async () => {
    const id = f.published[2024].id;
    const run = (await f.as('assessor').json('POST', '/api/runs', { versionId: id, year: 2024 })).body.id;
    sql('DROP TRIGGER rule_versions_immutable_update');
    const doc = JSON.parse(
      (
        f.opened.sqlite.prepare('SELECT document FROM rule_versions WHERE id = ?').get(id) as {
          document: string;
        }
      ).document,
    );
    doc.grades[0].min -= 5; // 90 → 85
    sql('UPDATE rule_versions SET document = ? WHERE id = ?', JSON.stringify(doc), id);
    const read = await f.as('reviewer').json('GET', `/api/versions/${id}`);
    expect([read.status, read.body.code]).toEqual([500, 'integrity']);
    expect(read.res.headers.get('content-type')).toContain('application/problem+json');
    // Rewriting the stored hash too: the signature no longer matches.
    const { contentHash } = await import('../../engine/index.ts');
    sql('UPDATE rule_versions SET content_hash = ? WHERE id = ?', contentHash(doc), id);
    const read2 = await f.as('reviewer').json('GET', `/api/versions/${id}`);
    expect([read2.status, read2.body.code]).toEqual([500, 'integrity']);
    const runAgain = await f.as('assessor').json('POST', '/api/runs', { versionId: id, year: 2024 });
    expect([runAgain.status, runAgain.body.code]).toEqual([500, 'integrity']);
    // The run made with it earlier is still served? No: it names that version, whose document is read.
    expect((await f.as('reviewer').json('GET', `/api/runs/${run}`)).status).toBe(500);
    const entries = (await listAudit(f.opened.db, { action: 'integrity.violation' })).entries;
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries.every((e) => e.entity === 'rule_versions' && e.entityId === String(id))).toBe(true);
    expect(entries.map((e) => e.user)).toEqual(expect.arrayContaining(['asa', 'rev']));
    expect(entries[0].detail).toMatchObject({ code: 'bad_signature' });
  });

  it('an edited result is refused on read, export and sealing', async () => {
    const run = (
      await f.as('assessor').json('POST', '/api/runs', { versionId: f.published[2023].id, year: 2024 })
    ).body.id;
    expect((await f.as('reviewer').json('GET', `/api/runs/${run}`)).status).toBe(200);
    sql('DROP TRIGGER run_results_immutable_update');
    const row = f.opened.sqlite
      .prepare('SELECT id, result FROM run_results WHERE run_id = ? AND position = 0')
      .get(run) as { id: number; result: string };
    const r = JSON.parse(row.result);
    r.total += 3;
    sql('UPDATE run_results SET result = ?, total = ? WHERE id = ?', JSON.stringify(r), r.total, row.id);
    for (const path of [
      `/api/runs/${run}`,
      `/api/runs/${run}/regions/${r.region}`,
      `/api/runs/${run}/sealed`,
      `/api/runs/${run}/export?format=csv`,
    ]) {
      const res = await f.as('reviewer').json('GET', path);
      expect([path, res.status, res.body.code]).toEqual([path, 500, 'integrity']);
    }
  });
});

describe('cell-level data audit, sign-in audit, audit filters', () => {
  const f = useFixture({ app: { throttle: { maxFailures: 2, baseDelayMs: 60_000 } } });

  it('records each changed cell with before, after, who and when; history per cell and per region', async () => {
    const as = f.as('assessor');
    const before = (await as.json('GET', '/api/datasets/2024')).body.regions.find(
      (r: { code: string }) => r.code === '220100',
    );
    const key = Object.keys(before.values).find((k) => typeof before.values[k] === 'number')!;
    const old = before.values[key];
    const put = await as.json('PUT', `/api/datasets/2024?versionId=${f.published[2024].id}`, {
      regions: [{ code: '220100', values: { [key]: old + 1 } }],
    });
    expect(put.status).toBe(200);
    const cell = await as.json('GET', `/api/datasets/2024/regions/220100/values/${key}/history`);
    expect(cell.status).toBe(200);
    expect(cell.body.changes[0]).toMatchObject({
      region: '220100',
      key,
      before: old,
      after: old + 1,
      user: 'asa',
      displayName: 'assessor user',
      action: 'dataset.save',
    });
    expect(cell.body.changes[1]).toMatchObject({ before: null, after: old, user: 'system' }); // the fixture's load
    expect(
      schemaProblems(
        f.app,
        'GET',
        '/api/datasets/{year}/regions/{code}/values/{key}/history',
        200,
        cell.body,
      ),
    ).toEqual([]);
    const region = await as.json('GET', '/api/datasets/2024/regions/220100/history?limit=5');
    expect(region.body.changes).toHaveLength(5);
    expect(region.body.total).toBeGreaterThan(5);
    // An unchanged value writes no cell change.
    await as.json('PUT', `/api/datasets/2024?versionId=${f.published[2024].id}`, {
      regions: [{ code: '220100', values: { [key]: old + 1 } }],
    });
    expect((await as.json('GET', `/api/datasets/2024/regions/220100/values/${key}/history`)).body.total).toBe(
      2,
    );
    const [entry] = (await listAudit(f.opened.db, { action: 'dataset.save' })).entries;
    expect(entry.detail).toMatchObject({ cells: 0 });
  });

  it('audits failed and throttled sign-ins', async () => {
    const anon = client(f.app);
    for (let i = 0; i < 3; i++)
      await anon.json('POST', '/api/auth/login', { username: 'ed', password: 'wrong-password' });
    await anon.json('POST', '/api/auth/login', { username: 'nobody', password: 'x' });
    const throttled = await anon.json('POST', '/api/auth/login', {
      username: 'ed',
      password: 'wrong-password',
    });
    expect(throttled.status).toBe(429);
    const audit = f.as('reviewer');
    const failed = (await audit.json('GET', '/api/audit?action=session.login_failed')).body.entries;
    expect(failed.map((e: { detail: { reason: string } }) => e.detail.reason)).toEqual(
      expect.arrayContaining(['wrong_password', 'unknown_user']),
    );
    const t = (await audit.json('GET', '/api/audit?action=session.login_throttled')).body.entries;
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ entityId: 'ed', detail: { username: 'ed' } });
  });

  it('filters the audit log by user, action, entity and date, with display names', async () => {
    const rev = f.as('reviewer');
    const today = new Date().toISOString().slice(0, 10);
    const res = await rev.json(
      'GET',
      `/api/audit?user=asa&entity=dataset&action=dataset.save&from=${today}&to=${today}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.entries[0]).toMatchObject({
      user: 'asa',
      displayName: 'assessor user',
      hash: expect.any(String),
    });
    expect(schemaProblems(f.app, 'GET', '/api/audit', 200, res.body)).toEqual([]);
    expect((await rev.json('GET', '/api/audit?user=asa&from=2000-01-01&to=2000-01-02')).body.total).toBe(0);
  });
});
