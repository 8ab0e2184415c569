/**
 * The diff between a run and its correction run (SPEC section 10): per region, the totals, grades
 * and ranks before and after, the corrected inputs, the items whose effective points moved and the
 * lifted vetoes, downgrades and caps.
 */
import type { RegionResult } from '../../engine/types.ts';
import type { Db } from './client.ts';
import { ConflictError } from './errors.ts';
import { getRun } from './runs.ts';
import { correctionsOf } from './corrections.ts';
import type { Standing, RegionImpact, CorrectionImpact } from './run-types.ts';
export type { Standing, RegionImpact, CorrectionImpact } from './run-types.ts';

const standing = (r: RegionResult | undefined): Standing | null =>
  r
    ? { total: r.total, base: r.base, bonus: r.bonus, scoreGrade: r.scoreGrade, grade: r.grade, rank: r.rank }
    : null;

function effectiveItems(
  r: RegionResult | undefined,
): Map<string, { points: number | null; appeal: number | null }> {
  const out = new Map<string, { points: number | null; appeal: number | null }>();
  for (const c of r?.categories ?? [])
    for (const it of c.items)
      out.set(it.id, { points: it.adjustment?.points ?? it.points, appeal: it.adjustment?.appeal ?? null });
  for (const b of r?.bonusItems ?? [])
    out.set(b.id, { points: b.adjustment?.points ?? b.points, appeal: b.adjustment?.appeal ?? null });
  return out;
}

/** The impact of correction run `id` against the run it supersedes (409 `not_a_correction` otherwise). */
export async function correctionImpact(db: Db, id: number): Promise<CorrectionImpact> {
  const corrections = await correctionsOf(db, id);
  if (!corrections)
    throw new ConflictError(
      `运行 ${id} 不是更正运行 / run ${id} is not a correction run`,
      undefined,
      'not_a_correction',
    );
  const before = await getRun(db, corrections.supersedes);
  const after = await getRun(db, id);
  const b = new Map(before.results.map((r) => [r.region, r]));
  const a = new Map(after.results.map((r) => [r.region, r]));
  const codes = [...new Set([...b.keys(), ...a.keys()])];
  const regions: RegionImpact[] = codes.map((code) => {
    const rb = b.get(code);
    const ra = a.get(code);
    const ib = effectiveItems(rb);
    const ia = effectiveItems(ra);
    const items: RegionImpact['items'] = [];
    for (const [itemId, x] of ia) {
      const y = ib.get(itemId);
      if (!y || y.points !== x.points || y.appeal !== x.appeal)
        items.push({ id: itemId, before: y ? y.points : null, after: x.points, appeal: x.appeal });
    }
    const waivers = (ra?.waivers ?? [])
      .filter((w) => !(rb?.waivers ?? []).some((o) => o.kind === w.kind && o.id === w.id))
      .map((w) => ({ kind: w.kind, id: w.id, appeal: w.appeal }));
    const inputs = corrections.inputs
      .filter((c) => c.region === code)
      .map((c) => ({ key: c.key, before: c.before, after: c.after, appeal: c.appeal }));
    const sb = standing(rb);
    const sa = standing(ra);
    const changed =
      JSON.stringify({ ...sb, rank: 0 }) !== JSON.stringify({ ...sa, rank: 0 }) || items.length > 0;
    return { region: code, name: (ra ?? rb)!.name, changed, before: sb, after: sa, inputs, items, waivers };
  });
  regions.sort(
    (x, y) => Number(y.changed) - Number(x.changed) || (x.after?.rank ?? 0) - (y.after?.rank ?? 0),
  );
  return {
    from: corrections.supersedes,
    to: id,
    appeals: corrections.appeals,
    regions,
    summary: {
      regions: regions.length,
      changed: regions.filter((r) => r.changed).length,
      gradeChanged: regions.filter((r) => r.before?.grade !== r.after?.grade).length,
      rankChanged: regions.filter((r) => r.before?.rank !== r.after?.rank).length,
    },
  };
}
