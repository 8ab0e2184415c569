/**
 * Regions: everyone reads them; admins add and change them.
 */
import { createRegion, listRegions, updateRegion, type Region } from '../db/regions.ts';
import { ApiError } from '../problem.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';
import { listResponse, problem, regionCodeParam } from './schema-kit.ts';

const codeParam = {
  code: regionCodeParam,
};

export function regionRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    route({
      method: 'get',
      path: '/api/regions',
      access: 'any',
      region: 'scoped',
      tag: 'regions',
      summary: '地区列表 / List regions',
      responses: {
        200: listResponse('Regions', 'regions', 'Region'),
      },
      handler: async (c) => c.json({ regions: await listRegions(db) }),
    }),
    route({
      method: 'post',
      path: '/api/regions',
      access: ['admin'],
      tag: 'regions',
      summary: '新增地区 / Add a region',
      body: { kind: 'json', schema: bodies.region },
      responses: { 201: { description: 'Created', schema: ref('Region') }, 409: problem('The code exists') },
      handler: async (c, { body, user }) =>
        c.json(
          await createRegion(db, { nameEn: '', note: '', active: true, ...body } as Region, user.username),
          201,
        ),
    }),
    route({
      method: 'put',
      path: '/api/regions/{code}',
      access: ['admin'],
      tag: 'regions',
      summary: '修改地区 / Change a region',
      params: codeParam,
      body: { kind: 'json', schema: bodies.regionUpdate },
      responses: { 200: { description: 'Updated', schema: ref('Region') }, 404: problem('No such region') },
      handler: async (c, { params, body, user }) => {
        const { code, ...patch } = body as Partial<Region>;
        if (code !== undefined && code !== params.code) {
          throw new ApiError(422, 'code_mismatch', '不能修改地区代码 / The region code cannot change', [
            { path: '/code', code: 'code_mismatch', message: `应为 ${params.code} / must be ${params.code}` },
          ]);
        }
        return c.json(await updateRegion(db, params.code, patch, user.username));
      },
    }),
  ];
}
