/**
 * Manual adjustments from accepted appeals (SPEC section 10), applied to an evaluation's results:
 * an adjusted item keeps its computed `points` and gains `adjustment: { points, appeal, reason }`,
 * whose points are the item's effective points; a waived veto, downgrade or cap no longer counts
 * and is listed in `waivers`. Category points, base, bonus, total, the score grade and the final
 * grade of an adjusted region then follow from the effective points exactly as in section 3; every
 * region is ranked again. A region without adjustments keeps its result object untouched apart from
 * its rank.
 *
 * @example applyAdjustments(doc, evaluation.results, { '220100': { items: { air: { points: 5, appeal: 3, reason: '复核' } } } })
 */
import type { ItemAdjustment, RegionResult, RuleDocument, Waiver } from '../types.ts';
import { roundHalfAway, roundedSum } from '../numeric/round.ts';
import { preparedDocumentFor } from './cache.ts';
import { gradeOf } from './grade.ts';
import { rankOf } from './rank.ts';

/** What accepted appeals change for one region. */
export interface RegionAdjustments {
  /** By item id (a category item or a bonus item). */
  items?: Record<string, ItemAdjustment>;
  waivers?: Waiver[];
}

/** By region code. */
export type Adjustments = Record<string, RegionAdjustments>;

/** A problem with an adjustment (unknown region, item or condition; points out of range). */
export class AdjustmentError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdjustmentError';
  }
}

const clean = (x: number) => (x === 0 ? 0 : x);

/**
 * The results with the adjustments applied and every region ranked again (a new array; the given
 * results are not modified). Throws AdjustmentError for an adjustment that names a region that was
 * not scored, an unknown item, points outside [0, maxPoints] or a condition the region did not trigger.
 */
export function applyAdjustments(
  doc: RuleDocument,
  results: readonly RegionResult[],
  adjustments: Adjustments,
): RegionResult[] {
  const p = preparedDocumentFor(doc);
  const digits = p.precision;
  const byRegion = new Map(results.map((r) => [r.region, r]));
  for (const code of Object.keys(adjustments))
    if (!byRegion.has(code))
      throw new AdjustmentError(
        `/${code}`,
        'not_scored',
        `地区 ${code} 未参与本次考核 / region ${code} was not scored`,
      );

  const out = results.map((r) => {
    const adj = adjustments[r.region];
    if (!adj || (!Object.keys(adj.items ?? {}).length && !(adj.waivers ?? []).length)) return { ...r };
    return adjustRegion(r, adj);
  });

  function adjustRegion(r: RegionResult, adj: RegionAdjustments): RegionResult {
    const items = adj.items ?? {};
    const seen = new Set<string>();
    const effective = (id: string, points: number, max: number): { points: number; adj?: ItemAdjustment } => {
      const a = items[id];
      if (!a) return { points };
      seen.add(id);
      if (!(Number.isFinite(a.points) && a.points >= 0 && a.points <= max))
        throw new AdjustmentError(
          `/${r.region}/items/${id}`,
          'points_out_of_range',
          `考核项 ${id} 的调整分值 ${a.points} 不在 0–${max} 之间 / item ${id}: adjusted points ${a.points} not within 0–${max}`,
        );
      return { points: clean(roundHalfAway(a.points, digits)), adj: a };
    };
    const categories = r.categories.map((c) => {
      const eff: number[] = [];
      const its = c.items.map((it) => {
        const e = effective(it.id, it.points, it.maxPoints);
        eff.push(e.points);
        return e.adj ? { ...it, adjustment: { ...e.adj, points: e.points } } : it;
      });
      return { ...c, items: its, points: clean(roundedSum(eff, digits)) };
    });
    const bonusEff: number[] = [];
    const bonusItems = r.bonusItems.map((b) => {
      const e = effective(b.id, b.points, Number.MAX_VALUE);
      bonusEff.push(e.points);
      return e.adj ? { ...b, adjustment: { ...e.adj, points: e.points } } : b;
    });
    for (const id of Object.keys(items))
      if (!seen.has(id))
        throw new AdjustmentError(
          `/${r.region}/items/${id}`,
          'unknown_item',
          `没有考核项 ${id} / no item ${id}`,
        );

    const waivers = adj.waivers ?? [];
    const waived = (kind: Waiver['kind'], id: string) => waivers.some((w) => w.kind === kind && w.id === id);
    for (const w of waivers) {
      const fired = w.kind === 'veto' ? r.vetoes : w.kind === 'downgrade' ? r.downgrades : r.caps;
      if (!fired.includes(w.id))
        throw new AdjustmentError(
          `/${r.region}/waivers/${w.kind}/${w.id}`,
          'not_triggered',
          `${w.kind} ${w.id} 未对地区 ${r.region} 生效，无可撤销 / ${w.kind} ${w.id} did not apply to ${r.region}`,
        );
    }
    const vetoes = r.vetoes.filter((id) => !waived('veto', id));
    const downgrades = r.downgrades.filter((id) => !waived('downgrade', id));
    const caps = r.caps.filter((id) => !waived('cap', id));

    const base = clean(
      roundedSum(
        categories.map((c) => c.points),
        digits,
      ),
    );
    const bonusUncapped = clean(roundedSum(bonusEff, digits));
    const bonus = clean(Math.min(p.bonusCap, bonusUncapped));
    const total = clean(roundHalfAway(base + bonus, digits));
    const levels = new Map((doc.downgrades ?? []).map((d) => [d.id, d.levels ?? 1]));
    const capGrade = new Map((doc.caps ?? []).map((c) => [c.id, p.gradeIndex.get(c.maxGrade) ?? 0]));
    const g = gradeOf(
      p,
      total,
      downgrades.map((id) => levels.get(id) ?? 1),
      caps.map((id) => capGrade.get(id) ?? 0),
      vetoes.length > 0,
    );
    const result: RegionResult = {
      ...r,
      total,
      base,
      bonus,
      bonusUncapped,
      scoreGrade: p.grades[g.scoreGrade].id,
      grade: p.grades[g.grade].id,
      vetoes,
      downgrades,
      caps,
      categories,
      bonusItems,
    };
    if (waivers.length) result.waivers = waivers.map((w) => ({ ...w }));
    return result;
  }

  const ranks = rankOf(out.map((r) => ({ total: r.total, gradeIndex: p.gradeIndex.get(r.grade) ?? 0 })));
  out.forEach((r, i) => (r.rank = ranks[i]));
  return out;
}
