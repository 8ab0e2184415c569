/**
 * Weight-sensitivity analysis: how robust are the grades and the ranking to the items' points?
 *
 * For a document and a dataset, every region is scored once with the compiled pipeline; then, for
 * each variant of the items' `maxPoints` (engine/sensitivity/variants.ts), the regions are
 * re-aggregated — items, categories, base, total, grade after downgrades, caps and vetoes, rank —
 * without evaluating a single formula again, and compared with the document's own result.
 *
 * **How a variant rescales an item.** An item's formula is written for its points (`max(0, 7 −
 * 0.5 × excess)` for a 7-point item), so a new weight cannot be put into the formula. A variant
 * keeps the formula and scales its clamped result: with the document's points M and the variant's
 * M′, the item gets `round(clamp(raw, 0, M) × M′ / M)` at the document's precision — the same share
 * of its points as before (full marks stay full marks, half stay half). An item with M = 0 has no
 * share to scale and stays at 0. Bonus items, downgrades, caps and vetoes do not depend on
 * `maxPoints` and are the same in every variant; grade thresholds are absolute and unchanged.
 *
 * @example
 * const report = analyseSensitivity(doc, dataset, { kind: 'random', n: 1000, seed: 1, p: 20 });
 * report.regions.filter((r) => r.status === 'unstable')
 */
import type { Dataset, Label, Problem, RegionError, RuleDocument } from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { preparedDocumentFor } from '../evaluate/cache.ts';
import { rankOf } from '../evaluate/rank.ts';
import { compiledDocumentFor, scoreRegionCompiled } from '../compile/index.ts';
import { fastRoundHalfAway } from '../compile/round.ts';
import { CrossSums, PlainCrossSums } from './correlation.ts';
import { aggregate, Reaggregator, referenceRanks, type RegionBase } from './aggregate.ts';
import {
  checkSensitivityMode,
  itemSlots,
  variantsOf,
  type ItemSlot,
  type SensitivityMode,
  type Variant,
} from './variants.ts';

export interface SensitivityOptions {
  /** A region is unstable when its grade changes in at least this share of variants (default 0.1). */
  unstableShare?: number;
  /** How many of the variants that change the most grades to list (default 10). */
  topVariants?: number;
  /**
   * Re-aggregate every variant the straightforward way (float sums, a full sort for the ranks)
   * instead of the fast integer path (aggregate.ts): for tests that prove both give the same report.
   */
  reference?: boolean;
}

/** Thrown when the mode cannot run on the document; `problems` says why. */
export class InvalidSensitivityModeError extends Error {
  readonly code = 'invalid_mode';
  constructor(readonly problems: Problem[]) {
    super(`The sensitivity mode is invalid: ${problems[0]?.path} ${problems[0]?.message}`);
    this.name = 'InvalidSensitivityModeError';
  }
}

export interface RegionSensitivity {
  region: string;
  name: string;
  /** The document's own result. */
  total: number;
  grade: string;
  rank: number;
  /** Share of variants in which the final grade differs from the document's. */
  gradeChangeShare: number;
  /** Share of variants in which the rank differs. */
  rankChangeShare: number;
  meanAbsRankChange: number;
  /** Best and worst rank over the variants (the document's included). */
  rankRange: [number, number];
  totalRange: [number, number];
  /** Share of variants giving each grade id (only grades that occur). */
  grades: Record<string, number>;
  /**
   * `stable`: neither grade nor rank ever changes; `rank-only`: the rank moves, the grade never;
   * `sensitive`: the grade changes in some variants; `unstable`: in at least `unstableShare` of them.
   */
  status: 'stable' | 'rank-only' | 'sensitive' | 'unstable';
}

export interface ItemSensitivity {
  id: string;
  label: Label;
  category: string;
  maxPoints: number;
  /** Variants that move this item (that are about it, when variants move one item each). */
  variants: number;
  /** Among those variants, the share of (region, variant) pairs whose grade changes. */
  gradeChangeShare: number;
  /** Among those variants, the share of (region, variant) pairs whose rank changes. */
  rankChangeShare: number;
  /**
   * Share of all grade changes attributed to this item: a variant that moves one item (the others
   * at most rebalancing it) credits that item; a variant that moves several shares each grade
   * change among them in proportion to how far each moved (relative to its points).
   */
  attribution: number;
  /** The same for rank changes, each weighted by how many places the rank moved. */
  rankAttribution: number;
  /**
   * Mean over regions of |Pearson correlation| between the item's change of points and the
   * region's change of rank, over all variants; null when undefined (the item never moves, or no
   * rank ever moves).
   */
  rankCorrelation: number | null;
  /** How much the item's points matter, by the report's `importanceBasis`. */
  importance: number;
}

export interface VariantSummary {
  index: number;
  label: string;
  changes: { item: string; from: number; to: number }[];
  gradeChanges: number;
  rankChanges: number;
}

export interface SensitivityReport {
  mode: SensitivityMode;
  variants: number;
  /**
   * How `importance` is measured. Variants that each move one item: `attribution` (of grade
   * changes), or `rank-attribution` when no variant changes any grade. Variants that move several
   * items at once: `correlation` (rankCorrelation).
   */
  importanceBasis: 'attribution' | 'rank-attribution' | 'correlation';
  /** The scored regions, in dataset order. */
  regions: RegionSensitivity[];
  /** Items, most important first. */
  items: ItemSensitivity[];
  /** Codes of the regions whose grade never changes / changes in at least `unstableShare` of variants. */
  stable: string[];
  unstable: string[];
  /** The variants that change the most grades (then ranks). */
  topVariants: VariantSummary[];
  /** Regions that could not be scored (data or formula errors): left out of the analysis. */
  errors: RegionError[];
}

const r6 = (x: number) => {
  const r = fastRoundHalfAway(x, 6);
  return r === 0 ? 0 : r;
};

/** Every region scored once with the compiled pipeline: what variants re-aggregate. */
function scoreBases(
  p: PreparedDocument,
  dataset: Dataset,
  items: ItemSlot[],
): { bases: RegionBase[]; errors: RegionError[] } {
  const cd = compiledDocumentFor(p);
  const errors: RegionError[] = [];
  const bases: RegionBase[] = [];
  for (const region of dataset.regions) {
    const outcome = scoreRegionCompiled(cd, region, false);
    errors.push(...outcome.errors);
    const res = outcome.result;
    if (!res) continue;
    const clamped = new Float64Array(items.length);
    let na: Uint8Array | null = null;
    let i = 0;
    for (const c of res.categories)
      for (const it of c.items) {
        // An item that does not apply (schema version 2): marked; its category's rule decides.
        if (it.raw === null) {
          (na ??= new Uint8Array(items.length))[i] = 1;
          clamped[i++] = it.maxPoints;
        } else clamped[i++] = it.raw < 0 ? 0 : it.raw > it.maxPoints ? it.maxPoints : it.raw;
      }
    const levels = res.downgrades.map((id) => p.doc.downgrades!.find((d) => d.id === id)!.levels ?? 1);
    const shift =
      levels.length === 0
        ? 0
        : p.stacking === 'sum'
          ? levels.reduce((a, b) => a + b, 0)
          : Math.max(...levels);
    const caps = res.caps.map((id) => p.gradeIndex.get(p.doc.caps!.find((c) => c.id === id)!.maxGrade) ?? 0);
    bases.push({
      code: res.region,
      name: res.name,
      clamped,
      na,
      bonus: res.bonus,
      shift,
      cap: caps.length ? Math.max(...caps) : -1,
      vetoed: res.vetoes.length > 0,
      total: res.total,
      gradeIndex: outcome.gradeIndex,
    });
  }
  return { bases, errors };
}

export interface VariantRegionResult {
  region: string;
  name: string;
  total: number;
  grade: string;
  rank: number;
}

/**
 * Every scored region's total, final grade and rank with some items' points changed (item id →
 * new points), by the rescaling this module describes — what one variant of an analysis gives.
 *
 * @example variantResults(prepareDocument(doc), dataset, { pm25: 5 })
 */
export function variantResults(
  p: PreparedDocument,
  dataset: Dataset,
  maxPoints: Record<string, number>,
): { results: VariantRegionResult[]; errors: RegionError[] } {
  const mode: SensitivityMode = { kind: 'grid', variants: [{ maxPoints }] };
  const problems = checkSensitivityMode(mode, p.doc);
  if (problems.length > 0) throw new InvalidSensitivityModeError(problems);
  const items = itemSlots(p.doc);
  const { bases, errors } = scoreBases(p, dataset, items);
  const [variant] = variantsOf(mode, items, p.precision);
  const totals = new Float64Array(bases.length);
  const grades = new Int32Array(bases.length);
  const categoryOf = Int32Array.from(items, (it) => it.categoryIndex);
  aggregate(bases, items, categoryOf, p.doc.categories.length, variant.maxPoints, p, totals, grades);
  const ranks = rankOf(bases.map((_, r) => ({ total: totals[r], gradeIndex: grades[r] })));
  return {
    results: bases.map((b, r) => ({
      region: b.code,
      name: b.name,
      total: totals[r],
      grade: p.grades[grades[r]].id,
      rank: ranks[r],
    })),
    errors,
  };
}

/**
 * The sensitivity analysis of a document's item points on a dataset. Throws InvalidDocumentError
 * for an invalid document and InvalidSensitivityModeError for a mode that cannot run.
 */
export function analyseSensitivity(
  doc: RuleDocument,
  dataset: Dataset,
  mode: SensitivityMode,
  opts: SensitivityOptions = {},
): SensitivityReport {
  return analysePrepared(preparedDocumentFor(doc), dataset, mode, opts);
}

/** The analysis with a document already validated and prepared. */
export function analysePrepared(
  p: PreparedDocument,
  dataset: Dataset,
  mode: SensitivityMode,
  opts: SensitivityOptions = {},
): SensitivityReport {
  const modeProblems = checkSensitivityMode(mode, p.doc);
  if (modeProblems.length > 0) throw new InvalidSensitivityModeError(modeProblems);
  const unstableShare = opts.unstableShare ?? 0.1;
  const topCount = opts.topVariants ?? 10;
  const items = itemSlots(p.doc);
  const categoryOf = Int32Array.from(items, (it) => it.categoryIndex);
  const categories = p.doc.categories.length;
  const { bases, errors } = scoreBases(p, dataset, items);
  const R = bases.length;
  const I = items.length;
  const baseRanks = Int32Array.from(rankOf(bases.map((b) => ({ total: b.total, gradeIndex: b.gradeIndex }))));

  // Accumulators.
  const G = p.grades.length;
  const baseGrades = Int32Array.from(bases, (b) => b.gradeIndex);
  const gradeChanges = new Float64Array(R);
  const rankChanges = new Float64Array(R);
  const absRank = new Float64Array(R);
  const rankMin = Int32Array.from(baseRanks);
  const rankMax = Int32Array.from(baseRanks);
  const totalMin = Float64Array.from(bases, (b) => b.total);
  const totalMax = Float64Array.from(bases, (b) => b.total);
  /** gradeCounts[r × G + g]: the variants giving region r grade g. */
  const gradeCounts = new Float64Array(R * G);
  const itemVariants = new Float64Array(I);
  const itemGrade = new Float64Array(I);
  const itemRank = new Float64Array(I);
  const itemCredit = new Float64Array(I);
  const itemRankCredit = new Float64Array(I);
  let allRankMoves = 0;
  // Correlation sums per (item, region): x = relative change of the item's points, y = rank change.
  const sx = new Float64Array(I);
  const sxx = new Float64Array(I);
  const sy = new Float64Array(R);
  const syy = new Float64Array(R);
  const cross = opts.reference ? new PlainCrossSums(R, I) : new CrossSums(R, I);
  let multi = false;
  let allGradeChanges = 0;
  const top: VariantSummary[] = [];

  const totals = new Float64Array(R);
  const grades = new Int32Array(R);
  const ranks = new Int32Array(R);
  const fast = opts.reference ? undefined : new Reaggregator(bases, items, p);
  const dx = new Float64Array(I);
  let n = 0;
  for (const variant of variantsOf(mode, items, p.precision)) {
    if (!fast?.run(variant.maxPoints, variant.changed, totals, grades, ranks)) {
      aggregate(bases, items, categoryOf, categories, variant.maxPoints, p, totals, grades);
      referenceRanks(totals, grades, ranks);
    }
    let vGrade = 0;
    let vRank = 0;
    let vMoves = 0;
    for (let r = 0; r < R; r++) {
      const g = grades[r];
      gradeCounts[r * G + g]++;
      if (g !== baseGrades[r]) {
        gradeChanges[r]++;
        vGrade++;
      }
      const rank = ranks[r];
      const d = rank - baseRanks[r];
      if (d !== 0) {
        const ad = d < 0 ? -d : d;
        rankChanges[r]++;
        absRank[r] += ad;
        vMoves += ad;
        vRank++;
        if (rank < rankMin[r]) rankMin[r] = rank;
        else if (rank > rankMax[r]) rankMax[r] = rank;
        sy[r] += d;
        syy[r] += d * d;
      }
      const t = totals[r];
      if (t < totalMin[r]) totalMin[r] = t;
      else if (t > totalMax[r]) totalMax[r] = t;
    }
    allGradeChanges += vGrade;
    allRankMoves += vMoves;
    const changed = variant.changed;
    if (variant.primary === undefined && changed.length > 0) multi = true;
    let weight = 0;
    for (const i of changed) {
      const old = items[i].maxPoints;
      dx[i] = old > 0 ? (variant.maxPoints[i] - old) / old : variant.maxPoints[i];
      weight += Math.abs(dx[i]);
    }
    if (variant.primary !== undefined) {
      const i = variant.primary;
      itemVariants[i]++;
      itemGrade[i] += vGrade;
      itemRank[i] += vRank;
      itemCredit[i] += vGrade;
      itemRankCredit[i] += vMoves;
    } else
      for (const i of changed) {
        itemVariants[i]++;
        itemGrade[i] += vGrade;
        itemRank[i] += vRank;
        const share = Math.abs(dx[i]) / weight;
        itemCredit[i] += vGrade * share;
        itemRankCredit[i] += vMoves * share;
      }
    for (const i of changed) {
      const x = dx[i];
      sx[i] += x;
      sxx[i] += x * x;
    }
    cross.add(changed, dx, ranks, baseRanks);
    if (topCount > 0 && (vGrade > 0 || vRank > 0)) keepTop(top, topCount, variant, n, vGrade, vRank, items);
    n++;
  }
  cross.flush();
  const sxy = cross.sums;

  const regions: RegionSensitivity[] = bases.map((b, r) => {
    const gradeShare = n ? gradeChanges[r] / n : 0;
    const rankShare = n ? rankChanges[r] / n : 0;
    const gradeShares: Record<string, number> = {};
    p.grades.forEach((g, k) => {
      const count = gradeCounts[r * G + k];
      if (count > 0) gradeShares[g.id] = r6(count / n);
    });
    return {
      region: b.code,
      name: b.name,
      total: b.total,
      grade: p.grades[b.gradeIndex].id,
      rank: baseRanks[r],
      gradeChangeShare: r6(gradeShare),
      rankChangeShare: r6(rankShare),
      meanAbsRankChange: r6(n ? absRank[r] / n : 0),
      rankRange: [rankMin[r], rankMax[r]],
      totalRange: [totalMin[r], totalMax[r]],
      grades: gradeShares,
      status:
        gradeChanges[r] === 0
          ? rankChanges[r] === 0
            ? 'stable'
            : 'rank-only'
          : gradeShare >= unstableShare
            ? 'unstable'
            : 'sensitive',
    };
  });

  const correlation = (i: number): number | null => {
    if (n < 2) return null;
    const vx = sxx[i] - (sx[i] * sx[i]) / n;
    if (!(vx > 1e-15)) return null;
    let sum = 0;
    let count = 0;
    for (let r = 0; r < R; r++) {
      const vy = syy[r] - (sy[r] * sy[r]) / n;
      if (!(vy > 1e-15)) continue;
      const cov = sxy[r * I + i] - (sx[i] * sy[r]) / n;
      sum += Math.abs(cov / Math.sqrt(vx * vy));
      count++;
    }
    return count ? r6(sum / count) : null;
  };
  const basis = multi ? 'correlation' : allGradeChanges > 0 ? 'attribution' : 'rank-attribution';
  const itemReports: ItemSensitivity[] = items.map((it, i) => {
    const pairs = itemVariants[i] * R;
    const attribution = allGradeChanges ? r6(itemCredit[i] / allGradeChanges) : 0;
    const rankAttribution = allRankMoves ? r6(itemRankCredit[i] / allRankMoves) : 0;
    const rankCorrelation = correlation(i);
    return {
      id: it.id,
      label: it.label,
      category: it.category,
      maxPoints: it.maxPoints,
      variants: itemVariants[i],
      gradeChangeShare: r6(pairs ? itemGrade[i] / pairs : 0),
      rankChangeShare: r6(pairs ? itemRank[i] / pairs : 0),
      attribution,
      rankAttribution,
      rankCorrelation,
      importance:
        basis === 'attribution'
          ? attribution
          : basis === 'rank-attribution'
            ? rankAttribution
            : (rankCorrelation ?? 0),
    };
  });
  const order = itemReports
    .map((it, i) => ({ it, i }))
    .sort(
      (a, b) =>
        b.it.importance - a.it.importance ||
        b.it.gradeChangeShare - a.it.gradeChangeShare ||
        b.it.rankChangeShare - a.it.rankChangeShare ||
        a.i - b.i,
    )
    .map((x) => x.it);

  return {
    mode,
    variants: n,
    importanceBasis: basis,
    regions,
    items: order,
    stable: regions.filter((r) => r.status === 'stable' || r.status === 'rank-only').map((r) => r.region),
    unstable: regions.filter((r) => r.status === 'unstable').map((r) => r.region),
    topVariants: top,
    errors,
  };
}

/** Keeps the `size` variants with the most grade changes (then rank changes, then earliest). */
function keepTop(
  top: VariantSummary[],
  size: number,
  v: Variant,
  index: number,
  gradeChanges: number,
  rankChanges: number,
  items: ItemSlot[],
): void {
  const worse = (a: VariantSummary) =>
    a.gradeChanges < gradeChanges || (a.gradeChanges === gradeChanges && a.rankChanges < rankChanges);
  if (top.length === size && !worse(top[top.length - 1])) return;
  const entry: VariantSummary = {
    index,
    label: v.label,
    changes: v.changed.map((i) => ({ item: items[i].id, from: items[i].maxPoints, to: v.maxPoints[i] })),
    gradeChanges,
    rankChanges,
  };
  let at = top.length;
  while (at > 0 && worse(top[at - 1])) at--;
  top.splice(at, 0, entry);
  if (top.length > size) top.pop();
}
