/**
 * The shapes of appeals (申诉) and their decisions (复核) as the API shows them, who acts, and the
 * appeal error with its HTTP status. SPEC section 10; the writes are in appeals.ts.
 */
import { StoreError, ValidationError } from './errors.ts';
import type { Role } from './schema.ts';

/** The largest evidence file: 10 MiB. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;
export const EVIDENCE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** Who acts: the session user. */
export interface Actor {
  username: string;
  role: Role;
  region: string | null;
}

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

/** An error with its HTTP status (403 other_region, 413 too_large, 415 unsupported_type). */
export class AppealError extends StoreError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    path = '',
  ) {
    super(message, [{ path, code, message }]);
  }
}

export interface AppealFilter {
  runId?: number;
  region?: string;
  state?: AppealState;
}

/** Throws a ValidationError with one located problem. */
export const invalid = (path: string, code: string, message: string): never => {
  throw new ValidationError(message, [{ path, code, message }], code);
};

/** A region account may only act for its own region. */
export function assertOwnRegion(actor: Actor, region: string): void {
  if (actor.role === 'region' && actor.region !== region)
    throw new AppealError(
      403,
      'other_region',
      `地区账号只能处理本地区（${actor.region}）的申诉 / a region account acts only for its own region (${actor.region})`,
    );
}
