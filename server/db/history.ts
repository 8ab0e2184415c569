/**
 * A region's results over the years: for each year, the latest finished run of the same rule family
 * (the given run stands for its own year). One query over the stored result columns: no run's
 * results are read whole.
 */
import { jsonMember } from './dialect.ts';
import { sql } from 'drizzle-orm';
import type { Tx } from './audit.ts';
import { NotFoundError } from './errors.ts';
import type { HistoryPoint } from './run-types.ts';
export type { HistoryPoint } from './run-types.ts';

/** The region's points, oldest year first; NotFoundError when the run does not exist. */
export async function regionHistory(db: Tx, runId: number, code: string): Promise<HistoryPoint[]> {
  const run = await db.get<{ year: number; family: string } | undefined>(sql`
    select r.year as year, v.family as family
    from runs r join rule_versions v on v.id = r.version_id
    where r.id = ${runId}`);
  if (!run) throw new NotFoundError('run', String(runId));
  // Per year: the given run for its own year, else the newest finished run of the family.
  return await db.all<HistoryPoint>(sql`
    with chosen as (
      select r.id, r.year,
        row_number() over (
          partition by r.year
          order by (r.id = ${runId}) desc, r.created_at desc, r.id desc
        ) as pick
      from runs r join rule_versions v on v.id = r.version_id
      where v.family = ${run.family} and r.status = 'finished'
        and (r.year <> ${run.year} or r.id = ${runId})
    )
    select c.year as year, c.id as "runId", rr.total as total, rr.grade as grade,
      ${jsonMember(db, sql`rr.result`, 'scoreGrade', 'text')} as "scoreGrade", rr.rank as rank,
      (select count(*) from run_results x where x.run_id = c.id) as "of"
    from chosen c join run_results rr on rr.run_id = c.id and rr.region_code = ${code}
    where c.pick = 1
    order by c.year`);
}
