/**
 * User administration (admins only): list, create, change role / name / disabled, reset password.
 */
import { createUser, getUser, listUsers, setPasswordHash, updateUser, type User } from '../db/users.ts';
import { hashPassword } from '../auth/password.ts';
import { ApiError } from '../problem.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';
import { listResponse, problem } from './schema-kit.ts';

const idParam = { id: { schema: { type: 'integer', minimum: 1 }, description: '用户 id / user id' } };
const userBody = { type: 'object', required: ['user'], properties: { user: ref('User') } };

export function userRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;

  /** Refuses a change that would leave no enabled admin. */
  async function keepAnAdmin(target: User, next: { role?: string; disabled?: boolean }): Promise<void> {
    const stillAdmin = (next.role ?? target.role) === 'admin' && !(next.disabled ?? target.disabled);
    if (target.role !== 'admin' || target.disabled || stillAdmin) return;
    const admins = (await listUsers(db)).filter((u) => u.role === 'admin' && !u.disabled);
    if (admins.length <= 1) {
      throw new ApiError(
        409,
        'last_admin',
        '不能停用或降级最后一个管理员 / The last enabled admin cannot be disabled or demoted',
      );
    }
  }

  return [
    route({
      method: 'get',
      path: '/api/users',
      access: ['admin'],
      tag: 'users',
      summary: '用户列表 / List users',
      responses: {
        200: listResponse('Users', 'users', 'User'),
      },
      handler: async (c) => c.json({ users: await listUsers(db) }),
    }),
    route({
      method: 'get',
      path: '/api/users/names',
      access: 'any',
      tag: 'users',
      summary: '用户姓名 / Display names of users',
      description:
        "Every user's display name (姓名) by username, for any signed-in user: the pages show people by name where the records keep usernames (created by, requested by, approved by).",
      responses: {
        200: {
          description: 'Names by username',
          schema: {
            type: 'object',
            required: ['names'],
            properties: { names: { type: 'object', additionalProperties: { type: 'string' } } },
          },
        },
      },
      handler: async (c) =>
        c.json({ names: Object.fromEntries((await listUsers(db)).map((u) => [u.username, u.displayName])) }),
    }),
    route({
      method: 'post',
      path: '/api/users',
      access: ['admin'],
      tag: 'users',
      summary: '新建用户 / Create a user',
      body: { kind: 'json', schema: bodies.createUser },
      responses: {
        201: { description: 'Created', schema: userBody },
        409: problem('用户名已存在 / Username taken'),
      },
      handler: async (c, { body, user }) => {
        const passwordHash = await hashPassword(body.password);
        const created = await createUser(
          db,
          {
            username: body.username,
            displayName: body.displayName,
            role: body.role,
            region: body.region,
            passwordHash,
            locale: body.locale,
          },
          user.username,
        );
        return c.json({ user: created }, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/api/users/{id}',
      access: ['admin'],
      tag: 'users',
      summary: '修改用户（名称、角色、停用）/ Change a user (name, role, disabled)',
      description:
        'Disabling a user ends their sessions. The last enabled admin cannot be disabled or demoted (409).',
      params: idParam,
      body: { kind: 'json', schema: bodies.patchUser },
      responses: {
        200: { description: 'Updated', schema: userBody },
        404: problem('No such user'),
        409: problem('Last admin'),
      },
      handler: async (c, { params, body, user }) => {
        const target = await getUser(db, params.id);
        await keepAnAdmin(target, body);
        return c.json({ user: await updateUser(db, params.id, body, user.username) });
      },
    }),
    route({
      method: 'post',
      path: '/api/users/{id}/password',
      access: ['admin'],
      tag: 'users',
      summary: '重置密码 / Reset a password',
      description: "Sets a new password and ends the user's sessions.",
      params: idParam,
      body: { kind: 'json', schema: bodies.password },
      responses: {
        204: { description: 'Password set' },
        404: problem('No such user'),
      },
      handler: async (c, { params, body, user }) => {
        await getUser(db, params.id);
        await setPasswordHash(db, params.id, await hashPassword(body.password), user.username);
        return c.body(null, 204);
      },
    }),
  ];
}
