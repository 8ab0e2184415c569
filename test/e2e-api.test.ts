/**
 * End to end through the real server process: `node bin/start.js` (test/browser.ts) on a free port
 * with a temporary database, and one assessment year walked through HTTP — log in, draft 2025 from 2024,
 * edit with If-Match, a stale edit refused, publish, a bad CSV refused with row and column then a
 * good one imported, run, ranking, XLSX export read back, audit log — then SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Database from 'better-sqlite3';
import { ROOT as root, startServer, type TestServer } from './browser.ts';

const ADMIN_PASSWORD = 'e2e-admin-password';

class Session {
  cookie = '';
  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return res;
  }

  async json(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const res = await this.call(method, path, body, headers);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  async login(username: string, password: string) {
    const r = await this.json('POST', '/api/auth/login', { username, password });
    expect(r.status, `login ${username}`).toBe(200);
    return r.body.user;
  }
}

describe('end to end: a year through the HTTP API of the real server', () => {
  let server: TestServer;
  let base: string;
  let dbPath: string;
  const output = () => server.output();

  beforeAll(async () => {
    server = await startServer({ adminPassword: ADMIN_PASSWORD });
    ({ base, dbPath } = server);
  });

  afterAll(() => server?.stop());

  it('lists the API in its OpenAPI document and refuses every non-public route without a session', async () => {
    const doc = await (await fetch(`${base}/api/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    const open = new Set([
      'GET /api/health',
      'GET /api/openapi.json',
      'GET /api/docs',
      'POST /api/auth/login',
    ]);
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (open.has(key)) continue;
        const url =
          base +
          path.replace(/\{(\w+)\}/g, (_, n: string) => ({ id: '1', code: '220100', year: '2025' })[n] ?? '1');
        const res = await fetch(url, {
          method: method.toUpperCase(),
          headers: { 'content-type': 'application/json' },
          body: ['get', 'delete'].includes(method) ? undefined : '{}',
        });
        expect(res.status, key).toBe(401);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
    expect((await fetch(`${base}/api/docs`)).status).toBe(200);
  });

  it('walks the 2025 assessment from draft to exported results', async () => {
    expect(output()).toContain(`database: ${dbPath}`);
    expect(output()).toMatch(/listening on http:\/\/\S+:\d+/);
    expect(output()).not.toContain(ADMIN_PASSWORD);

    // Nothing without a session.
    const anon = new Session(base);
    expect((await anon.json('GET', '/api/versions')).status).toBe(401);

    // The first admin logs in and creates an editor and an assessor.
    const admin = new Session(base);
    expect((await admin.login('admin', ADMIN_PASSWORD)).role).toBe('admin');
    for (const [username, role] of [
      ['wang', 'editor'],
      ['li', 'assessor'],
    ]) {
      const r = await admin.json('POST', '/api/users', {
        username,
        displayName: username,
        role,
        password: `${username}-password`,
      });
      expect(r.status).toBe(201);
    }
    const editor = new Session(base);
    await editor.login('wang', 'wang-password');
    const assessor = new Session(base);
    await assessor.login('li', 'li-password');

    // Draft 2025 from the published 2024 version.
    const v2024 = (await editor.json('GET', '/api/versions?year=2024&status=published')).body.versions[0];
    expect(v2024).toBeDefined();
    const draft = await editor.json('POST', '/api/versions', { from: v2024.id, year: 2025 });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ year: 2025, status: 'draft', parentId: v2024.id, revision: 1 });
    const id = draft.body.id;
    const etag = draft.headers.get('etag')!;
    expect(etag).toBe('"1"');

    // Edit with If-Match: this year's rules (the 2025 sample document).
    const doc2025 = JSON.parse(readFileSync(join(root, 'rules/jilin-eco-target/2025.json'), 'utf8'));
    const edited = await editor.json(
      'PUT',
      `/api/versions/${id}`,
      { document: doc2025 },
      { 'If-Match': etag },
    );
    expect(edited.status).toBe(200);
    expect(edited.body.revision).toBe(2);
    expect(edited.headers.get('etag')).toBe('"2"');

    // A second edit based on the first read is stale.
    const stale = await editor.json(
      'PUT',
      `/api/versions/${id}`,
      { document: { ...doc2025, title: { zh: '过期的修改' } } },
      { 'If-Match': etag },
    );
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    expect(stale.body.current.revision).toBe(2);
    expect(stale.body.current.title.zh).toBe(doc2025.title.zh);

    // Validate and publish.
    expect((await editor.json('POST', `/api/versions/${id}/validate`)).body).toEqual({
      valid: true,
      errors: [],
    });
    // Four eyes: the editor asks, the administrator approves with the 文号 and the date.
    const requested = await editor.json('POST', `/api/versions/${id}/publish`, {}, { 'If-Match': '"2"' });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ status: 'pending', requestedBy: 'wang' });
    const selfApproval = await editor.json('POST', `/api/versions/${id}/approve`, {
      docNumber: '吉环督〔2025〕1号',
      effectiveDate: '2025-03-01',
    });
    expect([selfApproval.status, selfApproval.body.code]).toEqual([403, 'same_person']);
    const published = await admin.json('POST', `/api/versions/${id}/approve`, {
      docNumber: '吉环督〔2025〕1号',
      effectiveDate: '2025-03-01',
    });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      status: 'published',
      effective: true,
      publishedBy: 'admin',
      requestedBy: 'wang',
    });

    // Import data: a bad CSV is refused with row and column and changes nothing; then the good one.
    const goodCsv = readFileSync(join(root, 'rules/sample-data/2025.csv'), 'utf8');
    const lines = goodCsv.split('\n');
    const header = lines[0].split(',');
    const cells = lines[3].split(',');
    cells[header.indexOf('pm25')] = '-5';
    const badCsv = [...lines.slice(0, 3), cells.join(','), ...lines.slice(4)].join('\n');
    const before = (await assessor.json('GET', '/api/datasets/2025')).body.hash;
    const refused = await assessor.json(
      'POST',
      `/api/datasets/2025/import?versionId=${id}&format=csv&filename=bad.csv`,
      badCsv,
      {
        'content-type': 'text/csv',
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors[0]).toMatchObject({ row: 4, column: expect.stringContaining('pm25') });
    expect(refused.body.errors[0].message).toBeTruthy();
    expect((await assessor.json('GET', '/api/datasets/2025')).body.hash).toBe(before);
    const imported = await assessor.json(
      'POST',
      `/api/datasets/2025/import?versionId=${id}&format=csv&filename=2025.csv`,
      goodCsv,
      {
        'content-type': 'text/csv',
      },
    );
    expect(imported.status).toBe(200);
    expect(imported.body.imported).toBe(12);

    // Run and read the ranking.
    const run = await assessor.json('POST', '/api/runs', { versionId: id, year: 2025 });
    expect(run.status).toBe(201);
    expect(run.body.counts.scored).toBe(12);
    const ranking = await editor.json('GET', `/api/runs/${run.body.id}`);
    expect(ranking.status).toBe(200);
    const results = ranking.body.results as {
      region: string;
      name: string;
      rank: number;
      total: number;
      grade: string;
    }[];
    expect(results).toHaveLength(12);
    expect(results[0].rank).toBe(1);
    for (let i = 1; i < results.length; i++)
      expect(results[i].rank).toBeGreaterThanOrEqual(results[i - 1].rank);
    const detail = await editor.json('GET', `/api/runs/${run.body.id}/regions/${results[0].region}`);
    expect(detail.body.categories[0].items[0].trace).toBeDefined();

    // Export XLSX and read it back: every ranked region with its total.
    const xlsx = await editor.call('GET', `/api/runs/${run.body.id}/export?format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0];
    const codes = new Set(results.map((r) => r.region));
    const cellsText = new Map<string, unknown[]>();
    sheet.eachRow((row) => {
      const values = (row.values as unknown[])
        .slice(1)
        .map((v) => (v && typeof v === 'object' && 'result' in v ? (v as { result: unknown }).result : v));
      const code = values.find((v) => typeof v === 'string' && codes.has(v));
      if (typeof code === 'string') cellsText.set(code, values);
    });
    for (const r of results) {
      expect(cellsText.has(r.region), r.region).toBe(true);
      expect(cellsText.get(r.region)).toContain(r.total);
    }

    // The audit log shows each step with who did it.
    const audit = await admin.json('GET', '/api/audit?limit=200');
    expect(audit.status).toBe(200);
    const steps = (audit.body.entries as { action: string; user: string; entityId: string }[]).map(
      (e) => `${e.action} ${e.user}`,
    );
    for (const step of [
      'user.create admin',
      'version.create wang',
      'version.update wang',
      'version.request wang',
      'version.publish admin',
      'dataset.import li',
      'run.create li',
    ]) {
      expect(steps, step).toContain(step);
    }
    expect(steps.filter((s) => s === 'dataset.import li')).toHaveLength(1);
    expect(steps.filter((s) => s === 'version.update wang')).toHaveLength(1);
    expect((await editor.json('GET', '/api/audit')).status).toBe(403);

    // Log out.
    expect((await editor.call('POST', '/api/auth/logout')).status).toBe(204);
    expect((await editor.json('GET', '/api/auth/me')).status).toBe(401);
  });

  it('stops cleanly on SIGTERM and leaves a consistent database', async () => {
    expect(await server.terminate()).toBe(0);
    expect(output()).toContain('SIGTERM');
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }
  });
});
