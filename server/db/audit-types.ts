/**
 * The audit log's entries and the cell-level data changes as the API shows them (SPEC section 11).
 * No imports, so the editor imports them too (`import type`).
 */
export interface AuditEntry {
  id: number;
  at: string;
  user: string;
  action: string;
  entity: string;
  entityId: string;
  beforeHash: string | null;
  afterHash: string | null;
  detail: Record<string, unknown>;
  /** The chain hash of this row (null only for rows written before the chain existed). */
  hash: string | null;
}

/** An entry as the API lists it: with the actor's display name (null for `system` or a removed user). */
export interface AuditListEntry extends AuditEntry {
  displayName: string | null;
}

export interface AuditFilter {
  entity?: string;
  entityId?: string | number;
  action?: string;
  user?: string;
  /** Inclusive lower bound: an ISO timestamp or a date (`2025-01-01`, meaning its start). */
  from?: string;
  /** Inclusive upper bound: an ISO timestamp or a date (`2025-01-31`, meaning up to its end). */
  to?: string;
  /** Default 50, at most 1000; 0 returns only the total. */
  limit?: number;
  offset?: number;
}

/** One cell change before it is stored (values as JSON text). */
export interface CellChange {
  region: string;
  key: string;
  before: string | null;
  after: string | null;
  beforeSource: string | null;
  afterSource: string | null;
}

/** A stored cell change as the API shows it (values parsed). */
export interface DataChange {
  id: number;
  auditId: number;
  /** The audit action that made it: `dataset.save`, `dataset.import`, `dataset.seed` … */
  action: string;
  year: number;
  region: string;
  key: string;
  before: unknown;
  after: unknown;
  beforeSource: string | null;
  afterSource: string | null;
  user: string;
  displayName: string | null;
  at: string;
}
