/**
 * The 2025 sample's scoring written directly in TypeScript, for the bench's ceiling figures: (d′)
 * arithmetic only, and (d) like for like (input checks, the same result objects, kept and ranked).
 * `checkHandWritten` proves both give what the engine gives before anything is timed. When the
 * 2025 sample document changes, this file must follow it (the check fails loudly until it does).
 */
import {
  evaluate,
  rankOf,
  type BonusItemResult,
  type CategoryResult,
  type Dataset,
  type ItemResult,
  type Label,
  type RegionData,
  type RegionError,
  type RegionResult,
  type RuleDocument,
} from '../engine/index.ts';
import { fastRoundHalfAway } from '../engine/compile/round.ts';

/** (d) The 2025 sample's scoring written directly in TypeScript (no input checks: the ceiling). */
export interface HandResult {
  total: number;
  base: number;
  bonus: number;
  scoreGrade: number;
  grade: number;
}

const r2 = (x: number) => {
  const r = fastRoundHalfAway(x, 2);
  return r === 0 ? 0 : r;
};
const clampTo = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
const item = (raw: number, max: number) => r2(raw < 0 ? 0 : raw > max ? max : raw);
const ratio = (max: number, x: number, target: number) =>
  target <= 0 ? max : clampTo((max * x) / target, 0, max);
const share = (max: number, x: number, target: number) =>
  target <= 0 ? max : Math.min(max, (max * x) / target);
const deduct = (max: number, per: number, n: number) => Math.max(0, max - per * n);

/** The rescaled points of a `notApplicable: "rescale"` category (SPEC section 9). */
const rescale = (applicableSum: number, applicableMax: number, max: number) =>
  applicableMax === 0 ? max : r2((r2(applicableSum) * max) / applicableMax);

/** Binding (约束性) indicators missed: the 2025 sample's `binding_missed_count`. */
function bindingMissed(v: Record<string, any>): number {
  return (
    (v.good_days_rate < v.good_days_target ? 1 : 0) +
    (v.pm25 > v.pm25_target ? 1 : 0) +
    (v.water_good_rate < v.water_good_target ? 1 : 0) +
    (v.water_bad_rate > v.water_bad_target ? 1 : 0) +
    (v.co2_reduction < v.co2_reduction_target ? 1 : 0) +
    (v.energy_reduction < v.energy_reduction_target ? 1 : 0)
  );
}

/** Satisfaction: 70% → 0, 90% → 5 (linear), 1 point off when it fell against last year. */
const satisfactionRaw = (s: number, prev: number) =>
  Math.max(0, (s <= 70 ? 0 : s >= 90 ? 5 : 0 + (5 * (s - 70)) / (90 - 70)) - (s < prev ? 1 : 0));

export function hand2025(values: Record<string, any>, previous: Record<string, any> = {}): HandResult {
  const v = values;
  const incident = v.incident_level ?? 'none';
  const dataFraud = v.data_fraud ?? false;
  const majorPetition = v.major_petition ?? false;
  const awards = v.national_awards ?? 0;
  const models = v.provincial_models ?? 0;
  const demo = v.national_demo ?? false;
  // derived values
  const goodDaysShortfall = Math.max(0, v.good_days_target - v.good_days_rate);
  const pm25Excess = Math.max(0, v.pm25 - v.pm25_target);
  const pm25Rose = v.pm25 > previous.pm25;
  const eqChange = v.eq_index - previous.eq_index;
  const projectRate =
    v.projects_planned > 0 ? Math.min(100, 100 * (v.projects_on_schedule / v.projects_planned)) : 100;
  const redlineRate = v.redline_issues > 0 ? Math.min(1, v.redline_fixed / v.redline_issues) : 1;
  const eq = eqChange <= -2 ? 0 : eqChange >= -1 ? 2 : 0 + (2 * (eqChange - -2)) / (-1 - -2);
  const sat = satisfactionRaw(v.satisfaction, previous.satisfaction);
  // 黑臭水体 applies only where there is a task (target > 0); the category is then rescaled
  const blackOdorous = v.black_odorous_target > 0;
  const indicatorSum =
    item(deduct(5, 0.25, goodDaysShortfall), 5) +
    item(pm25Rose ? 0 : deduct(7, 0.5, pm25Excess), 7) +
    item(v.heavy_rate <= v.heavy_rate_target ? 3 : deduct(3, 2, v.heavy_rate - v.heavy_rate_target), 3) +
    item(ratio(5, v.water_good_rate, v.water_good_target), 5) +
    item(v.water_bad_rate <= v.water_bad_target ? 2 : 0, 2) +
    item(clampTo(1 - 0.1 * (v.groundwater_v_rate - v.groundwater_v_target), 0, 1), 1) +
    item(Math.max(0, 5 - 1 * (100 - v.drinking_water_rate)), 5) +
    (blackOdorous ? item(ratio(2, v.black_odorous_rate, v.black_odorous_target), 2) : 0) +
    item(ratio(5, v.co2_reduction, v.co2_reduction_target), 5) +
    item(ratio(5, v.energy_reduction, v.energy_reduction_target), 5) +
    item(share(2, v.nox_reduction, v.nox_reduction_target), 2) +
    item(share(2, v.vocs_reduction, v.vocs_reduction_target), 2) +
    item(share(2, v.cod_reduction, v.cod_reduction_target), 2) +
    item(share(2, v.nh3_reduction, v.nh3_reduction_target), 2) +
    item(deduct(3, 0.5, Math.max(0, v.rural_sewage_target - v.rural_sewage_rate)), 3) +
    item(
      v.farmland_safe_rate >= v.farmland_safe_target
        ? 2
        : v.farmland_safe_rate >= v.farmland_safe_target - 3
          ? 1
          : 0,
      2,
    ) +
    item(v.site_safe_rate >= v.site_safe_target ? 2 : 0, 2) +
    item(eq, 2) +
    item(v.forest_coverage >= v.forest_coverage_target ? 2 : 0, 2) +
    item(redlineRate, 1);
  const indicators = blackOdorous ? r2(indicatorSum) : rescale(indicatorSum, 58, 60);
  const tasks = r2(
    item(Math.max(0, 7 - (v.inspection_overdue + 0.5 * v.complaints_overdue)), 7) +
      item(deduct(4, 0.5, v.air_task_shortfalls), 4) +
      item(deduct(4, 0.5, v.water_task_shortfalls), 4) +
      item(deduct(3, 0.5, v.soil_task_shortfalls), 3) +
      item(deduct(3, 0.5, v.eco_task_shortfalls), 3) +
      item(deduct(3, 1, v.safety_task_shortfalls), 3) +
      item(deduct(1, 0.5, v.governance_task_shortfalls), 1),
  );
  const funding = r2(
    item(fastRoundHalfAway(v.fund_performance_score / 20, 1), 5) + item((5 * projectRate) / 100, 5),
  );
  const satisfaction = r2(item(sat, 5));
  const base = r2(indicators + tasks + funding + satisfaction);
  const bonusSum = r2(r2(Math.max(0, 2 * awards)) + r2(Math.max(0, models)) + (demo ? 2 : 0));
  const bonus = r2(Math.min(5, bonusSum));
  const total = r2(base + bonus);
  const scoreGrade = total >= 90 ? 0 : total >= 80 ? 1 : total >= 60 ? 2 : 3;
  let grade = scoreGrade;
  // one 降档项 with two triggers (`max` stacking): one grade down at most
  if (v.inspection_overdue > 0 || bindingMissed(v) > 0) grade = Math.min(3, grade + 1);
  if (v.satisfaction < 85 || majorPetition) grade = Math.max(grade, 1);
  if (incident === 'major' || incident === 'extraordinary' || dataFraud) grade = 3;
  return { total, base, bonus, scoreGrade, grade };
}

export function handWritten(data: Dataset): number {
  const entries: { total: number; gradeIndex: number }[] = [];
  for (const region of data.regions) {
    const r = hand2025(region.values, region.previous);
    entries.push({ total: r.total, gradeIndex: r.grade });
  }
  return rankOf(entries).length;
}

/** What the like-for-like hand-written function reads and reports into, per region. */
export interface HandCtx {
  values: Record<string, unknown>;
  region: RegionData;
  errors: RegionError[] | null;
}

export function handFail(c: HandCtx, key: string, code: string): number {
  (c.errors ??= []).push({
    region: c.region.code,
    name: c.region.name,
    key,
    code,
    message: `${c.region.code}: ${key} ${code}`,
  });
  return NaN;
}

export function hNum(c: HandCtx, key: string, min: number, max: number): number {
  const v = c.values[key];
  if (v === undefined || v === null) return handFail(c, key, 'missing_input');
  if (typeof v !== 'number' || !Number.isFinite(v)) return handFail(c, key, 'wrong_type');
  if (v < min || v > max) return handFail(c, key, 'out_of_range');
  return v;
}

export function hInt(c: HandCtx, key: string, dflt?: number): number {
  const v = c.values[key];
  if (v === undefined || v === null) return dflt ?? handFail(c, key, 'missing_input');
  if (typeof v !== 'number' || !Number.isInteger(v)) return handFail(c, key, 'wrong_type');
  if (v < 0) return handFail(c, key, 'out_of_range');
  return v;
}

export function hFlag(c: HandCtx, key: string): boolean {
  const v = c.values[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') handFail(c, key, 'wrong_type');
  return v === true;
}

const HAND_LABELS = new Map<string, Label>();

/** An item with an `applies` condition: `applicable` is part of its result, points null when it does not apply. */
export function hApplyingItem(id: string, max: number, applies: boolean, raw: () => number): ItemResult {
  if (!applies)
    return {
      id,
      label: HAND_LABELS.get(id)!,
      points: null,
      maxPoints: max,
      raw: null,
      clamped: false,
      applicable: false,
    };
  return { ...hItem(id, max, raw()), applicable: true };
}

/** A `notApplicable: "rescale"` category (SPEC section 9). */
export function hRescaledCategory(id: string, max: number, items: ItemResult[]): CategoryResult {
  if (items.every((it) => it.points !== null)) return hCategory(id, max, items);
  let sum = 0;
  let m = 0;
  for (const it of items)
    if (it.points !== null) {
      sum += it.points;
      m += it.maxPoints;
    }
  const S = r2(sum);
  return {
    id,
    label: HAND_LABELS.get(id)!,
    points: rescale(sum, m, max),
    maxPoints: max,
    items,
    rescaled: { points: S, maxPoints: m },
  };
}

export function hItem(id: string, max: number, raw: number): ItemResult {
  return {
    id,
    label: HAND_LABELS.get(id)!,
    points: item2(raw, max),
    maxPoints: max,
    raw,
    clamped: raw < 0 || raw > max,
  };
}

export function hCategory(id: string, max: number, items: ItemResult[]): CategoryResult {
  let sum = 0;
  for (const it of items) sum += it.points ?? 0;
  return { id, label: HAND_LABELS.get(id)!, points: r2(sum), maxPoints: max, items };
}

export function hBonus(id: string, raw: number): BonusItemResult {
  return { id, label: HAND_LABELS.get(id)!, points: r2(raw < 0 ? 0 : raw), raw, clamped: raw < 0 };
}

const GRADE_IDS = ['excellent', 'good', 'qualified', 'unqualified'];
const INCIDENT_LEVELS = ['none', 'general', 'larger', 'major', 'extraordinary'];

/** Last year's value of an input that declares `previous: "required"`. */
function hPrev(c: HandCtx, key: string, min: number, max: number): number {
  const p = c.region.previous?.[key];
  if (p === undefined || p === null) return handFail(c, key, 'missing_previous');
  if (typeof p !== 'number' || !Number.isFinite(p)) return handFail(c, key, 'wrong_type');
  if (p < min || p > max) return handFail(c, key, 'out_of_range');
  return p;
}

/**
 * (d) like for like: the 2025 scoring hand-written with what the pipeline does around it — every
 * input checked (presence, type, range, enum; defaults), undeclared keys warned about, and the
 * same RegionResult built (items, categories, ids of vetoes, downgrades and caps), traces off.
 */
export function handWrittenFull(doc: RuleDocument): (region: RegionData) => RegionResult | RegionError[] {
  for (const c of doc.categories) {
    HAND_LABELS.set(c.id, c.label);
    for (const it of c.items) HAND_LABELS.set(it.id, it.label);
  }
  for (const b of doc.bonus?.items ?? []) HAND_LABELS.set(b.id, b.label);
  const declared = new Set(doc.inputs.map((i) => i.key));
  return function score(region) {
    const values = region.values as Record<string, unknown>;
    const c: HandCtx = { values, region, errors: null };
    const v = {
      good_days_rate: hNum(c, 'good_days_rate', 0, 100),
      good_days_target: hNum(c, 'good_days_target', 0, 100),
      pm25: hNum(c, 'pm25', 0, 500),
      pm25_target: hNum(c, 'pm25_target', 0, 500),
      prev_pm25: hPrev(c, 'pm25', 0, 500),
      heavy_rate: hNum(c, 'heavy_rate', 0, 100),
      heavy_rate_target: hNum(c, 'heavy_rate_target', 0, 100),
      water_good_rate: hNum(c, 'water_good_rate', 0, 100),
      water_good_target: hNum(c, 'water_good_target', 0, 100),
      water_bad_rate: hNum(c, 'water_bad_rate', 0, 100),
      water_bad_target: hNum(c, 'water_bad_target', 0, 100),
      groundwater_v_rate: hNum(c, 'groundwater_v_rate', 0, 100),
      groundwater_v_target: hNum(c, 'groundwater_v_target', 0, 100),
      drinking_water_rate: hNum(c, 'drinking_water_rate', 0, 100),
      black_odorous_rate: hNum(c, 'black_odorous_rate', 0, 100),
      black_odorous_target: hNum(c, 'black_odorous_target', 0, 100),
      co2_reduction: hNum(c, 'co2_reduction', -100, 100),
      co2_reduction_target: hNum(c, 'co2_reduction_target', -100, 100),
      energy_reduction: hNum(c, 'energy_reduction', -100, 100),
      energy_reduction_target: hNum(c, 'energy_reduction_target', -100, 100),
      nox_reduction: hNum(c, 'nox_reduction', 0, Infinity),
      nox_reduction_target: hNum(c, 'nox_reduction_target', 0, Infinity),
      vocs_reduction: hNum(c, 'vocs_reduction', 0, Infinity),
      vocs_reduction_target: hNum(c, 'vocs_reduction_target', 0, Infinity),
      cod_reduction: hNum(c, 'cod_reduction', 0, Infinity),
      cod_reduction_target: hNum(c, 'cod_reduction_target', 0, Infinity),
      nh3_reduction: hNum(c, 'nh3_reduction', 0, Infinity),
      nh3_reduction_target: hNum(c, 'nh3_reduction_target', 0, Infinity),
      rural_sewage_rate: hNum(c, 'rural_sewage_rate', 0, 100),
      rural_sewage_target: hNum(c, 'rural_sewage_target', 0, 100),
      farmland_safe_rate: hNum(c, 'farmland_safe_rate', 0, 100),
      farmland_safe_target: hNum(c, 'farmland_safe_target', 0, 100),
      site_safe_rate: hNum(c, 'site_safe_rate', 0, 100),
      site_safe_target: hNum(c, 'site_safe_target', 0, 100),
      eq_index: hNum(c, 'eq_index', 0, 100),
      prev_eq_index: hPrev(c, 'eq_index', 0, 100),
      forest_coverage: hNum(c, 'forest_coverage', 0, 100),
      forest_coverage_target: hNum(c, 'forest_coverage_target', 0, 100),
      redline_issues: hInt(c, 'redline_issues'),
      redline_fixed: hInt(c, 'redline_fixed'),
      inspection_overdue: hInt(c, 'inspection_overdue'),
      complaints_overdue: hInt(c, 'complaints_overdue'),
      air_task_shortfalls: hInt(c, 'air_task_shortfalls'),
      water_task_shortfalls: hInt(c, 'water_task_shortfalls'),
      soil_task_shortfalls: hInt(c, 'soil_task_shortfalls'),
      eco_task_shortfalls: hInt(c, 'eco_task_shortfalls'),
      safety_task_shortfalls: hInt(c, 'safety_task_shortfalls'),
      governance_task_shortfalls: hInt(c, 'governance_task_shortfalls'),
      fund_performance_score: hNum(c, 'fund_performance_score', 0, 100),
      projects_planned: hInt(c, 'projects_planned'),
      projects_on_schedule: hInt(c, 'projects_on_schedule'),
      satisfaction: hNum(c, 'satisfaction', 0, 100),
      prev_satisfaction: hPrev(c, 'satisfaction', 0, 100),
      incident_level: values.incident_level ?? 'none',
      data_fraud: hFlag(c, 'data_fraud'),
      major_petition: hFlag(c, 'major_petition'),
      national_awards: hInt(c, 'national_awards', 0),
      provincial_models: hInt(c, 'provincial_models', 0),
      national_demo: hFlag(c, 'national_demo'),
    };
    if (!INCIDENT_LEVELS.includes(v.incident_level as string)) handFail(c, 'incident_level', 'not_in_enum');
    if (c.errors) return c.errors;
    const warnings: string[] = [];
    for (const key in values)
      if (!declared.has(key))
        warnings.push(`未声明的数据项 "${key}" 已忽略 / undeclared key "${key}" ignored`);

    const gds = Math.max(0, v.good_days_target - v.good_days_rate);
    const excess = Math.max(0, v.pm25 - v.pm25_target);
    const rose = v.pm25 > v.prev_pm25;
    const eqc = v.eq_index - v.prev_eq_index;
    const projectRate =
      v.projects_planned > 0 ? Math.min(100, 100 * (v.projects_on_schedule / v.projects_planned)) : 100;
    const redlineRate = v.redline_issues > 0 ? Math.min(1, v.redline_fixed / v.redline_issues) : 1;
    const categories = [
      hRescaledCategory('indicators', 60, [
        hItem('good_days', 5, deduct(5, 0.25, gds)),
        hItem('pm25', 7, rose ? 0 : deduct(7, 0.5, excess)),
        hItem(
          'heavy_pollution',
          3,
          v.heavy_rate <= v.heavy_rate_target ? 3 : deduct(3, 2, v.heavy_rate - v.heavy_rate_target),
        ),
        hItem('water_good', 5, ratio(5, v.water_good_rate, v.water_good_target)),
        hItem('water_bad', 2, v.water_bad_rate <= v.water_bad_target ? 2 : 0),
        hItem('groundwater', 1, clampTo(1 - 0.1 * (v.groundwater_v_rate - v.groundwater_v_target), 0, 1)),
        hItem('drinking_water', 5, Math.max(0, 5 - 1 * (100 - v.drinking_water_rate))),
        hApplyingItem('black_odorous', 2, v.black_odorous_target > 0, () =>
          ratio(2, v.black_odorous_rate, v.black_odorous_target),
        ),
        hItem('co2', 5, ratio(5, v.co2_reduction, v.co2_reduction_target)),
        hItem('energy', 5, ratio(5, v.energy_reduction, v.energy_reduction_target)),
        hItem('nox_reduction', 2, share(2, v.nox_reduction, v.nox_reduction_target)),
        hItem('vocs_reduction', 2, share(2, v.vocs_reduction, v.vocs_reduction_target)),
        hItem('cod_reduction', 2, share(2, v.cod_reduction, v.cod_reduction_target)),
        hItem('nh3_reduction', 2, share(2, v.nh3_reduction, v.nh3_reduction_target)),
        hItem('rural_sewage', 3, deduct(3, 0.5, Math.max(0, v.rural_sewage_target - v.rural_sewage_rate))),
        hItem(
          'farmland',
          2,
          v.farmland_safe_rate >= v.farmland_safe_target
            ? 2
            : v.farmland_safe_rate >= v.farmland_safe_target - 3
              ? 1
              : 0,
        ),
        hItem('contaminated_sites', 2, v.site_safe_rate >= v.site_safe_target ? 2 : 0),
        hItem('eq_index', 2, eqc <= -2 ? 0 : eqc >= -1 ? 2 : 0 + (2 * (eqc - -2)) / (-1 - -2)),
        hItem('forest', 2, v.forest_coverage >= v.forest_coverage_target ? 2 : 0),
        hItem('redline', 1, redlineRate),
      ]),
      hCategory('tasks', 25, [
        hItem('inspection', 7, Math.max(0, 7 - (v.inspection_overdue + 0.5 * v.complaints_overdue))),
        hItem('air_tasks', 4, deduct(4, 0.5, v.air_task_shortfalls)),
        hItem('water_tasks', 4, deduct(4, 0.5, v.water_task_shortfalls)),
        hItem('soil_tasks', 3, deduct(3, 0.5, v.soil_task_shortfalls)),
        hItem('eco_tasks', 3, deduct(3, 0.5, v.eco_task_shortfalls)),
        hItem('safety_tasks', 3, deduct(3, 1, v.safety_task_shortfalls)),
        hItem('governance_tasks', 1, deduct(1, 0.5, v.governance_task_shortfalls)),
      ]),
      hCategory('funding', 10, [
        hItem('fund_performance', 5, fastRoundHalfAway(v.fund_performance_score / 20, 1)),
        hItem('projects', 5, (5 * projectRate) / 100),
      ]),
      hCategory('satisfaction', 5, [
        hItem('satisfaction', 5, satisfactionRaw(v.satisfaction, v.prev_satisfaction)),
      ]),
    ];
    const bonusItems = [
      hBonus('national_award', 2 * v.national_awards),
      hBonus('provincial_model', v.provincial_models),
      hBonus('national_demo', v.national_demo ? 2 : 0),
    ];
    let catSum = 0;
    for (const cat of categories) catSum += cat.points;
    const base = r2(catSum);
    const bonusUncapped = r2(bonusItems[0].points + bonusItems[1].points + bonusItems[2].points);
    const bonus = r2(Math.min(5, bonusUncapped));
    const total = r2(base + bonus);
    const vetoes: string[] = [];
    if (v.incident_level === 'extraordinary') vetoes.push('major_incident');
    if (v.incident_level === 'major') vetoes.push('serious_incident');
    if (v.data_fraud) vetoes.push('data_fraud');
    const downgrades: string[] = [];
    if (v.inspection_overdue > 0) downgrades.push('inspection_overdue');
    if (bindingMissed(v) > 0) downgrades.push('binding_target_missed');
    const caps: string[] = [];
    if (v.satisfaction < 85) caps.push('satisfaction_low');
    if (v.major_petition) caps.push('major_petition');
    const scoreGrade = total >= 90 ? 0 : total >= 80 ? 1 : total >= 60 ? 2 : 3;
    // `max` stacking: the one 降档项 drops one grade however many of its triggers hold
    let grade = Math.min(3, scoreGrade + (downgrades.length > 0 ? 1 : 0));
    if (caps.length) grade = Math.max(grade, 1);
    if (vetoes.length) grade = 3;
    return {
      region: region.code,
      name: region.name,
      total,
      base,
      bonus,
      bonusUncapped,
      scoreGrade: GRADE_IDS[scoreGrade],
      grade: GRADE_IDS[grade],
      rank: 0,
      vetoes,
      downgrades,
      caps,
      categories,
      bonusItems,
      warnings,
    };
  };
}

const item2 = (raw: number, max: number) => r2(raw < 0 ? 0 : raw > max ? max : raw);

export function handWrittenFullRun(doc: RuleDocument): (data: Dataset) => number {
  const score = handWrittenFull(doc);
  return (data) => {
    const results: RegionResult[] = [];
    const entries: { total: number; gradeIndex: number }[] = [];
    const grades = ['excellent', 'good', 'qualified', 'unqualified'];
    for (const region of data.regions) {
      const r = score(region);
      if (Array.isArray(r)) continue;
      results.push(r);
      entries.push({ total: r.total, gradeIndex: grades.indexOf(r.grade) });
    }
    const ranks = rankOf(entries);
    results.forEach((r, i) => (r.rank = ranks[i]));
    return results.length;
  };
}

/** The hand-written functions give what the engine gives: totals, grades and ranks; whole results. */
export function checkHandWritten(doc: RuleDocument, data: Dataset): void {
  const ev = evaluate(doc, data, { trace: false });
  if (ev.errors.length) throw new Error(`the bench data has errors: ${ev.errors[0].message}`);
  const hand = data.regions.map((r) => hand2025(r.values, r.previous));
  const ranks = rankOf(hand.map((h) => ({ total: h.total, gradeIndex: h.grade })));
  const grades = doc.grades.map((g) => g.id);
  const full = handWrittenFull(doc);
  ev.results.forEach((r, i) => {
    const h = hand[i];
    const mine = {
      total: h.total,
      base: h.base,
      bonus: h.bonus,
      scoreGrade: grades[h.scoreGrade],
      grade: grades[h.grade],
      rank: ranks[i],
    };
    const theirs = {
      total: r.total,
      base: r.base,
      bonus: r.bonus,
      scoreGrade: r.scoreGrade,
      grade: r.grade,
      rank: r.rank,
    };
    if (JSON.stringify(mine) !== JSON.stringify(theirs))
      throw new Error(
        `hand-written 2025 differs for ${r.region}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`,
      );
    const whole = full(data.regions[i]) as RegionResult;
    whole.rank = r.rank;
    if (JSON.stringify(whole) !== JSON.stringify(r))
      throw new Error(
        `hand-written 2025 (full result) differs for ${r.region}:\n${JSON.stringify(whole)}\n${JSON.stringify(r)}`,
      );
  });
}
