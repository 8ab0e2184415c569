/**
 * The editor's side of the 规则体检: the interval analysis run in the browser as the draft changes
 * (the engine's own code), the full check asked of the server, and the findings by field, which
 * the form fields show under themselves.
 */
import { request } from '$lib/api.ts';
import { anchorOf } from '$lib/editor/pointer.ts';
import type { Coverage, Finding, HealthReport } from '$engine/health/index.ts';

export type { Coverage, Finding, HealthReport };
export type FullReport = HealthReport & { coverage: Coverage };

/** The current findings shown on fields (the full check's when fresh, else the live ones). */
export const healthFindings = $state<{ list: Finding[] }>({ list: [] });

/** The findings anchored at a field. */
export function findingsAt(path: string): Finding[] {
  return healthFindings.list.filter((f) => anchorOf(f.path) === path);
}

/** The server's full check of a stored version (findings, unknown, coverage). */
export function fullCheck(versionId: number): Promise<FullReport> {
  return request<FullReport>('POST', `/api/versions/${versionId}/check`);
}

/** The integer or short decimal form of a witness value for display. */
export function showValue(v: unknown): string {
  if (typeof v === 'number') return String(Number(v.toPrecision(12)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
