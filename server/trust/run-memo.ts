/**
 * Re-checking a finished run's integrity on every read without re-hashing its results each time:
 * a run verified once stays verified until the database changes (server/db/until-write.ts), by
 * this process or any other. Any write at all starts the checks afresh.
 */
import type { Db } from '../db/client.ts';
import { getRunResultTexts } from '../db/runs.ts';
import { untilWrite } from '../db/until-write.ts';

/** Throws IntegrityError (500 `integrity`) when run `id`'s stored results no longer match their hash. */
export async function ensureRunIntact(db: Db, id: number): Promise<void> {
  await untilWrite(db, `run-intact:${id}`, async () => {
    await getRunResultTexts(db, id);
    return true;
  });
}
