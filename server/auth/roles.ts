/**
 * Roles and who may call what. Every user has one role: `admin` (users, regions, everything),
 * `editor` (rule drafts, publish, retire), `assessor` (data, runs), `reviewer` (read everything,
 * diffs, exports). Every logged-in user may read. Each route in the registry
 * (`server/routes/registry.ts`) declares its `Access`, and `requireAccess` enforces it.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../problem.ts';
import type { AppEnv, SessionUser } from './session.ts';

export const ROLES = ['admin', 'editor', 'assessor', 'reviewer', 'region'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A region account (role `region`, SPEC section 10) reaches only the routes that declare how it may
 * use them (`RouteSpec.region`); `any` does not include it.
 *
 * Who may call a route: `public` (no session), `any` (every logged-in user) or a list of roles
 * (admins may call everything).
 */
export type Access = 'public' | 'any' | readonly Role[];

/** The roles a route admits (admins always), or 'public' / 'any'. */
export function rolesOf(access: Access): 'public' | 'any' | Role[] {
  if (access === 'public' || access === 'any') return access;
  return [...new Set<Role>(['admin', ...access])];
}

/** Whether a user (undefined: no session) may call a route with the given access. */
export function allowed(access: Access, user: SessionUser | undefined, regionOk = false): boolean {
  if (access === 'public') return true;
  if (!user) return false;
  const roles = rolesOf(access);
  if (roles === 'any') return user.role !== 'region' || regionOk;
  return (roles as Role[]).includes(user.role);
}

/**
 * Middleware refusing a request without a session (401 `unauthenticated`) or from a role the
 * access does not admit (403 `forbidden`, naming the roles that may).
 *
 * @example app.get('/api/audit', requireAccess(['reviewer']), (c) => …) // reviewers and admins
 */
export function requireAccess(access: Access, regionOk = false): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (access !== 'public' && !user) throw new ApiError(401, 'unauthenticated', '请先登录 / Log in first');
    if (!allowed(access, user, regionOk)) {
      const admitted = rolesOf(access);
      const roles = (admitted === 'any' ? ROLES.filter((r) => r !== 'region') : (admitted as Role[])).join(
        ' / ',
      );
      throw new ApiError(
        403,
        'forbidden',
        `角色 ${user!.role} 无权执行此操作（需要 ${roles}） / Role ${user!.role} may not do this (needs ${roles})`,
      );
    }
    await next();
  };
}
