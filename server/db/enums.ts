/**
 * The closed lists the schema stores and the API shows: roles, version and run statuses, value
 * sources. No imports, so the editor imports the types too (`import type`).
 */
export const ROLES = ['admin', 'editor', 'assessor', 'reviewer', 'region'] as const;
export type Role = (typeof ROLES)[number];

export const VERSION_STATUSES = ['draft', 'published', 'retired'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export const VALUE_SOURCES = ['provincial', 'national', 'manual', 'import'] as const;
/** Where a value came from; `appeal:<id>` for a value corrected by an accepted appeal (SPEC section 10). */
export type ValueSource = (typeof VALUE_SOURCES)[number] | `appeal:${number}`;

export const RUN_STATUSES = ['running', 'finished'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
