/**
 * Cheap reads of rule versions for caches: a version's status and revision by a prepared
 * statement, without reading its document.
 */
import type { Db } from './client.ts';

const statements = new WeakMap<object, (id: number) => VersionState | undefined>();

export interface VersionState {
  status: 'draft' | 'published' | 'retired';
  revision: number;
  contentHash: string;
}

/** The status, revision and content hash of version `id`; undefined when there is none. */
export function versionState(db: Db, id: number): VersionState | undefined {
  let read = statements.get(db);
  if (!read) {
    const stmt = db.$client.prepare<[number], VersionState>(
      'SELECT status, revision, content_hash AS contentHash FROM rule_versions WHERE id = ?',
    );
    read = (id) => (Number.isInteger(id) ? stmt.get(id) : undefined);
    statements.set(db, read);
  }
  return read(id);
}
