/**
 * Every attack of issue 11, mounted against the API on an in-memory database. Each case states the
 * time its answer must come within, and checks that the answer is a 4xx or 503 problem (never
 * another 5xx), that /api/health answers right after, and that nothing was written.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type EcoscoreApp } from '../server/app.ts';
import { MAX_STRING_LENGTH } from '../engine/index.ts';
import {
  client,
  makeFixture,
  PASSWORD,
  ROLE_USERS,
  sampleData,
  type Fixture,
} from '../server/routes/test-helpers.ts';
import {
  catDoublingDocument,
  deepJson,
  manyItemsDocument,
  manyRegions,
  sample,
  wideCsv,
  zipBomb,
} from './helpers/hostile.ts';

/** Generous bounds for a machine shared with other work; the first pool request starts a worker. */
const FAST = 10_000;
const POOL = 20_000;

// Each case bounds its own answer time; the test itself may take longer on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
});
afterAll(async () => {
  await f.app.pool.close();
  f.close();
});

/** What a successful attack would change. */
function snapshot() {
  return f.opened.sqlite
    .prepare(
      `SELECT (SELECT count(*) FROM users) AS users,
              (SELECT count(*) || ':' || coalesce(sum(revision), 0) FROM rule_versions) AS versions,
              (SELECT count(*) FROM dataset_values) AS "values",
              (SELECT count(*) FROM runs) AS runs,
              (SELECT count(*) FROM regions) AS regions,
              (SELECT max(id) FROM audit_log
                WHERE action NOT IN ('session.login_failed', 'session.login_throttled')) AS audit`,
    )
    .get();
}

interface Outcome {
  status: number;
  body: any;
  ms: number;
  res: Response;
}

/**
 * Sends an attack and checks the common promises: within `withinMs`, a 4xx/503 problem (or, with
 * `ok: true`, a 200 whose failure is reported per region), health answers, nothing written.
 */
async function mount(withinMs: number, send: () => Promise<Response>, opts: { ok?: boolean } = {}) {
  const before = snapshot();
  const t = performance.now();
  const res = await send();
  const ms = performance.now() - t;
  const text = await res.text();
  const out: Outcome = { status: res.status, body: text ? JSON.parse(text) : undefined, ms, res };
  expect(ms, `answered in ${ms.toFixed(0)} ms`).toBeLessThan(withinMs);
  if (opts.ok && res.status === 200) {
    // fine: the failure is data in the answer, checked by the case
  } else {
    expect(
      res.status === 503 || (res.status >= 400 && res.status < 500),
      `status ${res.status}: ${text.slice(0, 300)}`,
    ).toBe(true);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(out.body.code).toBeTruthy();
  }
  const health = await f.app.request('/api/health');
  expect(health.status).toBe(200);
  expect(snapshot()).toEqual(before);
  return out;
}

const json = (
  role: 'admin' | 'editor' | 'assessor' | 'reviewer',
  method: string,
  path: string,
  body?: unknown,
) => f.as(role).request(method, path, body);

describe('documents that would exhaust the engine', () => {
  it('the cat-doubling document through /api/evaluate: each region fails at the string cap', async () => {
    const doc = catDoublingDocument(25);
    expect(JSON.stringify(doc).length).toBeLessThan(200_000);
    const r = await mount(
      POOL,
      () => json('reviewer', 'POST', '/api/evaluate', { document: doc, year: 2024 }),
      {
        ok: true,
      },
    );
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([]);
    expect(r.body.errors.length).toBeGreaterThan(0);
    for (const e of r.body.errors) {
      expect(e.code).toBe('formula_error');
      expect(e.message).toContain(String(MAX_STRING_LENGTH));
    }
  });

  it('the same document saved as a draft: validate, tests, diff and publish answer, nothing crashes', async () => {
    const saved = await json('editor', 'POST', '/api/versions', { document: catDoublingDocument(25) });
    expect(saved.status).toBe(201);
    const id = (await saved.json()).id as number;
    const validate = await mount(POOL, () => json('reviewer', 'POST', `/api/versions/${id}/validate`), {
      ok: true,
    });
    expect(validate.status).toBe(200);
    const tests = await mount(POOL, () => json('reviewer', 'POST', `/api/versions/${id}/tests`), {
      ok: true,
    });
    expect(tests.status).toBe(200);
    const diff = await mount(
      POOL,
      () => json('reviewer', 'GET', `/api/diff?from=${f.published[2024].id}&to=${id}&year=2024`),
      { ok: true },
    );
    expect(diff.status).toBe(200);
    const impact = diff.body.impact as { region: string; to?: unknown }[];
    expect(impact.length).toBeGreaterThan(0);
  });

  it('2,000 items × 3,000 regions through /api/evaluate: 422 naming MAX_EVALUATION_CELLS', async () => {
    const r = await mount(POOL, () =>
      json('reviewer', 'POST', '/api/evaluate', {
        document: manyItemsDocument(2000),
        dataset: manyRegions(3000),
      }),
    );
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('budget_exceeded');
    expect(r.body.limit).toBe('MAX_EVALUATION_CELLS');
  });

  it('a 2,000-item document through /api/sensitivity: 422 naming MAX_SENSITIVITY_CELLS', async () => {
    const r = await mount(POOL, () =>
      json('reviewer', 'POST', '/api/sensitivity', {
        // 4,000 variants × 130 regions × 2,000 items: just over the budget of a billion.
        document: manyItemsDocument(2000),
        dataset: manyRegions(130),
        mode: { kind: 'points', k: 0.01 },
      }),
    );
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('budget_exceeded');
    expect(r.body.limit).toBe('MAX_SENSITIVITY_CELLS');
  });

  it('an evaluation that exhausts its memory within the budgets costs one worker (503), never the server', async () => {
    // 2,000 items × 120 regions with traces is inside MAX_EVALUATION_CELLS; a 48 MiB worker
    // cannot hold its results.
    const small: EcoscoreApp = createApp({
      db: f.opened.db,
      log: () => {},
      pool: { size: 1, maxOldGenerationSizeMb: 48, timeoutMs: 60_000 },
    });
    try {
      const cookie = await loginCookie(small);
      const { values, previous } = sampleData(2024).regions[0];
      const dataset = {
        year: 2024,
        regions: manyRegions(120).regions.map((x) => ({ ...x, values, previous })),
      };
      const r = await mount(60_000, () =>
        client(small, cookie).request('POST', '/api/evaluate', {
          document: manyItemsDocument(2000),
          dataset,
        }),
      );
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('engine_out_of_memory');
      expect(r.body.limit).toBe('maxOldGenerationSizeMb');
      // The pool replaced its worker: the next evaluation works.
      const next = await client(small, cookie).request('POST', '/api/evaluate', {
        versionId: f.published[2024].id,
      });
      expect(next.status).toBe(200);
    } finally {
      await small.pool.close();
    }
  });

  it('an evaluation past the wall-clock limit is stopped (503 naming timeoutMs) and the worker replaced', async () => {
    // An array of 1,500 references to a 64 KiB string compared with `==`: JavaScript joins it into
    // a 98-million-character string for each item of each region. Only the time limit stops that.
    const doc = sample();
    doc.tests = [];
    doc.derived = [
      ...(doc.derived ?? []),
      { key: 'big', label: { zh: '长串' }, logic: { cat: ['x'.repeat(MAX_STRING_LENGTH)] } },
    ];
    // In every item, so that even a fast machine spends far longer than the limit (one join can
    // take well under a second; 12 regions × every item cannot).
    for (const c of doc.categories)
      for (const item of c.items)
        item.logic = { if: [{ '==': [Array.from({ length: 1500 }, () => ({ var: 'big' })), 'x'] }, 0, 1] };
    const small = createApp({ db: f.opened.db, log: () => {}, pool: { size: 1, timeoutMs: 3000 } });
    try {
      const cookie = await loginCookie(small);
      const r = await mount(POOL, () =>
        client(small, cookie).request('POST', '/api/evaluate', { document: doc, year: 2024 }),
      );
      expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(503);
      expect(r.body.code).toBe('engine_timeout');
      expect(r.body.limit).toBe('timeoutMs');
      expect(r.res.headers.get('retry-after')).toBe('5');
      const next = await client(small, cookie).request(
        'POST',
        `/api/versions/${f.published[2024].id}/validate`,
      );
      expect(next.status).toBe(200);
    } finally {
      await small.pool.close();
    }
  });

  it('100,000-deep JSON: 422 too_deep, not 500', async () => {
    const r = await mount(FAST, () =>
      f.as('reviewer').request('POST', '/api/evaluate', `{"document": ${deepJson(100_000)}}`, {
        'content-type': 'application/json',
      }),
    );
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('too_deep');
  });
});

describe('files that would exhaust the import', () => {
  const importAs = (format: string, body: Uint8Array | string, type: string) =>
    f
      .as('assessor')
      .request('POST', `/api/datasets/2024/import?versionId=${f.published[2024].id}&format=${format}`, body, {
        'content-type': type,
      });
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  it('a 50,000-row XLSX with one cell at column XFD: refused from its dimension', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('data');
    ws.getCell('A1').value = 'code';
    ws.getCell('XFD50000').value = 1;
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const r = await mount(POOL, () => importAs('xlsx', bytes, XLSX));
    expect(r.status).toBe(422);
    expect(r.body.errors).toHaveLength(1);
    expect(['too_many_rows', 'too_many_columns']).toContain(r.body.errors[0].code);
  });

  it('a zip bomb (80 MiB of XML in about 80 KB), honest or lying about its size', async () => {
    for (const declared of [undefined, 1000]) {
      const bomb = zipBomb(80, declared);
      expect(bomb.length).toBeLessThan(1_000_000);
      const r = await mount(POOL, () => importAs('xlsx', bomb, XLSX));
      expect(r.status).toBe(422);
      expect(r.body.errors[0].code).toBe('file_too_large');
    }
  });

  it('a CSV with a million columns: one problem naming the limit', async () => {
    const r = await mount(POOL, () => importAs('csv', wideCsv(1_000_000), 'text/csv'));
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ code: 'too_many_columns' })]);
  });

  it('many bad rows: at most 1,000 problems listed, with the total', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `X${i},地区,1`).join('\n');
    const r = await mount(POOL, () => importAs('csv', `code,name,good_days_rate\n${rows}\n`, 'text/csv'));
    expect(r.status).toBe(422);
    expect(r.body.errors).toHaveLength(1000);
    expect(r.body.totalErrors).toBeGreaterThan(1000);
  });

  it('an import without data rows: 422 no_data_rows', async () => {
    const r = await mount(POOL, () => importAs('csv', 'code,name,good_days_rate\n', 'text/csv'));
    expect(r.status).toBe(422);
    expect(r.body.errors[0].code).toBe('no_data_rows');
  });
});

describe('requests from elsewhere', () => {
  const newAdmin = { username: 'mallory', displayName: 'M', role: 'admin', password: 'mallory-password' };

  it('text/plain to /api/users with the admin cookie (a same-site CSRF): 403, no user', async () => {
    const r = await mount(FAST, () =>
      f.as('admin').request('POST', '/api/users', JSON.stringify(newAdmin), { 'content-type': 'text/plain' }),
    );
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('content_type_required');
  });

  it('a cross-origin Origin or Sec-Fetch-Site: 403, no user', async () => {
    const attempts: Record<string, string>[] = [
      { origin: 'http://localhost:9999' },
      { origin: 'null' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    ];
    for (const headers of attempts) {
      const r = await mount(FAST, () =>
        f
          .as('admin')
          .request('POST', '/api/users', newAdmin, { ...headers, 'content-type': 'application/json' }),
      );
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('cross_origin_request');
    }
    // The editor's own requests pass (same origin).
    const own = await f.as('admin').request('GET', '/api/users', undefined, { origin: 'http://localhost' });
    expect(own.status).toBe(200);
  });

  it('REPLACE INTO over the audit log, a published version and a finished run is refused by the database', async () => {
    const before = snapshot();
    const db = f.opened.sqlite;
    const audit = (db.prepare('SELECT max(id) AS id FROM audit_log').get() as { id: number }).id;
    expect(() =>
      db.prepare('REPLACE INTO audit_log SELECT * FROM audit_log WHERE id = ?').run(audit),
    ).toThrow(/immutable/);
    expect(() =>
      db
        .prepare('REPLACE INTO rule_versions SELECT * FROM rule_versions WHERE id = ?')
        .run(f.published[2024].id),
    ).toThrow(/immutable/);
    expect(snapshot()).toEqual(before);
  });

  it('GET /api/audit?offset=1e300: 400', async () => {
    const r = await mount(FAST, () => f.as('reviewer').request('GET', '/api/audit?offset=1e300'));
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('/query/offset');
  });
});

describe('sign-in throttling', () => {
  it('50 concurrent wrong passwords are limited like 50 sequential ones', async () => {
    const app = createApp({ db: f.opened.db, log: () => {} });
    const before = snapshot();
    const t = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.request('/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: ROLE_USERS.admin, password: 'wrong-password' }),
        }),
      ),
    );
    expect(performance.now() - t).toBeLessThan(POOL);
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(45);
    expect(snapshot()).toEqual(before);
    expect((await app.request('/api/health')).status).toBe(200);
  });

  it('a rotating X-Forwarded-For from an untrusted peer changes nothing; through a trusted proxy the rightmost untrusted hop counts', async () => {
    const peer = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const attempt = (app: EcoscoreApp, address: string, forwarded: string, password = 'wrong-password') =>
      app.request(
        '/api/auth/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded },
          body: JSON.stringify({ username: ROLE_USERS.reviewer, password }),
        },
        peer(address),
      );
    // ECOSCORE_TRUST_PROXY=1 trusts loopback only: an outside peer's header is ignored.
    const app = createApp({ db: f.opened.db, log: () => {}, trustProxy: true });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await attempt(app, '203.0.113.9', `10.1.2.${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // Behind a trusted proxy, the client is the rightmost untrusted hop: the spoofed left part
    // rotates, the real address does not, so throttling holds and the audit has the real address.
    const proxied = createApp({ db: f.opened.db, log: () => {}, trustedProxies: '10.0.0.0/8' });
    const viaProxy: number[] = [];
    for (let i = 0; i < 7; i++)
      viaProxy.push((await attempt(proxied, '10.0.0.2', `198.51.100.${i}, 192.0.2.77, 10.0.0.5`)).status);
    expect(viaProxy.filter((s) => s === 429).length).toBeGreaterThan(0);
    const ok = await attempt(proxied, '10.0.0.2', '198.51.100.99, 192.0.2.78', PASSWORD);
    expect(ok.status).toBe(200);
    const entry = f.opened.sqlite
      .prepare("SELECT detail FROM audit_log WHERE action = 'session.login' ORDER BY id DESC LIMIT 1")
      .get() as { detail: string };
    expect(JSON.parse(entry.detail).address).toBe('192.0.2.78');
  });
});

async function loginCookie(app: EcoscoreApp): Promise<string> {
  const res = await app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ROLE_USERS.reviewer, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0];
}
