/**
 * After the appeals (SPEC section 10): correction runs, the impact of a correction against the run
 * it supersedes, the consequences of a run's results (约谈 / 通报批评 / 区域限批, configured per rule
 * family, recorded with the run, exported), and one region's stored data of a year.
 */
import Papa from 'papaparse';
import { createCorrectionRun } from '../db/corrections.ts';
import { correctionImpact } from '../db/correction-impact.ts';
import {
  consequenceRows,
  CONSEQUENCE_KINDS,
  CRITERIA,
  getFamilyConsequences,
  getRunConsequences,
  recordRunConsequences,
  saveFamilyConsequences,
} from '../db/consequences.ts';
import { getRegionValues } from '../db/datasets.ts';
import { getRegion } from '../db/regions.ts';
import { neutraliseCsv } from '../io/export.ts';
import { newWorkbook, workbookBuffer } from '../io/xlsx.ts';
import { fileResponse } from './datasets.ts';
import type { RouteDeps } from './deps.ts';
import { isRegionUser, requireVisibleRun } from './region-scope.ts';
import { route, type RouteSpec } from './registry.ts';
import { runIdParam } from './runs.ts';
import { ref } from './schemas.ts';
import { problem } from './schema-kit.ts';

const familyParam = {
  family: { schema: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' }, description: '规则族 / rule family' },
};
const consequenceConfig = {
  type: 'object',
  additionalProperties: false,
  required: ['lists'],
  properties: {
    lists: {
      type: 'array',
      maxItems: CONSEQUENCE_KINDS.length,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'criteria'],
        properties: {
          kind: { enum: [...CONSEQUENCE_KINDS] },
          criteria: { type: 'array', maxItems: CRITERIA.length, items: { enum: [...CRITERIA] } },
        },
      },
    },
  },
};

export function correctionRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    route({
      method: 'post',
      path: '/api/runs/{id}/corrections',
      access: ['assessor'],
      tag: 'runs',
      summary: '更正运行 / Create a correction run',
      description:
        "A new run with `supersedes: id` and the listed accepted appeals applied: corrected inputs as a new revision of the year's data (source `appeal:<id>`) applied to the superseded run's dataset; adjusted items as `adjustment: { points, appeal, reason }` beside the computed `points`; lifted vetoes / downgrades / caps in `waivers`. The superseded run is unchanged and names its successor (`supersededBy`). One correction per run.",
      params: runIdParam,
      body: {
        kind: 'json',
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['appeals'],
          properties: {
            appeals: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1 } },
          },
        },
      },
      responses: {
        201: { description: 'The correction run', schema: ref('RunSummary') },
        404: problem('No such run'),
        409: problem('`not_accepted`, `already_applied`, `already_superseded`'),
        422: problem('`wrong_run`, `duplicate_appeal`, `conflicting_appeals`'),
      },
      handler: async (c, { params, body, user }) =>
        c.json(await createCorrectionRun(db, params.id, body.appeals, user.username), 201),
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}/impact',
      access: 'any',
      region: 'scoped',
      tag: 'runs',
      summary: '更正影响 / Impact of a correction run',
      description:
        'Region by region, the run the correction supersedes against the correction: standing before and after, corrected inputs, items whose effective points moved, lifted conditions; changed regions first. A region account sees only its own row.',
      params: runIdParam,
      responses: {
        200: { description: 'The impact', schema: ref('CorrectionImpact') },
        404: problem('No such run'),
        409: problem('Not a correction run (`not_a_correction`)'),
      },
      handler: async (c, { params, user }) => {
        await requireVisibleRun(db, user, params.id);
        const impact = await correctionImpact(db, params.id);
        if (isRegionUser(user)) impact.regions = impact.regions.filter((r) => r.region === user.region);
        return c.json(impact);
      },
    }),
    route({
      method: 'get',
      path: '/api/families/{family}/consequences',
      access: 'any',
      tag: 'runs',
      summary: '处理名单设置 / Which results lead to 约谈, 通报批评, 区域限批',
      description:
        'Per list (`interview` 约谈, `criticism` 通报批评, `restriction` 区域限批) the criteria that put a region on it: `failed` (lowest grade, 不合格), `vetoed`, `downgraded` (grade dropped by a downgrade), `worse` (worse grade than the year before). Defaults until set.',
      params: familyParam,
      responses: { 200: { description: 'The configuration', schema: ref('FamilyConsequences') } },
      handler: async (c, { params }) => c.json(await getFamilyConsequences(db, params.family)),
    }),
    route({
      method: 'put',
      path: '/api/families/{family}/consequences',
      access: ['admin'],
      tag: 'runs',
      summary: '修改处理名单设置 / Configure the consequence lists of a family',
      params: familyParam,
      body: { kind: 'json', schema: consequenceConfig },
      responses: { 200: { description: 'The configuration', schema: ref('FamilyConsequences') } },
      handler: async (c, { params, body, user }) =>
        c.json(await saveFamilyConsequences(db, params.family, body, user.username)),
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}/consequences',
      access: 'any',
      tag: 'runs',
      summary: '处理名单 / The consequences of a run',
      description:
        'As recorded with the run, or (`recorded: null`) computed now from the family configuration.',
      params: runIdParam,
      responses: {
        200: { description: 'The lists', schema: ref('RunConsequences') },
        404: problem('No such run'),
      },
      handler: async (c, { params }) => c.json(await getRunConsequences(db, params.id)),
    }),
    route({
      method: 'post',
      path: '/api/runs/{id}/consequences',
      access: ['assessor'],
      tag: 'runs',
      summary: '记录处理名单 / Record the consequences with the run',
      params: runIdParam,
      responses: {
        201: { description: 'The recorded lists', schema: ref('RunConsequences') },
        404: problem('No such run'),
        409: problem('Already recorded (`already_recorded`)'),
      },
      handler: async (c, { params, user }) =>
        c.json(await recordRunConsequences(db, params.id, user.username), 201),
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}/consequences/export',
      access: 'any',
      tag: 'runs',
      summary: '导出处理名单 / Export the consequences',
      params: runIdParam,
      query: { format: { schema: { enum: ['csv', 'xlsx'] }, required: true } },
      responses: {
        200: { description: 'The file', contentType: 'application/octet-stream' },
        404: problem('No such run'),
      },
      handler: async (c, { params, query }) => {
        const rows = consequenceRows(await getRunConsequences(db, params.id));
        const filename = `consequences-run-${params.id}.${query.format}`;
        if (query.format === 'csv') {
          const text = Papa.unparse(
            rows.map((r) => r.map((v) => (typeof v === 'string' ? neutraliseCsv(v) : v))),
            { newline: '\n' },
          );
          return fileResponse(c, {
            filename,
            contentType: 'text/csv; charset=utf-8',
            body: Buffer.from('\uFEFF' + text + '\n', 'utf8'),
          });
        }
        const wb = await newWorkbook();
        wb.creator = 'ecoscore';
        const ws = wb.addWorksheet('处理名单');
        rows.forEach((r, i) => {
          const row = ws.addRow(r);
          if (i === 0) row.font = { bold: true };
        });
        ws.getColumn(5).width = 80;
        return fileResponse(c, {
          filename,
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          body: await workbookBuffer(wb),
        });
      },
    }),
    route({
      method: 'get',
      path: '/api/datasets/{year}/regions/{code}',
      access: 'any',
      region: { param: 'code' },
      tag: 'data',
      summary: '单个地区的数据 / One region’s data of a year',
      description:
        '`{ year, region, name, values, sources }` (a source is `provincial`, `national`, `manual`, `import` or `appeal:<id>`).',
      params: {
        year: { schema: { type: 'integer', minimum: 1900, maximum: 2999 } },
        code: { schema: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' } },
      },
      responses: {
        200: { description: 'The values', schema: ref('RegionData') },
        404: problem('No such region'),
      },
      handler: async (c, { params }) => {
        const region = await getRegion(db, params.code);
        const { values, sources } = await getRegionValues(db, params.year, params.code);
        return c.json({ year: params.year, region: region.code, name: region.nameZh, values, sources });
      },
    }),
  ];
}
