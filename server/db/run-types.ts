/**
 * The shapes of runs as the API shows them (SPEC sections 7, 10, 11): summaries and details, their
 * publication, the appeal window, last year's result, a region's history and a correction's impact.
 * Types only, with no runtime imports, so the editor imports them too (`import type`).
 */
import type { Grade, RegionError, RegionResult } from '../../engine/types.ts';

/** The appeal window of a run: none (not published), pending (awaiting approval), open, closed. */
export type AppealState = 'none' | 'pending' | 'open' | 'closed';

/** A run's publication as the API shows it. */
export interface RunPublication {
  runId: number;
  status: 'pending' | 'published';
  docNumber: string;
  publishedOn: string;
  appealDays: number;
  /** The last day appeals are open: `publishedOn` + `appealDays` calendar days. */
  appealEndsOn: string;
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  fourEyes: boolean;
  keyId: string | null;
  signature: string | null;
}

/** A recorded request (`POST /api/runs/:id/publish` with four eyes on). */
export interface RunRequest extends RunPublication {
  kind: 'run';
  id: number;
}

export interface RunCounts {
  scored: number;
  /** Regions that could not be scored. */
  errors: number;
  byGrade: Record<string, number>;
}

export interface RunSummary {
  id: number;
  versionId: number;
  family: string;
  year: number;
  version: number;
  status: 'running' | 'finished';
  documentHash: string;
  datasetHash: string;
  engineVersion: string;
  createdBy: string;
  createdAt: string;
  counts: RunCounts;
  /** SHA-256 of the canonical JSON of `{ results, errors }` (null for a run from before hashing). */
  resultsHash: string | null;
  /** Its publication as the year's result: requested (`pending`) or `published`; null when none. */
  publication: RunPublication | null;
  /** A correction run: the run it supersedes (SPEC section 10); else null. */
  supersedes: number | null;
  /** The correction run that supersedes this one, when there is one. */
  supersededBy: number | null;
  /** none: not published; pending: awaiting approval; open: appeals accepted today; closed: after the window. */
  appealState: AppealState;
  /** A correction run: the appeals it applied. */
  corrections: { appeals: number[] } | null;
}

export interface RunWarning {
  region?: string;
  key?: string;
  message: string;
}

/** A run with its ranking: results without traces, ordered by rank then region code. */
export interface RunDetail extends RunSummary {
  grades: Grade[];
  results: RegionResult[];
  errors: RegionError[];
  warnings: RunWarning[];
}

export interface RunFilter {
  year?: number;
  versionId?: number;
  family?: string;
}

/** The previous year's result of a region, from the latest run of the same family for that year. */
export interface PreviousResult {
  runId: number;
  versionId: number;
  year: number;
  result: RegionResult;
}

export interface HistoryPoint {
  year: number;
  runId: number;
  total: number;
  grade: string;
  scoreGrade: string;
  rank: number;
  /** How many regions were ranked in that run. */
  of: number;
}

export interface Standing {
  total: number;
  base: number;
  bonus: number;
  scoreGrade: string;
  grade: string;
  rank: number;
}

export interface RegionImpact {
  region: string;
  name: string;
  changed: boolean;
  before: Standing | null;
  after: Standing | null;
  inputs: { key: string; before: unknown; after: unknown; appeal: number }[];
  items: { id: string; before: number | null; after: number | null; appeal: number | null }[];
  waivers: { kind: 'veto' | 'downgrade' | 'cap'; id: string; appeal: number }[];
}

export interface CorrectionImpact {
  from: number;
  to: number;
  appeals: number[];
  regions: RegionImpact[];
  summary: { regions: number; changed: number; gradeChanged: number; rankChanged: number };
}
