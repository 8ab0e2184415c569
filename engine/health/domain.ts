/**
 * The inputs a document allows, from its own declarations (type, min, max, enum; booleans both
 * ways; numbers unbounded where no bound is given; an optional input without a default may be
 * absent), as boxes the analysis can split, and the abstract and concrete scopes formulas are
 * evaluated in.
 */
import type { Input, RegionData, RuleDocument } from '../types.ts';
import { PREV_PREFIX, prevName, previousInputs } from '../document/v2.ts';
import { logic } from '../logic/operations.ts';
import { variablesOf } from '../logic/walk.ts';
import { evalIn, type AbstractScope } from './interpret.ts';
import { constAV, join, NULL, numAV, strAV, type AV } from './abstract.ts';

/** The values one input may take inside a box. */
export interface VarRange {
  /** 'real' and 'int' use lo..hi; 'set' uses values. */
  kind: 'real' | 'int' | 'set';
  lo: number;
  hi: number;
  values: readonly unknown[];
  /** May be absent (an optional input without a default). */
  nul: boolean;
  /** Non-absent values are in the box. */
  some: boolean;
  /** A string input without `enum`: any string (values holds the candidates tried). */
  free?: boolean;
}

export type Box = Map<string, VarRange>;

export interface Domain {
  doc: RuleDocument;
  /**
   * The inputs, then one variable per previous value (schema version 2): `prev.KEY` with the
   * input's own declaration (type, min, max, enum), absent (null) when `optional`.
   */
  inputs: Input[];
  /** The whole allowed range of each input. */
  ranges: Box;
  /** Named constants (schema version 2 `parameters`). */
  constants: Map<string, unknown>;
  /** Derived values in dependency order. */
  derived: { key: string; logic: unknown }[];
  derivedKeys: Set<string>;
  /** Number literals of the document (split points and witness candidates). */
  constantsByVar: Map<string, number[]>;
  /** Memo of inputReads / unmodelledReads per formula object. */
  reads: WeakMap<object, { inputs: string[]; unmodelled: string[] }>;
  /** The abstract scope of the whole domain (built once, its formula values memoised). */
  root?: AbstractScope;
}

const BIG = Number.MAX_VALUE;

function rangeOf(input: Input): VarRange {
  const nul = input.default === undefined && input.required === false;
  if (input.enum && input.enum.length > 0)
    return { kind: 'set', lo: 0, hi: 0, values: input.enum.map(enumValue), nul, some: true };
  if (input.type === 'boolean') return { kind: 'set', lo: 0, hi: 0, values: [false, true], nul, some: true };
  if (input.type === 'string')
    return { kind: 'set', lo: 0, hi: 0, values: ['', 'x'], nul, some: true, free: true };
  const int = input.type === 'integer';
  let lo = typeof input.min === 'number' ? input.min : -BIG;
  let hi = typeof input.max === 'number' ? input.max : BIG;
  if (int) {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
  }
  return { kind: int ? 'int' : 'real', lo, hi, values: [], nul, some: lo <= hi };
}

/** Labelled choices (schema version 2) carry their value in `value`. */
function enumValue(e: unknown): unknown {
  return e && typeof e === 'object' && 'value' in e ? (e as { value: unknown }).value : e;
}

/** The domain of a (valid) document. */
export function domainOf(doc: RuleDocument): Domain {
  const ranges: Box = new Map();
  const prevInputs: Input[] = previousInputs(doc).map((i) => {
    const { default: _default, ...rest } = i;
    return { ...rest, key: prevName(i.key), required: i.previous === 'required' };
  });
  const inputs = [...doc.inputs, ...prevInputs];
  for (const input of inputs) ranges.set(input.key, rangeOf(input));
  const constants = new Map<string, unknown>();
  const params = (doc as { parameters?: unknown }).parameters;
  if (Array.isArray(params))
    for (const p of params)
      if (p && typeof p === 'object' && typeof (p as { key?: unknown }).key === 'string')
        constants.set((p as { key: string }).key, (p as { value?: unknown }).value);
  const list = doc.derived ?? [];
  const byKey = new Map(list.map((d) => [d.key, d]));
  const derived: Domain['derived'] = [];
  const done = new Set<string>();
  const visit = (key: string, depth: number) => {
    const d = byKey.get(key);
    if (!d || done.has(key) || depth > 10_000) return;
    done.add(key);
    for (const v of variablesOf(d.logic)) visit(v, depth + 1);
    derived.push({ key: d.key, logic: d.logic });
  };
  for (const d of list) visit(d.key, 0);
  const domain: Domain = {
    doc,
    inputs,
    ranges,
    constants,
    derived,
    derivedKeys: new Set(derived.map((d) => d.key)),
    constantsByVar: new Map(),
    reads: new WeakMap(),
  };
  collectConstants(domain);
  return domain;
}

/** Number literals compared with or combined with each input, through derived values. */
function collectConstants(d: Domain): void {
  const add = (formula: unknown) => {
    const nums = [...numbersIn(formula)];
    for (const v of inputReads(d, formula)) {
      const list = d.constantsByVar.get(v) ?? [];
      for (const n of nums) if (!list.includes(n)) list.push(n);
      d.constantsByVar.set(v, list);
    }
  };
  for (const x of d.derived) add(x.logic);
  for (const c of d.doc.categories)
    for (const it of c.items) {
      add(it.logic);
      if (it.applies !== undefined) add(it.applies);
    }
  for (const list of [d.doc.vetoes, d.doc.downgrades, d.doc.caps]) for (const x of list ?? []) add(x.when);
}

function numbersIn(f: unknown, out = new Set<number>()): Set<number> {
  if (typeof f === 'number' && Number.isFinite(f)) out.add(f);
  else if (Array.isArray(f)) for (const x of f) numbersIn(x, out);
  else if (f && typeof f === 'object') for (const x of Object.values(f)) numbersIn(x, out);
  return out;
}

/** The inputs a formula reads and the names it reads that the analysis cannot model. */
function readsOf(d: Domain, formula: unknown): { inputs: string[]; unmodelled: string[] } {
  const memoable = typeof formula === 'object' && formula !== null;
  const hit = memoable ? d.reads.get(formula) : undefined;
  if (hit) return hit;
  const inputs = new Set<string>();
  const unmodelled: string[] = [];
  const seen = new Set<string>();
  const walk = (f: unknown) => {
    for (const v of variablesOf(f)) {
      if (d.ranges.has(v)) inputs.add(v);
      else if (d.constants.has(v)) continue;
      else if (d.derivedKeys.has(v)) {
        if (!seen.has(v)) {
          seen.add(v);
          walk(d.derived.find((x) => x.key === v)?.logic);
        }
      } else unmodelled.push(v);
    }
  };
  walk(formula);
  const out = { inputs: [...inputs], unmodelled };
  if (memoable) d.reads.set(formula, out);
  return out;
}

/** The inputs a formula reads, through derived values. */
export function inputReads(d: Domain, formula: unknown): string[] {
  return [...readsOf(d, formula).inputs];
}

/** Names a formula reads that the analysis cannot model (unknown or unsupported variables). */
export function unmodelledReads(d: Domain, formula: unknown): string[] {
  return [...readsOf(d, formula).unmodelled];
}

/** The abstract value of one input's range. */
export function rangeAV(r: VarRange): AV {
  let av: AV | null = null;
  if (r.some) {
    if (r.free) av = strAV('any');
    else if (r.kind === 'set') for (const v of r.values) av = av ? join(av, constAV(v)) : constAV(v);
    else av = numAV(r.lo, r.hi);
  }
  if (r.nul) av = av ? join(av, NULL) : NULL;
  return av ?? NULL;
}

/**
 * The abstract scope of a box: inputs from their ranges (those not in the box from `outside`, else
 * their whole range), constants, derived values computed lazily. */
export function abstractScope(d: Domain, box: Box, outside?: Box): AbstractScope {
  const memo = new Map<string, AV>();
  const scope: AbstractScope = {
    memo: new WeakMap(),
    get(name) {
      const r = box.get(name) ?? outside?.get(name) ?? d.ranges.get(name);
      if (r) return rangeAV(r);
      if (d.constants.has(name)) return constAV(d.constants.get(name));
      if (!d.derivedKeys.has(name)) return undefined;
      let v = memo.get(name);
      if (!v) {
        memo.set(name, NULL); // a cycle (refused by validation) reads as null here
        v = evalIn(d.derived.find((x) => x.key === name)?.logic, scope);
        memo.set(name, v);
      }
      return v;
    },
    mayBeMissing(name) {
      const r = box.get(name) ?? outside?.get(name) ?? d.ranges.get(name);
      if (r) return r.nul;
      if (d.derivedKeys.has(name)) {
        const v = scope.get(name);
        return v ? v.nul : true;
      }
      return false;
    },
  };
  return scope;
}

/** The abstract scope of the whole domain, built once per domain. */
export function rootScope(d: Domain): AbstractScope {
  return (d.root ??= abstractScope(d, d.ranges));
}

/** The data context the engine builds for `values`: inputs, constants and derived values. */
export function concreteContext(d: Domain, values: Record<string, unknown>): Record<string, unknown> | null {
  const ctx: Record<string, unknown> = Object.create(null);
  for (const [k, v] of d.constants) ctx[k] = v;
  let prev: Record<string, unknown> | undefined;
  for (const input of d.inputs) if (input.key.startsWith(PREV_PREFIX)) prev ??= Object.create(null); // the engine's `prev` object: a missing optional value absent
  for (const [k, v] of Object.entries(values))
    if (v === undefined || v === null) continue;
    else if (prev && k.startsWith(PREV_PREFIX)) prev[k.slice(PREV_PREFIX.length)] = v;
    else ctx[k] = v;
  if (prev) ctx.prev = prev;
  try {
    for (const x of d.derived) ctx[x.key] = logic.apply(x.logic as never, ctx);
  } catch {
    return null;
  }
  return ctx;
}

/**
 * The region the engine scores for an input set of the analysis: `prev.KEY` values moved to the
 * region's `previous`, absent values left out.
 */
export function regionOf(values: Record<string, unknown>, code = 'health', name = '体检'): RegionData {
  const own: Record<string, unknown> = {};
  let previous: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    if (k.startsWith(PREV_PREFIX)) (previous ??= {})[k.slice(PREV_PREFIX.length)] = v;
    else own[k] = v;
  }
  return previous ? { code, name, values: own, previous } : { code, name, values: own };
}

/** Applies a formula in a concrete context; undefined when it throws. */
export function applyIn(formula: unknown, ctx: Record<string, unknown>): unknown {
  try {
    return logic.apply(formula as never, ctx);
  } catch {
    return undefined;
  }
}
