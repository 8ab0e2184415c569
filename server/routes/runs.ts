/**
 * Assessment runs: create one (a published version on a year's data), list, read the ranking, one
 * region's result with its trace.
 */
import { createRun, getRun, listRuns } from '../db/runs.ts';
import { runRegionText } from '../db/run-reads.ts';
import { ImmutableResponses } from './immutable.ts';
import { exportRun } from '../io/export.ts';
import { fileResponse } from './datasets.ts';
import type { Context } from 'hono';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';

export const runIdParam = {
  id: { schema: { type: 'integer', minimum: 1 }, description: '运行 id / run id' },
};
const problem = (description: string) => ({ description, schema: ref('Problem') });

export function runRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  // A finished run never changes (database triggers): its serialised results are kept, with a
  // strong ETag (304 on If-None-Match) and compressed forms.
  const immutable = new ImmutableResponses();
  const runResponse = (c: Context, id: number) =>
    immutable.json(c, `run:${id}`, () => {
      const run = getRun(db, id);
      return { text: JSON.stringify(run), keep: run.status === 'finished' };
    });
  return [
    route({
      method: 'post',
      path: '/api/runs',
      access: ['assessor'],
      tag: 'runs',
      summary: '执行考核 / Run an assessment',
      description:
        'Evaluates published version `versionId` on the stored data of `year` for every region assessed that year and stores the finished run (immutable).',
      body: { kind: 'json', schema: bodies.createRun },
      responses: {
        201: { description: 'The finished run', schema: ref('RunSummary') },
        404: problem('No such version'),
        409: problem('The version is not published'),
      },
      handler: (c, { body, user }) => c.json(createRun(db, body, user.username), 201),
    }),
    route({
      method: 'get',
      path: '/api/runs',
      access: 'any',
      tag: 'runs',
      summary: '考核运行列表 / List runs',
      query: {
        year: { schema: { type: 'integer', minimum: 1900, maximum: 2999 } },
        versionId: { schema: { type: 'integer', minimum: 1 } },
        family: { schema: { type: 'string', pattern: '^[a-z0-9-]+$' } },
      },
      responses: {
        200: {
          description: 'Runs, newest first',
          schema: {
            type: 'object',
            required: ['runs'],
            properties: { runs: { type: 'array', items: ref('RunSummary') } },
          },
        },
      },
      handler: (c, { query }) => c.json({ runs: listRuns(db, query) }),
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}',
      access: 'any',
      tag: 'runs',
      summary: "读取考核结果（排名）/ Read a run's results (ranking)",
      description:
        'The run with its grades, results ordered by rank (without traces), the regions that could not be scored, and warnings.',
      params: runIdParam,
      responses: { 200: { description: 'The run', schema: ref('Run') }, 404: problem('No such run') },
      handler: (c, { params }) => runResponse(c, params.id),
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}/regions/{code}',
      access: 'any',
      tag: 'runs',
      summary: "单个地区的结果与计算过程 / One region's result with its trace",
      description:
        "`previous` is the region's result in the latest run of the same family for the year before (null when none).",
      params: {
        ...runIdParam,
        code: {
          schema: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' },
          description: '地区代码 / region code',
        },
      },
      responses: {
        200: {
          description: 'The result with traces',
          schema: {
            allOf: [
              ref('RegionResult'),
              {
                type: 'object',
                required: ['previous'],
                properties: { previous: { type: ['object', 'null'] } },
              },
            ],
          },
        },
        404: problem('No such run, or the region was not scored in it'),
      },
      // Prepared statements; the run's stored dataset is never read.
      handler: (c, { params }) =>
        c.body(runRegionText(db, params.id, params.code), 200, { 'Content-Type': 'application/json' }),
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}/export',
      access: 'any',
      tag: 'runs',
      summary: "导出考核结果 / Export a run's results",
      description: 'The ranking as XLSX (sheets 排名 and 错误) or CSV (UTF-8 with BOM).',
      params: runIdParam,
      query: { format: { schema: { enum: ['xlsx', 'csv'] }, required: true } },
      responses: {
        200: { description: 'The file', contentType: 'application/octet-stream' },
        404: problem('No such run'),
      },
      handler: async (c, { params, query }) => fileResponse(c, await exportRun(db, params.id, query.format)),
    }),
  ];
}
