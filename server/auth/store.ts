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
import { sql } from 'drizzle-orm';
import { sqliteFree, sqliteOf } from '../db/dialect.ts';
import type { Role } from './roles.ts';
import { hashPassword, randomPassword } from './password.ts';
import type { SessionStore } from './session.ts';

/** A session with its user, by the session's id ($1): the same SQL on both databases. */
const SESSION_QUERY = `SELECT s.id, s.user_id, s.created_at, s.expires_at, s.last_seen_at,
  u.username, u.display_name, u.role, u.region, u.locale, u.disabled
  FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`;

interface SessionJoinRow {
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  username: string;
  display_name: string;
  role: string;
  region: string | null;
  locale: string;
  disabled: boolean | number;
}

/**
 * Sessions kept in the `sessions` table. Every lookup is one indexed query (the session joined with
 * its user), answered by the database and never from memory: several server processes share one
 * database, and a logout, a disabled account or a password change made through any of them is
 * refused by all of them on the very next request. (On SQLite the query costs a few microseconds;
 * on PostgreSQL one round trip.)
 */
export function databaseSessionStore(db: Db): SessionStore {
  // One statement, prepared once on SQLite (drizzle's builder would cost more than the query).
  const sqlite = sqliteOf(db);
  const stmt = sqlite?.prepare(SESSION_QUERY.replace('$1', '?'));
  const read = async (id: string) => {
    await sqliteFree(db);
    const row = (
      stmt ? stmt.get(id) : await db.get(sql`${sql.raw(SESSION_QUERY.replace('$1', ''))}${id}`)
    ) as SessionJoinRow | undefined;
    if (!row) return undefined;
    return {
      session: {
        id: row.id,
        userId: row.user_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        lastSeenAt: row.last_seen_at,
      },
      user: {
        id: row.user_id,
        username: row.username,
        displayName: row.display_name,
        role: row.role as Role,
        region: row.region ?? null,
        locale: row.locale as 'zh' | 'en',
        disabled: row.disabled === true || row.disabled === 1,
      },
    };
  };
  return {
    createSession: async (s) => void (await createSession(db, s)),
    getSession: async (id, now) => {
      const found = await read(id);
      // As getSession in server/db/users.ts: expired or disabled is no session.
      if (!found || found.session.expiresAt <= now || found.user.disabled) return undefined;
      return found;
    },
    touchSession: async (id, expiresAt, lastSeenAt) =>
      void (await touchSession(db, id, lastSeenAt, expiresAt)),
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
