/**
 * Logging in and out, and the current user: `/api/auth/*`.
 */
import type { Context } from 'hono';
import { appendAuditAlone } from '../db/audit.ts';
import { findUserForLogin, updateUser } from '../db/users.ts';
import { verifyNothing, verifyPassword } from '../auth/password.ts';
import type { AppEnv, SessionUser } from '../auth/session.ts';
import { ApiError } from '../problem.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';
import { problem } from './schema-kit.ts';
import { clientAddress } from '../web/proxy.ts';

const userResponse = {
  description: '当前用户 / The user',
  schema: { type: 'object', required: ['user'], properties: { user: ref('User') } },
};

export { clientAddress };

function publicUser(u: SessionUser): SessionUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    region: u.region ?? null,
    locale: u.locale,
  };
}

/** Names longer than this are cut in the audit log (the body schema bounds them anyway). */
const AUDIT_NAME_MAX = 64;
/** A throttled refusal is audited at most once a minute per username + address (bounded log growth). */
const THROTTLE_AUDIT_EVERY_MS = 60_000;

export function authRoutes(deps: RouteDeps): RouteSpec[] {
  const { db, sessions, throttle } = deps;
  const throttleAudited = new Map<string, number>();
  const auditRefusal = async (
    action: string,
    username: string,
    address: string,
    detail: Record<string, unknown>,
  ) =>
    await appendAuditAlone(db, {
      user: 'anonymous',
      action,
      entity: 'user',
      entityId: username.slice(0, AUDIT_NAME_MAX),
      detail: { username: username.slice(0, AUDIT_NAME_MAX), address, ...detail },
    });
  return [
    route({
      method: 'post',
      path: '/api/auth/login',
      access: 'public',
      tag: 'auth',
      summary: '登录 / Log in',
      description:
        'Checks the password and sets the HttpOnly, SameSite=Strict session cookie `ecoscore_session`. Repeated failures for a username from one address are slowed down: past the limit the answer is 429 with Retry-After.',
      body: { kind: 'json', schema: bodies.login },
      responses: {
        200: {
          ...userResponse,
          headers: {
            'Set-Cookie': {
              description: 'ecoscore_session=…; HttpOnly; SameSite=Strict',
              schema: { type: 'string' },
            },
          },
        },
        401: problem('用户名或密码错误 / Wrong username or password'),
        429: {
          description: '失败次数过多，稍后再试 / Too many failures: retry later',
          schema: ref('Problem'),
        },
      },
      handler: async (c, { body }) => {
        const { username, password } = body as { username: string; password: string };
        const address = clientAddress(c, deps.proxies);
        // Counted as a failure before the password hash is awaited (withdrawn on success).
        const wait = await throttle.attempt(username, address);
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          const key = `${username.toLowerCase()}|${address}`;
          const now = Date.now();
          if ((throttleAudited.get(key) ?? 0) + THROTTLE_AUDIT_EVERY_MS <= now) {
            if (throttleAudited.size > 10_000) throttleAudited.clear();
            throttleAudited.set(key, now);
            await auditRefusal('session.login_throttled', username, address, { retryAfterSeconds: seconds });
          }
          throw new ApiError(
            429,
            'too_many_attempts',
            `登录失败次数过多，请 ${seconds} 秒后再试 / Too many failed logins; retry in ${seconds} s`,
            undefined,
            {},
            { 'Retry-After': String(seconds) },
          );
        }
        const row = await findUserForLogin(db, username);
        const ok =
          row && !row.disabled
            ? await verifyPassword(password, row.passwordHash)
            : await verifyNothing(password);
        if (!ok || !row) {
          await auditRefusal('session.login_failed', username, address, {
            reason: !row ? 'unknown_user' : row.disabled ? 'disabled' : 'wrong_password',
          });
          throw new ApiError(401, 'invalid_credentials', '用户名或密码错误 / Wrong username or password');
        }
        await throttle.succeedAttempt(username, address);
        await sessions.start(c, row.id);
        await appendAuditAlone(db, {
          user: row.username,
          action: 'session.login',
          entity: 'user',
          entityId: row.id,
          detail: { address },
        });
        return c.json({ user: publicUser({ ...row }) });
      },
    }),
    route({
      method: 'post',
      path: '/api/auth/logout',
      access: 'any',
      region: 'scoped',
      tag: 'auth',
      summary: '退出登录 / Log out',
      description: 'Ends the session and clears the cookie.',
      responses: { 204: { description: '已退出 / Logged out' } },
      handler: async (c: Context<AppEnv>, { user }) => {
        await sessions.end(c);
        await appendAuditAlone(db, {
          user: user.username,
          action: 'session.logout',
          entity: 'user',
          entityId: user.id,
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/api/auth/me',
      access: 'any',
      region: 'scoped',
      tag: 'auth',
      summary: '当前用户 / The logged-in user',
      responses: { 200: userResponse },
      handler: (c, { user }) => c.json({ user: publicUser(user) }),
    }),
    route({
      method: 'put',
      path: '/api/auth/me/locale',
      access: 'any',
      region: 'scoped',
      tag: 'auth',
      summary: '设置界面语言 / Set my interface language',
      body: { kind: 'json', schema: bodies.locale },
      responses: { 200: userResponse },
      handler: async (c, { user, body }) => {
        const updated = await updateUser(db, user.id, { locale: body.locale }, user.username);
        return c.json({ user: publicUser(updated) });
      },
    }),
  ];
}
