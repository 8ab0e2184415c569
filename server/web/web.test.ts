/**
 * HTTPS-aware cookies and HSTS, the editor pages' CSP header, trusted proxies and the guards'
 * helpers. The attacks themselves are mounted in test/hostile.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, HSTS, PAGE_CSP } from '../app.ts';
import { makeFixture, PASSWORD, ROLE_USERS, type Fixture } from '../routes/test-helpers.ts';
import { jsonDepth, MAX_JSON_DEPTH } from './guard.ts';
import { trustedProxies } from './proxy.ts';

let f: Fixture;
const dir = mkdtempSync(join(tmpdir(), 'ecoscore-web-'));
beforeAll(async () => {
  f = await makeFixture({ seedData: false });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ecoscore</title>');
});
afterAll(() => {
  f.close();
  rmSync(dir, { recursive: true, force: true });
});

const login = (
  app: ReturnType<typeof createApp>,
  url: string,
  headers: Record<string, string> = {},
  env?: object,
) =>
  app.request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username: ROLE_USERS.reviewer, password: PASSWORD }),
    },
    env,
  );

describe('HTTPS', () => {
  it('marks the session cookie Secure and sends HSTS only when the request came over HTTPS', async () => {
    const app = createApp({ db: f.opened.db, log: () => {} });
    const plain = await login(app, 'http://localhost/api/auth/login');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const tls = await login(app, 'https://localhost/api/auth/login', { origin: 'https://localhost' });
    expect(tls.status).toBe(200);
    expect(tls.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect(tls.headers.get('strict-transport-security')).toBe(HSTS);
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', async () => {
    const app = createApp({ db: f.opened.db, log: () => {}, trustedProxies: '10.0.0.0/8' });
    const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const proxied = await login(
      app,
      'http://localhost/api/auth/login',
      { 'x-forwarded-proto': 'https' },
      from('10.0.0.2'),
    );
    expect(proxied.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect(proxied.headers.get('strict-transport-security')).toBe(HSTS);
    const spoofed = await login(
      app,
      'http://localhost/api/auth/login',
      { 'x-forwarded-proto': 'https' },
      from('203.0.113.5'),
    );
    expect(spoofed.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
  });
});

describe("the editor's pages", () => {
  it('carry frame-ancestors none and leave script-src to the page (kit.csp meta tag)', async () => {
    const app = createApp({ db: f.opened.db, log: () => {}, staticRoot: dir });
    for (const path of ['/', '/rules/7']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toBe(PAGE_CSP);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src|default-src/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    const api = await app.request('/api/health');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe('helpers', () => {
  it('trusted proxies: addresses, CIDR ranges, loopback, IPv4-mapped IPv6; typos refused', () => {
    const p = trustedProxies('10.0.0.0/8, 192.168.1.5, loopback');
    expect(['10.3.4.5', '192.168.1.5', '127.0.0.1', '::1', '::ffff:10.0.0.1'].map((a) => p.has(a))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['11.0.0.1', '192.168.1.6', 'unknown', 'local'].map((a) => p.has(a))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(() => trustedProxies('10.0.0.0/33')).toThrow();
    expect(() => trustedProxies('proxy.example')).toThrow();
  });

  it('measures JSON depth without recursion', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({ a: [1, { b: [] }] })).toBe(4);
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
  });
});
