/**
 * A prepared rule document compiled once into closures, and one region scored with it: the
 * pipeline of SPEC section 3 with the very output of the interpreted `scoreRegion`
 * (engine/evaluate/score.ts) — the same results, errors, messages and traces, byte for byte —
 * without repeated work: every variable has a slot fixed at compile time, inputs are checked by
 * one pass over the declared inputs, derived values run in their precomputed order, and traces
 * cost nothing when they are off.
 */
import type {
  BonusItem,
  BonusItemResult,
  CategoryResult,
  Input,
  Item,
  ItemResult,
  ItemTrace,
  Label,
  RegionData,
  RegionError,
  RegionResult,
} from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import type { RegionOutcome } from '../evaluate/score.ts';
import { gradeOf } from '../evaluate/grade.ts';
import { valueFitsType } from '../validate/semantic.ts';
import { compileLogic, type CompiledLogic, type Scope } from './logic.ts';
import { fastRoundHalfAway } from './round.ts';
import { truthy } from './ops.ts';

/** A variable a formula reads, as its trace shows it. */
interface TraceRead {
  name: string;
  slot: number;
  /** Derived values are always set when items run (even to undefined); inputs only when given. */
  derived: boolean;
}

export interface CompiledItem {
  id: string;
  label: Label;
  /** Undefined for bonus items (no upper bound). */
  maxPoints: number | undefined;
  fn: CompiledLogic;
  reads: TraceRead[];
}

export interface CompiledCondition<T> {
  def: T;
  fn: CompiledLogic;
}

export interface CompiledDocument {
  prepared: PreparedDocument;
  /** Slot names: the inputs in document order, then the derived values in evaluation order. */
  slotNames: string[];
  inputs: Input[];
  inputKeys: ReadonlySet<string>;
  derived: { key: string; slot: number; fn: CompiledLogic }[];
  categories: { id: string; label: Label; maxPoints: number; items: CompiledItem[] }[];
  bonusItems: CompiledItem[];
  downgrades: CompiledCondition<{ id: string; levels?: number }>[];
  caps: CompiledCondition<{ id: string; maxGrade: string }>[];
  vetoes: CompiledCondition<{ id: string }>[];
}

/** An object view of the slots, as the interpreter's data object would be at that moment. */
function viewOf(names: string[]): (env: unknown[]) => Record<string, unknown> {
  return (env) => {
    const o: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < names.length; i++) if (env[i] !== undefined) o[names[i]] = env[i];
    return o;
  };
}

/**
 * Compiles a prepared (hence valid) document.
 *
 * @example const cd = compileDocument(prepareDocument(doc)); scoreRegionCompiled(cd, region, false)
 */
export function compileDocument(p: PreparedDocument): CompiledDocument {
  const slotNames = [...p.inputs.map((i) => i.key), ...p.derived.map((d) => d.def.key)];
  const slotByName = new Map(slotNames.map((n, i) => [n, i]));
  const derivedKeys = new Set(p.derived.map((d) => d.def.key));
  const scope: Scope = { slotOf: (name) => slotByName.get(name), view: viewOf(slotNames) };
  const compile = (logic: unknown) => compileLogic(logic, scope);
  const readsOf = (x: object): TraceRead[] =>
    (p.reads.get(x) ?? []).map((name) => ({
      name,
      slot: slotByName.get(name) ?? -1,
      derived: derivedKeys.has(name),
    }));
  const item = (it: Item | BonusItem, maxPoints: number | undefined): CompiledItem => ({
    id: it.id,
    label: it.label,
    maxPoints,
    fn: compile(it.logic),
    reads: readsOf(it),
  });
  const doc = p.doc;
  return {
    prepared: p,
    slotNames,
    inputs: p.inputs,
    inputKeys: new Set(p.inputs.map((i) => i.key)),
    derived: p.derived.map((d) => ({ key: d.def.key, slot: slotByName.get(d.def.key)!, fn: compile(d.def.logic) })),
    categories: doc.categories.map((c) => ({
      id: c.id,
      label: c.label,
      maxPoints: c.maxPoints,
      items: c.items.map((it) => item(it, it.maxPoints)),
    })),
    bonusItems: (doc.bonus?.items ?? []).map((b) => item(b, undefined)),
    downgrades: (doc.downgrades ?? []).map((def) => ({ def, fn: compile(def.when) })),
    caps: (doc.caps ?? []).map((def) => ({ def, fn: compile(def.when) })),
    vetoes: (doc.vetoes ?? []).map((def) => ({ def, fn: compile(def.when) })),
  };
}

const TYPE_ZH: Record<Input['type'], string> = {
  number: '数值',
  integer: '整数',
  boolean: '是/否',
  string: '文本',
};

const hasOwn = Object.prototype.hasOwnProperty;
const clean = (x: number) => (x === 0 ? 0 : x);

type Warning = { region: string; key: string; message: string };

/**
 * Step 1 into slots: the inputs checked and defaulted (the messages of engine/evaluate/inputs.ts).
 * Returns the errors, and appends undeclared-key warnings to `warnings`.
 */
function resolveInto(cd: CompiledDocument, region: RegionData, slots: unknown[], warnings: Warning[]): RegionError[] {
  let errors: RegionError[] | undefined;
  const data = (region.values ?? {}) as Record<string, unknown>;
  const err = (key: string, code: string, zh: string, en: string) =>
    (errors ??= []).push({
      region: region.code,
      name: region.name,
      key,
      code,
      message: `${region.name || region.code}（${region.code}）${zh} / ${region.code}: ${en}`,
    });
  const inputs = cd.inputs;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    const key = input.key;
    let v = hasOwn.call(data, key) ? data[key] : undefined;
    if (v === null || v === undefined) {
      if (input.default !== undefined) v = input.default;
      else {
        if (input.required ?? true)
          err(
            key,
            'missing_input',
            `缺少必填数据 "${key}"（${input.label.zh}）。`,
            `required value "${key}" (${input.label.en ?? input.label.zh}) is missing.`,
          );
        continue;
      }
    }
    if (!valueFitsType(v, input.type)) {
      err(
        key,
        'wrong_type',
        `"${key}"（${input.label.zh}）的值 ${JSON.stringify(v)} 不是${TYPE_ZH[input.type]}。`,
        `"${key}" must be ${input.type === 'integer' ? 'an integer' : `a ${input.type}`}, got ${JSON.stringify(v)}.`,
      );
      continue;
    }
    if (typeof v === 'number') {
      if (input.min !== undefined && v < input.min) {
        err(
          key,
          'out_of_range',
          `"${key}"（${input.label.zh}）的值 ${v} 小于最小值 ${input.min}。`,
          `"${key}" is ${v}, below the minimum ${input.min}.`,
        );
        continue;
      }
      if (input.max !== undefined && v > input.max) {
        err(
          key,
          'out_of_range',
          `"${key}"（${input.label.zh}）的值 ${v} 大于最大值 ${input.max}。`,
          `"${key}" is ${v}, above the maximum ${input.max}.`,
        );
        continue;
      }
    }
    if (input.enum && !input.enum.some((e) => e === v)) {
      const allowed = input.enum.map((e) => JSON.stringify(e)).join(', ');
      err(
        key,
        'not_in_enum',
        `"${key}"（${input.label.zh}）的值 ${JSON.stringify(v)} 不在可选值 ${allowed} 中。`,
        `"${key}" is ${JSON.stringify(v)}, not one of ${allowed}.`,
      );
      continue;
    }
    slots[i] = v;
  }
  for (const key in data) {
    if (hasOwn.call(data, key) && !cd.inputKeys.has(key))
      warnings.push({
        region: region.code,
        key,
        message: `未声明的数据项 "${key}" 已忽略 / undeclared key "${key}" ignored`,
      });
  }
  return errors ?? NO_ERRORS;
}

const NO_ERRORS: RegionError[] = [];

function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

function traceOf(item: CompiledItem, slots: unknown[], raw: number, clamp: ItemTrace['clamp'], points: number): ItemTrace {
  const vars: Record<string, unknown> = {};
  for (const r of item.reads) {
    if (r.slot < 0) vars[r.name] = null;
    else if (r.derived) vars[r.name] = slots[r.slot];
    else {
      const v = slots[r.slot];
      vars[r.name] = v === undefined ? null : v;
    }
  }
  return { vars, raw, clamp, points };
}

/**
 * Scores one region with a compiled document: the same outcome as `scoreRegion` of
 * engine/evaluate/score.ts.
 */
export function scoreRegionCompiled(cd: CompiledDocument, region: RegionData, trace = true): RegionOutcome {
  const p = cd.prepared;
  const slots: unknown[] = new Array(cd.slotNames.length);
  const warnings: Warning[] = [];
  const inputErrors = resolveInto(cd, region, slots, warnings);
  if (inputErrors.length > 0) return { errors: inputErrors, warnings, gradeIndex: -1 };
  const errors: RegionError[] = [];
  const who = `${region.name || region.code}（${region.code}）`;
  const formulaError = (what: { key?: string; item?: string }, zh: string, en: string): RegionError => ({
    region: region.code,
    name: region.name,
    ...what,
    code: 'formula_error',
    message: `${who}${zh} / ${region.code}: ${en}`,
  });

  // Derived values in dependency order.
  for (const d of cd.derived) {
    try {
      slots[d.slot] = d.fn(slots);
    } catch (e) {
      const m = messageOf(e);
      errors.push(formulaError({ key: d.key }, `派生值 "${d.key}" 计算出错：${m}`, `derived value "${d.key}" failed: ${m}`));
      return { errors, warnings, gradeIndex: -1 };
    }
  }

  const digits = p.precision;
  const invalid = (it: CompiledItem, v: unknown) =>
    errors.push({
      region: region.code,
      name: region.name,
      item: it.id,
      code: 'invalid_result',
      message: `${who}考核项 "${it.id}"（${it.label.zh}）的公式结果 ${show(v)} 不是有限数值 / ${region.code}: item "${it.id}" yielded ${show(v)}, not a finite number`,
    });

  // Items and categories.
  const categories: CategoryResult[] = [];
  for (const c of cd.categories) {
    const items: ItemResult[] = [];
    let sum = 0;
    for (const it of c.items) {
      let v: unknown;
      try {
        v = it.fn(slots);
      } catch (e) {
        const m = messageOf(e);
        errors.push(formulaError({ item: it.id }, `考核项 "${it.id}" 计算出错：${m}`, `item "${it.id}" failed: ${m}`));
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        invalid(it, v);
        continue;
      }
      const raw = v;
      const max = it.maxPoints!;
      const clamp: ItemTrace['clamp'] = raw < 0 ? 'low' : raw > max ? 'high' : null;
      const points = clean(fastRoundHalfAway(clamp === 'low' ? 0 : clamp === 'high' ? max : raw, digits));
      sum += points;
      const item: ItemResult = { id: it.id, label: it.label, points, maxPoints: max, raw, clamped: clamp !== null };
      if (trace) item.trace = traceOf(it, slots, raw, clamp, points);
      items.push(item);
    }
    categories.push({
      id: c.id,
      label: c.label,
      points: clean(fastRoundHalfAway(sum, digits)),
      maxPoints: c.maxPoints,
      items,
    });
  }

  // Bonus.
  const bonusItems: BonusItemResult[] = [];
  let bonusSum = 0;
  for (const b of cd.bonusItems) {
    let v: unknown;
    try {
      v = b.fn(slots);
    } catch (e) {
      const m = messageOf(e);
      errors.push(formulaError({ item: b.id }, `加分项 "${b.id}" 计算出错：${m}`, `bonus item "${b.id}" failed: ${m}`));
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      invalid(b, v);
      continue;
    }
    const raw = v;
    const clamp: ItemTrace['clamp'] = raw < 0 ? 'low' : null;
    const points = clean(fastRoundHalfAway(clamp ? 0 : raw, digits));
    bonusSum += points;
    const item: BonusItemResult = { id: b.id, label: b.label, points, raw, clamped: clamp !== null };
    if (trace) item.trace = traceOf(b, slots, raw, clamp, points);
    bonusItems.push(item);
  }

  // Conditions.
  const triggered = <T extends { id: string }>(list: CompiledCondition<T>[], kind: string): T[] => {
    const out: T[] = [];
    for (const x of list) {
      let v: unknown;
      try {
        v = x.fn(slots);
      } catch (e) {
        const m = messageOf(e);
        errors.push(
          formulaError({ item: x.def.id }, `${kind} "${x.def.id}" 条件计算出错：${m}`, `${kind} "${x.def.id}" condition failed: ${m}`),
        );
        continue;
      }
      if (truthy(v)) out.push(x.def);
    }
    return out;
  };
  const downgrades = triggered(cd.downgrades, '降档项');
  const caps = triggered(cd.caps, '封顶项');
  const vetoes = triggered(cd.vetoes, '否决项');
  if (errors.length > 0) return { errors, warnings, gradeIndex: -1 };

  let catSum = 0;
  for (const c of categories) catSum += c.points;
  const base = clean(fastRoundHalfAway(catSum, digits));
  const bonusUncapped = clean(fastRoundHalfAway(bonusSum, digits));
  const bonus = clean(fastRoundHalfAway(Math.min(p.bonusCap, bonusUncapped), digits));
  const total = clean(fastRoundHalfAway(base + bonus, digits));
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
    const values: Record<string, unknown> = {};
    const n = cd.inputs.length;
    for (let i = 0; i < n; i++) if (slots[i] !== undefined) values[cd.slotNames[i]] = slots[i];
    const derived: Record<string, unknown> = {};
    for (const d of cd.derived) derived[d.key] = slots[d.slot];
    result.values = values;
    result.derived = derived;
  }
  return { result, errors, warnings, gradeIndex: g.grade };
}
