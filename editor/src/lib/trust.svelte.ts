/**
 * Four eyes and tamper evidence in the editor: the pending publication requests (the navigation
 * badge and the approvals page), run publication, the sealed run, and the cell history of the data.
 * Everything goes through the public API (server/API.md).
 */
import { request } from './api.ts';
import type { RunPublication } from './assess/api.ts';
import type { VersionSummary } from './api.ts';
import type { DataChange } from '$server/db/audit-types.ts';

export interface PendingVersion extends VersionSummary {
  canApprove: boolean;
}

export interface PendingRun extends RunPublication {
  family: string;
  year: number;
  version: number;
  canApprove: boolean;
}

export interface Approvals {
  versions: PendingVersion[];
  runs: PendingRun[];
  /** How many the current user may approve. */
  mine: number;
  fourEyes: boolean;
}

export type { DataChange };

/** `吉环考〔2026〕3号`: issuer, year in 〔〕, number without leading zeros, 号 (as the server checks). */
export const DOC_NUMBER = /^[\p{Script=Han}A-Za-z]{1,20}〔(19\d{2}|2\d{3})〕([1-9]\d{0,5})号$/u;

export const trustApi = {
  approvals: () => request<Approvals>('GET', '/api/approvals'),
  publishRun: (id: number, body: { docNumber: string; publishedOn: string; appealDays?: number }) =>
    request<RunPublication>('POST', `/api/runs/${id}/publish`, { body }),
  approveRun: (id: number) => request<RunPublication>('POST', `/api/runs/${id}/approve`),
  withdrawRun: (id: number) => request<void>('POST', `/api/runs/${id}/withdraw`),
  sealedUrl: (id: number) => `/api/runs/${id}/sealed`,
  cellHistory: (year: number, region: string, key: string) =>
    request<{ changes: DataChange[]; total: number }>(
      'GET',
      `/api/datasets/${year}/regions/${encodeURIComponent(region)}/values/${encodeURIComponent(key)}/history`,
    ),
  regionHistory: (year: number, region: string) =>
    request<{ changes: DataChange[]; total: number }>(
      'GET',
      `/api/datasets/${year}/regions/${encodeURIComponent(region)}/history?limit=500`,
    ),
};

/** A shared, refreshable count of the requests the user may approve (the navigation badge). */
export const approvalsBadge = $state({ mine: 0 });

/** Re-reads the badge count (after sign-in, and after a request, withdrawal or approval). */
export async function refreshApprovals(): Promise<void> {
  try {
    approvalsBadge.mine = (await trustApi.approvals()).mine;
  } catch {
    approvalsBadge.mine = 0;
  }
}
