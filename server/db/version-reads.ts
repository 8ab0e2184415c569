/**
 * Cheap reads of rule versions for caches: a version's status and revision by one query,
 * without reading its document.
 */
import { eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { ruleVersions } from './schema.ts';

export interface VersionState {
  status: 'draft' | 'published' | 'retired';
  revision: number;
  contentHash: string;
}

/** The status, revision and content hash of version `id`; undefined when there is none. */
export async function versionState(db: Db, id: number): Promise<VersionState | undefined> {
  if (!Number.isInteger(id)) return undefined;
  return await db
    .select({
      status: ruleVersions.status,
      revision: ruleVersions.revision,
      contentHash: ruleVersions.contentHash,
    })
    .from(ruleVersions)
    .where(eq(ruleVersions.id, id))
    .get();
}
