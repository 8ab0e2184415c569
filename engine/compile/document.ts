/**
 * A prepared rule document compiled once, and regions scored with it: the pipeline of SPEC
 * section 3 with the very output of the interpreted `scoreRegion` (engine/evaluate/score.ts) — the
 * same results, errors, messages and traces, byte for byte — without repeated work: every variable
 * has a slot fixed at compile time, inputs are checked by one pass over the declared inputs,
 * derived values run in their precomputed order, and traces cost nothing when they are off.
 *
 * Formulas over numbers and booleans (nearly all of them) run as one numeric program (vm.ts) for
 * a group of regions at once (`scoreRegionsCompiled`); the others run as closures (logic.ts).
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
import { runVm, VmBuilder, type VmProgram, type VmValue } from './vm.ts';
import { labelledValue, resolvePrevious, undeclaredMessage } from '../evaluate/inputs.ts';
import { categoryPoints } from '../evaluate/category.ts';
import { PREV_PREFIX, prevName } from '../document/v2.ts';

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
  /** The register of its value in the document's numeric program (vm.ts), or -1: run `fn`. */
  reg: number;
  reads: TraceRead[];
  /** Schema version 2 `applies`: its condition (null when the item always applies). */
  applies: { fn: CompiledLogic; reg: number } | null;
}

export interface CompiledCondition<T> {
  def: T;
  fn: CompiledLogic;
  /** The register of its value in the numeric program, or -1: run `fn`. */
  reg: number;
}

/** A derived value: computed by the numeric program (`reg` ≥ 0) or by `fn`. */
export interface CompiledDerived {
  key: string;
  slot: number;
  fn: CompiledLogic;
  reg: number;
  /** Whether the program holds it as 1 or 0 for a boolean. */
  boolean: boolean;
}

/** One input's check, its type as a small number for a fast switch. */
export interface InputCheck {
  key: string;
  input: Input;
  required: boolean;
  /**
   * The fast test (`accepted`): 0 number, 1 integer, 2 boolean, 3 string, each without `enum`;
   * 4 string with `enum`; 5 none (`refusal` decides).
   */
  kind: number;
  /**
   * Where the numeric program reads it — its register × the program's lanes — when it always
   * holds a number or a boolean once checked; -1 otherwise.
   */
  reg: number;
  /** `min` and `max`, or ∓Infinity when absent. */
  lo: number;
  hi: number;
  enum: unknown[] | undefined;
  /** The default, or undefined. */
  dflt: unknown;
}

export interface CompiledDocument {
  prepared: PreparedDocument;
  /** The inputs' checks, in document order (slot i is input i). */
  checks: InputCheck[];
  /** The same as flat arrays, for the common case. */
  checkArrays: { kinds: Int32Array; lows: Float64Array; highs: Float64Array; regOf: Int32Array };
  /** Slot names: the inputs in document order, then the derived values in evaluation order. */
  slotNames: string[];
  inputs: Input[];
  inputKeys: ReadonlySet<string>;
  derived: CompiledDerived[];
  /** The numeric program (vm.ts) of the formulas that qualify: derived values, then the rest. */
  program: VmProgram;
  /** Where the program's derived values end and the items, bonus items and conditions begin. */
  programSplit: number;
  categories: {
    id: string;
    label: Label;
    maxPoints: number;
    notApplicable: 'full' | 'rescale' | undefined;
    items: CompiledItem[];
  }[];
  /** Slots of last year's values (`prev.KEY`), in the order of `prepared.previous`. */
  previousSlots: number[];
  /** Their registers × lanes in the numeric program, or -1 when the program does not read them. */
  previousRegs: number[];
  bonusItems: CompiledItem[];
  downgrades: CompiledCondition<{ id: string; levels?: number }>[];
  caps: CompiledCondition<{ id: string; maxGrade: string }>[];
  vetoes: CompiledCondition<{ id: string }>[];
  /** As many undefined values as there are slots, copied for each region (see `begin`). */
  blankSlots: unknown[];
  /** The grades' minimum totals and ids, best first. */
  gradeMins: number[];
  gradeIds: string[];
  /** The grade index of each cap's `maxGrade`. */
  capGrades: number[];
  /** The key orders of the last regions' values, most recent first (see resolveInto). */
  layouts: KeyLayout[];
}

/**
 * An object view of the slots, as the interpreter's data object would be at that moment: last
 * year's values (slots named `prev.KEY`) under one `prev` object, as json-logic-js reads them.
 */
function viewOf(names: string[], hasPrevious: boolean): (env: unknown[]) => Record<string, unknown> {
  return (env) => {
    const o: Record<string, unknown> = Object.create(null);
    const prev: Record<string, unknown> | undefined = hasPrevious ? Object.create(null) : undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (prev && name.startsWith(PREV_PREFIX)) {
        if (env[i] !== undefined) prev[name.slice(PREV_PREFIX.length)] = env[i];
      } else if (env[i] !== undefined) o[name] = env[i];
    }
    if (prev) o.prev = prev;
    return o;
  };
}

/**
 * Compiles a prepared (hence valid) document.
 *
 * @example const cd = compileDocument(prepareDocument(doc)); scoreRegionCompiled(cd, region, false)
 */
export function compileDocument(p: PreparedDocument): CompiledDocument {
  // Slots: inputs, parameters, last year's values, derived values (SPEC §9's binding order).
  const paramKeys = [...p.parameters.keys()];
  const prevNames = p.previous.map((i) => prevName(i.key));
  const slotNames = [
    ...p.inputs.map((i) => i.key),
    ...paramKeys,
    ...prevNames,
    ...p.derived.map((d) => d.def.key),
  ];
  const slotByName = new Map(slotNames.map((n, i) => [n, i]));
  const derivedKeys = new Set(p.derived.map((d) => d.def.key));
  const scope: Scope = {
    slotOf: (name) => slotByName.get(name),
    view: viewOf(slotNames, prevNames.length > 0),
  };
  const compile = (logic: unknown) => compileLogic(logic, scope);
  const readsOf = (x: object): TraceRead[] =>
    (p.reads.get(x) ?? []).map((name) => ({
      name,
      slot: slotByName.get(name) ?? -1,
      derived: derivedKeys.has(name),
    }));

  // The numeric program: inputs that always hold a number or a boolean once checked are read
  // from their slot's register; derived values that qualify are computed first, in order.
  const vm = new VmBuilder(slotNames.length);
  const loaded = p.inputs.map((input, i) => {
    const always = (input.required ?? true) || input.default !== undefined;
    const type =
      input.type === 'number' || input.type === 'integer'
        ? 'number'
        : input.type === 'boolean'
          ? 'boolean'
          : undefined;
    if (!always || !type) return false;
    vm.declare(input.key, { reg: i, type });
    return true;
  });
  for (const [key, value] of p.parameters)
    if (typeof value === 'number' || typeof value === 'boolean') vm.constant(key, value);
  // A required previous value of a number or boolean input is always set once checked.
  const prevLoaded = p.previous.map((input) => {
    const type =
      input.type === 'number' || input.type === 'integer'
        ? 'number'
        : input.type === 'boolean'
          ? 'boolean'
          : undefined;
    if (input.previous !== 'required' || !type) return -1;
    const slot = slotByName.get(prevName(input.key))!;
    vm.declare(prevName(input.key), { reg: slot, type });
    return slot;
  });
  const derived = p.derived.map((d): CompiledDerived => {
    const fn = compile(d.def.logic);
    const v = vm.formula(d.def.logic);
    if (v) vm.declare(d.def.key, v);
    else vm.undeclare(d.def.key);
    return {
      key: d.def.key,
      slot: slotByName.get(d.def.key)!,
      fn,
      reg: v ? v.reg : -1,
      boolean: v?.type === 'boolean',
    };
  });
  const programSplit = vm.position;
  const numberReg = (v: VmValue | undefined) => (v ? v.reg : -1);
  const item = (it: Item | BonusItem, maxPoints: number | undefined): CompiledItem => ({
    id: it.id,
    label: it.label,
    maxPoints,
    fn: compile(it.logic),
    reg: numberReg(vm.formula(it.logic, 'number')),
    reads: readsOf(it),
    applies:
      'applies' in it && it.applies !== undefined
        ? { fn: compile(it.applies), reg: numberReg(vm.formula(it.applies)) }
        : null,
  });
  const condition = <T extends { when: unknown }>(def: T): CompiledCondition<T> => ({
    def,
    fn: compile(def.when),
    reg: numberReg(vm.formula(def.when)),
  });
  const doc = p.doc;
  const categories = doc.categories.map((c) => ({
    id: c.id,
    label: c.label,
    maxPoints: c.maxPoints,
    notApplicable: c.notApplicable,
    items: c.items.map((it) => item(it, it.maxPoints)),
  }));
  const bonusItems = (doc.bonus?.items ?? []).map((b) => item(b, undefined));
  const downgrades = (doc.downgrades ?? []).map(condition);
  const caps = (doc.caps ?? []).map(condition);
  const vetoes = (doc.vetoes ?? []).map(condition);
  // Built once every formula is in: the registers are sized for all of them.
  const program = vm.build();
  const checks = p.inputs.map((input, i): InputCheck => ({
    key: input.key,
    input,
    required: input.required ?? true,
    kind: kindOf(input),
    reg: loaded[i] ? i * program.lanes : -1,
    lo: input.min ?? -Infinity,
    hi: input.max ?? Infinity,
    enum: input.enum as unknown[] | undefined,
    dflt: input.default,
  }));
  return {
    prepared: p,
    slotNames,
    inputs: p.inputs,
    checks,
    checkArrays: {
      kinds: Int32Array.from(checks, (c) => c.kind),
      lows: Float64Array.from(checks, (c) => c.lo),
      highs: Float64Array.from(checks, (c) => c.hi),
      regOf: Int32Array.from(checks, (c) => c.reg),
    },
    inputKeys: new Set(p.inputs.map((i) => i.key)),
    blankSlots: blankSlots(slotNames.length, paramKeys, slotByName, p.parameters),
    previousSlots: prevNames.map((n) => slotByName.get(n)!),
    previousRegs: prevLoaded.map((slot) => (slot < 0 ? -1 : slot * program.lanes)),
    gradeMins: p.grades.map((g) => g.min),
    gradeIds: p.grades.map((g) => g.id),
    capGrades: (doc.caps ?? []).map((c) => p.gradeIndex.get(c.maxGrade) ?? 0),
    layouts: [],
    derived,
    program,
    programSplit,
    categories,
    bonusItems,
    downgrades,
    caps,
    vetoes,
  };
}

/** Undefined for every slot but the parameters', which hold their values from the start. */
function blankSlots(
  n: number,
  keys: string[],
  slotByName: Map<string, number>,
  values: Map<string, unknown>,
): unknown[] {
  const slots = new Array(n).fill(undefined);
  for (const k of keys) slots[slotByName.get(k)!] = values.get(k);
  return slots;
}

const TYPE_ZH: Record<Input['type'], string> = {
  number: '数值',
  integer: '整数',
  boolean: '是/否',
  string: '文本',
};

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

/**
 * Whether a present value is accepted: a fast test that never accepts what `refusal` refuses
 * (when it says no, `refusal` decides).
 */
function accepted(c: InputCheck, v: unknown): boolean {
  switch (c.kind) {
    case 0:
      return typeof v === 'number' && v >= c.lo && v <= c.hi && v - v === 0;
    case 1:
      return typeof v === 'number' && v >= c.lo && v <= c.hi && Number.isInteger(v);
    case 2:
      return typeof v === 'boolean';
    case 3:
      return typeof v === 'string';
    case 4: {
      if (typeof v !== 'string') return false;
      const list = c.enum!;
      for (let i = 0; i < list.length; i++) if (list[i] === v) return true;
      return false;
    }
  }
  return false;
}

/** The kind of fast test an input gets (see InputCheck.kind). */
function kindOf(input: Input): number {
  const type = ['number', 'integer', 'boolean', 'string'].indexOf(input.type);
  if (input.enum === undefined) return type;
  return type === 3 ? 4 : 5;
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

/**
 * The most recent layout, if the data's keys are exactly its keys, in order: checked by a
 * `for…in` walk, which allocates nothing (`Object.keys` would build the array to compare). A
 * `for…in` walk also lists inherited enumerable keys, after the own ones: those make it differ,
 * and `layoutOf` decide.
 */
function sameAsLast(cd: CompiledDocument, data: Record<string, unknown>): KeyLayout | undefined {
  if (cd.layouts.length === 0) return undefined;
  const layout = cd.layouts[0];
  const keys = layout.keys;
  const n = keys.length;
  let j = 0;
  for (const k in data) {
    if (j === n || k !== keys[j]) return undefined;
    j++;
  }
  return j === n ? layout : undefined;
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
 * Returns the errors (null when there are none), and appends undeclared-key warnings to
 * `warnings`.
 *
 * A region's values are read in one `Object.values` call and matched to the inputs by their key
 * order, which is remembered from one region to the next (data files give every region the same
 * order; the last few orders are kept), instead of one keyed lookup per input (a `for…in` pass
 * reading `data[key]` is slower still: numbers stored as doubles are read through the runtime).
 * Values are plain data: own enumerable keys, as JSON, CSV and spreadsheets give them.
 */
function resolveInto(
  cd: CompiledDocument,
  region: RegionData,
  slots: unknown[],
  warnings: Warning[],
  lane: number,
): RegionError[] | null {
  let errors: RegionError[] | null = null;
  const regs = cd.program.regs;
  const data = (region.values ?? {}) as Record<string, unknown>;
  const layout = sameAsLast(cd, data) ?? layoutOf(cd, Object.keys(data));
  const vals = Object.values(data);
  const positionOf = layout.positionOf;
  const checks = cd.checks;
  const { kinds, lows, highs, regOf } = cd.checkArrays;
  const p = cd.prepared;
  const labelled = p.labelled.size > 0;
  for (let i = 0; i < checks.length; i++) {
    const at = positionOf[i];
    let v = at < 0 ? undefined : vals[at];
    // The common case first, from flat arrays: a number within its bounds.
    const kind = kinds[i];
    if (
      kind <= 1 &&
      typeof v === 'number' &&
      v >= lows[i] &&
      v <= highs[i] &&
      (kind === 0 ? v - v === 0 : Number.isInteger(v))
    ) {
      slots[i] = v;
      if (regOf[i] >= 0) regs[regOf[i] + lane] = v;
      continue;
    }
    const c = checks[i];
    if (typeof v === 'string' && labelled) v = labelledValue(p, c.key, v);
    if (v === null || v === undefined) {
      v = c.dflt;
      if (v === undefined) {
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
    if (c.reg >= 0) regs[c.reg + lane] = typeof v === 'number' ? v : v ? 1 : 0;
  }
  const undeclared = layout.undeclared;
  for (let i = 0; i < undeclared.length; i++) {
    const key = undeclared[i];
    warnings.push({ region: region.code, key, message: undeclaredMessage(p, key) });
  }
  return errors;
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
  raw: number | null,
  clamp: ItemTrace['clamp'],
  points: number | null,
): ItemTrace {
  const vars: Record<string, unknown> = {};
  const reads = item.reads;
  for (let i = 0; i < reads.length; i++) {
    const r = reads[i];
    if (r.slot < 0) vars[r.name] = null;
    else if (r.derived) vars[r.name] = slots[r.slot];
    else {
      const v = slots[r.slot];
      vars[r.name] = v === undefined ? null : v;
    }
  }
  return { vars, raw, clamp, points };
}

function conditionError(region: RegionData, kind: string, id: string, e: unknown): RegionError {
  const m = messageOf(e);
  return formulaError(
    region,
    { item: id },
    `${kind} "${id}" 条件计算出错：${m}`,
    `${kind} "${id}" condition failed: ${m}`,
  );
}

function itemError(region: RegionData, kind: string, what: string, id: string, e: unknown): RegionError {
  const m = messageOf(e);
  return formulaError(region, { item: id }, `${kind} "${id}" 计算出错：${m}`, `${what} "${id}" failed: ${m}`);
}

// ---------------------------------------------------------------------------------------------
// Item results, the bulk of what scoring allocates.
//
// V8 tracks where object literals allocate, and may conclude from a moment when most of a
// literal's objects were still alive that they live long, and allocate them in the old generation
// from then on. For the results of a large dataset, held until the evaluation returns, that is
// right, and saves copying them from young to old. For a small dataset's results, which die
// young, it makes them about twice as costly to make and collect — and a decision taken during
// one evaluation holds for the rest of the process. So items of small datasets are made by
// constructors, which V8 never pretenures, and those of large ones (LONG_LIVED) by literals. The
// constructors' `prototype` is Object.prototype, so that what they make is a plain object in every
// observable way — prototype, constructor, own keys in the interpreter's order, JSON — like the
// literals and the interpreted path's results.

/** Above this many regions, a dataset's item results are made by literals (see above). */
const LONG_LIVED = 1024;

/** Gives a constructor Object.prototype as the prototype of what it makes. */
function plain<C>(constructor: C): C {
  (constructor as { prototype: object }).prototype = Object.prototype;
  return constructor;
}

const Item = plain(function (
  this: ItemResult,
  id: string,
  label: Label,
  points: number,
  maxPoints: number,
  raw: number,
  clamped: boolean,
) {
  this.id = id;
  this.label = label;
  this.points = points;
  this.maxPoints = maxPoints;
  this.raw = raw;
  this.clamped = clamped;
} as unknown as new (
  id: string,
  label: Label,
  points: number,
  maxPoints: number,
  raw: number,
  clamped: boolean,
) => ItemResult);

const TracedItem = plain(function (
  this: ItemResult,
  id: string,
  label: Label,
  points: number,
  maxPoints: number,
  raw: number,
  clamped: boolean,
  trace: ItemTrace,
) {
  this.id = id;
  this.label = label;
  this.points = points;
  this.maxPoints = maxPoints;
  this.raw = raw;
  this.clamped = clamped;
  this.trace = trace;
} as unknown as new (
  id: string,
  label: Label,
  points: number,
  maxPoints: number,
  raw: number,
  clamped: boolean,
  trace: ItemTrace,
) => ItemResult);

/** A rounded value without -0. */
function rounded(x: number, digits: number): number {
  const r = fastRoundHalfAway(x, digits);
  return r === 0 ? 0 : r;
}

/** A region on its way through the pipeline. */
interface Pending {
  region: RegionData;
  slots: unknown[];
  warnings: Warning[];
  /** Null while it has none. */
  errors: RegionError[] | null;
}

/** Step 1 for a region, in a lane of the numeric program. */
function begin(cd: CompiledDocument, region: RegionData, lane: number): Pending {
  // A copy of an array of undefined values: its elements are generic from the start (a fresh
  // `new Array(n)` would turn into an array of unboxed doubles at the first number stored, and
  // back at the first string or boolean).
  const slots = cd.blankSlots.slice();
  const warnings: Warning[] = [];
  let errors = resolveInto(cd, region, slots, warnings, lane);
  const p = cd.prepared;
  if (p.previous.length > 0 || region.previous !== undefined) {
    // Last year's values (schema version 2): checked as the interpreter does, into their slots.
    const prev = resolvePrevious(p, region);
    for (const e of prev.errors) (errors ??= []).push(e);
    for (const w of prev.warnings) warnings.push(w);
    const regs = cd.program.regs;
    for (let i = 0; i < p.previous.length; i++) {
      const v = prev.previous[p.previous[i].key];
      slots[cd.previousSlots[i]] = v;
      const reg = cd.previousRegs[i];
      if (reg >= 0 && v !== undefined && v !== null) regs[reg + lane] = typeof v === 'number' ? v : v ? 1 : 0;
    }
  }
  return { region, slots, warnings, errors };
}

/**
 * Step 2 for a region whose inputs are good, once the numeric program's derived values have run:
 * those copied into the slots (they read only inputs and one another, and cannot fail), then the
 * others computed in order, the first failure ending the region.
 */
function deriveInto(cd: CompiledDocument, r: Pending, lane: number): void {
  const regs = cd.program.regs;
  const lanes = cd.program.lanes;
  const slots = r.slots;
  const derived = cd.derived;
  for (let i = 0; i < derived.length; i++) {
    const d = derived[i];
    if (d.reg >= 0) {
      const x = regs[d.reg * lanes + lane];
      slots[d.slot] = d.boolean ? x !== 0 : x;
    }
  }
  for (let i = 0; i < derived.length; i++) {
    const d = derived[i];
    if (d.reg >= 0) continue;
    try {
      slots[d.slot] = d.fn(slots);
    } catch (e) {
      const m = messageOf(e);
      r.errors = [
        formulaError(
          r.region,
          { key: d.key },
          `派生值 "${d.key}" 计算出错：${m}`,
          `derived value "${d.key}" failed: ${m}`,
        ),
      ];
      return;
    }
  }
}

/**
 * Scores one region with a compiled document: the same outcome as `scoreRegion` of
 * engine/evaluate/score.ts.
 */
export function scoreRegionCompiled(cd: CompiledDocument, region: RegionData, trace = true): RegionOutcome {
  const program = cd.program;
  const r = begin(cd, region, 0);
  if (r.errors !== null) return { errors: r.errors, warnings: r.warnings, gradeIndex: -1 };
  runVm(program, 0, cd.programSplit, 1);
  deriveInto(cd, r, 0);
  if (r.errors !== null) return { errors: r.errors, warnings: r.warnings, gradeIndex: -1 };
  runVm(program, cd.programSplit, program.code.length, 1);
  return finish(cd, r, 0, trace, false);
}

/**
 * Scores regions with a compiled document: the outcomes of `scoreRegionCompiled` for each, in
 * order, computed by groups of regions (as many as the program has lanes) that share each run of
 * the numeric program, which makes the formulas several times cheaper than region by region.
 * Regions are independent, so the order in which their steps interleave changes nothing in their
 * outcomes.
 */
export function scoreRegionsCompiled(
  cd: CompiledDocument,
  regions: readonly RegionData[],
  trace = true,
): RegionOutcome[] {
  const program = cd.program;
  const out: RegionOutcome[] = new Array(regions.length);
  const lanes = program.lanes;
  const long = regions.length > LONG_LIVED;
  const group: Pending[] = new Array(Math.min(lanes, regions.length));
  for (let from = 0; from < regions.length; from += lanes) {
    const n = Math.min(lanes, regions.length - from);
    for (let j = 0; j < n; j++) group[j] = begin(cd, regions[from + j], j);
    runVm(program, 0, cd.programSplit, n);
    for (let j = 0; j < n; j++) if (group[j].errors === null) deriveInto(cd, group[j], j);
    runVm(program, cd.programSplit, program.code.length, n);
    for (let j = 0; j < n; j++) {
      const r = group[j];
      out[from + j] =
        r.errors === null
          ? finish(cd, r, j, trace, long)
          : { errors: r.errors, warnings: r.warnings, gradeIndex: -1 };
    }
  }
  return out;
}

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
function finish(
  cd: CompiledDocument,
  r: Pending,
  lane: number,
  trace: boolean,
  long: boolean,
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

  // Items and categories.
  const cats = cd.categories;
  const categories: CategoryResult[] = new Array(cats.length);
  let catSum = 0;
  for (let ci = 0; ci < cats.length; ci++) {
    const c = cats[ci];
    const list = c.items;
    const items: ItemResult[] = new Array(list.length);
    let sum = 0;
    let na = false;
    for (let k = 0; k < list.length; k++) {
      const it = list[k];
      const applies = it.applies;
      if (applies !== null) {
        // SPEC §9: `applies` first; an item that does not apply is not evaluated.
        let on: boolean;
        if (applies.reg >= 0) {
          const y = regs[applies.reg * lanes + lane];
          on = y === y && y !== 0;
        } else
          try {
            on = truthy(applies.fn(slots));
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
    categories[ci] = { id: c.id, label: c.label, points, maxPoints: c.maxPoints, items };
  }

  // Bonus.
  const bonusList = cd.bonusItems;
  const bonusItems: BonusItemResult[] = new Array(bonusList.length);
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
    if (x.reg >= 0) {
      const y = regs[x.reg * lanes + lane];
      on = y === y && y !== 0;
    } else
      try {
        on = truthy(x.fn(slots));
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
    if (x.reg >= 0) {
      const y = regs[x.reg * lanes + lane];
      on = y === y && y !== 0;
    } else
      try {
        on = truthy(x.fn(slots));
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
    if (x.reg >= 0) {
      const y = regs[x.reg * lanes + lane];
      on = y === y && y !== 0;
    } else
      try {
        on = truthy(x.fn(slots));
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
  const result: RegionResult = {
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
    categories,
    bonusItems,
    warnings: warnings.length === 0 ? [] : warnings.map(messageOfWarning),
  };
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

function messageOfWarning(w: Warning): string {
  return w.message;
}
