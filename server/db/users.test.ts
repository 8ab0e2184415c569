import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from './audit.ts';
import { openDatabase, type OpenedDatabase } from './client.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import {
  createSession,
  createUser,
  deleteExpiredSessions,
  deleteSession,
  findUserForLogin,
  getSession,
  getUser,
  listUsers,
  setPasswordHash,
  touchSession,
  updateUser,
} from './users.ts';

let h: OpenedDatabase;
beforeEach(() => {
  h = openDatabase(':memory:');
});
afterEach(() => h.close());

const alice = {
  username: 'alice',
  displayName: '爱丽丝',
  role: 'editor' as const,
  passwordHash: 'scrypt$salt$hash',
};

describe('users', () => {
  it('creates a user without exposing the password hash, audited', () => {
    const u = createUser(h.db, alice, 'admin');
    expect(u).toEqual({
      id: 1,
      username: 'alice',
      displayName: '爱丽丝',
      role: 'editor',
      region: null,
      locale: 'zh',
      disabled: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(findUserForLogin(h.db, 'alice')?.passwordHash).toBe('scrypt$salt$hash');
    expect(findUserForLogin(h.db, 'nobody')).toBeUndefined();
    const [entry] = listAudit(h.db, { entity: 'user' }).entries;
    expect(entry).toMatchObject({ action: 'user.create', user: 'admin', entityId: '1' });
    expect(JSON.stringify(entry)).not.toContain('scrypt');
  });

  it('refuses a taken username and invalid fields', () => {
    createUser(h.db, alice, 'admin');
    expect(() => createUser(h.db, alice, 'admin')).toThrow(ConflictError);
    try {
      createUser(h.db, { ...alice, username: 'has space', role: 'boss' as never, displayName: ' ' }, 'admin');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).errors.map((p) => p.path)).toEqual([
        '/username',
        '/displayName',
        '/role',
      ]);
    }
    expect(listUsers(h.db)).toHaveLength(1);
  });

  it('updates role, locale, display name; disabling ends sessions', () => {
    const u = createUser(h.db, alice, 'admin');
    createSession(h.db, {
      id: 's1',
      userId: u.id,
      createdAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2999-01-01T00:00:00.000Z',
    });
    const v = updateUser(h.db, u.id, { role: 'reviewer', locale: 'en', displayName: 'Alice' }, 'admin');
    expect(v).toMatchObject({ role: 'reviewer', locale: 'en', displayName: 'Alice' });
    expect(getSession(h.db, 's1')?.user.role).toBe('reviewer');
    updateUser(h.db, u.id, { disabled: true }, 'admin');
    expect(getSession(h.db, 's1')).toBeUndefined();
    expect(() => updateUser(h.db, 99, { role: 'admin' }, 'admin')).toThrow(NotFoundError);
    expect(listAudit(h.db, { action: 'user.update' }).total).toBe(2);
  });

  it('sets a password hash, ending the sessions, audited without the hash', () => {
    const u = createUser(h.db, alice, 'admin');
    createSession(h.db, {
      id: 's1',
      userId: u.id,
      createdAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2999-01-01T00:00:00.000Z',
    });
    setPasswordHash(h.db, u.id, 'new$hash', 'admin');
    expect(findUserForLogin(h.db, 'alice')?.passwordHash).toBe('new$hash');
    expect(getSession(h.db, 's1')).toBeUndefined();
    expect(JSON.stringify(listAudit(h.db, { action: 'user.password' }).entries)).not.toContain('new$hash');
    expect(getUser(h.db, u.id).username).toBe('alice');
  });
});

describe('sessions', () => {
  it('finds live sessions only, touches, deletes and expires them', () => {
    const u = createUser(h.db, alice, 'admin');
    createSession(h.db, {
      id: 'live',
      userId: u.id,
      createdAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2025-01-02T00:00:00.000Z',
    });
    createSession(h.db, {
      id: 'old',
      userId: u.id,
      createdAt: '2024-01-01T00:00:00.000Z',
      expiresAt: '2024-01-02T00:00:00.000Z',
    });
    expect(getSession(h.db, 'live', '2025-01-01T12:00:00.000Z')?.user.username).toBe('alice');
    expect(getSession(h.db, 'live', '2025-01-03T00:00:00.000Z')).toBeUndefined();
    expect(getSession(h.db, 'nope')).toBeUndefined();
    touchSession(h.db, 'live', '2025-01-01T13:00:00.000Z', '2025-01-09T00:00:00.000Z');
    expect(getSession(h.db, 'live', '2025-01-05T00:00:00.000Z')?.session).toMatchObject({
      lastSeenAt: '2025-01-01T13:00:00.000Z',
      expiresAt: '2025-01-09T00:00:00.000Z',
    });
    expect(deleteExpiredSessions(h.db, '2025-01-01T00:00:00.000Z')).toBe(1);
    deleteSession(h.db, 'live');
    expect(getSession(h.db, 'live', '2025-01-05T00:00:00.000Z')).toBeUndefined();
  });
});
