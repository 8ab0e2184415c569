/**
 * An independent, deliberately plain implementation of SPEC section 3 (evaluation semantics),
 * written from the SPEC's text alone, without reading engine/. It exists so that the differential
 * test (differential.test.ts) can compare the engine and the CLI against a second reading of the
 * contract, the way an outside checker would.
 *
 * Formulas run on a private copy of json-logic-js (the module is a singleton; loading our own copy
 * keeps the engine's registrations and ours from overwriting each other), with the SPEC's custom
 * operations `round`, `clamp` and `interp` implemented here literally.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// ---------------------------------------------------------------------------------------------
// A private json-logic-js instance
// ---------------------------------------------------------------------------------------------

interface JsonLogicLike {
  apply(logic: unknown, data: unknown): unknown;
  truthy(value: unknown): boolean;
  add_operation(name: string, fn: (...args: any[]) => unknown): void;
}

function loadPrivateJsonLogic(): JsonLogicLike {
  const require = createRequire(import.meta.url);
  const src = readFileSync(require.resolve('json-logic-js'), 'utf8');
  const mod: { exports: any } = { exports: {} };
  // The UMD wrapper takes the CommonJS branch (`exports` is an object, `define` is undefined).
  new Function('module', 'exports', 'define', src)(mod, mod.exports, undefined);
  return mod.exports as JsonLogicLike;
}

/** json-logic-js itself, with the SPEC's custom operations (registered below). */
export const jsonLogic: JsonLogicLike = loadPrivateJsonLogic();
/** A second copy for RefOptions.unaryPlusKeepsNegativeZero (see there); never used by default. */
const quirkyLogic: JsonLogicLike = loadPrivateJsonLogic();

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/**
 * Rounds `x` to `digits` decimals, half away from zero, on the number's shortest decimal form
 * (String(x), which is JavaScript's shortest round-tripping representation): 1.005 → 1.01,
 * 2.675 → 2.68, 0.1 + 0.2 → 0.3. A number already short enough is returned as it is (so -0 stays -0,
 * which only 1 / x can tell; the SPEC does not say); a result rounded to zero is +0.
 */
export function roundHalfAway(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  if (!Number.isInteger(digits)) return NaN;
  const negative = x < 0;
  const s = String(Math.abs(x)); // "1.005", "1e-7", "1.2345e+21"
  const [mantissa, expPart] = s.split('e');
  const exp = expPart === undefined ? 0 : Number(expPart);
  const [intPart, fracPart = ''] = mantissa.split('.');
  const allDigits = intPart + fracPart;
  const pointPos = intPart.length + exp; // the decimal point sits after this many digits
  const keep = pointPos + digits; // significant digits kept
  if (keep >= allDigits.length) return x; // nothing to round away: x itself (-0 stays -0, as in the engine)
  if (keep < 0) return 0;
  let kept = BigInt(allDigits.slice(0, keep) || '0');
  if (allDigits.charCodeAt(keep) >= 53 /* '5' */) kept += 1n;
  if (kept === 0n) return 0;
  const value = Number(`${kept}e${-digits}`);
  return negative ? -value : value;
}

/**
 * `clamp` ([x, lo, hi]): x limited to [lo, hi], as min(max(x, lo), hi). The SPEC does not say what
 * lo > hi means (this gives hi) nor the sign of a zero (this gives clamp(-0, 0, 1) = +0); both as the
 * engine does.
 */
export function clampOp(x: unknown, lo: unknown, hi: unknown): number {
  return Math.min(Math.max(Number(x), Number(lo)), Number(hi));
}

/**
 * Deliberate deviations from the SPEC reading, each reproducing a known engine behaviour. They are
 * off by default; the differential test turns them on only to tell a known divergence from a new
 * one (see the report in differential.test.ts).
 */
export interface RefOptions {
  /** At an interior breakpoint x = x_i, compute y from the segment's formula (float residue) instead of returning y_i. */
  interpBreakpointByFormula?: boolean;
  /** Round the capped bonus min(cap, sum) to `precision` (can exceed a cap finer than `precision`). */
  roundCappedBonus?: boolean;
  /** `{"+": [s]}` with one argument gives parseFloat(s), so "-0" gives -0 (json-logic-js: 0 + -0 = +0). */
  unaryPlusKeepsNegativeZero?: boolean;
}
let options: RefOptions = {};
let L: JsonLogicLike = jsonLogic;

/** `interp` ([x, [[x0,y0],[x1,y1],…]]): piecewise-linear between the points, flat beyond the ends. */
export function interpOp(xIn: unknown, points: unknown): number {
  const x = Number(xIn);
  if (Number.isNaN(x) || !Array.isArray(points) || points.length === 0) return NaN;
  const pts = points as [number, number][];
  if (x <= pts[0][0]) return pts[0][1];
  const last = pts[pts.length - 1];
  if (x >= last[0]) return last[1];
  for (let i = 0; i < pts.length - 1; i++) {
    const [x0, y0] = pts[i];
    const [x1, y1] = pts[i + 1];
    if (x === x1 && !options.interpBreakpointByFormula) return y1;
    if (x >= x0 && x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return NaN;
}

// `{"round": [x]}` (no digits) is accepted by validation; the SPEC does not say what it means. We
// read it as 0 decimals, as the engine does.
for (const logic of [jsonLogic, quirkyLogic]) {
  logic.add_operation('round', (x: unknown, digits: unknown) =>
    roundHalfAway(Number(x), digits === undefined ? 0 : Number(digits)),
  );
  logic.add_operation('clamp', clampOp);
  logic.add_operation('interp', interpOp);
}
quirkyLogic.add_operation('+', (...args: unknown[]) =>
  args.length === 1
    ? parseFloat(args[0] as string)
    : args.reduce<number>((a, b) => parseFloat(a as unknown as string) + parseFloat(b as string), 0),
);

// ---------------------------------------------------------------------------------------------
// Types (only what the reference needs; documents are assumed valid)
// ---------------------------------------------------------------------------------------------

export interface RefInput {
  key: string;
  type: 'number' | 'integer' | 'boolean' | 'string';
  min?: number;
  max?: number;
  enum?: (number | boolean | string)[];
  default?: number | boolean | string;
  required?: boolean;
}
export interface RefDocument {
  precision?: number;
  inputs: RefInput[];
  derived?: { key: string; logic: unknown }[];
  categories: { id: string; maxPoints: number; items: { id: string; maxPoints: number; logic: unknown }[] }[];
  bonus?: { cap: number; items?: { id: string; logic: unknown }[] };
  downgrades?: { id: string; when: unknown; levels?: number }[];
  caps?: { id: string; when: unknown; maxGrade: string }[];
  vetoes?: { id: string; when: unknown }[];
  downgradeStacking?: 'max' | 'sum';
  grades: { id: string; min: number }[];
}
export interface RefRegionData {
  code: string;
  name: string;
  values: Record<string, unknown>;
}

export interface RefItem {
  id: string;
  points: number;
  maxPoints: number;
  raw: number;
  clamped: boolean;
}
export interface RefResult {
  region: string;
  name: string;
  total: number;
  base: number;
  bonus: number;
  scoreGrade: string;
  grade: string;
  rank: number;
  vetoes: string[];
  downgrades: string[];
  caps: string[];
  categories: { id: string; points: number; maxPoints: number; items: RefItem[] }[];
  bonusItems: { id: string; points: number; raw: number; clamped: boolean }[];
  /** The derived values (not a SPEC §4 field; the differential test compares them to the engine's trace). */
  derived: Record<string, unknown>;
}
export interface RefError {
  region: string;
  key?: string;
  item?: string;
  reason: string;
}
export interface RefEvaluation {
  results: RefResult[];
  errors: RefError[];
  warnings: { region: string; key: string }[];
}

// ---------------------------------------------------------------------------------------------
// Step 1: inputs
// ---------------------------------------------------------------------------------------------

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** A value is missing when its key is absent (or, our reading, null). */
function isMissing(values: Record<string, unknown>, key: string): boolean {
  return !hasOwn(values, key) || values[key] === undefined || values[key] === null;
}

function typeOk(type: RefInput['type'], v: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
  }
}

// ---------------------------------------------------------------------------------------------
// Steps 2–10 for one region
// ---------------------------------------------------------------------------------------------

type Scored =
  { ok: true; result: Omit<RefResult, 'rank'>; gradeIndex: number } | { ok: false; errors: RefError[] };

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Derived keys in dependency order (a derived value reads only inputs and derived values before it). */
export function derivedOrder(doc: RefDocument): { key: string; logic: unknown }[] {
  const derived = doc.derived ?? [];
  const byKey = new Map(derived.map((d) => [d.key, d]));
  const out: { key: string; logic: unknown }[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string) => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') throw new Error(`cycle at ${key}`);
    state.set(key, 'visiting');
    for (const v of varsOf(byKey.get(key)!.logic)) if (byKey.has(v)) visit(v);
    state.set(key, 'done');
    out.push(byKey.get(key)!);
  };
  for (const d of derived) visit(d.key);
  return out;
}

/** Every name a formula reads with `var` (or `missing` / `missing_some`). */
export function varsOf(logic: unknown, acc: Set<string> = new Set()): Set<string> {
  if (Array.isArray(logic)) {
    for (const l of logic) varsOf(l, acc);
  } else if (logic !== null && typeof logic === 'object') {
    const [op, args] = Object.entries(logic as Record<string, unknown>)[0] ?? [];
    if (op === 'var') {
      const name = Array.isArray(args) ? args[0] : args;
      if (typeof name === 'string') acc.add(name);
      if (Array.isArray(args)) for (const a of args.slice(1)) varsOf(a, acc);
    } else if (op === 'missing') {
      for (const a of Array.isArray(args) ? args : [args]) if (typeof a === 'string') acc.add(a);
    } else if (op === 'missing_some') {
      const list = Array.isArray(args) ? args[1] : undefined;
      if (Array.isArray(list)) for (const a of list) if (typeof a === 'string') acc.add(a);
    } else if (op !== undefined) {
      varsOf(args, acc);
    }
  }
  return acc;
}

export function scoreRegionRef(
  doc: RefDocument,
  region: RefRegionData,
  warnings: RefEvaluation['warnings'] = [],
): Scored {
  const precision = doc.precision ?? 2;
  const r = (x: number) => roundHalfAway(x, precision);
  const values = region.values ?? {};

  // 1. Inputs
  const declared = new Set(doc.inputs.map((i) => i.key));
  for (const k of Object.keys(values)) if (!declared.has(k)) warnings.push({ region: region.code, key: k });
  const data: Record<string, unknown> = Object.create(null);
  const errors: RefError[] = [];
  for (const input of doc.inputs) {
    if (isMissing(values, input.key)) {
      if (input.default !== undefined) data[input.key] = input.default;
      else if (input.required !== false)
        errors.push({ region: region.code, key: input.key, reason: 'missing' });
      continue; // an optional input without default stays absent (so {"var": [k, d]} gives d)
    }
    const v = values[input.key];
    if (!typeOk(input.type, v)) {
      errors.push({ region: region.code, key: input.key, reason: 'type' });
      continue;
    }
    if (input.min !== undefined && typeof v === 'number' && v < input.min) {
      errors.push({ region: region.code, key: input.key, reason: 'min' });
      continue;
    }
    if (input.max !== undefined && typeof v === 'number' && v > input.max) {
      errors.push({ region: region.code, key: input.key, reason: 'max' });
      continue;
    }
    if (input.enum !== undefined && !input.enum.some((e) => e === v)) {
      errors.push({ region: region.code, key: input.key, reason: 'enum' });
      continue;
    }
    data[input.key] = v;
  }
  if (errors.length > 0) return { ok: false, errors };

  // 2. Derived values, in dependency order
  for (const d of derivedOrder(doc)) data[d.key] = L.apply(d.logic, data);

  // 3. Items
  const categories: RefResult['categories'] = [];
  for (const cat of doc.categories) {
    const items: RefItem[] = [];
    for (const item of cat.items) {
      const raw = L.apply(item.logic, data);
      if (!isFiniteNumber(raw)) {
        errors.push({ region: region.code, item: item.id, reason: `not a finite number: ${String(raw)}` });
        continue;
      }
      const clampedValue = raw < 0 ? 0 : raw > item.maxPoints ? item.maxPoints : raw;
      items.push({
        id: item.id,
        points: r(clampedValue),
        maxPoints: item.maxPoints,
        raw,
        clamped: clampedValue !== raw,
      });
    }
    // 4. Category = sum of its items, rounded again
    categories.push({
      id: cat.id,
      points: r(items.reduce((s, i) => s + i.points, 0)),
      maxPoints: cat.maxPoints,
      items,
    });
  }

  // 5. Bonus items
  const bonusItems: RefResult['bonusItems'] = [];
  for (const b of doc.bonus?.items ?? []) {
    const raw = L.apply(b.logic, data);
    if (!isFiniteNumber(raw)) {
      errors.push({ region: region.code, item: b.id, reason: `bonus not a finite number: ${String(raw)}` });
      continue;
    }
    bonusItems.push({ id: b.id, points: r(raw < 0 ? 0 : raw), raw, clamped: raw < 0 });
  }
  if (errors.length > 0) return { ok: false, errors };

  // 4. Base = sum of categories, rounded again
  const base = r(categories.reduce((s, c) => s + c.points, 0));
  // 5. Bonus = min(cap, sum of bonus items)
  const bonusSum = r(bonusItems.reduce((s, b) => s + b.points, 0));
  let bonus = doc.bonus ? Math.min(doc.bonus.cap, bonusSum) : 0;
  if (options.roundCappedBonus) bonus = r(bonus);
  // 6. Total
  const total = r(base + bonus);

  // 7. Score grade: the first grade (best first) whose min ≤ total
  const grades = doc.grades;
  const lastIndex = grades.length - 1;
  let scoreIndex = grades.findIndex((g) => g.min <= total);
  if (scoreIndex < 0) scoreIndex = lastIndex;

  const when = (logic: unknown) => L.truthy(L.apply(logic, data));

  // 8. Downgrades
  const triggeredDowngrades = (doc.downgrades ?? []).filter((d) => when(d.when));
  const levels = triggeredDowngrades.map((d) => d.levels ?? 1);
  const drop =
    levels.length === 0
      ? 0
      : (doc.downgradeStacking ?? 'max') === 'sum'
        ? levels.reduce((a, b) => a + b, 0)
        : Math.max(...levels);
  let gradeIndex = Math.min(scoreIndex + drop, lastIndex);

  // 9. Caps: ceilings on the final grade
  const triggeredCaps = (doc.caps ?? []).filter((c) => when(c.when));
  for (const c of triggeredCaps) {
    const capIndex = grades.findIndex((g) => g.id === c.maxGrade);
    if (capIndex > gradeIndex) gradeIndex = capIndex;
  }

  // 10. Vetoes
  const triggeredVetoes = (doc.vetoes ?? []).filter((v) => when(v.when));
  if (triggeredVetoes.length > 0) gradeIndex = lastIndex;

  return {
    ok: true,
    gradeIndex,
    result: {
      region: region.code,
      name: region.name,
      total,
      base,
      bonus,
      scoreGrade: grades[scoreIndex].id,
      grade: grades[gradeIndex].id,
      vetoes: triggeredVetoes.map((v) => v.id),
      downgrades: triggeredDowngrades.map((d) => d.id),
      caps: triggeredCaps.map((c) => c.id),
      categories,
      bonusItems,
      derived: Object.fromEntries((doc.derived ?? []).map((d) => [d.key, data[d.key]])),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A dataset, with step 11 (ranking)
// ---------------------------------------------------------------------------------------------

export function evaluateReference(
  doc: RefDocument,
  dataset: { regions: RefRegionData[] },
  opts: RefOptions = {},
): RefEvaluation {
  const saved = [options, L] as const;
  options = opts;
  L = opts.unaryPlusKeepsNegativeZero ? quirkyLogic : jsonLogic;
  try {
    return evaluateDataset(doc, dataset);
  } finally {
    [options, L] = saved;
  }
}

function evaluateDataset(doc: RefDocument, dataset: { regions: RefRegionData[] }): RefEvaluation {
  const warnings: RefEvaluation['warnings'] = [];
  const errors: RefError[] = [];
  const scored: { result: Omit<RefResult, 'rank'>; gradeIndex: number }[] = [];
  for (const region of dataset.regions) {
    const s = scoreRegionRef(doc, region, warnings);
    if (s.ok) scored.push(s);
    else errors.push(...s.errors);
  }
  // 11. Ranking: better final grade first, then higher total; equal on both → equal rank (1, 2, 2, 4)
  const results: RefResult[] = scored.map((s) => ({
    ...s.result,
    rank:
      1 +
      scored.filter(
        (o) =>
          o.gradeIndex < s.gradeIndex || (o.gradeIndex === s.gradeIndex && o.result.total > s.result.total),
      ).length,
  }));
  return { results, errors, warnings };
}
