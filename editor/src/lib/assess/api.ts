/**
 * The assessment side of the public API (server/API.md: regions, datasets, runs, audit), built on
 * the shell's client (`request`, `ApiError`); an imported file is sent raw through the same `request`.
 *
 * @example
 * const run = await assessApi.createRun({ versionId: 4, year: 2024 }); // → RunSummary
 * const detail = await assessApi.run(run.id); // ranking without traces
 */
import { query as q, request, type Region } from '$lib/api.ts';
import type { Problem, RegionResult } from '$engine/types.ts';
import type { AuditFilter, AuditListEntry } from '$server/db/audit-types.ts';
import type {
  DatasetGrid as ServerDatasetGrid,
  DatasetRegion as ServerDatasetRegion,
  DatasetSummary,
} from '$server/db/dataset-types.ts';
import type { HistoryPoint, PreviousResult, RunDetail, RunSummary } from '$server/db/run-types.ts';

export type { AuditFilter, DatasetSummary, HistoryPoint, PreviousResult, RunDetail, RunSummary };
export type { RunCounts, RunPublication } from '$server/db/run-types.ts';
export type { ValueSource } from '$server/db/enums.ts';
/** An entry of the audit log as the API lists it (with the actor's display name). */
export type AuditEntry = AuditListEntry;

/** A region as the API returns it (`note`: where the code comes from, remarks). */
export type RegionRow = Region & { note?: string };

/** A problem of a grid write or an import: `row` (1-based, header is row 1) and `column` for files. */
export interface ImportProblem extends Problem {
  row?: number;
  column?: string;
}

/** A cell an import changes (or, previewed, would change); values as JSON text, null when absent. */
export interface ImportChange {
  region: string;
  key: string;
  before: string | null;
  after: string | null;
  beforeSource?: string | null;
  afterSource?: string | null;
}

/** What an import did (or, with `dryRun`, would do: `changes` lists the cells). */
export interface ImportResult {
  imported: number;
  values: number;
  removed: number;
  hash: string;
  /** Cells whose value changes. */
  changed: number;
  /** Cells whose value stays and only the source changes. */
  sourceOnly: number;
  changes?: ImportChange[];
}

/** A region's row of the grid, with its stored values of year − 1 (read-only; the grid's 上年值). */
export type DatasetRegion = ServerDatasetRegion & { lastYear?: Record<string, unknown> };

/** A year's data as `GET /api/datasets/:year` answers it: the grid with last year's values. */
export type DatasetGrid = Omit<ServerDatasetGrid, 'regions'> & { regions: DatasetRegion[] };

/** A region's result with last year's result (the latest run of the same family for the year before). */
export type RegionDetail = RegionResult & { previous: PreviousResult | null };

/** The audit log's page size. */
export const AUDIT_PAGE = 50;

export type ImportFormat = 'csv' | 'xlsx' | 'json';

const CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json',
};

/** The import format a file name implies, or null when it is none of CSV, XLSX, JSON. */
export function formatOfFile(name: string): ImportFormat | null {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'csv' || ext === 'xlsx' || ext === 'json' ? ext : null;
}

export const assessApi = {
  regions: () => request<{ regions: RegionRow[] }>('GET', '/api/regions'),
  createRegion: (r: RegionRow) => request<RegionRow>('POST', '/api/regions', { body: r }),
  updateRegion: (code: string, r: Partial<RegionRow>) =>
    request<RegionRow>('PUT', `/api/regions/${encodeURIComponent(code)}`, { body: r }),

  datasets: () => request<{ datasets: DatasetSummary[] }>('GET', '/api/datasets'),
  dataset: (year: number) => request<DatasetGrid>('GET', `/api/datasets/${year}`),
  /** Saves the grid all-or-nothing; a 422 carries problems with `/regions/<i>/values/<key>` paths. */
  saveDataset: (
    year: number,
    versionId: number,
    regions: { code: string; values: Record<string, unknown> }[],
  ) => request<unknown>('PUT', `/api/datasets/${year}${q({ versionId })}`, { body: { regions } }),
  /** Imports a file all-or-nothing; a 422 lists every problem with its `row` and `column`. */
  importDataset: (
    year: number,
    versionId: number,
    format: ImportFormat,
    body: Blob | ArrayBuffer | string,
    filename?: string,
    dryRun = false,
  ) =>
    request<ImportResult>(
      'POST',
      `/api/datasets/${year}/import${q({ versionId, format, filename, dryRun: dryRun ? 'true' : undefined })}`,
      { file: { body, type: CONTENT_TYPES[format] } },
    ),
  templateUrl: (versionId: number) => `/api/versions/${versionId}/template.xlsx`,
  datasetExportUrl: (year: number, format: ImportFormat, versionId?: number) =>
    `/api/datasets/${year}/export${q({ format, versionId })}`,

  runs: (filter: { year?: number; versionId?: number } = {}) =>
    request<{ runs: RunSummary[] }>('GET', `/api/runs${q(filter)}`),
  createRun: (body: { versionId: number; year: number }) =>
    request<RunSummary>('POST', '/api/runs', { body }),
  run: (id: number) => request<RunDetail>('GET', `/api/runs/${id}`),
  runRegion: (id: number, code: string) =>
    request<RegionDetail>('GET', `/api/runs/${id}/regions/${encodeURIComponent(code)}`),
  /** A region's total, grade and rank in each year (one request; see server/routes/history.ts). */
  regionHistory: (id: number, code: string) =>
    request<{ points: HistoryPoint[] }>('GET', `/api/runs/${id}/regions/${encodeURIComponent(code)}/history`),
  runExportUrl: (id: number, format: 'xlsx' | 'csv') => `/api/runs/${id}/export${q({ format })}`,

  audit: (filter: AuditFilter) =>
    request<{ entries: AuditEntry[]; total: number }>('GET', `/api/audit${q({ ...filter })}`),
};
