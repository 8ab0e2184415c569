/**
 * The weight-sensitivity analysis (engine/sensitivity): how robust grades and ranking are to the
 * items' points, for a document or a stored version, on a dataset or a year's stored data.
 */
import type { SensitivityMode } from '../../engine/index.ts';
import { MAX_PAIRS } from '../workers/tasks.ts';
import type { RouteDeps } from './deps.ts';
import { documentAndDataset, jsonText } from './evaluate.ts';
import { route, type RouteSpec } from './registry.ts';
import { ref, type JsonSchema } from './schemas.ts';
import { problem } from './schema-kit.ts';

export { MAX_PAIRS };

const num = { type: 'number' };
const str = { type: 'string' };
const int = { type: 'integer' };
const label: JsonSchema = { type: 'object', required: ['zh'], properties: { zh: str, en: str } };
const pair = { type: 'array', items: num, minItems: 2, maxItems: 2 };

const modeSchema: JsonSchema = {
  type: 'object',
  required: ['kind'],
  description:
    '`{ kind: "points", k }` each item by ±k points; `{ kind: "percent", p }` by ±p %; both with `rebalance: "category"` to keep category sums. `{ kind: "random", n, seed, p }` n seeded draws within ±p %, category sums kept. `{ kind: "grid", variants: [{ label?, maxPoints: { itemId: points } }] }`.',
  properties: {
    kind: { enum: ['points', 'percent', 'random', 'grid'] },
    k: num,
    p: num,
    n: int,
    seed: int,
    rebalance: { enum: ['none', 'category'] },
    variants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['maxPoints'],
        additionalProperties: false,
        properties: { label: str, maxPoints: { type: 'object', additionalProperties: num } },
      },
    },
  },
};

const bodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mode'],
  description:
    'A document or a version id, a dataset or a year whose stored data is used, and the perturbation.',
  properties: {
    document: ref('RuleDocument'),
    versionId: { type: 'integer', minimum: 1 },
    year: { type: 'integer', minimum: 1900, maximum: 2999 },
    dataset: ref('Dataset'),
    mode: modeSchema,
    unstableShare: { type: 'number', minimum: 0, maximum: 1, default: 0.1 },
    topVariants: { type: 'integer', minimum: 0, maximum: 100, default: 10 },
  },
};

const reportSchema: JsonSchema = {
  type: 'object',
  required: [
    'mode',
    'variants',
    'importanceBasis',
    'regions',
    'items',
    'stable',
    'unstable',
    'topVariants',
    'errors',
  ],
  properties: {
    mode: { type: 'object' },
    variants: int,
    importanceBasis: { enum: ['attribution', 'rank-attribution', 'correlation'] },
    regions: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'region',
          'name',
          'total',
          'grade',
          'rank',
          'gradeChangeShare',
          'rankChangeShare',
          'status',
        ],
        properties: {
          region: str,
          name: str,
          total: num,
          grade: str,
          rank: int,
          gradeChangeShare: num,
          rankChangeShare: num,
          meanAbsRankChange: num,
          rankRange: pair,
          totalRange: pair,
          grades: { type: 'object', additionalProperties: num },
          status: { enum: ['stable', 'rank-only', 'sensitive', 'unstable'] },
        },
      },
    },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'label', 'category', 'maxPoints', 'importance'],
        properties: {
          id: str,
          label,
          category: str,
          maxPoints: num,
          variants: int,
          gradeChangeShare: num,
          rankChangeShare: num,
          attribution: num,
          rankAttribution: num,
          rankCorrelation: { type: ['number', 'null'] },
          importance: num,
        },
      },
    },
    stable: { type: 'array', items: str },
    unstable: { type: 'array', items: str },
    topVariants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'label', 'changes', 'gradeChanges', 'rankChanges'],
        properties: {
          index: int,
          label: str,
          changes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['item', 'from', 'to'],
              properties: { item: str, from: num, to: num },
            },
          },
          gradeChanges: int,
          rankChanges: int,
        },
      },
    },
    errors: { type: 'array', items: { type: 'object', required: ['region', 'code', 'message'] } },
  },
};

export function sensitivityRoutes(deps: RouteDeps): RouteSpec[] {
  const { db, pool } = deps;
  return [
    route({
      method: 'post',
      path: '/api/sensitivity',
      access: 'any',
      tag: 'evaluate',
      summary: '权重敏感性分析 / Weight-sensitivity analysis',
      description:
        "Re-scores every region of a `dataset` (or the stored data of `year`, default the document's year) under variants of the items' points of a `document` (or of version `versionId`), and reports per region the share of variants that change its grade and its rank, the items whose points matter most, and the stable and unstable regions. A variant keeps each item's formula and scales its clamped result by new points / old points. Nothing is stored. At most 30,000,000 variant × region pairs (10,000 variants over 3,000 regions) and 1,000,000,000 variant × region × item evaluations per request (README, Limits); the work runs in the engine pool (503 when it exceeds its time or memory).",
      body: { kind: 'json', schema: bodySchema, documentFields: ['document'] },
      responses: {
        200: { description: 'The analysis', schema: reportSchema },
        404: problem('No such version'),
      },
      handler: async (c, { body }) => {
        // The work, and its budgets, run in the engine pool (server/workers/tasks.ts).
        const { document, dataset } = await documentAndDataset(db, body);
        const input = {
          document: { text: JSON.stringify(document) },
          dataset,
          mode: body.mode as SensitivityMode,
          unstableShare: body.unstableShare,
          topVariants: body.topVariants,
        };
        return jsonText(c, await pool.run('sensitivity', input));
      },
    }),
  ];
}
