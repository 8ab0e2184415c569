/**
 * Appeals (申诉) and decisions (复核), SPEC section 10: filed by a region account for its own region
 * or by an assessor on a region's behalf, with evidence files; decided by a reviewer or admin who
 * did not file them. A region account reaches only its own region's appeals.
 */
import {
  addEvidence,
  appealRegion,
  assertOwnRegion,
  decideAppeal,
  EVIDENCE_MAX_BYTES,
  fileAppeal,
  getAppeal,
  getEvidenceFile,
  listAppeals,
} from '../db/appeals.ts';
import { ApiError } from '../problem.ts';
import type { SessionUser } from '../auth/session.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { ref } from './schemas.ts';
import { problem } from './schema-kit.ts';

const idParam = { id: { schema: { type: 'integer', minimum: 1 }, description: '申诉 id / appeal id' } };
const actorOf = (u: SessionUser) => ({ username: u.username, role: u.role, region: u.region ?? null });

const target = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'key'],
      properties: { kind: { const: 'input' }, key: { type: 'string', minLength: 1, maxLength: 64 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'id'],
      properties: {
        kind: { enum: ['item', 'veto', 'downgrade', 'cap'] },
        id: { type: 'string', minLength: 1, maxLength: 64 },
      },
    },
  ],
};
const scalar = { type: ['number', 'string', 'boolean'], maxLength: 1000 };

export const appealBodies = {
  file: {
    type: 'object',
    additionalProperties: false,
    required: ['runId', 'region', 'target', 'claim'],
    properties: {
      runId: { type: 'integer', minimum: 1 },
      region: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' },
      target,
      claim: { type: 'string', minLength: 1, maxLength: 4000 },
      requested: {
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['value'], properties: { value: scalar } },
          {
            type: 'object',
            additionalProperties: false,
            required: ['points'],
            properties: { points: { type: 'number' } },
          },
        ],
      },
    },
  },
  decision: {
    type: 'object',
    additionalProperties: false,
    required: ['decision', 'reason'],
    properties: {
      decision: { enum: ['accepted', 'rejected'] },
      reason: { type: 'string', minLength: 1, maxLength: 4000 },
      value: scalar,
      points: { type: 'number' },
    },
  },
};

export function appealRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  /** A region account reaches only its own region's appeals (403 `other_region`). */
  const visible = async (user: SessionUser, id: number) =>
    assertOwnRegion(actorOf(user), await appealRegion(db, id));
  return [
    route({
      method: 'post',
      path: '/api/appeals',
      access: ['assessor', 'region'],
      region: 'scoped',
      tag: 'appeals',
      summary: '提出申诉 / File an appeal',
      description:
        'Against one target of one region\'s result in a published run: an input (`{ kind: "input", key }`, `requested: { value }`), an item\'s points (`{ kind: "item", id }`, `requested: { points }`), or a veto / downgrade / cap that fired (`{ kind, id }`, no `requested`: the appeal asks for it to be lifted). By the region\'s account (its own region only) or an assessor / admin on its behalf. Refused after the appeal window (409 `appeal_closed`), before publication (409 `not_published`) and once the run has a correction run (409 `superseded`).',
      body: { kind: 'json', schema: appealBodies.file },
      responses: {
        201: { description: 'The appeal', schema: ref('Appeal') },
        403: problem('Another region (`other_region`)'),
        404: problem('No such run'),
        409: problem('`not_published`, `appeal_closed` or `superseded`'),
        422: problem('Unknown target, region not scored, requested value out of range'),
      },
      handler: async (c, { body, user }) => c.json(await fileAppeal(db, body, actorOf(user)), 201),
    }),
    route({
      method: 'get',
      path: '/api/appeals',
      access: 'any',
      region: 'scoped',
      tag: 'appeals',
      summary: '申诉列表 / List appeals',
      description:
        'Newest first, with `counts` by state (over the filter without `state`). A region account sees only its own region’s appeals.',
      query: {
        runId: { schema: { type: 'integer', minimum: 1 } },
        region: { schema: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' } },
        state: { schema: { enum: ['open', 'accepted', 'rejected'] } },
      },
      responses: {
        200: {
          description: 'Appeals',
          schema: {
            type: 'object',
            required: ['appeals', 'counts'],
            properties: {
              appeals: { type: 'array', items: ref('Appeal') },
              counts: {
                type: 'object',
                required: ['open', 'accepted', 'rejected', 'total'],
                properties: {
                  open: { type: 'integer' },
                  accepted: { type: 'integer' },
                  rejected: { type: 'integer' },
                  total: { type: 'integer' },
                },
              },
            },
          },
        },
      },
      handler: async (c, { query, user }) => {
        if (user.role === 'region') {
          if (query.region !== undefined && query.region !== user.region)
            assertOwnRegion(actorOf(user), query.region);
          return c.json(await listAppeals(db, { ...query, region: user.region! }));
        }
        return c.json(await listAppeals(db, query));
      },
    }),
    route({
      method: 'get',
      path: '/api/appeals/{id}',
      access: 'any',
      region: 'scoped',
      tag: 'appeals',
      summary: '读取申诉 / Read an appeal',
      params: idParam,
      responses: {
        200: { description: 'The appeal', schema: ref('Appeal') },
        403: problem('Another region (`other_region`)'),
        404: problem('No such appeal'),
      },
      handler: async (c, { params, user }) => {
        await visible(user, params.id);
        return c.json(await getAppeal(db, params.id));
      },
    }),
    route({
      method: 'post',
      path: '/api/appeals/{id}/evidence',
      access: ['assessor', 'region'],
      region: 'scoped',
      tag: 'appeals',
      summary: '上传证明材料 / Add an evidence file',
      description: `The raw file as the body, its name in \`?filename=\`. At most ${EVIDENCE_MAX_BYTES} bytes (10 MiB, else 413 \`too_large\`); a PDF, PNG or JPEG judged by its first bytes (else 415 \`unsupported_type\`, also when the declared Content-Type or the name's extension disagrees with the content). Stored with its SHA-256. Only while the appeal is undecided (409 \`appeal_decided\`) and the window open (409 \`appeal_closed\`).`,
      params: idParam,
      query: {
        filename: {
          schema: { type: 'string', minLength: 1, maxLength: 200 },
          required: true,
          description: '文件名（.pdf .png .jpg .jpeg） / the file name',
        },
      },
      body: {
        kind: 'raw',
        contentTypes: ['application/pdf', 'image/png', 'image/jpeg', 'application/octet-stream'],
        description: 'The file (PDF, PNG or JPEG).',
      },
      responses: {
        201: { description: 'The stored evidence', schema: ref('Evidence') },
        403: problem('Another region (`other_region`)'),
        404: problem('No such appeal'),
        409: problem('`appeal_decided` or `appeal_closed`'),
        413: problem('Larger than 10 MiB (`too_large`)'),
        415: problem('Not a PDF, PNG or JPEG (`unsupported_type`)'),
      },
      handler: async (c, { params, query, user }) => {
        await visible(user, params.id);
        const length = Number(c.req.header('content-length') ?? '0');
        if (length > EVIDENCE_MAX_BYTES)
          throw new ApiError(
            413,
            'too_large',
            '证明材料不能超过 10 MiB / evidence files are limited to 10 MiB',
          );
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        const ev = await addEvidence(
          db,
          params.id,
          { filename: query.filename, bytes, declaredType: c.req.header('content-type') },
          actorOf(user),
        );
        return c.json(ev, 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/appeals/{id}/evidence/{evidenceId}',
      access: 'any',
      region: 'scoped',
      tag: 'appeals',
      summary: '查看证明材料 / An evidence file',
      description:
        'The stored bytes with their type, `Content-Disposition: inline` (`?download=1`: attachment), `X-Content-Type-Options: nosniff`, a sandboxing Content-Security-Policy and `ETag` = the SHA-256.',
      params: {
        ...idParam,
        evidenceId: { schema: { type: 'integer', minimum: 1 }, description: '材料 id / evidence id' },
      },
      query: { download: { schema: { enum: ['0', '1'] } } },
      responses: {
        200: { description: 'The file', contentType: 'application/pdf' },
        403: problem('Another region (`other_region`)'),
        404: problem('No such appeal or evidence'),
      },
      handler: async (c, { params, query, user }) => {
        await visible(user, params.id);
        const file = await getEvidenceFile(db, params.id, params.evidenceId);
        const ascii = file.filename.replace(/[^\x20-\x7e]|["\\;]/g, '_');
        const disposition = query.download === '1' ? 'attachment' : 'inline';
        return c.body(new Uint8Array(file.content), 200, {
          'Content-Type': file.contentType,
          'Content-Length': String(file.size),
          'Content-Disposition': `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
          'X-Content-Type-Options': 'nosniff',
          // Images in a sandbox; a PDF without `sandbox` (Chromium's viewer refuses sandboxed PDFs),
          // but with nothing it could load or run besides itself.
          'Content-Security-Policy':
            file.contentType === 'application/pdf'
              ? "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
              : "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
          'Cache-Control': 'private, max-age=0',
          ETag: `"${file.sha256}"`,
        });
      },
    }),
    route({
      method: 'post',
      path: '/api/appeals/{id}/decision',
      access: ['reviewer'],
      tag: 'appeals',
      summary: '复核决定 / Decide an appeal',
      description:
        'By a reviewer or admin who did not file the appeal (403 `same_person`; the database refuses it too). `accepted` input appeals need the corrected `value`, accepted item appeals the adjusted `points` (0–maxPoints); accepted veto / downgrade / cap appeals lift it. Once made, never changed (409 `already_decided`).',
      params: idParam,
      body: { kind: 'json', schema: appealBodies.decision },
      responses: {
        200: { description: 'The decided appeal', schema: ref('Appeal') },
        403: problem('The filer cannot decide (`same_person`)'),
        404: problem('No such appeal'),
        409: problem('Already decided (`already_decided`)'),
        422: problem('Missing or out-of-range value / points'),
      },
      handler: async (c, { params, body, user }) =>
        c.json(await decideAppeal(db, params.id, body, actorOf(user))),
    }),
  ];
}
