/**
 * The audit log, filtered and paged (reviewers and admins).
 */
import { listAudit } from '../db/audit.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import { ref } from './schemas.ts';

const dateOrTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+Z?)?$' };

export function auditRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/audit',
      access: ['reviewer'],
      tag: 'audit',
      summary: '审计日志 / The audit log',
      description:
        'Newest first. `from` and `to` are inclusive dates (`2025-01-31`) or ISO timestamps; `total` counts every matching entry.',
      query: {
        entity: {
          schema: { type: 'string', maxLength: 50 },
          description: 'version, family, region, dataset, run, user …',
        },
        entityId: { schema: { type: 'string', maxLength: 100 } },
        action: {
          schema: { type: 'string', maxLength: 50 },
          description: 'version.publish, dataset.import, run.create …',
        },
        user: { schema: { type: 'string', maxLength: 64 } },
        from: { schema: dateOrTime },
        to: { schema: dateOrTime },
        limit: { schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
        offset: { schema: { type: 'integer', minimum: 0, default: 0 } },
      },
      responses: {
        200: {
          description: 'Entries',
          schema: {
            type: 'object',
            required: ['entries', 'total'],
            properties: { entries: { type: 'array', items: ref('AuditEntry') }, total: { type: 'integer' } },
          },
        },
      },
      handler: async (c, { query }) => c.json(await listAudit(deps.db, query)),
    }),
  ];
}
