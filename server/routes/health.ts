/**
 * 规则体检 and 整改路径 over HTTP (SPEC section 13): the health check of a stored version (with the
 * coverage of its own tests) and the path of one region of a run to a better grade. The work runs
 * in a worker thread with a timeout (server/health/run.ts), never on the server's event loop.
 */
import { requireVisibleRun } from './region-scope.ts';
import { getVersion } from '../db/versions.ts';
import { getRunDataset, getRunSummary } from '../db/runs.ts';
import { ApiError } from '../problem.ts';
import { HealthBusyError, runInWorker } from '../health/run.ts';
import type { HealthTask } from '../health/task.ts';
import type { RouteDeps } from './deps.ts';
import { runIdParam } from './runs.ts';
import { route, type RouteSpec } from './registry.ts';
import { type JsonSchema } from './schemas.ts';
import { problem, regionCodeParam } from './schema-kit.ts';

/** Time the analysis itself may take (what is left undecided goes to `unknown`). */
export const CHECK_TIME_MS = 4_000;
export const PATHS_TIME_MS = 2_000;
/** Time a worker may take in all (starting it included) before it is ended. */
export const WORKER_TIMEOUT_MS = 30_000;

const str = { type: 'string' };

const findingSchema: JsonSchema = {
  type: 'object',
  required: ['code', 'target', 'id', 'message'],
  properties: {
    code: {
      enum: [
        'item_max_unreachable',
        'item_always_zero',
        'item_always_max',
        'veto_never_fires',
        'downgrade_never_fires',
        'cap_never_fires',
        'veto_always_fires',
        'downgrade_always_fires',
        'cap_always_fires',
        'grade_unreachable',
        'conditions_overlap',
      ],
    },
    target: { enum: ['item', 'veto', 'downgrade', 'cap', 'grade'] },
    id: str,
    message: str,
    witness: { type: 'object', description: 'Inputs the engine confirmed (conditions_overlap)' },
    severity: { enum: ['info'] },
    path: { type: 'string', description: 'JSON pointer of the field concerned' },
    with: { type: 'object', properties: { target: str, id: str } },
  },
};

const reportSchema: JsonSchema = {
  type: 'object',
  required: ['findings', 'unknown', 'coverage'],
  properties: {
    findings: { type: 'array', items: findingSchema },
    unknown: {
      type: 'array',
      items: {
        type: 'object',
        required: ['target', 'id', 'property'],
        properties: { target: str, id: str, property: str },
      },
    },
    coverage: {
      type: 'object',
      description:
        "Which items, `if` branches, vetoes, downgrades and caps the document's own tests exercise",
      required: ['tests', 'items', 'branches', 'vetoes', 'downgrades', 'caps', 'uncovered'],
    },
  },
};

const pathSchema: JsonSchema = {
  type: 'object',
  required: ['region', 'from', 'to', 'reachable', 'changes'],
  properties: {
    region: str,
    name: str,
    from: {
      type: 'object',
      required: ['total', 'grade'],
      properties: { total: { type: 'number' }, grade: str },
    },
    to: { type: 'object', required: ['grade'], properties: { total: { type: 'number' }, grade: str } },
    reachable: { type: 'boolean' },
    minimal: { type: 'boolean' },
    provenFor: { enum: ['floats', 'reals'] },
    cost: { type: 'number' },
    note: str,
    changes: {
      type: 'array',
      items: { type: 'object', required: ['key', 'from', 'to'], properties: { key: str, from: {}, to: {} } },
    },
    reasons: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'fixed', 'message'],
        properties: {
          kind: { enum: ['veto', 'cap', 'downgrade', 'score'] },
          id: str,
          fixed: { type: 'boolean' },
          message: str,
        },
      },
    },
  },
};

async function work(task: HealthTask): Promise<unknown> {
  let out;
  try {
    out = await runInWorker(task, WORKER_TIMEOUT_MS);
  } catch (e) {
    if (e instanceof HealthBusyError) {
      const busy = e.reason === 'busy';
      const message = busy
        ? '体检任务过多，请稍后再试 / Too many health checks are running; try again shortly'
        : '体检超时 / The health check took too long';
      throw new ApiError(
        503,
        busy ? 'busy' : 'timeout',
        message,
        [{ path: '', code: busy ? 'busy' : 'timeout', message }],
        {},
        { 'Retry-After': '5' },
      );
    }
    throw e;
  }
  if (out.ok) return out.value;
  const status = out.code === 'internal' ? 500 : 422;
  const details = (out.details as { path?: string; code?: string; message?: string; key?: string }[]).map(
    (d) => ({
      path: d.path ?? (d.key ? `/values/${d.key}` : ''),
      code: d.code ?? out.code,
      message: d.message ?? out.message,
    }),
  );
  throw new ApiError(
    status,
    out.code,
    out.message,
    details.length
      ? details
      : [{ path: out.code === 'unknown_grade' ? '/to' : '', code: out.code, message: out.message }],
  );
}

export function healthRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    route({
      method: 'post',
      path: '/api/versions/{id}/check',
      access: 'any',
      tag: 'rules',
      summary: '规则体检 / Health check of a version',
      description:
        "Proves properties of the version's document over every input it allows (SPEC section 13): items that can never reach their points or always score 0 or full, vetoes, downgrades and caps that never or always fire, unreachable grades, and downgrades or caps that can fire together (with an input set the engine confirmed). What cannot be decided in time is listed under `unknown`. `coverage` says what the document's own tests exercise. Runs in a worker thread: about 4 s of analysis at most.",
      params: { id: { schema: { type: 'integer', minimum: 1 }, description: '版本 id / version id' } },
      responses: {
        200: {
          description: 'The findings, the undecided properties and the test coverage',
          schema: reportSchema,
        },
        404: problem('No such version'),
        422: problem('The document is invalid (errors lists the problems)'),
        503: problem('Too many checks at once, or the check took too long'),
      },
      handler: async (c, { params }) => {
        const v = await getVersion(db, params.id);
        return c.json(await work({ kind: 'check', document: v.document, timeLimitMs: CHECK_TIME_MS }));
      },
    }),
    route({
      method: 'get',
      path: '/api/runs/{id}/regions/{code}/paths',
      access: 'any',
      region: { param: 'code' },
      tag: 'runs',
      summary: '整改路径 / Path of a region to a better grade',
      description:
        "The smallest changes to the region's `actual`-role inputs (each within its range; targets, events and assessments never change) after which it reaches the grade `to` (default: the next better one) under the run's rule version and data: fewest inputs first, then the smallest changes relative to each input's range, checked by the engine. `reachable: false` with `reasons` (a veto, a cap, a downgrade that no actual value changes, or the score) when none is found.",
      params: {
        ...runIdParam,
        code: regionCodeParam,
      },
      query: {
        to: {
          schema: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 },
          description: '目标等级 id / grade id',
        },
      },
      responses: {
        200: { description: 'The path', schema: pathSchema },
        404: problem('No such run, or the region is not in its data'),
        422: problem('Unknown grade, or the region could not be scored'),
        503: problem('Too many requests at once, or the search took too long'),
      },
      handler: async (c, { params, query, user }) => {
        await requireVisibleRun(db, user, params.id);
        const run = await getRunSummary(db, params.id);
        const region = (await getRunDataset(db, params.id)).regions.find((r) => r.code === params.code);
        if (!region) {
          const message = `运行 ${params.id} 的数据中没有地区 ${params.code} / region ${params.code} is not in the data of run ${params.id}`;
          throw new ApiError(404, 'not_found', message, [{ path: '/code', code: 'not_found', message }]);
        }
        const document = (await getVersion(db, run.versionId)).document;
        return c.json(
          await work({ kind: 'paths', document, region, to: query.to, timeLimitMs: PATHS_TIME_MS }),
        );
      },
    }),
  ];
}
