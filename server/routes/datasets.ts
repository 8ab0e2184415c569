/**
 * Yearly data: the list of years, a year's grid (read and write), file import and export.
 */
import { getDataset, listDatasets, saveDatasetGrid } from '../db/datasets.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';

export const yearParam = { year: { schema: { type: 'integer', minimum: 1900, maximum: 2999 }, description: '数据年份 / data year' } };
const problem = (description: string) => ({ description, schema: ref('Problem') });

export function datasetRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    route({
      method: 'get',
      path: '/api/datasets',
      access: 'any',
      tag: 'data',
      summary: '各年份数据概况 / Years with data',
      responses: {
        200: {
          description: 'One line per year',
          schema: { type: 'object', required: ['datasets'], properties: { datasets: { type: 'array', items: ref('DatasetSummary') } } },
        },
      },
      handler: (c) => c.json({ datasets: listDatasets(db) }),
    }),
    route({
      method: 'get',
      path: '/api/datasets/{year}',
      access: 'any',
      tag: 'data',
      summary: '读取年度数据表 / Read a year\'s data grid',
      description: 'Every region assessed that year (even without values) and every region holding values, with each value\'s source.',
      params: yearParam,
      responses: { 200: { description: 'The grid', schema: ref('DatasetGrid') } },
      handler: (c, { params }) => c.json(getDataset(db, params.year)),
    }),
    route({
      method: 'put',
      path: '/api/datasets/{year}',
      access: ['assessor'],
      tag: 'data',
      summary: '保存年度数据表 / Save a year\'s data grid',
      description:
        'All or nothing: every value is checked against the inputs of rule version `versionId` (when given); `null` removes a value. 422 lists every problem with its path (`/regions/3/values/pm25`). Returns what was written and the new dataset hash.',
      params: yearParam,
      query: { versionId: { schema: { type: 'integer', minimum: 1 }, description: '据以检查的规则版本 / the rule version to check against' } },
      body: { kind: 'json', schema: bodies.datasetGrid },
      responses: {
        200: {
          description: 'Saved',
          schema: {
            type: 'object',
            required: ['regions', 'values', 'removed', 'hash'],
            properties: { regions: { type: 'integer' }, values: { type: 'integer' }, removed: { type: 'integer' }, hash: { type: 'string' } },
          },
        },
        404: problem('No such version'),
      },
      handler: (c, { params, query, body, user }) =>
        c.json(saveDatasetGrid(db, params.year, body, { versionId: query.versionId, actor: user.username })),
    }),
  ];
}
