/**
 * Rule families and versions: list, read, create a draft, update it with If-Match, delete it,
 * validate, run its tests, publish with four eyes (request, withdraw, approve), retire, and the XLSX
 * data template of its inputs.
 */
import type { Context } from 'hono';
import {
  createDraft,
  deleteDraft,
  getVersion,
  listFamilies,
  listVersions,
  retireVersion,
  updateDraft,
  type Version,
} from '../db/versions.ts';
import {
  approveVersion,
  publishVersion,
  requestPublication,
  withdrawPublication,
} from '../db/version-publication.ts';
import { buildTemplate } from '../io/template.ts';
import { ApiError } from '../problem.ts';
import { versionState } from '../db/version-reads.ts';
import { ImmutableResponses } from './immutable.ts';
import { fileResponse } from './datasets.ts';
import { jsonText } from './evaluate.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';
import { listResponse, problem } from './schema-kit.ts';

const idParam = { id: { schema: { type: 'integer', minimum: 1 }, description: '版本 id / version id' } };
const etagHeader = {
  ETag: { description: '"<revision>": send it back as If-Match to update', schema: { type: 'string' } },
};
const versionResponse = (description: string) => ({
  description,
  schema: ref('Version'),
  headers: etagHeader,
});

/** The revision an If-Match header names: `"3"`, `W/"3"` or `3`; undefined when absent. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!m) {
    throw new ApiError(
      400,
      'invalid_if_match',
      `If-Match 应为 "<修订号>"，而不是 ${header} / If-Match must be "<revision>", not ${header}`,
      [{ path: '/headers/If-Match', code: 'invalid_if_match', message: `If-Match: ${header}` }],
    );
  }
  return Number(m[1]);
}

/** A version as JSON with its ETag. */
export function versionJson(c: Context, v: Version, status: 200 | 201 = 200): Response {
  return c.json(v, status, { ETag: `"${v.revision}"` });
}

export function versionRoutes(deps: RouteDeps): RouteSpec[] {
  const { db, pool } = deps;
  // The stored text of a version's document (documents are stored as JSON.stringify of the
  // document, so this is the stored text): validation and tests run on it in the engine pool.
  const documentText = async (id: number) => JSON.stringify((await getVersion(db, id)).document);
  // A published or retired version never changes but for retiring (the status is in the key):
  // its body is kept with a strong ETag (304 on If-None-Match); every read still goes through
  // getVersion's integrity check of a published version. A draft keeps its revision ETag.
  const immutable = new ImmutableResponses();
  const readVersion = async (c: Context, id: number): Promise<Response> => {
    const state = await versionState(db, id);
    if (!state || state.status === 'draft') return versionJson(c, await getVersion(db, id));
    const version = await getVersion(db, id);
    return await immutable.json(c, `version:${id}:${state.status}:${state.revision}`, () => ({
      text: JSON.stringify(version),
      keep: true,
    }));
  };
  return [
    route({
      method: 'get',
      path: '/api/families',
      access: 'any',
      tag: 'rules',
      summary: '规则族及其版本 / Rule families with their versions',
      responses: {
        200: listResponse('Families', 'families', 'Family'),
      },
      handler: async (c) => c.json({ families: await listFamilies(db) }),
    }),
    route({
      method: 'get',
      path: '/api/versions',
      access: 'any',
      tag: 'rules',
      summary: '规则版本列表 / List rule versions',
      query: {
        family: { schema: { type: 'string', pattern: '^[a-z0-9-]+$' } },
        year: { schema: { type: 'integer', minimum: 1900, maximum: 2999 } },
        status: { schema: { enum: ['draft', 'published', 'retired'] } },
      },
      responses: {
        200: listResponse('Versions', 'versions', 'VersionSummary'),
      },
      handler: async (c, { query }) => c.json({ versions: await listVersions(db, query) }),
    }),
    route({
      method: 'get',
      path: '/api/versions/{id}',
      access: 'any',
      region: 'scoped',
      tag: 'rules',
      summary: '读取规则版本 / Read a rule version',
      description: 'A region account reads published and retired versions only.',
      params: idParam,
      responses: { 200: versionResponse('The version with its document'), 404: problem('No such version') },
      handler: async (c, { params, user }) => {
        if (user.role === 'region' && (await getVersion(db, params.id)).status === 'draft')
          throw new ApiError(
            404,
            'not_found',
            `version ${params.id} 不存在 / version ${params.id} not found`,
          );
        return await readVersion(c, params.id);
      },
    }),
    route({
      method: 'post',
      path: '/api/versions',
      access: ['editor'],
      tag: 'rules',
      summary: '新建草稿 / Create a draft',
      description:
        'A blank draft (`family` + `year`), a copy of version `from` (for `year` when given: "new year from this version"), or the given `document`.',
      body: { kind: 'json', schema: bodies.createVersion, documentFields: ['document'] },
      responses: { 201: versionResponse('The new draft'), 404: problem('No such source version') },
      handler: async (c, { body, user }) => versionJson(c, await createDraft(db, body, user.username), 201),
    }),
    route({
      method: 'put',
      path: '/api/versions/{id}',
      access: ['editor'],
      tag: 'rules',
      summary: '修改草稿 / Update a draft',
      description:
        'Optimistic concurrency: send the revision you read as `If-Match: "<revision>"`. A stale revision gets 409 with `current` (the version as it is now); no If-Match gets 428; a published or retired version gets 409 `not_draft`. The document must match the JSON Schema (422 otherwise); semantic problems and failing tests are allowed in a draft (see validate).',
      params: idParam,
      headers: {
        'If-Match': { schema: { type: 'string' }, required: true, description: '"<revision>" from the ETag' },
      },
      body: { kind: 'json', schema: bodies.updateVersion, documentFields: ['document'] },
      responses: {
        200: versionResponse('The updated draft (revision + 1)'),
        404: problem('No such version'),
        409: problem('Stale revision (`current` holds the version as it is now) or not a draft'),
        428: problem('If-Match missing'),
      },
      handler: async (c, { params, body, user }) => {
        const revision = parseIfMatch(c.req.header('if-match'));
        if (revision === undefined) {
          throw new ApiError(
            428,
            'if_match_required',
            '修改草稿需要 If-Match: "<修订号>" / Updating a draft needs If-Match: "<revision>"',
          );
        }
        return versionJson(c, await updateDraft(db, params.id, body.document, revision, user.username));
      },
    }),
    route({
      method: 'delete',
      path: '/api/versions/{id}',
      access: ['editor'],
      tag: 'rules',
      summary: '删除草稿 / Delete a draft',
      params: idParam,
      responses: {
        204: { description: 'Deleted' },
        404: problem('No such version'),
        409: problem('Not a draft'),
      },
      handler: async (c, { params, user }) => {
        await deleteDraft(db, params.id, user.username);
        return c.body(null, 204);
      },
    }),
    route({
      method: 'post',
      path: '/api/versions/{id}/validate',
      access: 'any',
      tag: 'rules',
      summary: '校验 / Validate a version',
      description: 'Schema, semantic checks and the document tests: every problem at once.',
      params: idParam,
      responses: {
        200: {
          description: 'Validation result',
          schema: {
            type: 'object',
            required: ['valid', 'errors'],
            properties: { valid: { type: 'boolean' }, errors: { type: 'array', items: ref('ProblemEntry') } },
          },
        },
        404: problem('No such version'),
      },
      handler: async (c, { params }) =>
        jsonText(c, await pool.run('validate', { text: await documentText(params.id) })),
    }),
    route({
      method: 'post',
      path: '/api/versions/{id}/tests',
      access: 'any',
      tag: 'rules',
      summary: '运行文档测试 / Run the document tests',
      params: idParam,
      responses: {
        200: listResponse('Test outcomes', 'results', 'TestOutcome'),
        404: problem('No such version'),
        422: problem('The document is invalid (errors lists the problems)'),
      },
      handler: async (c, { params }) =>
        jsonText(c, await pool.run('tests', { text: await documentText(params.id) })),
    }),
    route({
      method: 'post',
      path: '/api/versions/{id}/publish',
      access: ['editor'],
      tag: 'rules',
      summary: '申请发布 / Request publication (four eyes)',
      description:
        'Four eyes on (the default): records a request (202, `status: "pending"`); the draft can no longer be edited until it is approved (`…/approve`, by another editor or an admin) or withdrawn (`…/withdraw`). The 文号 and effective date are given at approval (fields sent here are ignored). With `ECOSCORE_FOUR_EYES=0` it publishes at once (200, the published version) and then needs `docNumber` (like `吉环考〔2026〕3号`) and `effectiveDate` (YYYY-MM-DD); the audit entry records `fourEyes: false`. Only a document that validates and whose tests pass (422 with every problem otherwise). An optional If-Match refuses a draft changed since it was read.',
      params: idParam,
      headers: { 'If-Match': { schema: { type: 'string' }, description: '"<revision>" (optional)' } },
      body: { kind: 'json', schema: bodies.publish, required: false },
      responses: {
        200: versionResponse('Four eyes off: the published version'),
        202: { description: 'The recorded request', schema: ref('VersionRequest') },
        404: problem('No such version'),
        409: problem('Not a draft, already pending (`pending_approval`), or changed since read'),
        422: problem(
          'Invalid document or failing test (errors lists each); four eyes off: bad docNumber or date',
        ),
      },
      handler: async (c, { params, body, user }) => {
        const expectedRevision = parseIfMatch(c.req.header('if-match'));
        // Validated (with its tests) in the engine pool first: a document that exceeds the pool's
        // time or memory limits is refused there (503), before publishing validates it again here.
        await pool.run('validate', { text: await documentText(params.id) });
        if (!deps.fourEyes)
          return versionJson(
            c,
            await publishVersion(db, params.id, { ...body, expectedRevision }, user.username),
          );
        return c.json(await requestPublication(db, params.id, { expectedRevision }, user.username), 202);
      },
    }),
    route({
      method: 'post',
      path: '/api/versions/{id}/withdraw',
      access: ['editor'],
      tag: 'rules',
      summary: '撤回发布申请 / Withdraw a publication request',
      description: 'The draft returns to editing. Audited as `version.withdraw`.',
      params: idParam,
      responses: {
        200: versionResponse('The draft, editable again'),
        404: problem('No such version'),
        409: problem('No pending request (`not_pending`)'),
      },
      handler: async (c, { params, user }) =>
        versionJson(c, await withdrawPublication(db, params.id, user.username)),
    }),
    route({
      method: 'post',
      path: '/api/versions/{id}/approve',
      access: ['editor'],
      tag: 'rules',
      summary: '批准发布 / Approve and publish (four eyes)',
      description:
        'By an editor or admin other than the requester (403 `same_person` otherwise, unless four eyes are off). Needs `docNumber` (文号 like `吉环考〔2026〕3号`: issuer, year in 〔〕, number without leading zeros, 号) and `effectiveDate` (YYYY-MM-DD). Signs the content hash (Ed25519, `GET /api/keys`), retires the previously published version of the family and year. The database itself refuses a published version whose approver is its requester.',
      params: idParam,
      headers: { 'If-Match': { schema: { type: 'string' }, description: '"<revision>" (optional)' } },
      body: { kind: 'json', schema: bodies.approveVersion },
      responses: {
        200: versionResponse('The published version'),
        403: problem('The requester cannot approve (`same_person`)'),
        404: problem('No such version'),
        409: problem('No pending request (`not_pending`), or changed since read'),
        422: problem(
          'Missing or malformed docNumber / effectiveDate (`required`, `invalid_doc_number`, `invalid_date`), or an invalid document',
        ),
      },
      handler: async (c, { params, body, user }) => {
        const expectedRevision = parseIfMatch(c.req.header('if-match'));
        await pool.run('validate', { text: await documentText(params.id) });
        return versionJson(
          c,
          await approveVersion(db, params.id, { ...body, expectedRevision }, user.username, {
            fourEyes: deps.fourEyes,
          }),
        );
      },
    }),
    route({
      method: 'post',
      path: '/api/versions/{id}/retire',
      access: ['editor'],
      tag: 'rules',
      summary: '废止 / Retire a published version',
      params: idParam,
      responses: {
        200: versionResponse('The retired version'),
        404: problem('No such version'),
        409: problem('Not published'),
      },
      handler: async (c, { params, user }) =>
        versionJson(c, await retireVersion(db, params.id, user.username)),
    }),
    route({
      method: 'get',
      path: '/api/versions/{id}/template.xlsx',
      access: 'any',
      tag: 'data',
      summary: '数据填报模板 / The XLSX data template of a version',
      description:
        "One row per region assessed in `year` (default: the document's year), one column per input with its Chinese label and unit; re-importable once filled in.",
      params: idParam,
      query: { year: { schema: { type: 'integer', minimum: 1900, maximum: 2999 } } },
      responses: {
        200: {
          description: 'The template',
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
        404: problem('No such version'),
      },
      handler: async (c, { params, query }) =>
        fileResponse(c, await buildTemplate(db, params.id, query.year)),
    }),
  ];
}
