import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { LoginThrottle } from '../auth/throttle.ts';
import { listAudit } from '../db/audit.ts';
import { client, login, useFixture, PASSWORD, ROLE_USERS, schemaProblems, postUser } from './test-helpers.ts';

const loginBody = (username: string, password: string) => ({ username, password });

describe('auth routes', () => {
  const f = useFixture({ seedData: false });

  it('logs in with an HttpOnly, SameSite=Strict session cookie and reads the user back', async () => {
    const anon = f.as(null);
    const res = await anon.request('POST', '/api/auth/login', loginBody('ed', PASSWORD));
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^ecoscore_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    const body = await res.json();
    expect(body).toEqual({
      user: {
        id: expect.any(Number),
        username: 'ed',
        displayName: 'editor user',
        role: 'editor',
        region: null,
        locale: 'zh',
      },
    });
    expect(schemaProblems(f.app, 'POST', '/api/auth/login', 200, body)).toEqual([]);
    expect(JSON.stringify(body)).not.toContain('scrypt');

    const me = await client(f.app, cookie.split(';')[0]).json('GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('ed');
    expect((await listAudit(f.opened.db, { action: 'session.login', user: 'ed' })).total).toBeGreaterThan(0);
  });

  it('refuses a wrong password, an unknown user and a malformed body', async () => {
    const anon = f.as(null);
    for (const body of [loginBody('ed', 'wrong-password'), loginBody('nobody', PASSWORD)]) {
      const r = await anon.json('POST', '/api/auth/login', body);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('invalid_credentials');
      expect(r.res.headers.get('set-cookie')).toBeNull();
    }
    const r = await anon.json('POST', '/api/auth/login', { username: 'ed' });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/password', code: 'missing_field' })]);
  });

  it('changes the locale of the logged-in user', async () => {
    const ed = f.as('editor');
    let r = await ed.json('PUT', '/api/auth/me/locale', { locale: 'en' });
    expect(r.status).toBe(200);
    expect(r.body.user.locale).toBe('en');
    expect((await ed.json('GET', '/api/auth/me')).body.user.locale).toBe('en');
    r = await ed.json('PUT', '/api/auth/me/locale', { locale: 'fr' });
    expect(r.status).toBe(422);
    expect(r.body.errors[0]).toMatchObject({ path: '/locale', code: 'invalid_value' });
  });

  it('logs out: the session ends in the database and the cookie is cleared', async () => {
    const cookie = await login(f.app, 'rev');
    const c = client(f.app, cookie);
    expect((await c.request('GET', '/api/auth/me')).status).toBe(200);
    const res = await c.request('POST', '/api/auth/logout');
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/^ecoscore_session=; Max-Age=0/);
    expect((await c.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await client(f.app).request('POST', '/api/auth/logout')).status).toBe(401);
  });

  it('expires sessions after their time to live, and slides them while in use', async () => {
    let now = Date.parse('2025-03-01T08:00:00Z');
    const app = createApp({ db: f.opened.db, log: () => {}, sessionTtlMs: 60_000, now: () => now });
    const c = client(app, await login(app, 'asa'));
    now += 40_000; // past half the time to live: the session is extended to now + 60 s
    const res = await c.request('GET', '/api/auth/me');
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=60/);
    now += 50_000; // 90 s after login, 50 s after the extension
    expect((await c.request('GET', '/api/auth/me')).status).toBe(200);
    now += 61_000;
    const expired = await c.json('GET', '/api/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('unauthenticated');
  });

  it('slows repeated failures with 429 and Retry-After, even for the right password', async () => {
    let now = 1_000_000;
    const app = createApp({
      db: f.opened.db,
      log: () => {},
      throttle: new LoginThrottle({ db: f.opened.db, maxFailures: 3, baseDelayMs: 2000, now: () => now }),
    });
    const anon = client(app);
    for (let i = 0; i < 3; i++)
      expect((await anon.request('POST', '/api/auth/login', loginBody('asa', 'nope'))).status).toBe(401);
    let r = await anon.json('POST', '/api/auth/login', loginBody('asa', PASSWORD));
    expect(r.status).toBe(429);
    expect(r.res.headers.get('retry-after')).toBe('2');
    expect(r.body.code).toBe('too_many_attempts');
    // Another user from the same address is not locked by these failures.
    expect((await anon.request('POST', '/api/auth/login', loginBody('rev', PASSWORD))).status).toBe(200);
    now += 2000;
    r = await anon.json('POST', '/api/auth/login', loginBody('asa', PASSWORD));
    expect(r.status).toBe(200);
  });

  it('refuses a disabled user at login and ends their sessions', async () => {
    const adminC = f.as('admin');
    const created = await postUser(f, { username: 'temp', displayName: '临时', role: 'reviewer' });
    expect(created.status).toBe(201);
    const c = client(f.app, await login(f.app, 'temp'));
    expect((await c.request('GET', '/api/regions')).status).toBe(200);
    expect(
      (await adminC.json('PATCH', `/api/users/${created.body.user.id}`, { disabled: true })).status,
    ).toBe(200);
    expect((await c.request('GET', '/api/regions')).status).toBe(401);
    expect((await f.as(null).request('POST', '/api/auth/login', loginBody('temp', PASSWORD))).status).toBe(
      401,
    );
  });

  it('every role user of the fixture can log in', () => {
    expect(Object.values(ROLE_USERS)).toHaveLength(5);
  });
});
