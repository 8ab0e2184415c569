/**
 * The impact of a rule change (SPEC section 6): both versions evaluated on the same dataset, each
 * region's total and grade under each, and whether the grade moved. A region whose data fails under
 * one version is reported with the error, not dropped.
 *
 * @example
 * diffImpact(rules2023, rules2024, dataset)
 * // [{ region: '220100', name: '长春市', from: { total: 93.49, grade: 'excellent' },
 * //    to: { total: 92.1, grade: 'good' }, gradeChanged: true, totalChange: -1.39 }, …]
 */
import type { Dataset, Evaluation, RuleDocument } from '../types.ts';
import { evaluate } from '../evaluate/index.ts';
import { roundHalfAway } from '../numeric/round.ts';

export interface RegionOutcome {
  total: number;
  grade: string;
}

export interface ImpactRow {
  region: string;
  name: string;
  /** Total and final grade under the old version, or null when the region could not be scored. */
  from: RegionOutcome | null;
  to: RegionOutcome | null;
  /** The final grade differs (a region scored under one version only counts as changed). */
  gradeChanged: boolean;
  /** New total − old total, rounded to the finer precision of the two (when both were scored). */
  totalChange?: number;
  /** Why the region could not be scored under the old / new version. */
  fromError?: string;
  toError?: string;
}

/** Evaluate both versions on `dataset` (no traces) and compare region by region, in dataset order. */
export function diffImpact(oldDoc: RuleDocument, newDoc: RuleDocument, dataset: Dataset): ImpactRow[] {
  const before = evaluate(oldDoc, dataset, { trace: false });
  const after = evaluate(newDoc, dataset, { trace: false });
  return compareEvaluations(before, after, dataset, Math.max(oldDoc.precision ?? 2, newDoc.precision ?? 2));
}

/** Compare two evaluations of the same dataset. */
export function compareEvaluations(
  before: Evaluation,
  after: Evaluation,
  dataset: Dataset,
  precision = 2,
): ImpactRow[] {
  const outcomes = (e: Evaluation) =>
    new Map(e.results.map((r) => [r.region, { total: r.total, grade: r.grade }]));
  const errors = (e: Evaluation) => {
    const byRegion = new Map<string, string[]>();
    for (const err of e.errors) byRegion.set(err.region, [...(byRegion.get(err.region) ?? []), err.message]);
    return byRegion;
  };
  const fromOutcomes = outcomes(before);
  const toOutcomes = outcomes(after);
  const fromErrors = errors(before);
  const toErrors = errors(after);

  const seen = new Set<string>();
  const rows: ImpactRow[] = [];
  for (const region of dataset.regions) {
    if (seen.has(region.code)) continue;
    seen.add(region.code);
    const from = fromOutcomes.get(region.code) ?? null;
    const to = toOutcomes.get(region.code) ?? null;
    const row: ImpactRow = {
      region: region.code,
      name: region.name,
      from,
      to,
      gradeChanged: (from?.grade ?? null) !== (to?.grade ?? null),
    };
    if (from && to) row.totalChange = roundHalfAway(to.total - from.total, precision);
    const fromError = from ? undefined : fromErrors.get(region.code)?.join('; ');
    const toError = to ? undefined : toErrors.get(region.code)?.join('; ');
    if (!from) row.fromError = fromError ?? '未评分 / not scored';
    if (!to) row.toError = toError ?? '未评分 / not scored';
    rows.push(row);
  }
  return rows;
}
