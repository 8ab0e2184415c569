/**
 * Official documents (公文, SPEC section 12) as .docx and PDF: the 考核结果通报 of a run (public
 * version with `?public=1`), a region's 扣分说明, a region's 目标责任书 for a version and year, and
 * the 更正通报 of a correction run.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../auth/session.ts';
import { ApiError } from '../problem.ts';
import type { Db } from '../db/client.ts';
import { getDataset } from '../db/datasets.ts';
import { getRegion } from '../db/regions.ts';
import { getVersion } from '../db/versions.ts';
import { getDocumentSettings } from '../db/settings.ts';
import {
  buildCorrection,
  buildLetter,
  buildNotice,
  buildStatement,
  loadRun,
  renderDocument,
  type OfficialDocument,
} from '../documents/index.ts';
import { CONTENT_TYPES, type DocumentFormat } from '../documents/index.ts';
import { FontsMissingError } from '../documents/fonts.ts';
import { isRegionUser, requireVisibleRun } from './region-scope.ts';
import { getRunRegion } from '../db/runs.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { runIdParam } from './runs.ts';
import { problem, regionCodeParam } from './schema-kit.ts';

/** The most regions a document lists (bounds the work of one request). */
export const MAX_DOCUMENT_REGIONS = 2000;

const code = regionCodeParam;
const publicQuery = {
  public: {
    schema: { enum: ['0', '1', 'true', 'false'] },
    description: '1: 公开版，不含内部编号和哈希 / public version without internal ids and hashes',
  },
};
const isPublic = (q: Record<string, unknown>) => q.public === '1' || q.public === 'true';
const FORMATS: DocumentFormat[] = ['docx', 'pdf'];
const fileResponses = (what: string, format?: DocumentFormat) => ({
  200: {
    description: format ? what : `${what}: .docx or .pdf as the file name says`,
    contentType: format ? CONTENT_TYPES[format] : 'application/octet-stream',
  },
  404: problem('No such run, version or region'),
  503: problem('No Chinese font installed for the PDF'),
});

async function send(c: Context<AppEnv>, doc: OfficialDocument, format: DocumentFormat): Promise<Response> {
  let file;
  try {
    file = await renderDocument(doc, format);
  } catch (e) {
    if (e instanceof FontsMissingError) throw new ApiError(503, 'fonts_missing', e.message);
    throw e;
  }
  return c.body(new Uint8Array(file.body), 200, {
    'Content-Type': file.contentType,
    'Content-Disposition': `attachment; filename="${file.asciiName}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'Content-Length': String(file.body.length),
  });
}

async function bounded(db: Db, id: number) {
  const src = await loadRun(db, id);
  const n = src.run.results.length + src.run.errors.length;
  if (n > MAX_DOCUMENT_REGIONS)
    throw new ApiError(
      413,
      'document_too_large',
      `考核运行 ${id} 有 ${n} 个地区，超过公文上限 ${MAX_DOCUMENT_REGIONS} / Run ${id} has ${n} regions, more than the ${MAX_DOCUMENT_REGIONS} a document lists`,
    );
  return src;
}

export function documentRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  const routes: RouteSpec[] = [];
  for (const format of FORMATS) {
    routes.push(
      route({
        method: 'get',
        path: `/api/runs/{id}/documents/notice.${format}`,
        access: 'any',
        region: 'scoped',
        tag: 'documents',
        summary: `考核结果通报（${format}）/ Notice of results (${format})`,
        description:
          "GB/T 9704 公文: 发文机关标志, 发文字号 (the run's 文号, or a note that it has none yet), 主送, body, 落款, the score table as 附件, 版记. `public=1` leaves out the internal run id and hashes.",
        params: runIdParam,
        query: publicQuery,
        responses: fileResponses('The notice', format),
        handler: async (c, { params, query, user }) => {
          await requireVisibleRun(db, user, params.id);
          const pub = isPublic(query) || isRegionUser(user);
          return send(c, buildNotice(await bounded(db, params.id), { public: pub }), format);
        },
      }),
      route({
        method: 'get',
        path: `/api/runs/{id}/regions/{code}/statement.${format}`,
        access: 'any',
        region: { param: 'code' },
        tag: 'documents',
        summary: `扣分说明（${format}）/ Deduction statement of a region (${format})`,
        params: { ...runIdParam, code },
        query: publicQuery,
        responses: fileResponses('The statement', format),
        handler: async (c, { params, query, user }) => {
          await requireVisibleRun(db, user, params.id);
          const statement = buildStatement(
            await bounded(db, params.id),
            await getRunRegion(db, params.id, params.code),
            {
              public: isPublic(query),
            },
          );
          return send(c, statement, format);
        },
      }),
      route({
        method: 'get',
        path: `/api/runs/{id}/documents/correction.${format}`,
        access: 'any',
        region: 'scoped',
        tag: 'documents',
        summary: `更正通报（${format}）/ Correction notice (${format})`,
        description:
          'For a correction run (one that supersedes another): the regions whose total, grade or rank changed, and the corrected table as 附件. 409 `not_a_correction` for a run that supersedes nothing.',
        params: runIdParam,
        query: publicQuery,
        responses: {
          ...fileResponses('The correction notice', format),
          409: problem('The run supersedes no run'),
        },
        handler: async (c, { params, query, user }) => {
          await requireVisibleRun(db, user, params.id);
          const src = await bounded(db, params.id);
          const prev = src.publication.supersedes;
          if (prev === null)
            throw new ApiError(
              409,
              'not_a_correction',
              `考核运行 ${params.id} 不是更正运行（没有取代任何运行），没有更正通报 / Run ${params.id} supersedes no run, so it has no correction notice`,
            );
          const pub = isPublic(query) || isRegionUser(user);
          return send(c, buildCorrection(src, await bounded(db, prev), { public: pub }), format);
        },
      }),
    );
  }
  routes.push(
    route({
      method: 'get',
      path: '/api/versions/{id}/letters/{file}',
      access: 'any',
      region: 'scoped',
      tag: 'documents',
      summary: '目标责任书（docx / pdf）/ Target responsibility letter of a region',
      description:
        "`file` is `<region code>.docx` or `<region code>.pdf`. The targets are the region's values of `year` (default: the version's year); targets without a value read 未下达.",
      params: {
        id: { schema: { type: 'integer', minimum: 1 }, description: '规则版本 id / version id' },
        file: {
          schema: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}\\.(docx|pdf)$' },
          description: '`220100.docx` or `220100.pdf`',
        },
      },
      query: { year: { schema: { type: 'integer', minimum: 1900, maximum: 2999 } } },
      responses: fileResponses('The letter'),
      handler: async (c, { params, query, user }) => {
        const [regionCode, format] = (params.file as string).split('.') as [string, DocumentFormat];
        if (isRegionUser(user) && regionCode !== user.region)
          throw new ApiError(
            403,
            'other_region',
            `地区账号只能访问本地区（${user.region}）的数据 / A region account reaches only its own region (${user.region})`,
          );
        const version = await getVersion(db, params.id);
        if (isRegionUser(user) && version.status === 'draft')
          throw new ApiError(
            404,
            'not_found',
            `version ${params.id} 不存在 / version ${params.id} not found`,
          );
        const year = (query.year as number | undefined) ?? version.year;
        const grid = await getDataset(db, year);
        const region = grid.regions.find((r) => r.code === regionCode);
        const r = region ?? {
          code: regionCode,
          name: (await getRegion(db, regionCode)).nameZh,
          values: {},
          sources: {},
        };
        return send(c, buildLetter(version, year, r, await getDocumentSettings(db)), format);
      },
    }),
  );
  return routes;
}
