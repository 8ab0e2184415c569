/**
 * The JSON Schemas of the API: request bodies (validated with ajv) and responses (documented, and
 * checked against in tests). The OpenAPI document is built from these and the route registry.
 * A schema refers to another with `ref('Name')`; the OpenAPI builder rewrites that to
 * `#/components/schemas/Name`.
 */
import ruleDocumentSchema from '../../rules/schema/rule-document.schema.json' with { type: 'json' };

export type JsonSchema = Record<string, unknown>;

/** The base of the ids under which component schemas are registered with ajv. */
export const SCHEMA_ID_PREFIX = 'https://ecoscore.example/api/schemas/';

/** A reference to a component schema. */
export function ref(name: string): JsonSchema {
  return { $ref: SCHEMA_ID_PREFIX + name };
}

const label: JsonSchema = {
  type: 'object',
  required: ['zh'],
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
};
const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };
const bool = { type: 'boolean' };
const isoTime = { type: 'string', format: 'date-time' };
const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: 'null' }] });
const strings = { type: 'array', items: str };
const obj = (
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
const scalar = { type: ['number', 'boolean', 'string'] };

/** Named schemas, published under `components.schemas` of the OpenAPI document. */
export const componentSchemas: Record<string, JsonSchema> = {
  ProblemEntry: {
    type: 'object',
    description: 'One problem: JSON pointer, stable code, message (zh / en). Imports add row and column.',
    required: ['path', 'code', 'message'],
    properties: { path: str, code: str, message: str, row: int, column: { type: ['string', 'integer'] } },
  },
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details (application/problem+json).',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: str,
      title: str,
      status: int,
      detail: str,
      code: str,
      errors: { type: 'array', items: ref('ProblemEntry') },
    },
  },
  Label: label,
  RuleDocument: ruleDocumentSchema as JsonSchema,
  User: obj(
    {
      id: int,
      username: str,
      displayName: str,
      role: { enum: [...ROLES] },
      region: {
        type: ['string', 'null'],
        description: '地区账号绑定的地区代码 / the region of a region account',
      },
      locale: { enum: [...LOCALES] },
      disabled: bool,
    },
    ['id', 'username', 'displayName', 'role', 'locale'],
  ),
  VersionSummary: obj(
    {
      id: int,
      family: str,
      year: int,
      version: int,
      status: { enum: ['draft', 'published', 'retired'] },
      revision: int,
      contentHash: str,
      title: label,
      parentId: nullable(int),
      createdBy: nullable(str),
      createdAt: isoTime,
      updatedAt: isoTime,
      publishedBy: nullable(str),
      publishedAt: nullable(isoTime),
      retiredAt: nullable(isoTime),
      docNumber: nullable(str),
      effectiveDate: nullable(str),
      effective: bool,
      requestedBy: nullable(str),
      requestedAt: nullable(isoTime),
      pending: bool,
      fourEyes: bool,
      keyId: nullable(str),
      signature: nullable(str),
    },
    ['id', 'family', 'year', 'version', 'status', 'revision', 'contentHash', 'title'],
  ),
  VersionRequest: obj(
    {
      status: { const: 'pending' },
      kind: { const: 'version' },
      id: int,
      requestedBy: str,
      requestedAt: isoTime,
      version: ref('VersionSummary'),
    },
    ['status', 'kind', 'id', 'requestedBy', 'requestedAt', 'version'],
  ),
  RunPublication: obj(
    {
      runId: int,
      status: { enum: ['pending', 'published'] },
      docNumber: str,
      publishedOn: str,
      appealDays: int,
      appealEndsOn: str,
      requestedBy: str,
      requestedAt: isoTime,
      approvedBy: nullable(str),
      approvedAt: nullable(isoTime),
      fourEyes: bool,
      keyId: nullable(str),
      signature: nullable(str),
    },
    ['runId', 'status', 'docNumber', 'publishedOn', 'appealDays', 'appealEndsOn', 'requestedBy'],
  ),
  PublicKey: obj({ algorithm: { const: 'Ed25519' }, keyId: str, publicKey: str, createdAt: str }, [
    'algorithm',
    'keyId',
    'publicKey',
  ]),
  DataChange: obj(
    {
      id: int,
      auditId: int,
      year: int,
      region: str,
      key: str,
      before: {},
      after: {},
      beforeSource: nullable(str),
      afterSource: nullable(str),
      user: str,
      displayName: nullable(str),
      at: isoTime,
      action: str,
    },
    ['id', 'year', 'region', 'key', 'before', 'after', 'user', 'at'],
  ),
  Version: {
    allOf: [
      ref('VersionSummary'),
      { type: 'object', required: ['document'], properties: { document: ref('RuleDocument') } },
    ],
  },
  Family: obj({ family: str, title: label, versions: { type: 'array', items: ref('VersionSummary') } }),
  TestOutcome: obj(
    {
      name: str,
      passed: bool,
      failures: { type: 'array', items: obj({ field: str, expected: {}, actual: {} }, ['field']) },
      errors: { type: 'array', items: ref('RegionError') },
    },
    ['name', 'passed', 'failures'],
  ),
  Region: obj(
    {
      code: str,
      nameZh: str,
      nameEn: str,
      kind: str,
      note: str,
      years: { type: 'array', items: int },
      active: bool,
    },
    ['code', 'nameZh', 'kind', 'years', 'active'],
  ),
  DatasetSummary: obj({ year: int, regions: int, values: int, updatedAt: nullable(isoTime) }, [
    'year',
    'regions',
    'values',
  ]),
  DatasetGrid: obj(
    {
      year: int,
      hash: str,
      regions: {
        type: 'array',
        items: obj(
          {
            code: str,
            name: str,
            values: { type: 'object', additionalProperties: scalar },
            sources: { type: 'object', additionalProperties: str },
          },
          ['code', 'values'],
        ),
      },
    },
    ['year', 'regions'],
  ),
  ItemResult: obj(
    { id: str, label, points: num, maxPoints: num, raw: num, clamped: bool, trace: { type: 'object' } },
    ['id', 'points'],
  ),
  RegionResult: obj(
    {
      region: str,
      name: str,
      total: num,
      base: num,
      bonus: num,
      scoreGrade: str,
      grade: str,
      rank: int,
      vetoes: strings,
      downgrades: strings,
      caps: strings,
      categories: {
        type: 'array',
        items: obj(
          { id: str, label, points: num, maxPoints: num, items: { type: 'array', items: ref('ItemResult') } },
          ['id', 'points', 'items'],
        ),
      },
      bonusItems: { type: 'array', items: ref('ItemResult') },
    },
    [
      'region',
      'total',
      'base',
      'bonus',
      'scoreGrade',
      'grade',
      'rank',
      'vetoes',
      'downgrades',
      'caps',
      'categories',
    ],
  ),
  RegionError: obj({ region: str, name: str, key: str, item: str, code: str, message: str, location: str }, [
    'code',
    'message',
  ]),
  Evaluation: obj({
    rules: obj({ family: str, year: int, hash: str }),
    dataset: obj({ year: int, hash: str }, ['hash']),
    results: { type: 'array', items: ref('RegionResult') },
    errors: { type: 'array', items: ref('RegionError') },
    warnings: { type: 'array', items: { type: 'object' } },
  }),
  Dataset: {
    type: 'object',
    description: 'SPEC section 4 data: one entry per region with its input values.',
    required: ['regions'],
    properties: {
      year: int,
      regions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['code', 'values'],
          properties: { code: { type: 'string', minLength: 1 }, name: str, values: { type: 'object' } },
        },
      },
    },
  },
  RunSummary: obj(
    {
      id: int,
      versionId: int,
      family: str,
      year: int,
      version: int,
      status: str,
      documentHash: str,
      datasetHash: str,
      engineVersion: str,
      createdBy: nullable(str),
      createdAt: isoTime,
      counts: obj({ scored: int, errors: int, byGrade: { type: 'object', additionalProperties: int } }),
      resultsHash: nullable(str),
      publication: { anyOf: [ref('RunPublication'), { type: 'null' }] },
      supersedes: nullable(int),
      supersededBy: nullable(int),
      appealState: { enum: ['none', 'pending', 'open', 'closed'] },
      corrections: nullable(obj({ appeals: { type: 'array', items: int } }, ['appeals'])),
    },
    ['id', 'versionId', 'year', 'status', 'documentHash', 'datasetHash', 'counts'],
  ),
  CorrectionImpact: obj({
    from: int,
    to: int,
    appeals: { type: 'array', items: int },
    regions: {
      type: 'array',
      items: obj({
        region: str,
        name: str,
        changed: bool,
        before: nullable(obj({ total: num, base: num, bonus: num, scoreGrade: str, grade: str, rank: int })),
        after: nullable(obj({ total: num, base: num, bonus: num, scoreGrade: str, grade: str, rank: int })),
        inputs: { type: 'array', items: obj({ key: str, before: {}, after: {}, appeal: int }) },
        items: { type: 'array', items: obj({ id: str, before: num, after: num, appeal: nullable(int) }) },
        waivers: {
          type: 'array',
          items: obj({ kind: { enum: ['veto', 'downgrade', 'cap'] }, id: str, appeal: int }),
        },
      }),
    },
    summary: obj({ regions: int, changed: int, gradeChanged: int, rankChanged: int }),
  }),
  ConsequenceConfig: obj({
    lists: {
      type: 'array',
      items: obj({
        kind: { enum: ['interview', 'criticism', 'restriction'] },
        criteria: { type: 'array', items: { enum: ['failed', 'vetoed', 'downgraded', 'worse'] } },
      }),
    },
  }),
  FamilyConsequences: {
    allOf: [
      ref('ConsequenceConfig'),
      obj({ family: str, updatedBy: nullable(str), updatedAt: nullable(isoTime) }),
    ],
  },
  RunConsequences: obj({
    runId: int,
    recorded: nullable(obj({ by: str, at: isoTime, auditHash: nullable(str) })),
    config: ref('ConsequenceConfig'),
    lists: {
      type: 'array',
      items: obj({
        kind: { enum: ['interview', 'criticism', 'restriction'] },
        label: obj({ zh: str, en: str }),
        regions: {
          type: 'array',
          items: obj({
            region: str,
            name: str,
            grade: str,
            gradeLabel: str,
            reasons: {
              type: 'array',
              items: obj({ criterion: { enum: ['failed', 'vetoed', 'downgraded', 'worse'] }, message: str }),
            },
          }),
        },
      }),
    },
  }),
  RegionData: obj({
    year: int,
    region: str,
    name: str,
    values: { type: 'object', additionalProperties: scalar },
    sources: { type: 'object', additionalProperties: str },
  }),
  Evidence: obj(
    {
      id: int,
      appealId: int,
      filename: str,
      contentType: { enum: ['application/pdf', 'image/png', 'image/jpeg'] },
      size: int,
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      uploadedBy: str,
      uploadedAt: isoTime,
      url: str,
    },
    ['id', 'appealId', 'filename', 'contentType', 'size', 'sha256', 'uploadedBy', 'uploadedAt', 'url'],
  ),
  Appeal: obj(
    {
      id: int,
      runId: int,
      family: str,
      year: int,
      region: str,
      regionName: str,
      target: obj({ kind: { enum: ['input', 'item', 'veto', 'downgrade', 'cap'] }, key: str, id: str }, [
        'kind',
      ]),
      targetLabel: nullable(str),
      current: { type: ['object', 'null'] },
      claim: str,
      requested: { type: ['object', 'null'] },
      state: { enum: ['open', 'accepted', 'rejected'] },
      filedBy: str,
      filedByName: str,
      filedAt: isoTime,
      evidence: { type: 'array', items: ref('Evidence') },
      decision: nullable(
        obj(
          {
            decision: { enum: ['accepted', 'rejected'] },
            reason: str,
            value: {},
            points: { type: 'number' },
            decidedBy: str,
            decidedByName: str,
            decidedAt: isoTime,
          },
          ['decision', 'reason', 'decidedBy', 'decidedAt'],
        ),
      ),
      appliedIn: { type: 'array', items: int },
    },
    [
      'id',
      'runId',
      'region',
      'target',
      'claim',
      'state',
      'filedBy',
      'filedAt',
      'evidence',
      'decision',
      'appliedIn',
    ],
  ),
  Run: {
    allOf: [
      ref('RunSummary'),
      obj({
        grades: { type: 'array', items: { type: 'object' } },
        results: { type: 'array', items: ref('RegionResult') },
        errors: { type: 'array', items: ref('RegionError') },
      }),
    ],
  },
  AuditEntry: obj(
    {
      id: int,
      at: isoTime,
      user: nullable(str),
      action: str,
      entity: str,
      entityId: nullable(str),
      beforeHash: nullable(str),
      afterHash: nullable(str),
      detail: {},
      hash: nullable(str),
      displayName: nullable(str),
    },
    ['id', 'at', 'action', 'entity'],
  ),
  DiffResult: {
    type: 'object',
    description: 'SPEC section 6: structural changes, and the impact per region when a year is given.',
    required: ['changes'],
    properties: {
      changes: {
        type: 'array',
        items: obj(
          {
            kind: { enum: ['added', 'removed', 'changed'] },
            target: str,
            id: str,
            category: str,
            fields: {},
          },
          ['kind', 'target', 'id'],
        ),
      },
      impact: { type: 'array', items: { type: 'object' } },
    },
  },
};

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
      docNumber: { type: 'string', maxLength: 200, description: '文号, e.g. 吉环考〔2026〕3号' },
      effectiveDate: { type: 'string', maxLength: 10, description: 'YYYY-MM-DD' },
    },
  },
  publishRun: {
    type: 'object',
    additionalProperties: false,
    properties: {
      docNumber: { type: 'string', maxLength: 200, description: '文号, e.g. 吉环考〔2026〕3号' },
      publishedOn: { type: 'string', maxLength: 10, description: 'YYYY-MM-DD' },
      appealDays: { type: 'integer', minimum: 0, maximum: 365, default: 15 },
    },
  },
  region: {
    type: 'object',
    additionalProperties: false,
    required: ['code', 'nameZh', 'kind', 'years'],
    properties: {
      code: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' },
      nameZh: { type: 'string', minLength: 1, maxLength: 100 },
      nameEn: { type: 'string', maxLength: 200 },
      kind: { type: 'string', minLength: 1, maxLength: 50 },
      note: { type: 'string', maxLength: 1000 },
      years: { type: 'array', items: { type: 'integer', minimum: 1900, maximum: 2999 }, uniqueItems: true },
      active: { type: 'boolean' },
    },
  },
  regionUpdate: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    description: 'The fields to change; `code`, when present, must be the code in the path.',
    properties: {
      code: { type: 'string' },
      nameZh: { type: 'string', minLength: 1, maxLength: 100 },
      nameEn: { type: 'string', maxLength: 200 },
      kind: { type: 'string', minLength: 1, maxLength: 50 },
      note: { type: 'string', maxLength: 1000 },
      years: { type: 'array', items: { type: 'integer', minimum: 1900, maximum: 2999 }, uniqueItems: true },
      active: { type: 'boolean' },
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
