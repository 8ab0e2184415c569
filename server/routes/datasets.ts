/**
 * Yearly data: the list of years, a year's grid (read and write), file import and export.
 */
import type { Context } from 'hono';
import { getDataset, listDatasets, saveDatasetGrid } from '../db/datasets.ts';
import { importDataset, type ImportFormat } from '../io/import.ts';
import { exportDataset } from '../io/export.ts';
import { ApiError } from '../problem.ts';
import { ValidationError } from '../db/errors.ts';
import { MAX_LISTED_PROBLEMS } from '../io/limits.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';
import { listResponse, problem } from './schema-kit.ts';

export const yearParam = {
  year: { schema: { type: 'integer', minimum: 1900, maximum: 2999 }, description: '数据年份 / data year' },
};

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A file download: the bytes with their type and an attachment name (UTF-8 names per RFC 6266). */
export function fileResponse(
  c: Context,
  file: { filename: string; contentType: string; body: Buffer },
): Response {
  const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return c.body(new Uint8Array(file.body), 200, {
    'Content-Type': file.contentType,
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'Content-Length': String(file.body.length),
  });
}

/** The import format from `?format=`, else from the Content-Type. */
/** The most cell changes an import preview lists (the count is always complete). */
const MAX_PREVIEW_CHANGES = 5000;

function importFormat(given: ImportFormat | undefined, contentType: string | undefined): ImportFormat {
  if (given) return given;
  const t = (contentType ?? '').toLowerCase();
  if (t.includes('spreadsheetml') || t.includes('ms-excel')) return 'xlsx';
  if (t.includes('csv')) return 'csv';
  if (t.includes('json')) return 'json';
  throw new ApiError(
    400,
    'format_required',
    '请用 ?format=csv|xlsx|json 指明文件格式 / Say the file format with ?format=csv|xlsx|json',
    [{ path: '/query/format', code: 'format_required', message: '缺少 format / format is missing' }],
  );
}

/** The `versionId` query parameter of a write: the rule version whose inputs the values are checked against. */
const checkedAgainst = {
  schema: { type: 'integer', minimum: 1 },
  required: true,
  description: '据以检查的规则版本 / the rule version to check against',
};

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
        200: listResponse('One line per year', 'datasets', 'DatasetSummary'),
      },
      handler: async (c) => c.json({ datasets: await listDatasets(db) }),
    }),
    route({
      method: 'get',
      path: '/api/datasets/{year}',
      access: 'any',
      tag: 'data',
      summary: "读取年度数据表 / Read a year's data grid",
      description:
        "Every region assessed that year (even without values) and every region holding values, with each value's source, and `lastYear`: the region's stored values of year − 1 (read-only; where a rule version declares `previous` and the grid has no `prev.KEY` of its own, these are last year's values).",
      params: yearParam,
      responses: { 200: { description: 'The grid', schema: ref('DatasetGrid') } },
      handler: async (c, { params }) => {
        const grid = await getDataset(db, params.year);
        const last = new Map((await getDataset(db, params.year - 1)).regions.map((r) => [r.code, r.values]));
        return c.json({
          ...grid,
          regions: grid.regions.map((r) => ({ ...r, lastYear: last.get(r.code) ?? {} })),
        });
      },
    }),
    route({
      method: 'put',
      path: '/api/datasets/{year}',
      access: ['assessor'],
      tag: 'data',
      summary: "保存年度数据表 / Save a year's data grid",
      description:
        'All or nothing: every value is checked against the inputs of rule version `versionId` (required: without it no key could be checked); `null` removes a value. 422 lists every problem with its path (`/regions/3/values/pm25`). Returns what was written and the new dataset hash.',
      params: yearParam,
      query: {
        versionId: checkedAgainst,
      },
      body: { kind: 'json', schema: bodies.datasetGrid },
      responses: {
        200: {
          description: 'Saved',
          schema: {
            type: 'object',
            required: ['regions', 'values', 'removed', 'hash'],
            properties: {
              regions: { type: 'integer' },
              values: { type: 'integer' },
              removed: { type: 'integer' },
              hash: { type: 'string' },
            },
          },
        },
        404: problem('No such version'),
      },
      handler: async (c, { params, query, body, user }) =>
        c.json(
          await saveDatasetGrid(db, params.year, body, { versionId: query.versionId, actor: user.username }),
        ),
    }),
    route({
      method: 'post',
      path: '/api/datasets/{year}/import',
      access: ['assessor'],
      tag: 'data',
      summary: '导入数据文件 / Import a data file',
      description:
        "The raw file as the body (CSV, XLSX or JSON in SPEC section 4's formats), checked against the inputs of rule version `versionId`. All or nothing: when anything is wrong nothing is saved and 422 lists every problem with `row`, `column`, `path`, `code` and `message`.",
      params: yearParam,
      query: {
        versionId: checkedAgainst,
        format: {
          schema: { enum: ['csv', 'xlsx', 'json'] },
          description: '文件格式（缺省时按 Content-Type）/ the file format (default: from Content-Type)',
        },
        filename: {
          schema: { type: 'string', maxLength: 255 },
          description: '原文件名，记入审计 / the file name, for the audit log',
        },
        dryRun: {
          schema: { type: 'boolean' },
          description:
            '只检查并列出将要改变的单元格，不保存 / check the file and list the cells it would change, saving nothing',
        },
      },
      body: {
        kind: 'raw',
        contentTypes: ['text/csv', XLSX, 'application/json', 'application/octet-stream'],
        description:
          'The file, with its type (text/csv, the XLSX type, application/json, or application/octet-stream with ?format=); text/plain and forms are refused (403).',
      },
      responses: {
        200: {
          description: 'Imported',
          schema: {
            type: 'object',
            required: ['imported', 'values', 'removed', 'hash', 'changed', 'sourceOnly'],
            properties: {
              imported: { type: 'integer', description: 'regions written' },
              values: { type: 'integer', description: 'values written (inserted or changed)' },
              removed: { type: 'integer' },
              hash: {
                type: 'string',
                description: "the year's dataset hash after the import (before it, for a dry run)",
              },
              changed: { type: 'integer', description: 'cells whose value changes (would change)' },
              sourceOnly: {
                type: 'integer',
                description: 'cells whose value stays and only the source changes',
              },
              changes: {
                type: 'array',
                description: `dry run only: the first ${MAX_PREVIEW_CHANGES} cells that would change, in file order, value changes before source-only ones (values as JSON text, null when absent)`,
                items: {
                  type: 'object',
                  required: ['region', 'key', 'before', 'after'],
                  properties: {
                    region: { type: 'string' },
                    key: { type: 'string' },
                    before: { type: ['string', 'null'] },
                    after: { type: ['string', 'null'] },
                    beforeSource: { type: ['string', 'null'] },
                    afterSource: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
        },
        404: problem('No such version'),
        422: problem('Problems in the file (errors lists each with row and column); nothing was saved'),
      },
      handler: async (c, { params, query, user }) => {
        const format = importFormat(query.format, c.req.header('content-type'));
        const data = new Uint8Array(await c.req.arrayBuffer());
        if (data.length === 0) {
          throw new ApiError(
            400,
            'missing_body',
            '请求体应为要导入的文件 / The body must be the file to import',
            [{ path: '', code: 'missing_body', message: '空文件 / empty file' }],
          );
        }
        let result;
        try {
          result = await importDataset(db, {
            year: params.year,
            versionId: query.versionId,
            format,
            data,
            actor: user.username,
            filename: query.filename,
            dryRun: query.dryRun === true,
            // The file is expanded in the engine pool, within the import limits (server/io/limits.ts).
            parse: async (fmt, bytes, doc, year) =>
              JSON.parse(
                await deps.pool.run('parseImport', {
                  format: fmt,
                  data: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes,
                  document: { text: JSON.stringify(doc) },
                  year,
                }),
              ),
          });
        } catch (e) {
          // At most the first MAX_LISTED_PROBLEMS problems, with how many there were in all.
          if (e instanceof ValidationError)
            throw new ApiError(422, e.code, e.message, e.errors.slice(0, MAX_LISTED_PROBLEMS), {
              totalErrors: e.errors.length,
            });
          throw e;
        }
        return c.json({
          imported: result.regions,
          values: result.values,
          removed: result.removed,
          hash: result.hash,
          changed: result.changed,
          sourceOnly: result.sourceOnly,
          ...(result.changes ? { changes: result.changes.slice(0, MAX_PREVIEW_CHANGES) } : {}),
        });
      },
    }),
    route({
      method: 'get',
      path: '/api/datasets/{year}/export',
      access: 'any',
      tag: 'data',
      summary: "导出年度数据 / Export a year's data",
      description:
        "CSV (UTF-8 with BOM), XLSX or JSON, re-importable. With `versionId` the columns are that version's inputs in template order.",
      params: yearParam,
      query: {
        format: { schema: { enum: ['csv', 'xlsx', 'json'] }, required: true },
        versionId: { schema: { type: 'integer', minimum: 1 } },
      },
      responses: {
        200: { description: 'The file', contentType: 'application/octet-stream' },
        404: problem('No such version'),
      },
      handler: async (c, { params, query }) =>
        fileResponse(c, await exportDataset(db, params.year, query.format, query.versionId)),
    }),
  ];
}
