/**
 * Stateless evaluation (the editor's live preview) and the diff of two rule versions.
 */
import {
  evaluatePrepared,
  InvalidDocumentError,
  prepareDocument,
  validateDocument,
  type PreparedDocument,
} from '../../engine/index.ts';
import { diff } from '../../engine/diff/index.ts';
import type { Dataset, RuleDocument } from '../../engine/types.ts';
import { datasetForYear } from '../db/datasets.ts';
import { storedDataset } from '../db/dataset-cache.ts';
import { versionState } from '../db/version-reads.ts';
import { getVersion } from '../db/versions.ts';
import { ApiError } from '../problem.ts';
import { Lru } from './cache.ts';
import { ImmutableResponses } from './immutable.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { bodies, ref } from './schemas.ts';

/** Validated, prepared documents by their JSON text: previews re-send the same document often. */
function preparedCache() {
  const lru = new Lru<string, PreparedDocument>(32);
  const get = (key: string, doc: RuleDocument): PreparedDocument =>
    lru.getOr(key, () => {
      const problems = validateDocument(doc, { runTests: false });
      if (problems.length) throw new InvalidDocumentError(problems);
      return prepareDocument(structuredClone(doc));
    });
  return Object.assign(get, { peek: (key: string) => lru.get(key) });
}

const problem = (description: string) => ({ description, schema: ref('Problem') });
const yearSchema = { type: 'integer', minimum: 1900, maximum: 2999 };

export function evaluateRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  const prepared = preparedCache();
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
      handler: (c, { body }) => {
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
        let doc: PreparedDocument;
        if (body.versionId !== undefined) {
          // By content hash, without reading the document once it is prepared.
          const state = versionState(db, body.versionId);
          const key = state && `v:${body.versionId}:${state.contentHash}`;
          const hit = key && prepared.peek(key);
          if (hit) doc = hit;
          else {
            const v = getVersion(db, body.versionId);
            doc = prepared(`v:${v.id}:${v.contentHash}`, v.document);
          }
        } else {
          doc = prepared(`d:${JSON.stringify(body.document)}`, body.document as RuleDocument);
        }
        if (body.dataset !== undefined)
          return c.json(evaluatePrepared(doc, body.dataset as Dataset, { trace: body.trace ?? true }));
        // The same document content on the same stored data gives the same bytes: kept by both hashes.
        const stored = storedDataset(db, body.year ?? doc.doc.year);
        const trace = body.trace ?? true;
        const p = doc;
        return results.json(c, `${p.hash}:${stored.hash}:${trace}`, () => ({
          text: JSON.stringify(evaluatePrepared(p, stored.dataset, { trace, datasetHash: stored.hash })),
          keep: true,
        }));
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
      handler: (c, { query }) => {
        const from = getVersion(db, query.from);
        const to = getVersion(db, query.to);
        const dataset = query.year !== undefined ? datasetForYear(db, query.year) : undefined;
        return c.json(diff(from.document, to.document, { dataset }));
      },
    }),
  ];
}
