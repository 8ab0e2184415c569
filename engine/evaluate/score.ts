/**
 * Steps 2–10 of evaluation for one region (SPEC section 3): derived values, items (clamped to
 * [0, maxPoints], rounded half away from zero), categories, base, bonus and its cap, total, and
 * the grade after downgrades, caps and vetoes — with a trace per item.
 */
import type {
  BonusItemResult,
  CategoryResult,
  ItemResult,
  ItemTrace,
  RegionData,
  RegionError,
  RegionResult,
} from '../types.ts';
import { logic, truthy } from '../logic/operations.ts';
import { roundHalfAway, roundedSum } from '../numeric/round.ts';
import type { PreparedDocument } from './prepare.ts';
import { resolveInputs, resolvePrevious } from './inputs.ts';
import { categoryPoints } from './category.ts';
import { prevKeyOf } from '../document/v2.ts';
import { gradeOf } from './grade.ts';

export interface RegionOutcome {
  /** The result, with rank 0 until ranked; absent when the region could not be scored. */
  result?: RegionResult;
  gradeIndex: number;
  errors: RegionError[];
  warnings: { region: string; key?: string; message: string }[];
}

const clean = (x: number) => (x === 0 ? 0 : x); // no -0 in results

/** Scores one region. */
export function scoreRegion(p: PreparedDocument, region: RegionData, trace = true): RegionOutcome {
  const { values, errors, warnings } = resolveInputs(p, region);
  let previous: Record<string, unknown> | undefined;
  if (p.previous.length > 0 || region.previous !== undefined) {
    const prev = resolvePrevious(p, region);
    for (const e of prev.errors) errors.push(e);
    for (const w of prev.warnings) warnings.push(w);
    previous = prev.previous;
  }
  if (errors.length > 0) return { errors, warnings, gradeIndex: -1 };
  const who = `${region.name || region.code}（${region.code}）`;
  const ctx: Record<string, unknown> = Object.create(null);
  // SPEC §9: parameters first, then inputs, last year's values (`prev.KEY`), derived values.
  for (const [k, v] of p.parameters) ctx[k] = v;
  for (const k in values) ctx[k] = values[k];
  if (p.previous.length > 0) ctx.prev = previous;

  const formulaError = (what: { key?: string; item?: string }, zh: string, en: string): RegionError => ({
    region: region.code,
    name: region.name,
    ...what,
    code: 'formula_error',
    message: `${who}${zh} / ${region.code}: ${en}`,
  });
  const apply = (formula: unknown): { ok: true; value: unknown } | { ok: false; error: string } => {
    try {
      return { ok: true, value: logic.apply(formula as never, ctx) };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  };

  // Derived values in dependency order.
  const derived: Record<string, unknown> = Object.create(null);
  for (const d of p.derived) {
    const r = apply(d.def.logic);
    if (!r.ok) {
      errors.push(
        formulaError(
          { key: d.def.key },
          `派生值 "${d.def.key}" 计算出错：${r.error}`,
          `derived value "${d.def.key}" failed: ${r.error}`,
        ),
      );
      return { errors, warnings, gradeIndex: -1 };
    }
    ctx[d.def.key] = r.value;
    derived[d.def.key] = r.value;
  }

  const digits = p.precision;
  const traceOf = (
    it: object,
    raw: number | null,
    clamp: ItemTrace['clamp'],
    points: number | null,
  ): ItemTrace => {
    const vars: Record<string, unknown> = {};
    for (const v of p.reads.get(it) ?? []) {
      const prevKey = prevKeyOf(v);
      vars[v] = prevKey !== null && previous ? (previous[prevKey] ?? null) : v in ctx ? ctx[v] : null;
    }
    return { vars, raw, clamp, points };
  };
  const finite = (what: { item: string }, label: string, v: unknown): number | null => {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    errors.push({
      region: region.code,
      name: region.name,
      ...what,
      code: 'invalid_result',
      message: `${who}考核项 "${what.item}"（${label}）的公式结果 ${show(v)} 不是有限数值 / ${region.code}: item "${what.item}" yielded ${show(v)}, not a finite number`,
    });
    return null;
  };

  // Items and categories.
  const categories: CategoryResult[] = [];
  for (const c of p.doc.categories) {
    const items: ItemResult[] = [];
    for (const it of c.items) {
      // SPEC §9: `applies` first; an item that does not apply is not evaluated.
      let applicable: boolean | undefined;
      if (it.applies !== undefined) {
        const a = apply(it.applies);
        if (!a.ok) {
          errors.push(
            formulaError(
              { item: it.id },
              `考核项 "${it.id}" 的适用条件计算出错：${a.error}`,
              `the applicability of item "${it.id}" failed: ${a.error}`,
            ),
          );
          continue;
        }
        applicable = truthy(a.value);
        if (!applicable) {
          const item: ItemResult = {
            id: it.id,
            label: it.label,
            points: null,
            maxPoints: it.maxPoints,
            raw: null,
            clamped: false,
            applicable: false,
          };
          if (trace) item.trace = traceOf(it, null, null, null);
          items.push(item);
          continue;
        }
      }
      const r = apply(it.logic);
      if (!r.ok) {
        errors.push(
          formulaError(
            { item: it.id },
            `考核项 "${it.id}" 计算出错：${r.error}`,
            `item "${it.id}" failed: ${r.error}`,
          ),
        );
        continue;
      }
      const raw = finite({ item: it.id }, it.label.zh, r.value);
      if (raw === null) continue;
      const clamp: ItemTrace['clamp'] = raw < 0 ? 'low' : raw > it.maxPoints ? 'high' : null;
      const points = clean(
        roundHalfAway(clamp === 'low' ? 0 : clamp === 'high' ? it.maxPoints : raw, digits),
      );
      const item: ItemResult = {
        id: it.id,
        label: it.label,
        points,
        maxPoints: it.maxPoints,
        raw,
        clamped: clamp !== null,
      };
      if (applicable !== undefined) item.applicable = true;
      if (trace) item.trace = traceOf(it, raw, clamp, points);
      items.push(item);
    }
    const { points, rescaled } = categoryPoints(c, items, digits);
    const category: CategoryResult = { id: c.id, label: c.label, points, maxPoints: c.maxPoints, items };
    if (rescaled) category.rescaled = rescaled;
    categories.push(category);
  }

  // Bonus.
  const bonusItems: BonusItemResult[] = [];
  for (const b of p.doc.bonus?.items ?? []) {
    const r = apply(b.logic);
    if (!r.ok) {
      errors.push(
        formulaError(
          { item: b.id },
          `加分项 "${b.id}" 计算出错：${r.error}`,
          `bonus item "${b.id}" failed: ${r.error}`,
        ),
      );
      continue;
    }
    const raw = finite({ item: b.id }, b.label.zh, r.value);
    if (raw === null) continue;
    const clamp: ItemTrace['clamp'] = raw < 0 ? 'low' : null;
    const points = clean(roundHalfAway(clamp ? 0 : raw, digits));
    const item: BonusItemResult = { id: b.id, label: b.label, points, raw, clamped: clamp !== null };
    if (trace) item.trace = traceOf(b, raw, clamp, points);
    bonusItems.push(item);
  }

  // Conditions.
  const triggered = <T extends { id: string; when: unknown }>(list: T[] | undefined, kind: string): T[] => {
    const out: T[] = [];
    for (const x of list ?? []) {
      const r = apply(x.when);
      if (!r.ok)
        errors.push(
          formulaError(
            { item: x.id },
            `${kind} "${x.id}" 条件计算出错：${r.error}`,
            `${kind} "${x.id}" condition failed: ${r.error}`,
          ),
        );
      else if (truthy(r.value)) out.push(x);
    }
    return out;
  };
  const downgrades = triggered(p.doc.downgrades, '降档项');
  const caps = triggered(p.doc.caps, '封顶项');
  const vetoes = triggered(p.doc.vetoes, '否决项');
  if (errors.length > 0) return { errors, warnings, gradeIndex: -1 };

  const base = clean(
    roundedSum(
      categories.map((c) => c.points),
      digits,
    ),
  );
  const bonusUncapped = clean(
    roundedSum(
      bonusItems.map((b) => b.points),
      digits,
    ),
  );
  // SPEC §3.5: min(cap, sum) — the sum is rounded, the cap taken as written (never exceeded).
  const bonus = clean(Math.min(p.bonusCap, bonusUncapped));
  const total = clean(roundHalfAway(base + bonus, digits));
  const g = gradeOf(
    p,
    total,
    downgrades.map((d) => d.levels ?? 1),
    caps.map((c) => p.gradeIndex.get(c.maxGrade) ?? 0),
    vetoes.length > 0,
  );
  const result: RegionResult = {
    region: region.code,
    name: region.name,
    total,
    base,
    bonus,
    bonusUncapped,
    scoreGrade: p.grades[g.scoreGrade].id,
    grade: p.grades[g.grade].id,
    rank: 0,
    vetoes: vetoes.map((v) => v.id),
    downgrades: downgrades.map((d) => d.id),
    caps: caps.map((c) => c.id),
    categories,
    bonusItems,
    warnings: warnings.map((w) => w.message),
  };
  if (trace) {
    result.values = { ...values };
    if (p.previous.length > 0) {
      const shown: Record<string, unknown> = {};
      for (const input of p.previous) shown[input.key] = previous?.[input.key] ?? null;
      result.previousValues = shown;
    }
    if (p.previous.length > 0 && region.previousSources) result.previousSources = region.previousSources;
    result.derived = { ...derived };
  }
  return { result, errors, warnings, gradeIndex: g.grade };
}

function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
