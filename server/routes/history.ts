/** `GET /api/runs/:id/regions/:code/history`: a region's total, grade and rank in every year. */
import { isPublished, isRegionUser, requireVisibleRun } from './region-scope.ts';
import { getRunSummary } from '../db/runs.ts';
import { regionHistory } from '../db/history.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { runIdParam } from './runs.ts';
import { problem, regionCodeParam } from './schema-kit.ts';

const point = {
  type: 'object',
  required: ['year', 'runId', 'total', 'grade', 'scoreGrade', 'rank', 'of'],
  properties: {
    year: { type: 'integer' },
    runId: { type: 'integer' },
    total: { type: 'number' },
    grade: { type: 'string' },
    scoreGrade: { type: 'string' },
    rank: { type: 'integer' },
    of: { type: 'integer' },
  },
};

export function historyRoutes({ db }: RouteDeps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/runs/{id}/regions/{code}/history',
      access: 'any',
      region: { param: 'code' },
      tag: 'runs',
      summary: '地区历年结果 / A region over the years',
      description:
        "For each year with a finished run of the run's rule family (the latest one; this run for its own year): the region's total, grade, score grade, rank and the number of regions ranked. Oldest year first.",
      params: {
        ...runIdParam,
        code: regionCodeParam,
      },
      responses: {
        200: {
          description: 'The points',
          schema: {
            type: 'object',
            required: ['points'],
            properties: { points: { type: 'array', items: point } },
          },
        },
        404: problem('No such run'),
      },
      handler: async (c, { params, user }) => {
        await requireVisibleRun(db, user, params.id);
        const points = await regionHistory(db, params.id, params.code);
        // A region account sees published results only.
        const shown = isRegionUser(user)
          ? (
              await Promise.all(
                points.map(async (p) => ({ p, shown: isPublished(await getRunSummary(db, p.runId)) })),
              )
            )
              .filter((x) => x.shown)
              .map((x) => x.p)
          : points;
        return c.json({ points: shown });
      },
    }),
  ];
}
