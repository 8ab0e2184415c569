/**
 * The shapes of appeals (申诉), their evidence and decisions (复核) as the API shows and takes them
 * (SPEC section 10). No imports, so the editor imports them too (`import type`).
 */
/** The largest evidence file: 10 MiB. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;
export const EVIDENCE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export type AppealTarget =
  { kind: 'input'; key: string } | { kind: 'item' | 'veto' | 'downgrade' | 'cap'; id: string };

export type AppealState = 'open' | 'accepted' | 'rejected';

export interface Evidence {
  id: number;
  appealId: number;
  filename: string;
  contentType: EvidenceType;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  url: string;
}

export interface Decision {
  decision: 'accepted' | 'rejected';
  reason: string;
  value?: unknown;
  points?: number;
  decidedBy: string;
  decidedByName: string;
  decidedAt: string;
}

export interface Appeal {
  id: number;
  runId: number;
  family: string;
  year: number;
  region: string;
  regionName: string;
  target: AppealTarget;
  targetLabel: string | null;
  current:
    { value: unknown } | { points: number | null; maxPoints: number | null } | { fired: boolean } | null;
  claim: string;
  requested: { value: unknown } | { points: number } | null;
  state: AppealState;
  filedBy: string;
  filedByName: string;
  filedAt: string;
  evidence: Evidence[];
  decision: Decision | null;
  appliedIn: number[];
}

export interface NewAppeal {
  runId: number;
  region: string;
  target: AppealTarget;
  claim: string;
  requested?: { value?: unknown; points?: number } | null;
}

export interface AppealDecisionInput {
  decision: 'accepted' | 'rejected';
  reason: string;
  value?: unknown;
  points?: number;
}

export interface AppealFilter {
  runId?: number;
  region?: string;
  state?: AppealState;
}
