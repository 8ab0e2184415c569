/**
 * Stateless evaluation (the editor's live preview) and the diff of two rule versions.
 */
import type { Context } from 'hono';
import type { Dataset } from '../../engine/types.ts';
import { datasetForYear } from '../db/datasets.ts';
import { getVersion } from '../db/versions.ts';
import { ApiError } from '../problem.ts';
import { Lru } from './cache.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';

/** A JSON answer whose text the engine pool already produced (what `c.json` would send). */
export function jsonText(c: Context, text: string): Response {
  return c.body(text, 200, { 'Content-Type': 'application/json' });
}

const problem = (description: string) => ({ description, schema: ref('Problem') });
const yearSchema = { type: 'integer', minimum: 1900, maximum: 2999 };

export function evaluateRoutes(deps: RouteDeps): RouteSpec[] {
  const { db, pool } = deps;
  // A year's stored data, keyed by the newest audit id: every write of data (or of regions) appends
  // an audit row in its own transaction, so a new id is the only way the data can have changed.
  const datasets = new Lru<string, Dataset>(8);
  const lastAudit = db.$client.prepare('SELECT max(id) AS id FROM audit_log');
  const storedData = (year: number): Dataset => {
    const { id } = lastAudit.get() as { id: number | null };
    return datasets.getOr(`${year}:${id ?? 0}`, () => datasetForYear(db, year));
  };
  return [
    route({
      method: 'post',
      path: '/api/evaluate',
      access: 'any',
      tag: 'evaluate',
      summary: '即时评分（预览）/ Evaluate without storing (preview)',
      description:
        "Scores a `document` (or the document of `versionId`, any status) on a `dataset` (SPEC section 4 JSON), or on the stored data of `year` (default: the document's year). Nothing is stored. `trace: false` leaves the per-item traces out. An invalid document gets 422 with every problem.",
      body: { kind: 'json', schema: bodies.evaluate, documentFields: ['document'] },
      responses: {
        200: { description: 'The evaluation', schema: ref('Evaluation') },
        404: problem('No such version'),
      },
      handler: async (c, { body }) => {
        if ((body.document === undefined) === (body.versionId === undefined)) {
          throw new ApiError(
            422,
            'document_or_version',
            '请给出 document 或 versionId 之一 / Give either document or versionId',
            [
              {
                path: '/document',
                code: 'document_or_version',
                message: '请给出 document 或 versionId 之一 / Give either document or versionId',
              },
            ],
          );
        }
        // The work runs in the engine pool (server/workers), bounded in memory, time and size.
        const document =
          body.versionId !== undefined ? getVersion(db, body.versionId).document : body.document;
        const dataset: Dataset = body.dataset ?? storedData(body.year ?? document.year);
        const text = JSON.stringify(document);
        return jsonText(
          c,
          await pool.run('evaluate', { document: { text }, dataset, trace: body.trace ?? true }),
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/diff',
      access: 'any',
      tag: 'rules',
      summary: '版本对比 / Diff two rule versions',
      description:
        "The structural changes from version `from` to version `to` (SPEC section 6), and with `year` the impact on every region of that year's stored data.",
      query: {
        from: {
          schema: { type: 'integer', minimum: 1 },
          required: true,
          description: '旧版本 id / the older version',
        },
        to: {
          schema: { type: 'integer', minimum: 1 },
          required: true,
          description: '新版本 id / the newer version',
        },
        year: { schema: yearSchema, description: '评估影响所用数据年份 / data year for the impact' },
      },
      responses: {
        200: { description: 'The diff', schema: ref('DiffResult') },
        404: problem('No such version'),
        422: problem('A document is invalid (impact needs both valid)'),
      },
      handler: async (c, { query }) => {
        const from = getVersion(db, query.from);
        const to = getVersion(db, query.to);
        const dataset = query.year !== undefined ? datasetForYear(db, query.year) : undefined;
        const input = { from: JSON.stringify(from.document), to: JSON.stringify(to.document), dataset };
        return jsonText(c, await pool.run('diff', input));
      },
    }),
  ];
}
