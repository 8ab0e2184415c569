/**
 * Steps 3–10 of the compiled pipeline for a region whose values are all computed: items,
 * categories, bonus, conditions and grade, built into the interpreted path's result shapes.
 */
import type { BonusItemResult, CategoryResult, ItemResult, RegionError, RegionResult } from '../types.ts';
import type { RegionOutcome } from '../evaluate/score.ts';
import { categoryPoints } from '../evaluate/category.ts';
import { rounded } from './round.ts';
import { Item, TracedItem } from './result-objects.ts';
import { eagerResult, lazyResult, type Head, type RawPool } from './lazy.ts';
import { truthy } from './ops.ts';
import type { CompiledLogic } from './logic.ts';
import type { CompiledDocument, Pending } from './shapes.ts';
import {
  conditionError,
  formulaError,
  invalidResult,
  itemError,
  messageOf,
  messageOfWarning,
  traceOf,
} from './messages.ts';

const NO_ITEMS: ItemResult[] = [];

/**
 * Steps 3–10 for a region whose values are all computed (in the slots, and in `lane` of the
 * numeric program's registers).
 *
 * Allocation is kept to what the result is made of: the arrays are created at their final length,
 * every object is created whole (one shape per kind, keys in the interpreter's order), triggered
 * conditions are collected as ids directly, and the errors array exists only when there is an
 * error. A region with an error gets no result, so partly filled arrays never escape.
 *
 * `long`: the region is one of a dataset large enough for its results to outlive a collection of
 * the young generation or two before the evaluation returns (see Item).
 */
export function finish(
  cd: CompiledDocument,
  r: Pending,
  lane: number,
  trace: boolean,
  long: boolean,
  pool: RawPool | null = null,
): RegionOutcome {
  const p = cd.prepared;
  const region = r.region;
  const slots = r.slots;
  const warnings = r.warnings;
  const regs = cd.program.regs;
  const lanes = cd.program.lanes;
  const derived = cd.derived;
  let errors: RegionError[] | null = null;
  const digits = p.precision;
  // Items' raw results, kept for categories made when read (lazy.ts), or null: built now.
  const raws = pool === null ? null : pool.buffer;
  const start = pool === null ? 0 : pool.used;
  let off = start;

  // Items and categories.
  const cats = cd.categories;
  const categories: CategoryResult[] = raws === null ? new Array(cats.length) : [];
  let catSum = 0;
  for (let ci = 0; ci < cats.length; ci++) {
    const c = cats[ci];
    const list = c.items;
    const items: ItemResult[] = raws === null ? new Array(list.length) : NO_ITEMS;
    let sum = 0;
    let na = false;
    for (let k = 0; k < list.length; k++) {
      const it = list[k];
      const applies = it.applies;
      if (applies !== null) {
        // SPEC §9: `applies` first; an item that does not apply is not evaluated.
        let on: boolean;
        try {
          on = holds(applies, regs, lanes, lane, slots);
        } catch (e) {
          const m = messageOf(e);
          (errors ??= []).push(
            formulaError(
              region,
              { item: it.id },
              `考核项 "${it.id}" 的适用条件计算出错：${m}`,
              `the applicability of item "${it.id}" failed: ${m}`,
            ),
          );
          continue;
        }
        if (!on) {
          // An item that does not apply: its category's rule, on the results built whole.
          if (raws !== null) return finish(cd, r, lane, trace, long, null);
          na = true;
          const item: ItemResult = {
            id: it.id,
            label: it.label,
            points: null,
            maxPoints: it.maxPoints!,
            raw: null,
            clamped: false,
            applicable: false,
          };
          if (trace) item.trace = traceOf(it, slots, null, null, null);
          items[k] = item;
          continue;
        }
      }
      let v: unknown;
      if (it.reg >= 0) v = regs[it.reg * lanes + lane];
      else
        try {
          v = it.fn(slots);
        } catch (e) {
          (errors ??= []).push(itemError(region, '考核项', 'item', it.id, e));
          continue;
        }
      if (typeof v !== 'number' || v - v !== 0) {
        (errors ??= []).push(invalidResult(region, it, v));
        continue;
      }
      const max = it.maxPoints!;
      const points = v < 0 ? 0 : rounded(v > max ? max : v, digits);
      sum += points;
      if (raws !== null) {
        raws[off + k] = v;
        continue;
      }
      const clamped = v < 0 || v > max;
      if (applies !== null)
        items[k] = trace
          ? {
              id: it.id,
              label: it.label,
              points,
              maxPoints: max,
              raw: v,
              clamped,
              applicable: true,
              trace: traceOf(it, slots, v, v < 0 ? 'low' : v > max ? 'high' : null, points),
            }
          : { id: it.id, label: it.label, points, maxPoints: max, raw: v, clamped, applicable: true };
      else if (!trace)
        items[k] = long
          ? { id: it.id, label: it.label, points, maxPoints: max, raw: v, clamped }
          : new Item(it.id, it.label, points, max, v, clamped);
      else {
        const t = traceOf(it, slots, v, v < 0 ? 'low' : v > max ? 'high' : null, points);
        items[k] = long
          ? { id: it.id, label: it.label, points, maxPoints: max, raw: v, clamped, trace: t }
          : new TracedItem(it.id, it.label, points, max, v, clamped, t);
      }
    }
    off += list.length;
    if (na && errors === null) {
      // Items that do not apply: the category's `notApplicable` rule (engine/evaluate/category.ts).
      const { points, rescaled } = categoryPoints(c, items, digits);
      catSum += points;
      categories[ci] = rescaled
        ? { id: c.id, label: c.label, points, maxPoints: c.maxPoints, items, rescaled }
        : { id: c.id, label: c.label, points, maxPoints: c.maxPoints, items };
      continue;
    }
    const points = rounded(sum, digits);
    catSum += points;
    if (raws === null) categories[ci] = { id: c.id, label: c.label, points, maxPoints: c.maxPoints, items };
  }

  // Bonus.
  const bonusList = cd.bonusItems;
  const bonusItems: BonusItemResult[] = raws === null ? new Array(bonusList.length) : [];
  let bonusSum = 0;
  for (let k = 0; k < bonusList.length; k++) {
    const b = bonusList[k];
    let v: unknown;
    if (b.reg >= 0) v = regs[b.reg * lanes + lane];
    else
      try {
        v = b.fn(slots);
      } catch (e) {
        (errors ??= []).push(itemError(region, '加分项', 'bonus item', b.id, e));
        continue;
      }
    if (typeof v !== 'number' || v - v !== 0) {
      (errors ??= []).push(invalidResult(region, b, v));
      continue;
    }
    const points = v < 0 ? 0 : rounded(v, digits);
    bonusSum += points;
    if (raws !== null) {
      raws[off + k] = v;
      continue;
    }
    bonusItems[k] = trace
      ? {
          id: b.id,
          label: b.label,
          points,
          raw: v,
          clamped: v < 0,
          trace: traceOf(b, slots, v, v < 0 ? 'low' : null, points),
        }
      : { id: b.id, label: b.label, points, raw: v, clamped: v < 0 };
  }

  // Conditions: downgrades (their shift), caps (the lowest grade they allow), vetoes.
  let downgrades: string[] | null = null;
  let shift = 0;
  const sumLevels = p.stacking === 'sum';
  for (let i = 0; i < cd.downgrades.length; i++) {
    const x = cd.downgrades[i];
    let on: boolean;
    try {
      on = holds(x, regs, lanes, lane, slots);
    } catch (e) {
      (errors ??= []).push(conditionError(region, '降档项', x.def.id, e));
      continue;
    }
    if (on) {
      const levels = x.def.levels ?? 1;
      if (downgrades === null) {
        downgrades = [x.def.id];
        shift = levels;
      } else {
        downgrades.push(x.def.id);
        shift = sumLevels ? shift + levels : Math.max(shift, levels);
      }
    }
  }
  let caps: string[] | null = null;
  let capGrade = 0;
  for (let i = 0; i < cd.caps.length; i++) {
    const x = cd.caps[i];
    let on: boolean;
    try {
      on = holds(x, regs, lanes, lane, slots);
    } catch (e) {
      (errors ??= []).push(conditionError(region, '封顶项', x.def.id, e));
      continue;
    }
    if (on) {
      const at = cd.capGrades[i];
      if (caps === null) {
        caps = [x.def.id];
        capGrade = at;
      } else {
        caps.push(x.def.id);
        if (at > capGrade) capGrade = at;
      }
    }
  }
  let vetoes: string[] | null = null;
  for (let i = 0; i < cd.vetoes.length; i++) {
    const x = cd.vetoes[i];
    let on: boolean;
    try {
      on = holds(x, regs, lanes, lane, slots);
    } catch (e) {
      (errors ??= []).push(conditionError(region, '否决项', x.def.id, e));
      continue;
    }
    if (on) (vetoes ??= []).push(x.def.id);
  }
  if (errors !== null) return { errors, warnings, gradeIndex: -1 };

  const base = rounded(catSum, digits);
  const bonusUncapped = rounded(bonusSum, digits);
  // SPEC §3.5: min(cap, sum) — the sum rounded, the cap as written (never exceeded), as score.ts.
  let bonus = Math.min(p.bonusCap, bonusUncapped);
  if (bonus === 0) bonus = 0;
  const total = rounded(base + bonus, digits);
  // Steps 7–10 (engine/evaluate/grade.ts): score grade, downgrades, caps, vetoes.
  const mins = cd.gradeMins;
  const last = mins.length - 1;
  let scoreGrade = 0;
  while (scoreGrade < mins.length && !(mins[scoreGrade] <= total)) scoreGrade++;
  if (scoreGrade === mins.length) scoreGrade = last;
  let grade = scoreGrade;
  if (downgrades !== null) grade = Math.min(last, grade + shift);
  if (caps !== null) grade = Math.max(grade, capGrade);
  if (vetoes !== null) grade = last;
  const head: Head = {
    region: region.code,
    name: region.name,
    total,
    base,
    bonus,
    bonusUncapped,
    scoreGrade: cd.gradeIds[scoreGrade],
    grade: cd.gradeIds[grade],
    rank: 0,
    vetoes: vetoes ?? [],
    downgrades: downgrades ?? [],
    caps: caps ?? [],
  };
  const messages = warnings.length === 0 ? [] : warnings.map(messageOfWarning);
  const result =
    raws !== null
      ? lazyResult(cd, head, messages, raws, start, trace ? slots : null)
      : eagerResult(head, categories, bonusItems, messages);
  if (pool !== null) pool.used += cd.itemCount + cd.bonusItems.length;
  if (trace) {
    const values: Record<string, unknown> = {};
    const n = cd.inputs.length;
    for (let i = 0; i < n; i++) if (slots[i] !== undefined) values[cd.slotNames[i]] = slots[i];
    const derivedValues: Record<string, unknown> = {};
    for (let i = 0; i < derived.length; i++) derivedValues[derived[i].key] = slots[derived[i].slot];
    result.values = values;
    const prev = p.previous;
    if (prev.length > 0) {
      const previous: Record<string, unknown> = {};
      for (let i = 0; i < prev.length; i++) previous[prev[i].key] = slots[cd.previousSlots[i]] ?? null;
      result.previousValues = previous;
      if (region.previousSources) result.previousSources = region.previousSources;
    }
    result.derived = derivedValues;
  }
  return { result, errors: [], warnings, gradeIndex: grade };
}

/**
 * Whether a condition holds for the region in `lane`: read from the numeric program's registers,
 * or computed by its closure (which may throw).
 */
function holds(
  c: { fn: CompiledLogic; reg: number },
  regs: Float64Array,
  lanes: number,
  lane: number,
  slots: unknown[],
): boolean {
  if (c.reg >= 0) {
    const y = regs[c.reg * lanes + lane];
    return y === y && y !== 0;
  }
  return truthy(c.fn(slots));
}
