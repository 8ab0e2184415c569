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

  beforeEach(() => {
    opened = openDatabase(':memory:');
    const { db } = opened;
    userId = createUser(
      db,
      { username: 'u1', displayName: 'U', role: 'editor', passwordHash: 'x' },
      'system',
    ).id;
    createUser(db, { username: 'admin', displayName: 'A', role: 'admin', passwordHash: 'x' }, 'system');
    store = databaseSessionStore(db, { clock: () => t });
    store.createSession({ id: 's1', userId, createdAt: now, expiresAt: later, lastSeenAt: now });
    store.createSession({ id: 's2', userId, createdAt: now, expiresAt: later, lastSeenAt: now });
  });
  afterEach(() => opened.close());

  const sneak = (sql: string) => opened.db.$client.prepare(sql).run();

  it('answers from memory within the window, from the database after it', () => {
    expect(store.getSession('s1', now)?.user.displayName).toBe('U');
    // A change behind the repositories' back is not seen until the entry is old…
    sneak("UPDATE users SET display_name = 'V'");
    expect(store.getSession('s1', now)?.user.displayName).toBe('U');
    t += SESSION_CACHE_MS + 1;
    // …then it is.
    expect(store.getSession('s1', now)?.user.displayName).toBe('V');
  });

  it('disabling a user ends their cached sessions at once', () => {
    expect(store.getSession('s1', now)).toBeDefined();
    expect(store.getSession('s2', now)).toBeDefined();
    updateUser(opened.db, userId, { disabled: true }, 'admin');
    expect(store.getSession('s1', now)).toBeUndefined();
    expect(store.getSession('s2', now)).toBeUndefined();
  });

  it('a role change is seen at once', () => {
    expect(store.getSession('s1', now)?.user.role).toBe('editor');
    updateUser(opened.db, userId, { role: 'reviewer' }, 'admin');
    expect(store.getSession('s1', now)?.user.role).toBe('reviewer');
  });

  it('a password change ends the cached sessions at once', () => {
    expect(store.getSession('s1', now)).toBeDefined();
    setPasswordHash(opened.db, userId, 'y', 'admin');
    expect(store.getSession('s1', now)).toBeUndefined();
  });

  it('ending one session forgets it, and the other stays', () => {
    expect(store.getSession('s1', now)).toBeDefined();
    expect(store.getSession('s2', now)).toBeDefined();
    store.deleteSession('s1');
    expect(store.getSession('s1', now)).toBeUndefined();
    expect(store.getSession('s2', now)).toBeDefined();
  });

  it('an expired session is no session, cached or not; a touch moves the cached expiry', () => {
    expect(store.getSession('s1', now)).toBeDefined();
    expect(store.getSession('s1', later)).toBeUndefined();
    const further = '2026-01-03T00:00:00.000Z';
    store.touchSession('s1', further, now);
    expect(store.getSession('s1', later)?.session.expiresAt).toBe(further);
  });
});
