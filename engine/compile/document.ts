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
import type { BonusItem, Input, Item } from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { PREV_PREFIX, prevName } from '../document/v2.ts';
import { compileLogic, type Scope } from './logic.ts';
import { VmBuilder, type VmValue } from './vm.ts';
import type {
  CompiledCondition,
  CompiledDerived,
  CompiledDocument,
  CompiledItem,
  InputCheck,
  TraceRead,
} from './shapes.ts';

export type {
  CompiledCondition,
  CompiledDerived,
  CompiledDocument,
  CompiledItem,
  InputCheck,
} from './shapes.ts';

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
    itemCount: p.doc.categories.reduce((n, c) => n + c.items.length, 0),
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

/** The kind of fast test an input gets (see InputCheck.kind). */
function kindOf(input: Input): number {
  const type = ['number', 'integer', 'boolean', 'string'].indexOf(input.type);
  if (input.enum === undefined) return type;
  return type === 3 ? 4 : 5;
}
