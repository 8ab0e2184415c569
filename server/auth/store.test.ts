/**
 * The session store answers from the database on every lookup, so a change made by another server
 * process on the same database — a logout, a disabled account, a password or role change — is seen
 * on the very next request. "Another process" is a second connection to the same SQLite file, and
 * on PostgreSQL (PGlite) changes made beside the store in SQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../db/client.ts';
import { createUser, setPasswordHash, updateUser } from '../db/users.ts';
import { databaseSessionStore } from './store.ts';
import type { SessionStore } from './session.ts';

describe.each([['sqlite'], ['postgres (PGlite)']])('databaseSessionStore on %s', (where) => {
  let dir: string;
  let a: OpenedStore;
  let b: OpenedStore;
  let store: SessionStore;
  let userId = 0;
  const now = '2026-01-01T00:00:00.000Z';
  const later = '2026-01-02T00:00:00.000Z';

  let n = 0;
  let s1 = '';
  let s2 = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecoscore-sessions-'));
    if (where === 'sqlite') {
      a = await openStore(join(dir, 'db.sqlite'));
      b = await openStore(join(dir, 'db.sqlite'));
    } else {
      a = b = await openStore('pglite:');
    }
    await createUser(
      a.db,
      { username: 'admin', displayName: 'A', role: 'admin', passwordHash: 'x' },
      'system',
    );
    store = databaseSessionStore(a.db);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    if (b !== a) await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // A fresh user with two sessions per test (the database is shared by the tests).
  beforeEach(async () => {
    n++;
    userId = (
      await createUser(
        a.db,
        { username: `u${n}`, displayName: 'U', role: 'editor', passwordHash: 'x' },
        'system',
      )
    ).id;
    s1 = `s1-${n}`;
    s2 = `s2-${n}`;
    await store.createSession({ id: s1, userId, createdAt: now, expiresAt: later, lastSeenAt: now });
    await store.createSession({ id: s2, userId, createdAt: now, expiresAt: later, lastSeenAt: now });
  });

  it('sees a change made beside it at once', async () => {
    expect((await store.getSession(s1, now))?.user.displayName).toBe('U');
    await b.db.run(sql`UPDATE users SET display_name = 'V' WHERE id = ${userId}`);
    expect((await store.getSession(s1, now))?.user.displayName).toBe('V');
  });

  it('disabling a user elsewhere ends their sessions at once', async () => {
    expect(await store.getSession(s1, now)).toBeDefined();
    await updateUser(b.db, userId, { disabled: true }, 'admin');
    expect(await store.getSession(s1, now)).toBeUndefined();
    expect(await store.getSession(s2, now)).toBeUndefined();
  });

  it('a role change elsewhere is seen at once', async () => {
    expect((await store.getSession(s1, now))?.user.role).toBe('editor');
    await updateUser(b.db, userId, { role: 'reviewer' }, 'admin');
    expect((await store.getSession(s1, now))?.user.role).toBe('reviewer');
  });

  it('a password change elsewhere ends the sessions at once', async () => {
    expect(await store.getSession(s1, now)).toBeDefined();
    await setPasswordHash(b.db, userId, 'y', 'admin');
    expect(await store.getSession(s1, now)).toBeUndefined();
  });

  it('a logout elsewhere ends that session only', async () => {
    expect(await store.getSession(s1, now)).toBeDefined();
    await databaseSessionStore(b.db).deleteSession(s1);
    expect(await store.getSession(s1, now)).toBeUndefined();
    const found = await store.getSession(s2, now);
    expect(found?.user).toMatchObject({
      id: userId,
      username: `u${n}`,
      role: 'editor',
      region: null,
      disabled: false,
    });
  });

  it('an expired session is no session; a touch moves the expiry', async () => {
    expect(await store.getSession(s1, later)).toBeUndefined();
    const further = '2026-01-03T00:00:00.000Z';
    await store.touchSession(s1, further, now);
    expect((await store.getSession(s1, later))?.session.expiresAt).toBe(further);
  });
});
