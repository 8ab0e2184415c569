import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './db/client.ts';
import { createApp } from './app.ts';
import { ensureAdmin } from './auth/store.ts';
import { client, login, useFixture, PASSWORD } from './routes/test-helpers.ts';

/** Example values for path parameters when walking the OpenAPI paths. */
function fillPath(path: string): string {
  return path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => ({ id: '1', code: '220100', year: '2025' })[name] ?? 'x',
  );
}

const PUBLIC = new Set(['GET /api/health', 'GET /api/openapi.json', 'GET /api/docs', 'POST /api/auth/login']);

describe('the app', () => {
  const f = useFixture();

  it('answers the health check without a session, with secure headers', async () => {
    const res = await f.as(null).request('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: expect.any(String) });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses every non-public route of the OpenAPI document without a session (401 problem+json)', async () => {
    const doc = await (await f.as(null).request('GET', '/api/openapi.json')).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => [method.toUpperCase(), path] as const),
    );
    expect(operations.length).toBeGreaterThan(30);
    let checked = 0;
    for (const [method, path] of operations) {
      if (PUBLIC.has(`${method} ${path}`)) continue;
      for (const cookie of [undefined, 'ecoscore_session=forged-token']) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (cookie) headers.cookie = cookie;
        const res = await f.app.request(fillPath(path), {
          method,
          headers,
          body: ['GET', 'DELETE'].includes(method) ? undefined : '{}',
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect((await res.json()).code).toBe('unauthenticated');
        // The literal template path (as a naive checker might send it) is refused too.
        const literal = await f.app.request(path, { method, headers });
        expect(literal.status, `${method} ${path} (literal)`).toBe(401);
      }
      checked++;
    }
    expect(checked).toBe(operations.length - PUBLIC.size);
    // ...while the public ones answer.
    for (const p of ['/api/health', '/api/openapi.json', '/api/docs'])
      expect((await f.as(null).request('GET', p)).status).toBe(200);
  });

  it('lists every registered route in the OpenAPI 3.1 document, and every $ref resolves', async () => {
    const doc = await (await f.as(null).request('GET', '/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of f.app.apiRoutes) {
      const op = doc.paths[r.path]?.[r.method];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.summary).toBe(r.summary);
      if (r.access === 'public') expect(op.security).toEqual([]);
      else expect(op.responses['401']).toBeDefined();
      if (Array.isArray(r.access)) expect(op.responses['403']).toBeDefined();
    }
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      (ops) => Object.values(ops).map((o) => o.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref') refs.push(x as string);
          else walk(x);
        }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) {
      expect(ref.startsWith('#/'), ref).toBe(true);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<any>((node, token) => node?.[token.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect(target, ref).toBeDefined();
    }
    expect(doc.components.schemas.RuleDocument.required).toContain('categories');
    expect(doc.paths['/api/versions/{id}'].put.requestBody.content['application/json'].schema).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['document'],
      properties: { document: { $ref: '#/components/schemas/RuleDocument' } },
    });
  });

  it('serves a self-contained docs page with a hash-based CSP', async () => {
    const res = await f.as(null).request('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('"openapi":"3.1.0"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    // The embedded document cannot close its script element early: exactly two scripts end.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('answers unknown API routes with 401 without a session and 404 with one', async () => {
    expect((await f.as(null).request('GET', '/api/nothing-here')).status).toBe(401);
    const res = await f.as('reviewer').request('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe('no_such_route');
  });

  it('refuses malformed JSON (400), a form upload (403) and bad parameters (400) with problems', async () => {
    const admin = f.as('admin');
    let r = await admin.json('POST', '/api/regions', '{"code": ', { 'content-type': 'application/json' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('invalid_json');
    r = await admin.json('POST', '/api/regions', 'a=b', {
      'content-type': 'multipart/form-data; boundary=x',
    });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('content_type_required');
    r = await admin.json('GET', '/api/versions/abc');
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: '/params/id', code: 'wrong_type' });
    r = await admin.json('GET', '/api/versions?status=nope');
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: '/query/status', code: 'invalid_value' });
  });

  it('writes one access-log line per request', async () => {
    const lines: string[] = [];
    const app = createApp({ db: f.opened.db, log: (l) => lines.push(l) });
    await app.request('/api/health');
    await app.request('/api/users');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ GET \/api\/health 200 [\d.]+ms -$/);
    expect(lines[1]).toMatch(/ GET \/api\/users 401 /);
  });
});

describe('body size limit', () => {
  it('refuses a body over the limit with 413 problem+json', async () => {
    const { db, close } = openDatabase(':memory:');
    await ensureAdmin(db, PASSWORD);
    const app = createApp({ db, log: () => {}, bodyLimitBytes: 1000 });
    const c = client(app, await login(app, 'admin'));
    const r = await c.json('POST', '/api/evaluate', { document: { pad: 'x'.repeat(2000) } });
    expect(r.status).toBe(413);
    expect(r.res.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body.code).toBe('body_too_large');
    close();
  });
});

describe('static editor', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecoscore-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>editor</title>');
    mkdirSync(join(dir, '_app'));
    writeFileSync(join(dir, '_app', 'app.js'), 'console.log(1)');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves files, falls back to index.html for client routes, and keeps /api out of it', async () => {
    const { db, close } = openDatabase(':memory:');
    const app = createApp({ db, log: () => {}, staticRoot: dir });
    let res = await app.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>editor</title>');
    res = await app.request('/_app/app.js');
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(await res.text()).toBe('console.log(1)');
    res = await app.request('/rules/3/edit');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>editor</title>');
    res = await app.request('/api/not-a-route');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    res = await app.request('/../package.json');
    expect(await res.text()).not.toContain('"name": "ecoscore"');
    close();
  });
});
