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

/** One input's check, its type as a small number for a fast switch. */
export interface InputCheck {
  key: string;
  input: Input;
  required: boolean;
  /** 0 number, 1 integer, 2 boolean, 3 string. */
  kind: number;
  min: number | undefined;
  max: number | undefined;
  enum: unknown[] | undefined;
}

export interface CompiledDocument {
  prepared: PreparedDocument;
  /** The inputs' checks, in document order (slot i is input i). */
  checks: InputCheck[];
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
  /** The grades' minimum totals, best first. */
  gradeMins: number[];
  /** The key orders of the last regions' values, most recent first (see resolveInto). */
  layouts: KeyLayout[];
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
    checks: p.inputs.map((input) => ({
      key: input.key,
      input,
      required: input.required ?? true,
      kind: ['number', 'integer', 'boolean', 'string'].indexOf(input.type),
      min: input.min,
      max: input.max,
      enum: input.enum as unknown[] | undefined,
    })),
    inputKeys: new Set(p.inputs.map((i) => i.key)),
    gradeMins: p.grades.map((g) => g.min),
    layouts: [],
    derived: p.derived.map((d) => ({
      key: d.def.key,
      slot: slotByName.get(d.def.key)!,
      fn: compile(d.def.logic),
    })),
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

const NO_ERRORS: RegionError[] = [];

type Warning = { region: string; key: string; message: string };

function inputError(region: RegionData, key: string, code: string, zh: string, en: string): RegionError {
  return {
    region: region.code,
    name: region.name,
    key,
    code,
    message: `${region.name || region.code}（${region.code}）${zh} / ${region.code}: ${en}`,
  };
}

/** Why a present value is refused (the messages of engine/evaluate/inputs.ts), or null. */
function refusal(region: RegionData, input: Input, v: unknown): RegionError | null {
  const key = input.key;
  if (!valueFitsType(v, input.type))
    return inputError(
      region,
      key,
      'wrong_type',
      `"${key}"（${input.label.zh}）的值 ${JSON.stringify(v)} 不是${TYPE_ZH[input.type]}。`,
      `"${key}" must be ${input.type === 'integer' ? 'an integer' : `a ${input.type}`}, got ${JSON.stringify(v)}.`,
    );
  if (typeof v === 'number') {
    if (input.min !== undefined && v < input.min)
      return inputError(
        region,
        key,
        'out_of_range',
        `"${key}"（${input.label.zh}）的值 ${v} 小于最小值 ${input.min}。`,
        `"${key}" is ${v}, below the minimum ${input.min}.`,
      );
    if (input.max !== undefined && v > input.max)
      return inputError(
        region,
        key,
        'out_of_range',
        `"${key}"（${input.label.zh}）的值 ${v} 大于最大值 ${input.max}。`,
        `"${key}" is ${v}, above the maximum ${input.max}.`,
      );
  }
  if (input.enum && !input.enum.some((e) => e === v)) {
    const allowed = input.enum.map((e) => JSON.stringify(e)).join(', ');
    return inputError(
      region,
      key,
      'not_in_enum',
      `"${key}"（${input.label.zh}）的值 ${JSON.stringify(v)} 不在可选值 ${allowed} 中。`,
      `"${key}" is ${JSON.stringify(v)}, not one of ${allowed}.`,
    );
  }
  return null;
}

/** Whether a present value is accepted: the fast test, equivalent to `refusal(…) === null`. */
function accepted(c: InputCheck, v: unknown): boolean {
  switch (c.kind) {
    case 0:
      if (typeof v !== 'number' || v - v !== 0) return false;
      break;
    case 1:
      if (typeof v !== 'number' || !Number.isInteger(v)) return false;
      break;
    case 2:
      if (typeof v !== 'boolean') return false;
      break;
    case 3:
      if (typeof v !== 'string') return false;
      break;
  }
  if (c.min !== undefined && (v as number) < c.min) return false;
  if (c.max !== undefined && (v as number) > c.max) return false;
  if (c.enum !== undefined) {
    for (let i = 0; i < c.enum.length; i++) if (c.enum[i] === v) return true;
    return false;
  }
  return true;
}

/** Where each input sits among the own keys of a data object with a given key order. */
interface KeyLayout {
  keys: string[];
  /** Input index → position in `keys`, or -1. */
  positionOf: Int32Array;
  /** Undeclared keys, in key order. */
  undeclared: string[];
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The layout of these keys: one of the last few seen (most recent first), or a new one. */
function layoutOf(cd: CompiledDocument, keys: string[]): KeyLayout {
  const recent = cd.layouts;
  for (let i = 0; i < recent.length; i++) {
    const l = recent[i];
    if (sameKeys(l.keys, keys)) {
      if (i > 0) {
        recent.splice(i, 1);
        recent.unshift(l);
      }
      return l;
    }
  }
  const at = new Map(keys.map((k, i) => [k, i]));
  const layout: KeyLayout = {
    keys,
    positionOf: Int32Array.from(cd.checks, (c) => at.get(c.key) ?? -1),
    undeclared: keys.filter((k) => !cd.inputKeys.has(k)),
  };
  recent.unshift(layout);
  if (recent.length > 8) recent.pop();
  return layout;
}

/**
 * Step 1 into slots: the inputs checked and defaulted, as engine/evaluate/inputs.ts does it.
 * Returns the errors, and appends undeclared-key warnings to `warnings`.
 *
 * A region's values are read in one `Object.values` call and matched to the inputs by their key
 * order, which is remembered from one region to the next (data files give every region the same
 * order; the last few orders are kept), instead of one keyed lookup per input. Values are plain
 * data: own enumerable keys, as JSON, CSV and spreadsheets give them.
 */
function resolveInto(
  cd: CompiledDocument,
  region: RegionData,
  slots: unknown[],
  warnings: Warning[],
): RegionError[] {
  let errors: RegionError[] | undefined;
  const data = (region.values ?? {}) as Record<string, unknown>;
  const layout = layoutOf(cd, Object.keys(data));
  const vals = Object.values(data);
  const positionOf = layout.positionOf;
  const checks = cd.checks;
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    const at = positionOf[i];
    let v = at < 0 ? undefined : vals[at];
    if (v === null || v === undefined) {
      if (c.input.default !== undefined) v = c.input.default;
      else {
        if (c.required)
          (errors ??= []).push(
            inputError(
              region,
              c.key,
              'missing_input',
              `缺少必填数据 "${c.key}"（${c.input.label.zh}）。`,
              `required value "${c.key}" (${c.input.label.en ?? c.input.label.zh}) is missing.`,
            ),
          );
        continue;
      }
    }
    if (!accepted(c, v)) {
      const e = refusal(region, c.input, v);
      if (e) {
        (errors ??= []).push(e);
        continue;
      }
    }
    slots[i] = v;
  }
  const undeclared = layout.undeclared;
  for (let i = 0; i < undeclared.length; i++) {
    const key = undeclared[i];
    warnings.push({
      region: region.code,
      key,
      message: `未声明的数据项 "${key}" 已忽略 / undeclared key "${key}" ignored`,
    });
  }
  return errors ?? NO_ERRORS;
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

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function who(region: RegionData): string {
  return `${region.name || region.code}（${region.code}）`;
}

function formulaError(
  region: RegionData,
  what: { key?: string; item?: string },
  zh: string,
  en: string,
): RegionError {
  return {
    region: region.code,
    name: region.name,
    ...what,
    code: 'formula_error',
    message: `${who(region)}${zh} / ${region.code}: ${en}`,
  };
}

function invalidResult(region: RegionData, it: CompiledItem, v: unknown): RegionError {
  return {
    region: region.code,
    name: region.name,
    item: it.id,
    code: 'invalid_result',
    message: `${who(region)}考核项 "${it.id}"（${it.label.zh}）的公式结果 ${show(v)} 不是有限数值 / ${region.code}: item "${it.id}" yielded ${show(v)}, not a finite number`,
  };
}

function traceOf(
  item: CompiledItem,
  slots: unknown[],
  raw: number,
  clamp: ItemTrace['clamp'],
  points: number,
): ItemTrace {
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

/** The triggered conditions of a list, errors appended to `errors`. */
function triggered<T extends { id: string }>(
  list: CompiledCondition<T>[],
  kind: string,
  slots: unknown[],
  region: RegionData,
  errors: RegionError[],
): T[] {
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    let v: unknown;
    try {
      v = x.fn(slots);
    } catch (e) {
      const m = messageOf(e);
      errors.push(
        formulaError(
          region,
          { item: x.def.id },
          `${kind} "${x.def.id}" 条件计算出错：${m}`,
          `${kind} "${x.def.id}" condition failed: ${m}`,
        ),
      );
      continue;
    }
    if (truthy(v)) out.push(x.def);
  }
  return out;
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

  // Derived values in dependency order.
  const derived = cd.derived;
  for (let i = 0; i < derived.length; i++) {
    const d = derived[i];
    try {
      slots[d.slot] = d.fn(slots);
    } catch (e) {
      const m = messageOf(e);
      errors.push(
        formulaError(
          region,
          { key: d.key },
          `派生值 "${d.key}" 计算出错：${m}`,
          `derived value "${d.key}" failed: ${m}`,
        ),
      );
      return { errors, warnings, gradeIndex: -1 };
    }
  }

  const digits = p.precision;

  // Items and categories.
  const categories: CategoryResult[] = [];
  let catSum = 0;
  for (const c of cd.categories) {
    const items: ItemResult[] = [];
    let sum = 0;
    for (const it of c.items) {
      let v: unknown;
      try {
        v = it.fn(slots);
      } catch (e) {
        const m = messageOf(e);
        errors.push(
          formulaError(
            region,
            { item: it.id },
            `考核项 "${it.id}" 计算出错：${m}`,
            `item "${it.id}" failed: ${m}`,
          ),
        );
        continue;
      }
      if (typeof v !== 'number' || v - v !== 0) {
        errors.push(invalidResult(region, it, v));
        continue;
      }
      const raw = v;
      const max = it.maxPoints!;
      const clamp: ItemTrace['clamp'] = raw < 0 ? 'low' : raw > max ? 'high' : null;
      let points = fastRoundHalfAway(clamp === 'low' ? 0 : clamp === 'high' ? max : raw, digits);
      if (points === 0) points = 0;
      sum += points;
      const item: ItemResult = {
        id: it.id,
        label: it.label,
        points,
        maxPoints: max,
        raw,
        clamped: clamp !== null,
      };
      if (trace) item.trace = traceOf(it, slots, raw, clamp, points);
      items.push(item);
    }
    let points = fastRoundHalfAway(sum, digits);
    if (points === 0) points = 0;
    catSum += points;
    categories.push({ id: c.id, label: c.label, points, maxPoints: c.maxPoints, items });
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
      errors.push(
        formulaError(
          region,
          { item: b.id },
          `加分项 "${b.id}" 计算出错：${m}`,
          `bonus item "${b.id}" failed: ${m}`,
        ),
      );
      continue;
    }
    if (typeof v !== 'number' || v - v !== 0) {
      errors.push(invalidResult(region, b, v));
      continue;
    }
    const raw = v;
    const clamp: ItemTrace['clamp'] = raw < 0 ? 'low' : null;
    let points = fastRoundHalfAway(clamp ? 0 : raw, digits);
    if (points === 0) points = 0;
    bonusSum += points;
    const item: BonusItemResult = { id: b.id, label: b.label, points, raw, clamped: clamp !== null };
    if (trace) item.trace = traceOf(b, slots, raw, clamp, points);
    bonusItems.push(item);
  }

  // Conditions.
  const downgrades = triggered(cd.downgrades, '降档项', slots, region, errors);
  const caps = triggered(cd.caps, '封顶项', slots, region, errors);
  const vetoes = triggered(cd.vetoes, '否决项', slots, region, errors);
  if (errors.length > 0) return { errors, warnings, gradeIndex: -1 };

  let base = fastRoundHalfAway(catSum, digits);
  if (base === 0) base = 0;
  let bonusUncapped = fastRoundHalfAway(bonusSum, digits);
  if (bonusUncapped === 0) bonusUncapped = 0;
  let bonus = fastRoundHalfAway(Math.min(p.bonusCap, bonusUncapped), digits);
  if (bonus === 0) bonus = 0;
  let total = fastRoundHalfAway(base + bonus, digits);
  if (total === 0) total = 0;
  // Steps 7–10 (engine/evaluate/grade.ts): score grade, downgrades, caps, vetoes.
  const mins = cd.gradeMins;
  const last = mins.length - 1;
  let scoreGrade = 0;
  while (scoreGrade < mins.length && !(mins[scoreGrade] <= total)) scoreGrade++;
  if (scoreGrade === mins.length) scoreGrade = last;
  let grade = scoreGrade;
  if (downgrades.length > 0) {
    const sum = p.stacking === 'sum';
    let shift = levelsOf(downgrades[0]);
    for (let i = 1; i < downgrades.length; i++) {
      const levels = levelsOf(downgrades[i]);
      shift = sum ? shift + levels : Math.max(shift, levels);
    }
    grade = Math.min(last, grade + shift);
  }
  for (const c of caps) grade = Math.max(grade, p.gradeIndex.get(c.maxGrade) ?? 0);
  if (vetoes.length > 0) grade = last;
  const g = { scoreGrade, grade };
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
    vetoes: vetoes.map(idOf),
    downgrades: downgrades.map(idOf),
    caps: caps.map(idOf),
    categories,
    bonusItems,
    warnings: warnings.length === 0 ? [] : warnings.map((w) => w.message),
  };
  if (trace) {
    const values: Record<string, unknown> = {};
    const n = cd.inputs.length;
    for (let i = 0; i < n; i++) if (slots[i] !== undefined) values[cd.slotNames[i]] = slots[i];
    const derivedValues: Record<string, unknown> = {};
    for (const d of cd.derived) derivedValues[d.key] = slots[d.slot];
    result.values = values;
    result.derived = derivedValues;
  }
  return { result, errors, warnings, gradeIndex: g.grade };
}

function idOf(x: { id: string }): string {
  return x.id;
}

function levelsOf(d: { levels?: number }): number {
  return d.levels ?? 1;
}
