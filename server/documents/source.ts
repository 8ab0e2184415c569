/**
 * What the document builders read from the store: a run with its version, the publication fields
 * of the run (文号, date, the run it supersedes) read tolerantly — those columns arrive with the
 * publication and appeals features, so a database without them yields nulls — and the settings.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { NotFoundError } from '../db/errors.ts';
import { getRun, getRunRegion, type RunDetail } from '../db/runs.ts';
import { getVersion, type Version } from '../db/versions.ts';
import { getDocumentSettings, type DocumentSettings } from '../db/settings.ts';

/** A run's publication record, when the run has one. */
export interface RunPublication {
  /** 文号 the run's results were published under. */
  docNumber: string | null;
  /** `YYYY-MM-DD` the results were published. */
  publishedOn: string | null;
  /** The id of the run this one corrects (a correction run), else null. */
  supersedes: number | null;
}

export interface RunSource {
  run: RunDetail;
  version: Version;
  publication: RunPublication;
  settings: DocumentSettings;
}

const pick = (row: Record<string, unknown>, names: string[]): unknown => {
  for (const n of names) if (row[n] !== undefined && row[n] !== null && row[n] !== '') return row[n];
  return null;
};

/** The publication fields of a run from whatever columns the `runs` table has. */
export async function runPublication(db: Db, id: number): Promise<RunPublication> {
  // Every column, by its SQL name, whatever this database's `runs` has.
  const row = Number.isInteger(id)
    ? await db.get<Record<string, unknown>>(sql`SELECT * FROM runs WHERE id = ${id}`)
    : undefined;
  if (!row) throw new NotFoundError('run', id);
  // The publication of the run (run_publications, SPEC sections 10 and 11), when published.
  const published = await db.get<Record<string, unknown>>(
    sql`SELECT doc_number, published_on FROM run_publications WHERE run_id = ${id} AND status = 'published'`,
  );
  const doc = pick({ ...row, ...published }, ['doc_number', 'docNumber']);
  const on = pick({ ...row, ...published }, ['published_on', 'publishedOn', 'published_at']);
  const sup = pick(row, ['supersedes', 'supersedes_id', 'supersedes_run_id']);
  return {
    docNumber: typeof doc === 'string' ? doc : null,
    publishedOn: typeof on === 'string' ? on.slice(0, 10) : null,
    supersedes:
      typeof sup === 'number' ? sup : typeof sup === 'string' && /^\d+$/.test(sup) ? Number(sup) : null,
  };
}

/** A run, its version, its publication record and the document settings. */
export async function loadRun(db: Db, id: number): Promise<RunSource> {
  const run = await getRun(db, id);
  return {
    run,
    version: await getVersion(db, run.versionId),
    publication: await runPublication(db, id),
    settings: await getDocumentSettings(db),
  };
}

/** One region's result with traces (NotFoundError when it was not scored in the run). */
export const loadRunRegion = getRunRegion;
export type { Version, RunDetail, DocumentSettings };
