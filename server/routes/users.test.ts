import { describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit.ts';
import { client, login, useFixture, PASSWORD, schemaProblems, postUser } from './test-helpers.ts';

describe('user administration', () => {
  const f = useFixture({ seedData: false });

  it('lists users without password hashes', async () => {
    const r = await f.as('admin').json('GET', '/api/users');
    expect(r.status).toBe(200);
    expect(r.body.users.map((u: { username: string }) => u.username)).toEqual(['admin', 'ed', 'asa', 'rev']);
    expect(JSON.stringify(r.body)).not.toMatch(/scrypt|passwordHash/);
    expect(schemaProblems(f.app, 'GET', '/api/users', 200, r.body)).toEqual([]);
  });

  it('gives every signed-in user the display names by username, and nothing else', async () => {
    const r = await f.as('reviewer').json('GET', '/api/users/names');
    expect(r.status).toBe(200);
    expect(r.body.names.admin).toBe('系统管理员');
    expect(Object.keys(r.body.names)).toEqual(['admin', 'ed', 'asa', 'rev']);
    expect(JSON.stringify(r.body)).not.toMatch(/scrypt|role|disabled/);
    expect(schemaProblems(f.app, 'GET', '/api/users/names', 200, r.body)).toEqual([]);
    expect((await client(f.app).json('GET', '/api/users/names')).status).toBe(401);
  });

  it('creates a user who can then log in; a taken name is 409; bad fields are 422 with paths', async () => {
    const admin = f.as('admin');
    const user = {
      username: 'zhang.san',
      displayName: '张三',
      role: 'assessor',
      password: 'a-long-password',
    };
    const r = await postUser(f, user);
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({
      username: 'zhang.san',
      displayName: '张三',
      role: 'assessor',
      locale: 'zh',
      disabled: false,
    });
    expect(schemaProblems(f.app, 'POST', '/api/users', 201, r.body)).toEqual([]);
    expect(await login(f.app, 'zhang.san', 'a-long-password')).toMatch(/^ecoscore_session=/);

    const again = await postUser(f, { ...user, displayName: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('username_taken');

    const bad = await admin.json('POST', '/api/users', {
      username: 'X y',
      displayName: '',
      role: 'boss',
      password: 'short',
      extra: 1,
    });
    expect(bad.status).toBe(422);
    const paths = bad.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/displayName', '/extra', '/password', '/role', '/username']);
    expect((await listAudit(f.opened.db, { action: 'user.create', user: 'admin' })).total).toBe(1);
  });

  it('changes role, name and disabled flag; 404 for an unknown id', async () => {
    const admin = f.as('admin');
    const users = (await admin.json('GET', '/api/users')).body.users as { id: number; username: string }[];
    const rev = users.find((u) => u.username === 'rev')!;
    const r = await admin.json('PATCH', `/api/users/${rev.id}`, {
      role: 'editor',
      displayName: '审阅转编辑',
    });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ role: 'editor', displayName: '审阅转编辑' });
    // The session keeps working and now carries the new role.
    expect((await f.as('reviewer').json('GET', '/api/auth/me')).body.user.role).toBe('editor');
    await admin.json('PATCH', `/api/users/${rev.id}`, { role: 'reviewer' });

    expect((await admin.json('PATCH', '/api/users/9999', { role: 'editor' })).status).toBe(404);
    expect((await admin.json('PATCH', `/api/users/${rev.id}`, {})).status).toBe(422);
  });

  it('never leaves the system without an enabled admin', async () => {
    const admin = f.as('admin');
    const me = (await admin.json('GET', '/api/auth/me')).body.user;
    for (const change of [{ disabled: true }, { role: 'editor' }]) {
      const r = await admin.json('PATCH', `/api/users/${me.id}`, change);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('last_admin');
    }
  });

  it('resets a password: old sessions end, the new password works, the old one does not', async () => {
    const admin = f.as('admin');
    const cookie = await login(f.app, 'asa');
    const users = (await admin.json('GET', '/api/users')).body.users as { id: number; username: string }[];
    const asa = users.find((u) => u.username === 'asa')!;
    const r = await admin.request('POST', `/api/users/${asa.id}/password`, { password: 'brand-new-secret' });
    expect(r.status).toBe(204);
    expect((await client(f.app, cookie).request('GET', '/api/auth/me')).status).toBe(401);
    expect(
      (await f.as(null).request('POST', '/api/auth/login', { username: 'asa', password: PASSWORD })).status,
    ).toBe(401);
    expect(await login(f.app, 'asa', 'brand-new-secret')).toBeTruthy();
    expect((await admin.json('POST', `/api/users/${asa.id}/password`, { password: 'short' })).status).toBe(
      422,
    );
    expect((await admin.json('POST', '/api/users/9999/password', { password: 'long-enough-1' })).status).toBe(
      404,
    );
    const audit = await listAudit(f.opened.db, { action: 'user.password' });
    expect(audit.total).toBe(1);
    expect(JSON.stringify(audit.entries)).not.toContain('scrypt');
  });
});
