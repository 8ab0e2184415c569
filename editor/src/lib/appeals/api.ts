/**
 * The appeals side of the public API (SPEC section 10, server/API.md): appeals (申诉) and their
 * evidence, decisions (复核), correction runs and their impact, consequences (约谈 / 通报批评 /
 * 区域限批), and a region's own data. JSON goes through the shell's `request` (same origin, the
 * session cookie, problem+json errors), evidence files too (sent raw).
 *
 * @example
 * const { appeals, counts } = await appealsApi.list({ runId: 3 });
 * const a = await appealsApi.file({ runId: 3, region: '220100', target: { kind: 'input', key: 'pm25' }, claim: '…' });
 */
import { query as q, request } from '$lib/api.ts';
import type { RunSummary } from '$lib/assess/api.ts';
import type { AppealTarget, Requested } from './targets.ts';
import type { Appeal, AppealState, Evidence } from '$server/db/appeal-shapes.ts';
import type { CorrectionImpact, RegionImpact, Standing } from '$server/db/run-types.ts';

export type { Appeal, AppealState, Decision, Evidence } from '$server/db/appeal-shapes.ts';

export interface AppealCounts {
  open: number;
  accepted: number;
  rejected: number;
  total: number;
}

/** A region's total, grade and rank before or after a correction. */
export type ResultFigures = Standing;
export type ImpactRegion = RegionImpact;
export type Impact = CorrectionImpact;

export type ConsequenceKind = 'interview' | 'criticism' | 'restriction';
export type ConsequenceCriterion = 'failed' | 'vetoed' | 'downgraded' | 'worse';

export interface ConsequenceList {
  kind: ConsequenceKind;
  label: { zh: string; en?: string };
  regions: {
    region: string;
    name: string;
    grade: string;
    gradeLabel: string;
    reasons: { criterion: ConsequenceCriterion; message: string }[];
  }[];
}

export interface Consequences {
  runId: number;
  recorded: { by: string; at: string; auditHash: string } | null;
  config: { lists: { kind: ConsequenceKind; criteria: ConsequenceCriterion[] }[] };
  lists: ConsequenceList[];
}

export interface RegionData {
  year: number;
  region: string;
  name: string;
  values: Record<string, unknown>;
  sources?: Record<string, string>;
}

export const appealsApi = {
  list: (filter: { runId?: number; region?: string; state?: AppealState } = {}) =>
    request<{ appeals: Appeal[]; counts: AppealCounts }>('GET', `/api/appeals${q(filter)}`),
  get: (id: number) => request<Appeal>('GET', `/api/appeals/${id}`),
  file: (body: {
    runId: number;
    region: string;
    target: AppealTarget;
    claim: string;
    requested?: Requested;
  }) => request<Appeal>('POST', '/api/appeals', { body }),
  addEvidence: (id: number, file: Blob, filename: string, contentType: string) =>
    request<Evidence>('POST', `/api/appeals/${id}/evidence${q({ filename })}`, {
      file: { body: file, type: contentType },
    }),
  decide: (
    id: number,
    body: { decision: 'accepted' | 'rejected'; reason: string; value?: unknown; points?: number },
  ) => request<Appeal>('POST', `/api/appeals/${id}/decision`, { body }),

  correct: (runId: number, appeals: number[]) =>
    request<RunSummary>('POST', `/api/runs/${runId}/corrections`, { body: { appeals } }),
  impact: (runId: number) => request<Impact>('GET', `/api/runs/${runId}/impact`),

  consequences: (runId: number) => request<Consequences>('GET', `/api/runs/${runId}/consequences`),
  recordConsequences: (runId: number) => request<Consequences>('POST', `/api/runs/${runId}/consequences`),
  consequencesExportUrl: (runId: number, format: 'csv' | 'xlsx') =>
    `/api/runs/${runId}/consequences/export${q({ format })}`,

  regionData: (year: number, code: string) =>
    request<RegionData>('GET', `/api/datasets/${year}/regions/${encodeURIComponent(code)}`),
};
