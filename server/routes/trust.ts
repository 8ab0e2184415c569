/**
 * Four eyes and tamper evidence (SPEC section 11): the server's public signing key, the publication
 * requests awaiting approval, and the cell-level history of a year's data.
 */
import { listChanges } from '../db/data-changes.ts';
import { pendingRunPublications } from '../db/run-publication.ts';
import { getRunSummary } from '../db/runs.ts';
import { pendingVersions } from '../db/version-publication.ts';
import { signerFor } from '../trust/keys.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { ref } from './schemas.ts';
import { regionCodeParam } from './schema-kit.ts';

const yearParam = { schema: { type: 'integer', minimum: 1900, maximum: 2999 }, description: '年度 / year' };
const codeParam = regionCodeParam;
const keyParam = {
  schema: { type: 'string', pattern: '^[A-Za-z0-9_.]{1,64}$' },
  description: '指标键 / input key',
};
const paging = {
  limit: { schema: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } },
  offset: { schema: { type: 'integer', minimum: 0, default: 0 } },
};
const history = {
  description: 'Changes, newest first',
  schema: {
    type: 'object',
    required: ['changes', 'total'],
    properties: { changes: { type: 'array', items: ref('DataChange') }, total: { type: 'integer' } },
  },
};

export function trustRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    route({
      method: 'get',
      path: '/api/keys',
      access: 'any',
      region: 'scoped',
      tag: 'trust',
      summary: '签名公钥 / The public signing key',
      description:
        '`{ "algorithm": "Ed25519", "keyId", "publicKey" (32 bytes, hex), "createdAt" }`. Save it to a file for `ecoscore verify --run FILE --key KEYFILE`. `keyId` is the first 16 hex digits of SHA-256 of the raw public key; versions, runs and publications name the key that signed them.',
      responses: { 200: { description: 'The public key', schema: ref('PublicKey') } },
      handler: (c) => c.json(signerFor(db).info),
    }),
    route({
      method: 'get',
      path: '/api/approvals',
      access: 'any',
      tag: 'trust',
      summary: '待批准的发布申请 / Publication requests awaiting approval',
      description:
        'Rule versions (approved by editors and admins) and runs (assessors and admins) awaiting a second person. `canApprove` is true when the current user may approve it (right role, not the requester unless four eyes are off); `mine` counts those.',
      responses: {
        200: {
          description: 'Pending requests',
          schema: {
            type: 'object',
            required: ['versions', 'runs', 'mine', 'fourEyes'],
            properties: {
              versions: { type: 'array', items: { type: 'object' } },
              runs: { type: 'array', items: { type: 'object' } },
              mine: { type: 'integer' },
              fourEyes: { type: 'boolean' },
            },
          },
        },
      },
      handler: async (c, { user }) => {
        const may = (roles: string[], requester: string | null) =>
          (user.role === 'admin' || roles.includes(user.role)) &&
          (!deps.fourEyes || requester !== user.username);
        const versions = (await pendingVersions(db)).map((v) => ({
          ...v,
          canApprove: may(['editor'], v.requestedBy),
        }));
        const runs = await Promise.all(
          (await pendingRunPublications(db)).map(async (p) => {
            const run = await getRunSummary(db, p.runId);
            return {
              ...p,
              family: run.family,
              year: run.year,
              version: run.version,
              canApprove: may(['assessor'], p.requestedBy),
            };
          }),
        );
        const mine = [...versions, ...runs].filter((x) => x.canApprove).length;
        return c.json({ versions, runs, mine, fourEyes: deps.fourEyes });
      },
    }),
    route({
      method: 'get',
      path: '/api/datasets/{year}/regions/{code}/history',
      access: 'any',
      region: { param: 'code' },
      tag: 'data',
      summary: "地区数据变更历史 / The change history of a region's data",
      description:
        'Every changed cell of the region in that year (grid saves, imports, seed): key, before, after (null: absent), sources, who (with display name), when, and the audit action.',
      params: { year: yearParam, code: codeParam },
      query: paging,
      responses: { 200: history },
      handler: async (c, { params, query }) =>
        c.json(await listChanges(db, { year: params.year, region: params.code, ...query })),
    }),
    route({
      method: 'get',
      path: '/api/datasets/{year}/regions/{code}/values/{key}/history',
      access: 'any',
      region: { param: 'code' },
      tag: 'data',
      summary: '单元格变更历史 / The change history of one cell',
      params: { year: yearParam, code: codeParam, key: keyParam },
      query: paging,
      responses: { 200: history },
      handler: async (c, { params, query }) =>
        c.json(await listChanges(db, { year: params.year, region: params.code, key: params.key, ...query })),
    }),
  ];
}
