import { describe, expect, it } from 'vitest';
import { useFreshDb } from './test-fixture.ts';
import { listAudit } from './audit.ts';
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

const h = useFreshDb({ regions: false });

const alice = {
  username: 'alice',
  displayName: '爱丽丝',
  role: 'editor' as const,
  passwordHash: 'scrypt$salt$hash',
};

/** Alice, created and signed in with session `s1`. */
async function aliceSignedIn() {
  const u = await createUser(h.db, alice, 'admin');
  await createSession(h.db, {
    id: 's1',
    userId: u.id,
    createdAt: '2025-01-01T00:00:00.000Z',
    expiresAt: '2999-01-01T00:00:00.000Z',
  });
  return u;
}

describe('users', () => {
  it('creates a user without exposing the password hash, audited', async () => {
    const u = await createUser(h.db, alice, 'admin');
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
    expect((await findUserForLogin(h.db, 'alice'))?.passwordHash).toBe('scrypt$salt$hash');
    expect(await findUserForLogin(h.db, 'nobody')).toBeUndefined();
    const [entry] = (await listAudit(h.db, { entity: 'user' })).entries;
    expect(entry).toMatchObject({ action: 'user.create', user: 'admin', entityId: '1' });
    expect(JSON.stringify(entry)).not.toContain('scrypt');
  });

  it('refuses a taken username and invalid fields', async () => {
    await createUser(h.db, alice, 'admin');
    await expect(async () => await createUser(h.db, alice, 'admin')).rejects.toThrow(ConflictError);
    try {
      await createUser(
        h.db,
        { ...alice, username: 'has space', role: 'boss' as never, displayName: ' ' },
        'admin',
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).errors.map((p) => p.path)).toEqual([
        '/username',
        '/displayName',
        '/role',
      ]);
    }
    expect(await listUsers(h.db)).toHaveLength(1);
  });

  it('updates role, locale, display name; disabling ends sessions', async () => {
    const u = await aliceSignedIn();
    const v = await updateUser(h.db, u.id, { role: 'reviewer', locale: 'en', displayName: 'Alice' }, 'admin');
    expect(v).toMatchObject({ role: 'reviewer', locale: 'en', displayName: 'Alice' });
    expect((await getSession(h.db, 's1'))?.user.role).toBe('reviewer');
    await updateUser(h.db, u.id, { disabled: true }, 'admin');
    expect(await getSession(h.db, 's1')).toBeUndefined();
    await expect(async () => await updateUser(h.db, 99, { role: 'admin' }, 'admin')).rejects.toThrow(
      NotFoundError,
    );
    expect((await listAudit(h.db, { action: 'user.update' })).total).toBe(2);
  });

  it('sets a password hash, ending the sessions, audited without the hash', async () => {
    const u = await aliceSignedIn();
    await setPasswordHash(h.db, u.id, 'new$hash', 'admin');
    expect((await findUserForLogin(h.db, 'alice'))?.passwordHash).toBe('new$hash');
    expect(await getSession(h.db, 's1')).toBeUndefined();
    expect(JSON.stringify((await listAudit(h.db, { action: 'user.password' })).entries)).not.toContain(
      'new$hash',
    );
    expect((await getUser(h.db, u.id)).username).toBe('alice');
  });
});

describe('sessions', () => {
  it('finds live sessions only, touches, deletes and expires them', async () => {
    const u = await createUser(h.db, alice, 'admin');
    await createSession(h.db, {
      id: 'live',
      userId: u.id,
      createdAt: '2025-01-01T00:00:00.000Z',
      expiresAt: '2025-01-02T00:00:00.000Z',
    });
    await createSession(h.db, {
      id: 'old',
      userId: u.id,
      createdAt: '2024-01-01T00:00:00.000Z',
      expiresAt: '2024-01-02T00:00:00.000Z',
    });
    expect((await getSession(h.db, 'live', '2025-01-01T12:00:00.000Z'))?.user.username).toBe('alice');
    expect(await getSession(h.db, 'live', '2025-01-03T00:00:00.000Z')).toBeUndefined();
    expect(await getSession(h.db, 'nope')).toBeUndefined();
    await touchSession(h.db, 'live', '2025-01-01T13:00:00.000Z', '2025-01-09T00:00:00.000Z');
    expect((await getSession(h.db, 'live', '2025-01-05T00:00:00.000Z'))?.session).toMatchObject({
      lastSeenAt: '2025-01-01T13:00:00.000Z',
      expiresAt: '2025-01-09T00:00:00.000Z',
    });
    expect(await deleteExpiredSessions(h.db, '2025-01-01T00:00:00.000Z')).toBe(1);
    await deleteSession(h.db, 'live');
    expect(await getSession(h.db, 'live', '2025-01-05T00:00:00.000Z')).toBeUndefined();
  });
});
