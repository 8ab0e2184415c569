/** The request bodies of the API as JSON Schemas. */
import { LOCALES, ref, ROLES, type JsonSchema } from './schema-kit.ts';

/** The fields of a region besides its code (created whole, or changed one by one). */
const regionFields = {
  nameZh: { type: 'string', minLength: 1, maxLength: 100 },
  nameEn: { type: 'string', maxLength: 200 },
  kind: { type: 'string', minLength: 1, maxLength: 50 },
  note: { type: 'string', maxLength: 1000 },
  years: { type: 'array', items: { type: 'integer', minimum: 1900, maximum: 2999 }, uniqueItems: true },
  active: { type: 'boolean' },
};
/** 文号: the official document number. */
const docNumber = { type: 'string', maxLength: 200, description: '文号, e.g. 吉环考〔2026〕3号' };
const isoDate = { type: 'string', maxLength: 10, description: 'YYYY-MM-DD' };

/** Schemas of request bodies (strict: unknown fields are refused). */
export const bodies = {
  login: {
    type: 'object',
    additionalProperties: false,
    required: ['username', 'password'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 64 },
      password: { type: 'string', minLength: 1, maxLength: 256 },
    },
  },
  locale: {
    type: 'object',
    additionalProperties: false,
    required: ['locale'],
    properties: { locale: { enum: [...LOCALES] } },
  },
  createUser: {
    type: 'object',
    additionalProperties: false,
    required: ['username', 'displayName', 'role', 'password'],
    properties: {
      username: { type: 'string', pattern: '^[a-z][a-z0-9_.-]{1,31}$' },
      displayName: { type: 'string', minLength: 1, maxLength: 100 },
      role: { enum: [...ROLES] },
      region: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' },
      password: { type: 'string', minLength: 8, maxLength: 256 },
      locale: { enum: [...LOCALES] },
    },
  },
  patchUser: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      displayName: { type: 'string', minLength: 1, maxLength: 100 },
      role: { enum: [...ROLES] },
      region: { type: ['string', 'null'], pattern: '^[A-Za-z0-9]{1,32}$' },
      disabled: { type: 'boolean' },
    },
  },
  password: {
    type: 'object',
    additionalProperties: false,
    required: ['password'],
    properties: { password: { type: 'string', minLength: 8, maxLength: 256 } },
  },
  createVersion: {
    type: 'object',
    additionalProperties: false,
    description:
      'A blank draft (family + year), a copy of `from` (for `year` when given), or the given document.',
    properties: {
      from: { type: 'integer', minimum: 1 },
      year: { type: 'integer', minimum: 1900, maximum: 2999 },
      family: { type: 'string', pattern: '^[a-z0-9-]+$' },
      document: ref('RuleDocument'),
    },
  },
  updateVersion: {
    type: 'object',
    additionalProperties: false,
    required: ['document'],
    properties: { document: ref('RuleDocument') },
  },
  publish: {
    type: 'object',
    additionalProperties: false,
    properties: {
      docNumber: { type: 'string', maxLength: 200 },
      effectiveDate: { type: 'string', maxLength: 10 },
    },
  },
  approveVersion: {
    type: 'object',
    additionalProperties: false,
    properties: {
      docNumber,
      effectiveDate: isoDate,
    },
  },
  publishRun: {
    type: 'object',
    additionalProperties: false,
    properties: {
      docNumber,
      publishedOn: isoDate,
      appealDays: { type: 'integer', minimum: 0, maximum: 365, default: 15 },
    },
  },
  region: {
    type: 'object',
    additionalProperties: false,
    required: ['code', 'nameZh', 'kind', 'years'],
    properties: {
      code: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' },
      ...regionFields,
    },
  },
  regionUpdate: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    description: 'The fields to change; `code`, when present, must be the code in the path.',
    properties: {
      code: { type: 'string' },
      ...regionFields,
    },
  },
  datasetGrid: {
    type: 'object',
    additionalProperties: false,
    required: ['regions'],
    properties: {
      regions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'values'],
          properties: {
            code: { type: 'string', minLength: 1 },
            name: { type: 'string' },
            values: {
              type: 'object',
              additionalProperties: { type: ['number', 'boolean', 'string', 'null'] },
            },
          },
        },
      },
    },
  },
  createRun: {
    type: 'object',
    additionalProperties: false,
    required: ['versionId', 'year'],
    properties: {
      versionId: { type: 'integer', minimum: 1 },
      year: { type: 'integer', minimum: 1900, maximum: 2999 },
    },
  },
  evaluate: {
    type: 'object',
    additionalProperties: false,
    description: 'A document or a version id, and a dataset or a year whose stored data is used.',
    properties: {
      document: ref('RuleDocument'),
      versionId: { type: 'integer', minimum: 1 },
      year: { type: 'integer', minimum: 1900, maximum: 2999 },
      dataset: ref('Dataset'),
      trace: { type: 'boolean', default: true },
    },
  },
} satisfies Record<string, JsonSchema>;
