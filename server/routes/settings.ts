/**
 * Settings of the official documents: read by everyone signed in, replaced by admins (validated
 * against the schema, one transaction with its audit row).
 */
import { documentSettingsSchema, getDocumentSettings, saveDocumentSettings } from '../db/settings.ts';
import type { RouteDeps } from './deps.ts';
import { route, type RouteSpec } from './registry.ts';
import type { JsonSchema } from './schemas.ts';

export function settingsRoutes(deps: RouteDeps): RouteSpec[] {
  const { db } = deps;
  const schema = documentSettingsSchema as JsonSchema;
  return [
    route({
      method: 'get',
      path: '/api/settings/documents',
      access: 'any',
      tag: 'settings',
      summary: '公文设置 / Document settings',
      description:
        "发文机关 and its 发文机关标志, the 机关代字 of 文号, 主送, 抄送, 印发机关 and the 落款 of each document kind; the plan's defaults until an admin saves them.",
      responses: { 200: { description: 'The settings in force', schema } },
      handler: async (c) => c.json(await getDocumentSettings(db)),
    }),
    route({
      method: 'put',
      path: '/api/settings/documents',
      access: ['admin'],
      tag: 'settings',
      summary: '修改公文设置 / Replace the document settings',
      body: { kind: 'json', schema },
      responses: { 200: { description: 'The settings saved', schema } },
      handler: async (c, { body, user }) => c.json(await saveDocumentSettings(db, body, user.username)),
    }),
  ];
}
