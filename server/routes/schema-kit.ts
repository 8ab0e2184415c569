/**
 * The building blocks of the API's JSON Schemas: references between component schemas, primitive
 * shapes, objects (required by default) and strict request bodies, the roles and locales.
 */

export type JsonSchema = Record<string, unknown>;

/** The base of the ids under which component schemas are registered with ajv. */
export const SCHEMA_ID_PREFIX = 'https://ecoscore.example/api/schemas/';

/** A reference to a component schema. */
export function ref(name: string): JsonSchema {
  return { $ref: SCHEMA_ID_PREFIX + name };
}

export const label: JsonSchema = {
  type: 'object',
  required: ['zh'],
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
};
export const str = { type: 'string' };
export const int = { type: 'integer' };
export const num = { type: 'number' };
export const bool = { type: 'boolean' };
export const isoTime = { type: 'string', format: 'date-time' };
export const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: 'null' }] });
export const strings = { type: 'array', items: str };
/** An array of a component schema. */
export const arrayOf = (name: string): JsonSchema => ({ type: 'array', items: ref(name) });
/** An object whose properties are all required unless `required` says otherwise. */
export const obj = (
  properties: Record<string, unknown>,
  required: string[] = Object.keys(properties),
): JsonSchema => ({
  type: 'object',
  required,
  properties,
});

export const ROLES = ['admin', 'editor', 'assessor', 'reviewer', 'region'] as const;
export const LOCALES = ['zh', 'en'] as const;
/** A value in a region's data: a number, a boolean or a string. */
export const scalar = { type: ['number', 'boolean', 'string'] };

/** The path parameter of a region code. */
export const regionCodeParam = {
  schema: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' },
  description: '地区代码 / region code',
};

/** An error response: a Problem (application/problem+json, with located errors). */
export const problem = (description: string) => ({ description, schema: ref('Problem') });

/** A response whose body lists one kind of component: `{ [key]: [item, …] }`. */
export const listResponse = (description: string, key: string, item: string) => ({
  description,
  schema: obj({ [key]: arrayOf(item) }),
});
