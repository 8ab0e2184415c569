/**
 * Rule versions as the API shows them: the summary, the version with its document, the list filter.
 * Types only, so the editor imports them too (`import type`).
 */
import type { Label, RuleDocument } from '../../engine/types.ts';
import type { VersionStatus } from './enums.ts';

export interface VersionSummary {
  id: number;
  family: string;
  year: number;
  version: number;
  status: VersionStatus;
  revision: number;
  contentHash: string;
  title: Label;
  parentId: number | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
  retiredBy: string | null;
  retiredAt: string | null;
  docNumber: string | null;
  effectiveDate: string | null;
  /** True for the one published version of its family and year. */
  effective: boolean;
  /** Who asked for publication and when (four eyes); the approver is `publishedBy`. */
  requestedBy: string | null;
  requestedAt: string | null;
  /** A draft awaiting approval (it cannot be edited until withdrawn or approved). */
  pending: boolean;
  /** False when published by one person (four eyes off, or published before four eyes existed). */
  fourEyes: boolean;
  /** Ed25519 signature (hex) of `contentHash` by key `keyId`, set at approval. */
  keyId: string | null;
  signature: string | null;
}

/** A version with its document. Drafts may hold documents that do not validate yet. */
export interface Version extends VersionSummary {
  document: RuleDocument;
}

export interface VersionFilter {
  family?: string;
  year?: number;
  status?: VersionStatus;
}
