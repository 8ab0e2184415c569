/**
 * The JSON Schemas of the API: request bodies (validated with ajv) and responses (documented, and
 * checked against in tests). The OpenAPI document is built from these and the route registry.
 * A schema refers to another with `ref('Name')`; the OpenAPI builder rewrites that to
 * `#/components/schemas/Name`.
 */
import type { JsonSchema } from './schema-kit.ts';
import { entitySchemas } from './schemas-entities.ts';
import { resultSchemas } from './schemas-results.ts';

export { LOCALES, ref, ROLES, SCHEMA_ID_PREFIX, type JsonSchema } from './schema-kit.ts';
export { bodies } from './schemas-bodies.ts';

/** Named schemas, published under `components.schemas` of the OpenAPI document. */
export const componentSchemas: Record<string, JsonSchema> = { ...entitySchemas, ...resultSchemas };
