/**
 * The store's public API: open the database, then call repository functions with `db` first and,
 * for writes, the acting username last. Reads are synchronous (better-sqlite3); file imports and
 * exports are async (exceljs). Every write runs in one transaction with its audit row.
 *
 * Errors: NotFoundError (404), ConflictError (409, stale revision carries `current`),
 * ValidationError (422, `errors` with `path`, `code`, `message` and for imports `row`/`column`),
 * ImmutableError (409). All extend StoreError with `code`, `status`, `errors`, `toJSON()`.
 *
 * @example
 * const { db } = openDatabase(process.env.ECOSCORE_DB ?? './data/ecoscore.db');
 * await seedIfEmpty(db);
 * const draft = createDraft(db, { from: 4, year: 2026 }, 'alice');
 * updateDraft(db, draft.id, { ...draft.document, maxScore: 100 }, draft.revision, 'alice');
 */
export { openDatabase, databasePathFromEnv, DEFAULT_DB_PATH, MIGRATIONS_FOLDER } from './client.ts';
export type { Db, OpenedDatabase, Schema } from './client.ts';
export * as schema from './schema.ts';
export { ROLES, VERSION_STATUSES, VALUE_SOURCES } from './schema.ts';
export type { Role, VersionStatus, ValueSource, UserRow } from './schema.ts';

export {
  StoreError,
  NotFoundError,
  ConflictError,
  ValidationError,
  ImmutableError,
  isImmutableTriggerError,
} from './errors.ts';
export type { ImportProblem } from './errors.ts';

export { appendAudit, listAudit, nowIso } from './audit.ts';
export type { AuditEntry, AuditFilter, AuditInput, Tx } from './audit.ts';

export {
  listUsers,
  getUser,
  findUserForLogin,
  countUsers,
  createUser,
  updateUser,
  setPasswordHash,
  createSession,
  getSession,
  touchSession,
  deleteSession,
  deleteExpiredSessions,
  deleteUserSessions,
} from './users.ts';
export type { User, NewUser, UserPatch, Session } from './users.ts';

export {
  listRegions,
  getRegion,
  regionsAssessedIn,
  createRegion,
  updateRegion,
  loadRegions,
  parseRegionsCsv,
  parseYears,
  formatYears,
} from './regions.ts';
export type { Region, RegionPatch } from './regions.ts';

export {
  listFamilies,
  listVersions,
  getVersion,
  getEffectiveVersion,
  createDraft,
  updateDraft,
  deleteDraft,
  validateVersion,
  runVersionTests,
  retireVersion,
  blankDocument,
  MAX_DOCUMENT_BYTES,
} from './versions.ts';
export {
  publishVersion,
  requestPublication,
  withdrawPublication,
  approveVersion,
  pendingVersions,
} from './version-publication.ts';
export type { Version, VersionSummary, VersionFilter, CreateDraftInput, PublishOptions } from './versions.ts';
export type { VersionRequest } from './version-publication.ts';

export {
  getDataset,
  datasetForYear,
  listDatasets,
  saveDatasetGrid,
  getRegionValues,
  applyRegionValues,
} from './datasets.ts';
export type { DatasetGrid, DatasetRegion, DatasetSummary, GridInput, ApplyResult } from './datasets.ts';

export {
  createRun,
  listRuns,
  getRun,
  getRunSummary,
  getRunRegion,
  getRunDataset,
  getRunResultTexts,
  withoutTraces,
} from './runs.ts';
export type { RunSummary, RunDetail, RunCounts, PreviousResult, RunFilter } from './runs.ts';

export {
  requestRunPublication,
  withdrawRunPublication,
  approveRunPublication,
  publishRunDirect,
  pendingRunPublications,
  DEFAULT_APPEAL_DAYS,
} from './run-publication.ts';
export type { RunPublication, RunPublicationInput, RunRequest } from './run-publication.ts';
export { listChanges } from './data-changes.ts';
export type { DataChange } from './data-changes.ts';

export { importDataset } from '../io/import.ts';
export type { ImportFormat, ImportOptions, ImportResult } from '../io/import.ts';
export { exportDataset, exportRun } from '../io/export.ts';
export type { ExportFile, ExportFormat } from '../io/export.ts';
export { buildTemplate } from '../io/template.ts';

export { seedIfEmpty } from '../seed.ts';
export type { SeedOptions, SeedReport } from '../seed.ts';
