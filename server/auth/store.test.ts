/**
 * The session cache: answers from memory for a few seconds, yet disabling a user, changing their
 * role or password, or ending a session takes effect on the very next lookup.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../db/client.ts';
import { createUser, setPasswordHash, updateUser } from '../db/users.ts';
import { databaseSessionStore, SESSION_CACHE_MS } from './store.ts';
import type { SessionStore } from './session.ts';

describe('databaseSessionStore cache', () => {
  let opened: OpenedDatabase;
  let store: SessionStore;
  let t = 1_000_000;
  let userId = 0;
  const now = '2026-01-01T00:00:00.000Z';
  const later = '2026-01-02T00:00:00.000Z';

  beforeEach(async () => {
    opened = openDatabase(':memory:');
    const { db } = opened;
    userId = (
      await createUser(db, { username: 'u1', displayName: 'U', role: 'editor', passwordHash: 'x' }, 'system')
    ).id;
    await createUser(db, { username: 'admin', displayName: 'A', role: 'admin', passwordHash: 'x' }, 'system');
    store = databaseSessionStore(db, { clock: () => t });
    await store.createSession({ id: 's1', userId, createdAt: now, expiresAt: later, lastSeenAt: now });
    await store.createSession({ id: 's2', userId, createdAt: now, expiresAt: later, lastSeenAt: now });
  });
  afterEach(() => opened.close());

  const sneak = (sql: string) => opened.sqlite.prepare(sql).run();

  it('answers from memory within the window, from the database after it', async () => {
    expect((await store.getSession('s1', now))?.user.displayName).toBe('U');
    // A change behind the repositories' back is not seen until the entry is old…
    sneak("UPDATE users SET display_name = 'V'");
    expect((await store.getSession('s1', now))?.user.displayName).toBe('U');
    t += SESSION_CACHE_MS + 1;
    // …then it is.
    expect((await store.getSession('s1', now))?.user.displayName).toBe('V');
  });

  it('disabling a user ends their cached sessions at once', async () => {
    expect(await store.getSession('s1', now)).toBeDefined();
    expect(await store.getSession('s2', now)).toBeDefined();
    await updateUser(opened.db, userId, { disabled: true }, 'admin');
    expect(await store.getSession('s1', now)).toBeUndefined();
    expect(await store.getSession('s2', now)).toBeUndefined();
  });

  it('a role change is seen at once', async () => {
    expect((await store.getSession('s1', now))?.user.role).toBe('editor');
    await updateUser(opened.db, userId, { role: 'reviewer' }, 'admin');
    expect((await store.getSession('s1', now))?.user.role).toBe('reviewer');
  });

  it('a password change ends the cached sessions at once', async () => {
    expect(await store.getSession('s1', now)).toBeDefined();
    await setPasswordHash(opened.db, userId, 'y', 'admin');
    expect(await store.getSession('s1', now)).toBeUndefined();
  });

  it('ending one session forgets it, and the other stays', async () => {
    expect(await store.getSession('s1', now)).toBeDefined();
    expect(await store.getSession('s2', now)).toBeDefined();
    await store.deleteSession('s1');
    expect(await store.getSession('s1', now)).toBeUndefined();
    expect(await store.getSession('s2', now)).toBeDefined();
  });

  it('an expired session is no session, cached or not; a touch moves the cached expiry', async () => {
    expect(await store.getSession('s1', now)).toBeDefined();
    expect(await store.getSession('s1', later)).toBeUndefined();
    const further = '2026-01-03T00:00:00.000Z';
    await store.touchSession('s1', further, now);
    expect((await store.getSession('s1', later))?.session.expiresAt).toBe(further);
  });
});
