/**
 * What a region account (role `region`, SPEC section 10) may see of the shared routes: published
 * runs only (any other run is 404 to it), its own region's result in full, every other region only
 * as a row of the published ranking table.
 */
import type { SessionUser } from '../auth/session.ts';
import type { Tx } from '../db/audit.ts';
import { getRunSummary, type RunDetail, type RunSummary } from '../db/runs.ts';
import { ApiError } from '../problem.ts';

export const isRegionUser = (user: SessionUser | undefined): boolean => user?.role === 'region';

const notFound = (id: number) =>
  new ApiError(404, 'not_found', `run ${id} 不存在 / run ${id} not found`, [
    { path: '', code: 'not_found', message: `run ${id} 不存在 / run ${id} not found` },
  ]);

/** Whether a run's results are published (what a region account may read). */
export const isPublished = (run: Pick<RunSummary, 'publication'>): boolean =>
  run.publication?.status === 'published';

/** For a region account: 404 unless run `id` is published. Anyone else passes. */
export async function requireVisibleRun(db: Tx, user: SessionUser, id: number): Promise<void> {
  if (isRegionUser(user) && !isPublished(await getRunSummary(db, id))) throw notFound(id);
}

/** One row of the published ranking table. */
export interface RankingRow {
  region: string;
  name: string;
  rank: number;
  total: number;
  grade: string;
  scoreGrade: string;
}

/**
 * A run as a region account sees it: its own region's result, every other region reduced to a
 * ranking row, only its own errors.
 */
export function runForRegion(
  run: RunDetail,
  region: string,
): Omit<RunDetail, 'results'> & {
  results: (RunDetail['results'][number] | RankingRow)[];
} {
  return {
    ...run,
    results: run.results.map((r) =>
      r.region === region
        ? r
        : {
            region: r.region,
            name: r.name,
            rank: r.rank,
            total: r.total,
            grade: r.grade,
            scoreGrade: r.scoreGrade,
          },
    ),
    errors: run.errors.filter((e) => e.region === region),
    warnings: run.warnings.filter((w) => w.region === region),
  };
}
