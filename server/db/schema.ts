/**
 * The database schema (SPEC section 5): users and sessions, regions, rule families and versions,
 * yearly data, assessment runs and the audit log. camelCase keys in code, snake_case columns in SQL.
 * Timestamps are ISO 8601 UTC strings (`2025-04-30T08:00:00.000Z`), so they sort as text and reach
 * the API unchanged. JSON columns hold `JSON.stringify` text.
 *
 * Immutability (published/retired rule versions, finished runs and their results, the audit log) is
 * enforced by triggers in the custom migration `migrations/*_immutability.sql`, not only in code;
 * `migrations/*_replace_guard.sql` adds BEFORE INSERT triggers so that `REPLACE` (which deletes
 * without firing DELETE triggers) cannot overwrite those rows either.
 */
import { sql } from 'drizzle-orm';
import {
  blob,
  check,
  index,
  integer,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';

import { RUN_STATUSES, ROLES, VERSION_STATUSES, type ValueSource } from './enums.ts';
export { RUN_STATUSES, ROLES, VALUE_SOURCES, VERSION_STATUSES } from './enums.ts';
export type { Role, RunStatus, ValueSource, VersionStatus } from './enums.ts';

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Owned by the auth module (format of its choosing, e.g. `scrypt$…`). */
    passwordHash: text('password_hash').notNull(),
    locale: text('locale', { enum: ['zh', 'en'] })
      .notNull()
      .default('zh'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** The region code a `region` account is bound to (null for every other role). */
    region: text('region').references(() => regions.code),
  },
  (t) => [
    uniqueIndex('users_username_unique').on(t.username),
    check('users_role_check', sql`${t.role} IN ('admin', 'editor', 'assessor', 'reviewer', 'region')`),
    check('users_locale_check', sql`${t.locale} IN ('zh', 'en')`),
    check('users_region_check', sql`(${t.role} = 'region') = (${t.region} IS NOT NULL)`),
  ],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** The session id (the auth module decides whether it stores the token or a hash of it). */
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
  },
  (t) => [index('sessions_user_id').on(t.userId), index('sessions_expires_at').on(t.expiresAt)],
);

export const regions = sqliteTable(
  'regions',
  {
    code: text('code').primaryKey(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull().default(''),
    kind: text('kind').notNull(),
    note: text('note').notNull().default(''),
    /** The years this region is assessed, ascending (JSON array of integers). */
    years: text('years', { mode: 'json' }).$type<number[]>().notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** Display order (the order of the source CSV). */
    position: integer('position').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('regions_position').on(t.position)],
);

export const ruleFamilies = sqliteTable('rule_families', {
  family: text('family').primaryKey(),
  /** The highest version number ever given in this family: numbers only grow, even after a draft is deleted. */
  lastVersion: integer('last_version').notNull().default(0),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
});

export const ruleVersions = sqliteTable(
  'rule_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    family: text('family')
      .notNull()
      .references(() => ruleFamilies.family),
    year: integer('year').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: VERSION_STATUSES }).notNull().default('draft'),
    /** Incremented on every draft update (optimistic concurrency, the HTTP ETag). */
    revision: integer('revision').notNull().default(1),
    /** The rule document as JSON text. */
    document: text('document').notNull(),
    /** Engine `contentHash` of the document (SHA-256 of RFC 8785 canonical JSON). */
    contentHash: text('content_hash').notNull(),
    /** The version this one was copied from (a draft parent's deletion is refused while referenced by a non-draft). */
    parentId: integer('parent_id').references((): AnySQLiteColumn => ruleVersions.id),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: text('updated_at').notNull(),
    publishedBy: text('published_by'),
    publishedAt: text('published_at'),
    retiredBy: text('retired_by'),
    retiredAt: text('retired_at'),
    /** 文号: the official document number, recorded at publication. */
    docNumber: text('doc_number'),
    /** ISO date (YYYY-MM-DD) the rules take effect, recorded at publication. */
    effectiveDate: text('effective_date'),
    /** Who asked for publication (four eyes); a draft with a request cannot be edited. */
    requestedBy: text('requested_by'),
    requestedAt: text('requested_at'),
    /** False when published without a second person (`ECOSCORE_FOUR_EYES=0`, or before four eyes existed). */
    fourEyes: integer('four_eyes', { mode: 'boolean' }).notNull().default(true),
    /** The signing key and Ed25519 signature of `contentHash`, set at approval. */
    keyId: text('key_id'),
    signature: text('signature'),
    /** The hash of the audit entry that published this version. */
    approvalAuditHash: text('approval_audit_hash'),
  },
  (t) => [
    uniqueIndex('rule_versions_family_version').on(t.family, t.version),
    index('rule_versions_family_year').on(t.family, t.year),
    // The effective version: at most one published version per family and year.
    uniqueIndex('rule_versions_one_published')
      .on(t.family, t.year)
      .where(sql`status = 'published'`),
    check('rule_versions_status_check', sql`${t.status} IN ('draft', 'published', 'retired')`),
    check('rule_versions_revision_check', sql`${t.revision} >= 1`),
  ],
);

export const datasetValues = sqliteTable(
  'dataset_values',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    year: integer('year').notNull(),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    key: text('key').notNull(),
    /** The value as JSON text (`31.5`, `true`, `"national"`). */
    value: text('value').notNull(),
    source: text('source').$type<ValueSource>().notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('dataset_values_year_region_key').on(t.year, t.regionCode, t.key),
    check(
      'dataset_values_source_check',
      sql`${t.source} IN ('provincial', 'national', 'manual', 'import') OR (${t.source} GLOB 'appeal:[1-9]*' AND substr(${t.source}, 8) NOT GLOB '*[^0-9]*')`,
    ),
  ],
);

export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    versionId: integer('version_id')
      .notNull()
      .references(() => ruleVersions.id),
    year: integer('year').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    documentHash: text('document_hash').notNull(),
    datasetHash: text('dataset_hash').notNull(),
    /** The exact dataset evaluated (SPEC section 4 JSON), so the figures behind a grade stay known. */
    dataset: text('dataset').notNull(),
    engineVersion: text('engine_version').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    scored: integer('scored').notNull().default(0),
    /** Number of regions that could not be scored. */
    errorCount: integer('error_count').notNull().default(0),
    /** `{ gradeId: count }` over the final grades, JSON text. */
    byGrade: text('by_grade', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    /** Engine warnings (unknown keys, …), JSON text. */
    warnings: text('warnings').notNull().default('[]'),
    /** SHA-256 of the canonical JSON of `{ results, errors }` (the stored objects), set when finished. */
    resultsHash: text('results_hash'),
    /** The hash of the audit entry that finished the run. */
    auditHash: text('audit_hash'),
    /** The signing key and Ed25519 signature of the run's seal (server/trust/seal.ts). */
    keyId: text('key_id'),
    signature: text('signature'),
    /** A correction run (SPEC section 10): the run it supersedes (one correction per run). */
    supersedes: integer('supersedes').references((): AnySQLiteColumn => runs.id),
    /** A correction run: what it applied, JSON text of `RunCorrections` (server/db/corrections.ts). */
    corrections: text('corrections'),
  },
  (t) => [
    index('runs_year').on(t.year),
    uniqueIndex('runs_one_correction')
      .on(t.supersedes)
      .where(sql`supersedes IS NOT NULL`),
    index('runs_version_id').on(t.versionId),
    check('runs_status_check', sql`${t.status} IN ('running', 'finished')`),
  ],
);

export const runResults = sqliteTable(
  'run_results',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    /** 0-based order within the run: by rank, then region code. */
    position: integer('position').notNull(),
    regionCode: text('region_code').notNull(),
    rank: integer('rank').notNull(),
    grade: text('grade').notNull(),
    total: real('total').notNull(),
    /** The engine's RegionResult with traces, JSON text. */
    result: text('result').notNull(),
  },
  (t) => [
    uniqueIndex('run_results_run_region').on(t.runId, t.regionCode),
    uniqueIndex('run_results_run_position').on(t.runId, t.position),
  ],
);

export const runErrors = sqliteTable(
  'run_errors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    /** 0-based order within the run: by region code, then the engine's order. */
    position: integer('position').notNull(),
    regionCode: text('region_code').notNull(),
    /** The engine's RegionError, JSON text. */
    error: text('error').notNull(),
  },
  (t) => [uniqueIndex('run_errors_run_position').on(t.runId, t.position)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    /** Username of the actor (`system` for the seed). */
    user: text('user').notNull(),
    /** `version.create`, `version.update`, `version.publish`, `dataset.import`, `run.create`, … */
    action: text('action').notNull(),
    /** `version`, `family`, `region`, `dataset`, `run`, `user`, `session`, … */
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    beforeHash: text('before_hash'),
    afterHash: text('after_hash'),
    /** Free-form JSON object with what else is worth knowing. */
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** SHA-256(previous row's hash + canonical JSON of this row), server/trust/chain.ts. */
    hash: text('hash'),
  },
  (t) => [
    uniqueIndex('audit_log_hash').on(t.hash),
    index('audit_log_at').on(t.at),
    index('audit_log_entity').on(t.entity, t.entityId),
    index('audit_log_user').on(t.user),
    index('audit_log_action').on(t.action),
  ],
);

/** Public keys that signed versions and runs (the private key lives in a file, `ECOSCORE_KEY_FILE`). */
export const signingKeys = sqliteTable('signing_keys', {
  keyId: text('key_id').primaryKey(),
  algorithm: text('algorithm').notNull(),
  publicKey: text('public_key').notNull(),
  createdAt: text('created_at').notNull(),
});

export const RUN_PUBLICATION_STATUSES = ['pending', 'published'] as const;

/** A run's publication as the result of its year: requested, then approved by another person. */
export const runPublications = sqliteTable(
  'run_publications',
  {
    runId: integer('run_id')
      .primaryKey()
      .references(() => runs.id),
    family: text('family').notNull(),
    year: integer('year').notNull(),
    status: text('status', { enum: RUN_PUBLICATION_STATUSES }).notNull(),
    docNumber: text('doc_number').notNull(),
    publishedOn: text('published_on').notNull(),
    appealDays: integer('appeal_days').notNull(),
    /** publishedOn + appealDays (YYYY-MM-DD): the last day appeals are open. */
    appealEndsOn: text('appeal_ends_on').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: text('requested_at').notNull(),
    approvedBy: text('approved_by'),
    approvedAt: text('approved_at'),
    fourEyes: integer('four_eyes', { mode: 'boolean' }).notNull().default(true),
    keyId: text('key_id'),
    signature: text('signature'),
    auditHash: text('audit_hash'),
    /** A correction run's publication: the run it supersedes (published before it). */
    supersedes: integer('supersedes').references(() => runs.id),
  },
  (t) => [
    uniqueIndex('run_publications_one_published')
      .on(t.family, t.year)
      .where(sql`status = 'published' AND supersedes IS NULL`),
    uniqueIndex('run_publications_one_correction')
      .on(t.supersedes)
      .where(sql`status = 'published' AND supersedes IS NOT NULL`),
    check('run_publications_status_check', sql`${t.status} IN ('pending', 'published')`),
    check('run_publications_appeal_days_check', sql`${t.appealDays} BETWEEN 0 AND 365`),
  ],
);

/** One changed cell of a year's data (grid edits, imports, seed), written with its audit entry. */
export const dataChanges = sqliteTable(
  'data_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    auditId: integer('audit_id')
      .notNull()
      .references(() => auditLog.id),
    year: integer('year').notNull(),
    regionCode: text('region_code').notNull(),
    key: text('key').notNull(),
    /** JSON text of the value before (null: there was none) and after (null: removed). */
    before: text('before'),
    after: text('after'),
    beforeSource: text('before_source'),
    afterSource: text('after_source'),
    user: text('user').notNull(),
    at: text('at').notNull(),
  },
  (t) => [
    index('data_changes_cell').on(t.year, t.regionCode, t.key),
    index('data_changes_audit').on(t.auditId),
  ],
);

/** Settings groups (`documents`, …): a JSON object per key; a missing row means the defaults. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  /** The group's value as JSON text. */
  value: text('value').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const APPEAL_TARGET_KINDS = ['input', 'item', 'veto', 'downgrade', 'cap'] as const;
export type AppealTargetKind = (typeof APPEAL_TARGET_KINDS)[number];

/** An appeal (申诉) against one target of one region's result in a published run. Append-only. */
export const appeals = sqliteTable(
  'appeals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    targetKind: text('target_kind', { enum: APPEAL_TARGET_KINDS }).notNull(),
    /** The input key or the item / veto / downgrade / cap id. */
    targetId: text('target_id').notNull(),
    claim: text('claim').notNull(),
    /** JSON text of `{ value }` or `{ points }`, or null. */
    requested: text('requested'),
    filedBy: text('filed_by').notNull(),
    filedAt: text('filed_at').notNull(),
    auditHash: text('audit_hash'),
  },
  (t) => [
    index('appeals_run_region').on(t.runId, t.regionCode),
    check('appeals_target_kind_check', sql`${t.targetKind} IN ('input', 'item', 'veto', 'downgrade', 'cap')`),
  ],
);

/** An evidence file of an appeal (PDF, PNG or JPEG, at most 10 MiB), with its SHA-256. Append-only. */
export const appealEvidence = sqliteTable(
  'appeal_evidence',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: blob('content', { mode: 'buffer' }).notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    uploadedAt: text('uploaded_at').notNull(),
  },
  (t) => [index('appeal_evidence_appeal').on(t.appealId)],
);

/** The decision (复核) on an appeal, by another person than its filer. Append-only. */
export const appealDecisions = sqliteTable('appeal_decisions', {
  appealId: integer('appeal_id')
    .primaryKey()
    .references(() => appeals.id),
  decision: text('decision', { enum: ['accepted', 'rejected'] }).notNull(),
  reason: text('reason').notNull(),
  /** JSON text of the corrected input value (accepted input appeals). */
  value: text('value'),
  /** The adjusted points (accepted item appeals). */
  points: real('points'),
  decidedBy: text('decided_by').notNull(),
  decidedAt: text('decided_at').notNull(),
  auditHash: text('audit_hash'),
});

/** Which correction run applied an appeal (each appeal once). Append-only. */
export const correctionAppeals = sqliteTable('correction_appeals', {
  appealId: integer('appeal_id')
    .primaryKey()
    .references(() => appeals.id),
  runId: integer('run_id')
    .notNull()
    .references(() => runs.id),
});

/** The consequences (约谈 / 通报批评 / 区域限批) recorded with a run. Append-only. */
export const runConsequences = sqliteTable('run_consequences', {
  runId: integer('run_id')
    .primaryKey()
    .references(() => runs.id),
  config: text('config').notNull(),
  lists: text('lists').notNull(),
  recordedBy: text('recorded_by').notNull(),
  recordedAt: text('recorded_at').notNull(),
  auditHash: text('audit_hash'),
});

export type AppealRow = typeof appeals.$inferSelect;
export type AppealEvidenceRow = typeof appealEvidence.$inferSelect;
export type AppealDecisionRow = typeof appealDecisions.$inferSelect;
export type RunConsequencesRow = typeof runConsequences.$inferSelect;

/**
 * Failed sign-ins per key (`u:<username>|<address>`, `a:<address>`), shared by every server process
 * on the database (server/auth/throttle.ts). Times are epoch milliseconds.
 */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailure: integer('last_failure').notNull(),
  lockedUntil: integer('locked_until').notNull(),
});

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;
export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type RegionRow = typeof regions.$inferSelect;
export type NewRegionRow = typeof regions.$inferInsert;
export type RuleFamilyRow = typeof ruleFamilies.$inferSelect;
export type RuleVersionRow = typeof ruleVersions.$inferSelect;
export type NewRuleVersionRow = typeof ruleVersions.$inferInsert;
export type DatasetValueRow = typeof datasetValues.$inferSelect;
export type NewDatasetValueRow = typeof datasetValues.$inferInsert;
export type RunRow = typeof runs.$inferSelect;
export type NewRunRow = typeof runs.$inferInsert;
export type RunResultRow = typeof runResults.$inferSelect;
export type RunErrorRow = typeof runErrors.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;
export type SigningKeyRow = typeof signingKeys.$inferSelect;
export type RunPublicationRow = typeof runPublications.$inferSelect;
export type DataChangeRow = typeof dataChanges.$inferSelect;
export type SettingRow = typeof settings.$inferSelect;
