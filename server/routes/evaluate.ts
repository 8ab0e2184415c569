/**
 * Stateless evaluation (the editor's live preview) and the diff of two rule versions.
 */
import type { Context } from 'hono';
import type { Dataset, RuleDocument } from '../../engine/types.ts';
import type { AsyncDb as Db } from '../db/client.ts';
import { datasetForYear } from '../db/datasets.ts';
import { storedDataset } from '../db/dataset-cache.ts';
import { withPreviousYear } from '../db/previous-year.ts';
import { versionState } from '../db/version-reads.ts';
import { getVersion } from '../db/versions.ts';
import { ApiError } from '../problem.ts';
import { untilWrite } from '../db/until-write.ts';
import { ImmutableResponses } from './immutable.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';
import { problem } from './schema-kit.ts';

/** A JSON answer whose text the engine pool already produced (what `c.json` would send). */
export function jsonText(c: Context, text: string): Response {
  return c.body(text, 200, { 'Content-Type': 'application/json' });
}

const yearSchema = { type: 'integer', minimum: 1900, maximum: 2999 };

/** What a scoring request names: a `document` or a `versionId`, a `dataset` or a `year`. */
export interface ScoringRequest {
  document?: RuleDocument;
  versionId?: number;
  dataset?: Dataset;
  year?: number;
}

/** Refuses a request that gives both or neither of `document` and `versionId` (422). */
export function requireDocumentOrVersion(body: ScoringRequest): void {
  if ((body.document === undefined) === (body.versionId === undefined)) {
    const message = '请给出 document 或 versionId 之一 / Give either document or versionId';
    throw new ApiError(422, 'document_or_version', message, [
      { path: '/document', code: 'document_or_version', message },
    ]);
  }
}

/**
 * The document a request names (given, or version `versionId`'s) and the dataset to score it on
 * (given, or the stored data of `year`, default the dataset's or the document's year), with last
 * year's values filled in from the stored data of year − 1 (schema version 2).
 */
export async function documentAndDataset(
  db: Db,
  body: ScoringRequest,
): Promise<{ document: RuleDocument; dataset: Dataset }> {
  requireDocumentOrVersion(body);
  const document =
    body.versionId !== undefined ? (await getVersion(db, body.versionId)).document : body.document!;
  const year = body.year ?? body.dataset?.year ?? document.year;
  const given = body.dataset ?? (await storedDataset(db, year)).dataset;
  return { document, dataset: await withPreviousYear(db, document, given, year) };
}

export function evaluateRoutes(deps: RouteDeps): RouteSpec[] {
  const { db, pool } = deps;
  // Evaluations of versions on stored data, by content and dataset hash (server/routes/immutable.ts).
  const results = new ImmutableResponses(32 * 1024 * 1024);
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
        requireDocumentOrVersion(body);
        // The work runs in the engine pool (server/workers), bounded in memory, time and size. A
        // version's evaluation on the stored data is the same bytes for the same content: kept by
        // the document's content hash and the dataset's hash (no pool round trip on a repeat).
        const trace = body.trace ?? true;
        if (body.versionId !== undefined && body.dataset === undefined) {
          const versionId: number = body.versionId;
          // What the answer depends on (the document's content, the year's stored data and the
          // year before's, which may fill last-year values), read once per database state: a
          // repeated request costs a lookup, not a parse of the document.
          const basis = await untilWrite(db, `evaluate:${versionId}:${body.year ?? ''}`, async () => {
            const state = await versionState(db, versionId);
            if (!state) return undefined;
            const year = body.year ?? (await getVersion(db, versionId)).year;
            const [data, before] = [await storedDataset(db, year), await storedDataset(db, year - 1)];
            return { key: `${state.contentHash}:${data.hash}:${before.hash}`, year };
          });
          if (!basis) await getVersion(db, versionId); // 404 problem
          const { key: basisKey, year } = basis!;
          const key = `${basisKey}:${trace}`;
          const evaluateInPool = async () => {
            const doc = (await getVersion(db, versionId)).document;
            const dataset = await withPreviousYear(db, doc, (await storedDataset(db, year)).dataset, year);
            return await pool.run('evaluate', { document: { text: JSON.stringify(doc) }, dataset, trace });
          };
          let text = results.has(key) ? undefined : await evaluateInPool();
          if (text === undefined && !results.has(key)) text = await evaluateInPool();
          return await results.json(c, key, () => ({ text: text!, keep: true }));
        }
        const { document, dataset } = await documentAndDataset(db, body);
        const text = JSON.stringify(document);
        return jsonText(c, await pool.run('evaluate', { document: { text }, dataset, trace }));
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
        const from = await getVersion(db, query.from);
        const to = await getVersion(db, query.to);
        const dataset =
          query.year !== undefined
            ? await withPreviousYear(
                db,
                [from.document, to.document],
                await datasetForYear(db, query.year),
                query.year,
              )
            : undefined;
        const input = { from: JSON.stringify(from.document), to: JSON.stringify(to.document), dataset };
        return jsonText(c, await pool.run('diff', input));
      },
    }),
  ];
}
