/**
 * The appeal window of a published run (SPEC section 10): appeals are accepted from `publishedOn`
 * through `appealEndsOn` (publishedOn + appealDays), calendar days in China (UTC+8), the day the
 * department counts in.
 */
import type { RunPublication } from './run-publication.ts';

export type AppealState = 'none' | 'pending' | 'open' | 'closed';

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
