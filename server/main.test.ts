import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionsFromEnv, start } from './main.ts';

describe('server process options', () => {
  it('reads PORT, ECOSCORE_DB and the admin password from the environment, with defaults', () => {
    expect(optionsFromEnv({})).toMatchObject({
      port: 8787,
      dbPath: './data/ecoscore.db',
      adminPassword: undefined,
      accessLog: true,
    });
    expect(
      optionsFromEnv({
        PORT: '9000',
        ECOSCORE_DB: '/tmp/x.db',
        ECOSCORE_ADMIN_PASSWORD: 's3cret',
        ECOSCORE_ACCESS_LOG: '0',
      }),
    ).toMatchObject({
      port: 9000,
      dbPath: '/tmp/x.db',
      adminPassword: 's3cret',
      accessLog: false,
    });
    expect(() => optionsFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});

describe('start', () => {
  it('seeds an empty database, creates the first admin with a printed random password, serves, and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoscore-main-'));
    const lines: string[] = [];
    const running = await start({
      port: 0,
      host: '127.0.0.1',
      dbPath: join(dir, 'db.sqlite'),
      staticRoot: null,
      accessLog: false,
      print: (l) => lines.push(l),
    });
    try {
      const text = lines.join('\n');
      expect(text).toContain(`database: ${join(dir, 'db.sqlite')}`);
      expect(text).toMatch(new RegExp(`listening on http://127.0.0.1:${running.port}`));
      expect(text).toContain('editor: not built');
      const password = /password "([^"]+)"/.exec(text)?.[1];
      expect(password).toBeTruthy();
      const base = `http://127.0.0.1:${running.port}`;
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const families = await (await fetch(`${base}/api/families`, { headers: { cookie } })).json();
      expect(families.families[0].family).toBe('jilin-eco-target');
      expect((await fetch(`${base}/`)).status).toBe(404);
    } finally {
      await running.stop();
    }
    await expect(fetch(`http://127.0.0.1:${running.port}/api/health`)).rejects.toThrow();

    // A second start on the same database seeds nothing and creates no admin.
    lines.length = 0;
    const again = await start({
      port: 0,
      host: '127.0.0.1',
      dbPath: join(dir, 'db.sqlite'),
      staticRoot: null,
      accessLog: false,
      print: (l) => lines.push(l),
    });
    await again.stop();
    expect(lines.join('\n')).not.toMatch(/seed:|First admin/);
    rmSync(dir, { recursive: true, force: true });
  });
});
