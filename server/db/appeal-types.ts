/**
 * Who acts on appeals (申诉), the appeal error with its HTTP status, and the shapes of
 * appeal-shapes.ts re-exported. SPEC section 10; the writes are in appeals.ts.
 */
import { StoreError, ValidationError } from './errors.ts';
import type { Role } from './schema.ts';
export { EVIDENCE_MAX_BYTES, EVIDENCE_TYPES } from './appeal-shapes.ts';
export type {
  AppealDecisionInput,
  AppealFilter,
  AppealState,
  AppealTarget,
  Appeal,
  Decision,
  Evidence,
  EvidenceType,
  NewAppeal,
} from './appeal-shapes.ts';

/** Who acts: the session user. */
export interface Actor {
  username: string;
  role: Role;
  region: string | null;
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
