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
  getSession,
  touchSession,
} from '../db/users.ts';
import { hashPassword, randomPassword } from './password.ts';
import type { SessionStore } from './session.ts';

/** Sessions kept in the `sessions` table. */
export function databaseSessionStore(db: Db): SessionStore {
  return {
    createSession: (s) => void createSession(db, s),
    getSession: (id, now) => {
      const found = getSession(db, id, now);
      if (!found) return undefined;
      const u = found.user;
      return {
        session: found.session,
        user: {
          id: u.id,
          username: u.username,
          displayName: u.displayName,
          role: u.role,
          locale: u.locale,
          disabled: u.disabled,
        },
      };
    },
    touchSession: (id, expiresAt, lastSeenAt) => touchSession(db, id, lastSeenAt, expiresAt),
    deleteSession: (id) => deleteSession(db, id),
    deleteUserSessions: (userId) => void deleteUserSessions(db, userId),
    deleteExpiredSessions: (now) => void deleteExpiredSessions(db, now),
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
  if (countUsers(db) > 0) return { created: false };
  const generated = password && password.length > 0 ? undefined : randomPassword();
  const passwordHash = await hashPassword(password && password.length > 0 ? password : generated!);
  if (countUsers(db) > 0) return { created: false };
  createUser(db, { username: 'admin', displayName: '系统管理员', role: 'admin', passwordHash }, 'system');
  return { created: true, generatedPassword: generated };
}
