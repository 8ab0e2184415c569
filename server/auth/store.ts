/**
 * The session storage over the database, through the store's repository functions
 * (`server/db/users.ts`), and the first admin on an empty database.
 */
import type { Db } from '../db/client.ts';
import {
  countUsers,
  createSession,
  createUser,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  touchSession,
} from '../db/users.ts';
import { eq } from 'drizzle-orm';
import { onUserChange } from '../db/changes.ts';
import { sessions, users } from '../db/schema.ts';
import { Lru } from '../../engine/cache/lru.ts';
import { hashPassword, randomPassword } from './password.ts';
import type { SessionStore } from './session.ts';

/** How long a looked-up session is answered from memory (a user change forgets it at once). */
export const SESSION_CACHE_MS = 5_000;
/** The most sessions kept in memory. */
export const SESSION_CACHE_SIZE = 1_000;

type Found = NonNullable<Awaited<ReturnType<SessionStore['getSession']>>>;

/**
 * Sessions kept in the `sessions` table. A lookup is one query, and its answer is
 * kept for `SESSION_CACHE_MS` (at most `SESSION_CACHE_SIZE` sessions): disabling a user, changing
 * their role or password, or ending a session forgets it at once (server/db/changes.ts), so the
 * cache never lets through a request the database would refuse.
 */
export function databaseSessionStore(
  db: Db,
  opts: { cacheMs?: number; clock?: () => number } = {},
): SessionStore {
  const cacheMs = opts.cacheMs ?? SESSION_CACHE_MS;
  const clock = opts.clock ?? Date.now;
  const cache = new Lru<string, { found: Found; until: number }>(SESSION_CACHE_SIZE);
  onUserChange(db, (userId, sessionId) => {
    if (sessionId !== undefined) cache.delete(sessionId);
    if (userId !== undefined)
      for (const [id, e] of cache.entries()) if (e.found.user.id === userId) cache.delete(id);
  });
  const read = async (id: string): Promise<Found | undefined> => {
    const row = await db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, id))
      .get();
    if (!row) return undefined;
    const u = row.user;
    return {
      session: row.session,
      user: {
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        region: u.region ?? null,
        locale: u.locale,
        disabled: u.disabled,
      },
    };
  };
  return {
    createSession: async (s) => void (await createSession(db, s)),
    getSession: async (id, now) => {
      const t = clock();
      const hit = cache.get(id);
      let found = hit && hit.until > t ? hit.found : undefined;
      if (!found) {
        found = await read(id);
        if (found && cacheMs > 0) cache.set(id, { found, until: t + cacheMs });
        else cache.delete(id);
      }
      // As getSession in server/db/users.ts: expired or disabled is no session.
      if (!found || found.session.expiresAt <= now || found.user.disabled) return undefined;
      return found;
    },
    touchSession: async (id, expiresAt, lastSeenAt) => {
      await touchSession(db, id, lastSeenAt, expiresAt);
      const hit = cache.get(id);
      if (hit) hit.found = { ...hit.found, session: { ...hit.found.session, expiresAt, lastSeenAt } };
    },
    deleteSession: async (id) => await deleteSession(db, id),
    deleteUserSessions: async (userId) => void (await deleteUserSessions(db, userId)),
    deleteExpiredSessions: async (now) => void (await deleteExpiredSessions(db, now)),
  };
}

/**
 * Creates the first admin (`admin`) when the database has no user. Returns the password when it
 * was generated (to print once), `null` when given, undefined when users already existed.
 *
 * @example const generated = await ensureAdmin(db, process.env.ECOSCORE_ADMIN_PASSWORD);
 */
export async function ensureAdmin(
  db: Db,
  password?: string,
): Promise<{ created: boolean; generatedPassword?: string }> {
  if ((await countUsers(db)) > 0) return { created: false };
  const generated = password && password.length > 0 ? undefined : randomPassword();
  const passwordHash = await hashPassword(password && password.length > 0 ? password : generated!);
  if ((await countUsers(db)) > 0) return { created: false };
  await createUser(
    db,
    { username: 'admin', displayName: '系统管理员', role: 'admin', passwordHash },
    'system',
  );
  return { created: true, generatedPassword: generated };
}
