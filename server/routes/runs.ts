/**
 * Assessment runs: create one (a published version on a year's data), list, read the ranking, one
 * region's result with its trace; publish one as its year's result with four eyes (request,
 * withdraw, approve) and download it sealed.
 */
import { withPreviousYear } from '../db/previous-year.ts';
import { datasetForYear } from '../db/datasets.ts';
import { getVersion } from '../db/versions.ts';
import { createRun, getRun, getRunSummary, listRuns } from '../db/runs.ts';
import { runRegionText } from '../db/run-reads.ts';
import {
  approveRunPublication,
  publishRunDirect,
  requestRunPublication,
  withdrawRunPublication,
} from '../db/run-publication.ts';
import { buildSealedRun } from '../trust/sealed.ts';
import { ensureRunIntact } from '../trust/run-memo.ts';
import { untilWrite } from '../db/until-write.ts';
import { todayInChina } from '../db/appeal-window.ts';
import { ImmutableResponses } from './immutable.ts';
import { isPublished, isRegionUser, requireVisibleRun, runForRegion } from './region-scope.ts';
import { exportRun } from '../io/export.ts';
import { fileResponse } from './datasets.ts';
import type { Context } from 'hono';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';
import { listResponse, problem, regionCodeParam } from './schema-kit.ts';

export const runIdParam = {
  id: { schema: { type: 'integer', minimum: 1 }, description: '运行 id / run id' },
};

export function runRoutes(deps: RouteDeps): RouteSpec[] {
  const { db, pool } = deps;
  // A finished run's results never change (database triggers): their serialised form is kept,
  // with a strong ETag (304 on If-None-Match) and compressed forms. Every read still re-checks the
  // results' integrity (server/trust/run-memo.ts), and the publication, which may change, is part
  // of the cache key.
  const immutable = new ImmutableResponses();
  const runResponse = async (c: Context, id: number) => {
    await ensureRunIntact(db, id);
    // The summary (publication, successor, appeal state) changes only by a write, or by the date.
    const summary = await untilWrite(db, `run-summary:${id}:${todayInChina()}`, () => getRunSummary(db, id));
    const links = JSON.stringify([summary.publication, summary.supersededBy, summary.appealState]);
    return await immutable.json(c, `run:${id}:${links}`, async () => {
      const run = await getRun(db, id);
      return { text: JSON.stringify(run), keep: run.status === 'finished' };
    });
  };
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
      handler: async (c, { body, user }) => {
        // Evaluated in the engine pool first: a version or data that exceeds its budgets, time or
        // memory is refused there (422/503) before the run evaluates it again and stores it.
        const version = await getVersion(db, body.versionId);
        if (version.status === 'published') {
          const dataset = await withPreviousYear(
            db,
            version.document,
            await datasetForYear(db, body.year),
            body.year,
          );
          const document = { text: JSON.stringify(version.document) };
          await pool.run('evaluate', { document, dataset, trace: true, checkOnly: true });
        }
        return c.json(await createRun(db, body, user.username), 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/runs',
      access: 'any',
      region: 'scoped',
      tag: 'runs',
      summary: '考核运行列表 / List runs',
      description: 'A region account sees only published runs.',
      query: {
        year: { schema: { type: 'integer', minimum: 1900, maximum: 2999 } },
        versionId: { schema: { type: 'integer', minimum: 1 } },
        family: { schema: { type: 'string', pattern: '^[a-z0-9-]+$' } },
      },
      responses: {
        200: listResponse('Runs, newest first', 'runs', 'RunSummary'),
      },
      handler: async (c, { query, user }) => {
        const runs = await listRuns(db, query);
        return c.json({ runs: isRegionUser(user) ? runs.filter(isPublished) : runs });
      },
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}',
      access: 'any',
      region: 'scoped',
      tag: 'runs',
      summary: "读取考核结果（排名）/ Read a run's results (ranking)",
      description:
        'The run with its grades, results ordered by rank (without traces), the regions that could not be scored, and warnings. A region account reads published runs only: its own result in full, every other region as a ranking row `{ region, name, rank, total, grade, scoreGrade }`.',
      params: runIdParam,
      responses: { 200: { description: 'The run', schema: ref('Run') }, 404: problem('No such run') },
      handler: async (c, { params, user }) => {
        if (!isRegionUser(user)) return await runResponse(c, params.id);
        await requireVisibleRun(db, user, params.id);
        await ensureRunIntact(db, params.id);
        return c.json(runForRegion(await getRun(db, params.id), user.region!));
      },
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}/regions/{code}',
      access: 'any',
      region: { param: 'code' },
      tag: 'runs',
      summary: "单个地区的结果与计算过程 / One region's result with its trace",
      description:
        "`previous` is the region's result in the latest run of the same family for the year before (null when none).",
      params: {
        ...runIdParam,
        code: regionCodeParam,
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
      handler: async (c, { params, user }) => {
        await requireVisibleRun(db, user, params.id);
        await ensureRunIntact(db, params.id);
        return c.body(await runRegionText(db, params.id, params.code), 200, {
          'Content-Type': 'application/json',
        });
      },
    }),
    route({
      method: 'post',
      path: '/api/runs/{id}/publish',
      access: ['assessor'],
      tag: 'runs',
      summary: "申请发布考核结果 / Request publication of a run as its year's result",
      description:
        'Needs `docNumber` (文号 like `吉环考〔2026〕3号`), `publishedOn` (YYYY-MM-DD) and optionally `appealDays` (0–365, default 15: appeals are open until `appealEndsOn` = publishedOn + appealDays). Four eyes on: records a request (202, `status: "pending"`), approved by another assessor or an admin (`…/approve`). Four eyes off (`ECOSCORE_FOUR_EYES=0`): published at once (200). One published run per family and year (409 `already_published`).',
      params: runIdParam,
      body: { kind: 'json', schema: bodies.publishRun },
      responses: {
        200: { description: 'Four eyes off: the publication', schema: ref('RunPublication') },
        202: { description: 'The recorded request', schema: ref('RunPublication') },
        404: problem('No such run'),
        409: problem('Already requested (`pending_approval`) or published (`already_published`)'),
        422: problem('Missing or malformed docNumber, publishedOn or appealDays'),
      },
      handler: async (c, { params, body, user }) =>
        deps.fourEyes
          ? c.json(await requestRunPublication(db, params.id, body, user.username), 202)
          : c.json(await publishRunDirect(db, params.id, body, user.username), 200),
    }),
    route({
      method: 'post',
      path: '/api/runs/{id}/withdraw',
      access: ['assessor'],
      tag: 'runs',
      summary: "撤回发布申请 / Withdraw a run's publication request",
      params: runIdParam,
      responses: {
        204: { description: 'Withdrawn' },
        404: problem('No such run'),
        409: problem('No pending request (`not_pending`)'),
      },
      handler: async (c, { params, user }) => {
        await withdrawRunPublication(db, params.id, user.username);
        return c.body(null, 204);
      },
    }),
    route({
      method: 'post',
      path: '/api/runs/{id}/approve',
      access: ['assessor'],
      tag: 'runs',
      summary: "批准发布考核结果 / Approve a run's publication (four eyes)",
      description:
        "By an assessor or admin other than the requester (403 `same_person`). Signs the run's seal with the publication (Ed25519). The database itself refuses a publication approved by its requester.",
      params: runIdParam,
      responses: {
        200: { description: 'The publication', schema: ref('RunPublication') },
        403: problem('The requester cannot approve (`same_person`)'),
        404: problem('No such run'),
        409: problem('No pending request, or the year already has a published run'),
      },
      handler: async (c, { params, user }) =>
        c.json(await approveRunPublication(db, params.id, user.username, { fourEyes: deps.fourEyes })),
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}/sealed',
      access: 'any',
      tag: 'runs',
      summary: '封存文件 / The sealed run (one JSON file)',
      description:
        'The rule document, the dataset, the results with traces and errors, their hashes, the seal and its Ed25519 signature (and the publication with its signature, when published): `ecoscore verify --run FILE --key KEYFILE` re-checks it offline and re-evaluates it.',
      params: runIdParam,
      responses: {
        200: {
          description: 'The sealed run (attachment run-<id>-sealed.json)',
          contentType: 'application/json',
        },
        404: problem('No such run'),
        500: problem('The run no longer matches its hashes (`integrity`)'),
      },
      handler: async (c, { params }) =>
        c.body(JSON.stringify(await buildSealedRun(db, params.id), null, 1), 200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Disposition': `attachment; filename="run-${params.id}-sealed.json"`,
        }),
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
