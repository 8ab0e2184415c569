/**
 * Users and sessions. Password hashing and cookies belong to the auth module (server/auth/): this
 * module stores what it is given. Every user change is audited (the password hash never appears in
 * the audit log or in `User`).
 */
import { transaction } from './dialect.ts';
import { and, asc, eq, lt } from 'drizzle-orm';
import { contentHash } from '../../engine/index.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { regions, ROLES, sessions, users, type Role, type UserRow } from './schema.ts';
import { sessionEnded, userChanged } from './changes.ts';

/** A user as the API shows it (no password hash). */
export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** The region a `region` account is bound to (SPEC section 10); null for every other role. */
  region: string | null;
  locale: 'zh' | 'en';
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  /** Already hashed by the auth module. */
  passwordHash: string;
  locale?: 'zh' | 'en';
  /** Required for role `region`, refused for the others. */
  region?: string | null;
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  region?: string | null;
  disabled?: boolean;
  locale?: 'zh' | 'en';
}

export interface Session {
  id: string;
  userId: number;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

const USERNAME = /^[A-Za-z0-9_.@-]{1,64}$/;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    region: row.region ?? null,
    locale: row.locale,
    disabled: row.disabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function userHash(u: User): string {
  const { createdAt: _c, updatedAt: _u, ...rest } = u;
  return contentHash(rest);
}

function checkUserFields(u: Partial<NewUser & UserPatch>): void {
  const errors = [];
  if (u.username !== undefined && !USERNAME.test(u.username))
    errors.push({
      path: '/username',
      code: 'invalid_username',
      message:
        '用户名只能包含字母、数字和 _ . @ -,长度 1–64 / username: letters, digits, _ . @ -, 1–64 characters',
    });
  if (u.displayName !== undefined && (typeof u.displayName !== 'string' || u.displayName.trim() === ''))
    errors.push({
      path: '/displayName',
      code: 'required',
      message: '显示名称不能为空 / displayName is required',
    });
  if (u.role !== undefined && !(ROLES as readonly string[]).includes(u.role))
    errors.push({
      path: '/role',
      code: 'invalid_role',
      message: `角色必须是 ${ROLES.join(', ')} 之一 / role must be one of ${ROLES.join(', ')}`,
    });
  if (u.locale !== undefined && u.locale !== 'zh' && u.locale !== 'en')
    errors.push({
      path: '/locale',
      code: 'invalid_locale',
      message: '语言必须是 zh 或 en / locale must be zh or en',
    });
  if (errors.length) throw new ValidationError('用户信息无效 / invalid user', errors);
}

/** A region account needs an existing region; every other role has none. */
async function checkRegion(tx: Tx, role: Role, region: string | null | undefined): Promise<string | null> {
  if (role !== 'region') {
    if (region !== undefined && region !== null)
      throw new ValidationError('用户信息无效 / invalid user', [
        {
          path: '/region',
          code: 'region_not_allowed',
          message: `只有地区账号（region）才绑定地区 / only a region account has a region (role ${role})`,
        },
      ]);
    return null;
  }
  if (typeof region !== 'string' || region === '')
    throw new ValidationError('用户信息无效 / invalid user', [
      {
        path: '/region',
        code: 'region_required',
        message: '地区账号必须绑定一个地区代码 / a region account needs a region code',
      },
    ]);
  if (!(await tx.select({ code: regions.code }).from(regions).where(eq(regions.code, region)).get()))
    throw new ValidationError('用户信息无效 / invalid user', [
      {
        path: '/region',
        code: 'unknown_region',
        message: `没有地区 ${region} / no region ${region}`,
      },
    ]);
  return region;
}

export async function listUsers(db: Tx): Promise<User[]> {
  return (await db.select().from(users).orderBy(asc(users.id)).all()).map(toUser);
}

export async function getUser(db: Tx, id: number): Promise<User> {
  const row = await db.select().from(users).where(eq(users.id, id)).get();
  if (!row) throw new NotFoundError('user', id);
  return toUser(row);
}

/** The user row with its password hash, for the login check; undefined when unknown. */
export async function findUserForLogin(db: Tx, username: string): Promise<UserRow | undefined> {
  return await db.select().from(users).where(eq(users.username, username)).get();
}

export async function countUsers(db: Tx): Promise<number> {
  return (await db.select({ id: users.id }).from(users).all()).length;
}

/** Creates a user (audited as `user.create`). A taken username is a ConflictError. */
export async function createUser(db: Db, input: NewUser, actor: string): Promise<User> {
  checkUserFields(input);
  return await transaction(db, async (tx) => {
    const taken = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, input.username))
      .get();
    if (taken)
      throw new ConflictError(
        `用户名 ${input.username} 已存在 / username ${input.username} is taken`,
        undefined,
        'username_taken',
      );
    const region = await checkRegion(tx, input.role, input.region);
    const at = nowIso();
    const row = await tx
      .insert(users)
      .values({
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        region,
        passwordHash: input.passwordHash,
        locale: input.locale ?? 'zh',
        createdAt: at,
        updatedAt: at,
      })
      .returning()
      .get();
    const user = toUser(row);
    await appendAudit(tx, {
      user: actor,
      action: 'user.create',
      entity: 'user',
      entityId: user.id,
      afterHash: userHash(user),
      detail: { username: user.username, role: user.role, ...(user.region ? { region: user.region } : {}) },
      at,
    });
    return user;
  });
}

/** Changes a user's display name, role, locale or disabled flag (audited as `user.update`). */
export async function updateUser(db: Db, id: number, patch: UserPatch, actor: string): Promise<User> {
  checkUserFields(patch);
  const updated = await transaction(db, async (tx) => {
    const before = await getUser(tx, id);
    const at = nowIso();
    const set: Partial<UserRow> = { updatedAt: at };
    if (patch.displayName !== undefined) set.displayName = patch.displayName;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.role !== undefined || patch.region !== undefined)
      set.region = await checkRegion(
        tx,
        patch.role ?? before.role,
        patch.region !== undefined ? patch.region : patch.role === 'region' ? before.region : null,
      );
    if (patch.disabled !== undefined) set.disabled = patch.disabled;
    if (patch.locale !== undefined) set.locale = patch.locale;
    const row = await tx.update(users).set(set).where(eq(users.id, id)).returning().get();
    const after = toUser(row);
    if (patch.disabled === true) await tx.delete(sessions).where(eq(sessions.userId, id)).run();
    await appendAudit(tx, {
      user: actor,
      action: 'user.update',
      entity: 'user',
      entityId: id,
      beforeHash: userHash(before),
      afterHash: userHash(after),
      detail: { username: after.username, changes: Object.keys(patch) },
      at,
    });
    return after;
  });
  userChanged(db, id);
  return updated;
}

/** Replaces a user's password hash (audited as `user.password`, without the hash); ends their sessions. */
export async function setPasswordHash(
  db: Db,
  id: number,
  passwordHash: string,
  actor: string,
): Promise<void> {
  await transaction(db, async (tx) => {
    const before = await getUser(tx, id);
    await tx.update(users).set({ passwordHash, updatedAt: nowIso() }).where(eq(users.id, id)).run();
    await tx.delete(sessions).where(eq(sessions.userId, id)).run();
    await appendAudit(tx, {
      user: actor,
      action: 'user.password',
      entity: 'user',
      entityId: id,
      beforeHash: userHash(before),
      afterHash: userHash(before),
      detail: { username: before.username },
    });
  });
  userChanged(db, id);
}

/** Stores a session (not audited: logins are audited by the auth module through `appendAudit` if wanted). */
export async function createSession(
  db: Tx,
  session: Omit<Session, 'lastSeenAt'> & { lastSeenAt?: string },
): Promise<Session> {
  return await db
    .insert(sessions)
    .values({ ...session, lastSeenAt: session.lastSeenAt ?? session.createdAt })
    .returning()
    .get();
}

/** The session and its user when the session exists, has not expired at `now` and the user is enabled. */
export async function getSession(
  db: Tx,
  id: string,
  now: string = nowIso(),
): Promise<{ session: Session; user: User } | undefined> {
  const row = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .get();
  if (!row || row.session.expiresAt <= now || row.user.disabled) return undefined;
  return { session: row.session, user: toUser(row.user) };
}

/** Sets a session's last-seen time and, optionally, a new expiry (sliding sessions). */
export async function touchSession(
  db: Tx,
  id: string,
  lastSeenAt: string,
  expiresAt?: string,
): Promise<void> {
  await db
    .update(sessions)
    .set(expiresAt ? { lastSeenAt, expiresAt } : { lastSeenAt })
    .where(eq(sessions.id, id))
    .run();
}

export async function deleteSession(db: Tx, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id)).run();
  sessionEnded(db, id);
}

/** Removes sessions that expired before `now`; returns how many. */
export async function deleteExpiredSessions(db: Tx, now: string = nowIso()): Promise<number> {
  return (await db.delete(sessions).where(lt(sessions.expiresAt, now)).run()).changes;
}

/** Removes every session of a user; returns how many. */
export async function deleteUserSessions(db: Tx, userId: number): Promise<number> {
  const n = (
    await db
      .delete(sessions)
      .where(and(eq(sessions.userId, userId)))
      .run()
  ).changes;
  userChanged(db, userId);
  return n;
}
