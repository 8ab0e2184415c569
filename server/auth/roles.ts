/**
 * Roles. Every user has one: `admin` (users, regions, everything), `editor` (rule drafts, publish,
 * retire), `assessor` (data, runs), `reviewer` (read everything, diffs, exports). Every logged-in
 * user may read; the route registry (`server/routes/registry.ts`) declares what each route needs.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../problem.ts';
import type { AppEnv } from './session.ts';

export const ROLES = ['admin', 'editor', 'assessor', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Middleware refusing anyone without a session (401) or without one of the roles (403); admins
 * always pass. The route registry applies the same rule to every registered route.
 *
 * @example app.get('/api/secret', requireRole('reviewer'), (c) => c.json({ ok: true }))
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!user) throw new ApiError(401, 'unauthenticated', '请先登录 / Log in first');
    if (roles.length && user.role !== 'admin' && !roles.includes(user.role)) {
      throw new ApiError(
        403,
        'forbidden',
        `角色 ${user.role} 无权执行此操作 / Role ${user.role} may not do this`,
      );
    }
    await next();
  };
}
