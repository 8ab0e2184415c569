/**
 * The appeal window of a published run (SPEC section 10): appeals are accepted from `publishedOn`
 * through `appealEndsOn` (publishedOn + appealDays), calendar days in China (UTC+8), the day the
 * department counts in.
 */
import { ConflictError } from './errors.ts';
import type { RunPublication } from './run-publication.ts';
import type { RunSummary } from './runs.ts';
import type { AppealState } from './run-types.ts';
export type { AppealState } from './run-types.ts';

/** Today's date in China (UTC+8) as `YYYY-MM-DD`. */
export function todayInChina(now: number = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Whether appeals against a run with this publication are accepted on `today`. */
export function appealStateOf(
  publication: RunPublication | null,
  today: string = todayInChina(),
): AppealState {
  if (!publication) return 'none';
  if (publication.status !== 'published') return 'pending';
  return today <= publication.appealEndsOn ? 'open' : 'closed';
}

/** Refuses when the run is not published, its window closed, or it has a correction run already. */
export function assertOpen(summary: RunSummary, today: string): void {
  const state = appealStateOf(summary.publication, today);
  if (state === 'none' || state === 'pending')
    throw new ConflictError(
      `运行 ${summary.id} 的结果尚未发布，不能申诉 / run ${summary.id} is not published; appeals open with publication`,
      undefined,
      'not_published',
    );
  if (state === 'closed')
    throw new ConflictError(
      `申诉期已于 ${summary.publication!.appealEndsOn} 结束 / the appeal window closed on ${summary.publication!.appealEndsOn}`,
      undefined,
      'appeal_closed',
    );
  if (summary.supersededBy !== null)
    throw new ConflictError(
      `运行 ${summary.id} 已被更正运行 ${summary.supersededBy} 取代，请针对更正结果申诉 / run ${summary.id} was superseded by correction run ${summary.supersededBy}`,
      undefined,
      'superseded',
    );
}
